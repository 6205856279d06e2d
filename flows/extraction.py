"""One extraction batch, importable without Prefect, so that a pool of local processes can run batches
side by side: the per-article rules are Python, and one process keeps one core busy."""

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat
from pathlib import Path

import polars as pl

import ingest
from transforms import people, stages
from transforms.duplicates import paragraph_keys
from transforms.quotemarks import speech_spans
from transforms.temporal import extract_temporal_expressions
from warehouse import workspace


def extract_batch(files: pl.DataFrame, registry: pl.DataFrame | None, spill_dir: Path, number: int) -> int:
    """Extract one batch of new or changed files (article fields, mentions, quotes, dated expressions,
    events, paragraph keys) and spill it as batch `number`; returns how many files it held."""
    known = None if registry is None else registry.lazy()
    articles = stages.read_articles(ingest.with_texts(files).lazy()).collect()
    speech = speech_spans(articles.lazy()).collect()  # for both mentions (pronouns) and quotes
    mentions = people.extract_mentions(articles.lazy(), registry=known, speech=speech.lazy()).collect()
    temporal = extract_temporal_expressions(articles.lazy()).collect()
    lazies = stages.extract_per_article(articles.lazy(), mentions.lazy(), temporal.lazy(), speech.lazy())
    lazies["paragraph_keys"] = paragraph_keys(articles.lazy())  # for re-post linking, without the bodies
    workspace.spill(spill_dir, number, dict(zip(lazies, pl.collect_all(lazies.values()), strict=True)))
    return files.height


def default_processes() -> int:
    """One extraction process per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


MIN_POOLED_BATCH = 250
"""Smallest batch worth sending to another process."""


def batch_size(files: int, batch_files: int, processes: int) -> int:
    """Files per batch: at most `batch_files` (memory), and on several processes small enough that each
    process gets about four batches, so that they finish together."""
    if processes <= 1:
        return batch_files
    return min(batch_files, max(MIN_POOLED_BATCH, -(-files // (4 * processes))))


@contextmanager
def batch_runner(processes: int) -> Iterator[Callable[..., Iterable[int]]]:
    """`map`-like runner of `extract_batch` calls: in this process, or on `processes` fresh local processes.

    They are spawned, not forked (polars' threads do not survive a fork), and run polars on one thread
    each: the processes are the parallelism. `map` submits every call, which starts the processes, while
    POLARS_MAX_THREADS is set for them.
    """
    if processes <= 1:
        yield map
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        def run(*args: Iterable) -> Iterable[int]:
            before = os.environ.get("POLARS_MAX_THREADS")
            os.environ["POLARS_MAX_THREADS"] = "1"
            try:
                return pool.map(*args)
            finally:
                if before is None:
                    os.environ.pop("POLARS_MAX_THREADS")
                else:
                    os.environ["POLARS_MAX_THREADS"] = before
        yield run


def extract_batches(batches: list[pl.DataFrame], registry: pl.DataFrame | None, spill_dir: Path,
                    processes: int) -> Iterator[int]:
    """Run `extract_batch` on every batch (batch i spilled as number i), yielding each batch's file count
    in order as it finishes; a single batch runs in this process, and so does every batch of a task that
    already runs on a worker process."""
    if multiprocessing.parent_process() is not None:
        processes = 1  # already on a worker process (Prefect's process pool, Dask): no processes of its own
    with batch_runner(min(processes, len(batches))) as run:
        yield from run(extract_batch, batches, repeat(registry), repeat(spill_dir), range(len(batches)))
