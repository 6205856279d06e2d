"""The wirehouse Prefect flow: input folder -> polars transforms -> validated DuckDB warehouse.

Incremental: only new or changed files are extracted; rows of unchanged articles are carried over
from the published warehouse, and the cross-article steps (people, canonical speakers, story links)
are recomputed over everything, so an incremental run equals a full rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
from prefect import State, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import wait

import ingest
from flows import extraction
from flows.environment import DEFAULT_REGISTRY
from transforms import people, stages
from transforms.duplicates import near_duplicate_links, paragraph_keys
from transforms.events import story_ids
from warehouse import store, workspace
from warehouse.settings import sidecar, warehouse_path


@dataclass
class RunSummary:
    """What one run did; printed by the CLI and stored in the `runs` table."""

    run_id: str
    warehouse: str
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"
    files_seen: int = 0
    files_processed: int = 0
    files_removed: int = 0
    articles_loaded: int = 0
    files_quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    table_rows: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    validation_success: bool | None = None
    message: str = ""
    registry_digest: str = ""

    @contextmanager
    def timed(self, stage: str):
        """Record how long a stage took (added up when a stage is timed in several parts)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = self.stage_seconds.get(stage, 0.0) + time.perf_counter() - started
            self.stage_seconds[stage] = round(elapsed, 4)

    def runs_row(self) -> dict:
        """The row this run adds to the `runs` table."""
        return {key: getattr(self, key) for key in (
            "run_id", "started_at", "finished_at", "status", "files_seen", "files_processed",
            "articles_loaded", "files_quarantined", "validation_success", "message", "registry_digest",
        )} | {"stage_seconds": json.dumps(self.stage_seconds)}


@dataclass
class Inputs:
    """The input folder as read: new or changed files (with text), refused files, and files whose size and
    modification time match the last run (not read again)."""

    files: pl.DataFrame
    quarantine: pl.DataFrame
    unchanged: pl.DataFrame

    def current(self) -> pl.DataFrame:
        """Every readable file now in the folder: source_name, content_hash, size_bytes, mtime."""
        columns = ["source_name", "content_hash", "size_bytes", "mtime"]
        return pl.concat([self.files.select(columns), self.unchanged.select(columns)]).sort("source_name")


@dataclass
class Previous:
    """What a run needs of the published warehouse: file accounting and article ids, not the big tables."""

    path: Path | None
    file_state: pl.DataFrame
    articles: pl.DataFrame
    quarantine: pl.DataFrame
    validations: pl.DataFrame | None
    article_sources: pl.DataFrame | None = None


@dataclass
class ChangePlan:
    """Which files need extraction, which articles are carried over, which files went away."""

    new_files: pl.DataFrame
    kept_article_ids: pl.Series
    removed: pl.DataFrame
    carried_rejections: pl.DataFrame  # rows the checks refused from unchanged files: they stay refused
    derived_rejections: pl.DataFrame  # refused rows of the cross-article tables, recomputed by a changed run

    @property
    def unchanged(self) -> bool:
        """Nothing to extract and nothing to drop."""
        return self.new_files.height == 0 and self.removed.height == 0


@dataclass
class Validated:
    """The outcome of the checks: publish or not, the rows to drop ((table, key columns) pairs), their
    quarantine rows, and the per-expectation records (None when there was nothing to check)."""

    success: bool
    critical_failures: list[str]
    refused: list[tuple[str, pl.DataFrame]]
    rejected: pl.DataFrame
    records: pl.DataFrame | None


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def read_articles(input_dir: Path, known: pl.DataFrame, max_bytes: int, extensions: tuple[str, ...],
                  texts_dir: Path) -> Inputs:
    """Discover the input folder; decode files that are new or whose size or mtime changed (their texts
    written under `texts_dir`, for extraction to read a batch at a time); unusable ones go to quarantine."""
    return Inputs(*ingest.read_changed(input_dir, known, max_bytes=max_bytes, extensions=extensions,
                                       texts_dir=texts_dir))


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def read_previous(warehouse: Path, full_refresh: bool, registry_digest: str) -> Previous:
    """File accounting, article ids and check history of the published warehouse (empty when there is none,
    and when it was made by an older wirehouse or with another registry: the run then rebuilds it)."""
    missing = [] if full_refresh or not warehouse.exists() else store.missing_columns(warehouse)
    if missing:
        get_run_logger().warning("%s lacks columns of this version (%s): rebuilding it from the input files",
                                 warehouse, ", ".join(missing))
        full_refresh = True
    elif not full_refresh and warehouse.exists() and last_registry_digest(warehouse) != registry_digest:
        get_run_logger().warning("the people registry changed since the last run: rebuilding %s", warehouse)
        full_refresh = True
    found = {} if full_refresh else store.read_tables(warehouse, ("file_state", "quarantine", "validations",
                                                                  "article_sources"))
    articles = ({} if full_refresh else store.read_tables(warehouse, ("articles",), columns="article_id, source_name"))
    return Previous(
        path=None if full_refresh or not found else warehouse,
        file_state=found.get("file_state", pl.DataFrame(schema={
            "source_name": pl.String, "content_hash": pl.String, "size_bytes": pl.Int64,
            "mtime": pl.Datetime("us"), "status": pl.String})),
        articles=articles.get("articles", pl.DataFrame(schema={"article_id": pl.String, "source_name": pl.String})),
        quarantine=found.get("quarantine", pl.DataFrame(schema={**store.QUARANTINE_ROW_SCHEMA, "run_id": pl.String})),
        validations=found.get("validations"),
        article_sources=found.get("article_sources"),
    )


def registry_digest(path: Path | None) -> str:
    """A short hash of the registry file ('' for none): extraction and clustering depend on it."""
    if path is None or not path.is_file():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def last_registry_digest(warehouse: Path) -> str | None:
    """The registry digest of the last completed run that built the warehouse (None when unknown)."""
    runs = store.read_tables(warehouse, ("runs",), columns="registry_digest, status, started_at").get("runs")
    done = None if runs is None else runs.filter(pl.col("status") == "completed").sort("started_at")
    return None if done is None or done.height == 0 else done["registry_digest"][-1]


def known_files(previous: Previous) -> pl.DataFrame:
    """Files the last run read whole (loaded, or refused by the checks): unchanged, they need not be read."""
    return previous.file_state.filter(
        pl.col("content_hash").is_not_null() & pl.col("status").is_in(["loaded", "quarantined"])
    ).select("source_name", "size_bytes", "mtime", "content_hash")


@task(cache_policy=NO_CACHE)
def plan_changes(inputs: Inputs, previous: Previous) -> ChangePlan:
    """Compare content hashes with the last run: new or edited files are extracted, the rest carried over.

    A file whose article the checks refused last time is not extracted again while it is unchanged.
    The rows the checks refused from unchanged files are not in the warehouse to be checked again, so
    their quarantine rows are carried over.
    """
    current = inputs.current()
    same = ["source_name", "content_hash"]
    unchanged = current.join(previous.file_state.drop_nulls("content_hash").select(same), on=same, how="semi")
    refused_before = previous.file_state.filter(pl.col("status") == "quarantined").drop_nulls("content_hash")
    unchanged_refused = current.join(refused_before.select(same), on=same, how="semi")
    rejections = previous.quarantine.filter(pl.col("table_name") != "files").drop("run_id")
    per_article = pl.col("table_name").is_in(stages.PER_ARTICLE_TABLES)
    known = previous.articles["article_id"].implode()
    new_ids = inputs.files["content_hash"].str.slice(0, 16)
    ids = current["content_hash"].str.slice(0, 16)
    seen = pl.concat([current.select("source_name"), inputs.quarantine.select("source_name")])
    return ChangePlan(
        new_files=inputs.files.filter(~new_ids.is_in(known)).join(
            unchanged_refused, on="source_name", how="anti"),
        kept_article_ids=ids.filter(ids.is_in(known)).unique().sort().alias("article_id"),
        removed=previous.file_state.filter(pl.col("status") != "removed").select("source_name").join(
            seen, on="source_name", how="anti"),
        carried_rejections=rejections.filter(per_article).join(unchanged.select("source_name"), on="source_name",
                                                                 how="semi"),
        derived_rejections=rejections.filter(~per_article),
    )


@task(cache_policy=NO_CACHE)
def extract_articles(new_files: pl.DataFrame, registry: pl.DataFrame | None, spill_dir: Path,
                     batch_files: int, processes: int = 1) -> int:
    """Per-article extraction of new or changed files, `batch_files` at a time on `processes` local
    processes, each batch spilled to Parquet: article fields, mentions, quotes, dated expressions,
    events. Returns the articles extracted."""
    logger = get_run_logger()
    size = extraction.batch_size(new_files.height, batch_files, processes)
    batches = [new_files.head(0)] if new_files.height == 0 else list(new_files.iter_slices(size))
    done = 0
    for files in extraction.extract_batches(batches, registry, spill_dir, processes):
        done += files
        if len(batches) > 1:
            logger.info("extracted %d of %d files", done, new_files.height)
    return done


def extract_in_parallel(new_files: pl.DataFrame, registry: pl.DataFrame | None, extracted: Path, workers: int,
                        batch_files: int, processes: int) -> None:
    """Deal the new files out to `workers` extraction tasks and wait for all of them."""
    shares = [new_files] if workers <= 1 else [new_files.gather(range(i, new_files.height, workers))
                                               for i in range(workers)]
    parts = [extract_articles.submit(share, registry, extracted / f"part-{i}", batch_files, processes)
             for i, share in enumerate(shares)]
    wait(parts)
    for part in parts:
        part.result()  # raises the first failure


@task(cache_policy=NO_CACHE)
def resolve_people_and_stories(extracted: Path, previous: Path | None, kept_ids: pl.Series,
                               registry: pl.DataFrame | None, resolved: Path, batch_articles: int) -> pl.DataFrame:
    """Cross-article steps over the whole warehouse (canonical people and speakers, re-posts, story links),
    spilled under `resolved` one batch at a time (each extraction batch, and the kept articles
    `batch_articles` at a time). Returns articles(article_id, source_name)."""
    with workspace.workspace(extracted, stages.PER_ARTICLE_TABLES, previous, kept_ids, stages.LOCAL_COLUMNS,
                             batch_articles) as work:
        # the maps over every article are made from small per-batch summaries, not from every row at once
        local = pl.concat([people.local_people(batch["mentions"].lazy()).collect()
                           for batch in work.batches(("mentions",))])
        names = people.names_of_local_people(local.lazy(), registry=lazy(registry)).collect()
        descriptions = pl.concat([stages.story_descriptions(batch["events"].lazy(), names.lazy()).collect()
                                  for batch in work.batches(("events",))])
        stories = story_ids(descriptions.lazy()).collect()
        del local, descriptions
        articles = work.frame("SELECT article_id, source_name, published_date FROM articles ORDER BY article_id")
        kept_keys = [paragraph_keys(batch["articles"].lazy()).collect()
                     for batch in work.kept_batches(("articles",))]
        keys = pl.concat([pl.read_parquet(extracted / "*" / "paragraph_keys" / "*.parquet"), *kept_keys])
        duplicates = near_duplicate_links(keys.lazy(), articles.lazy().select("article_id", "source_name")).collect()
        for number, batch in enumerate(work.batches(stages.PER_ARTICLE_TABLES)):
            final = stages.resolve_batch({t: f.lazy() for t, f in batch.items()}, names.lazy(),
                                         duplicates.lazy(), stories.lazy())
            workspace.spill(resolved, number, dict(zip(final, pl.collect_all(final.values()), strict=True)))
    tables = stages.people_tables(pl.scan_parquet(resolved / "mentions" / "*.parquet"), articles.lazy())
    workspace.spill(resolved, 0, dict(zip(tables, pl.collect_all(tables.values(), engine="streaming"), strict=True)))
    return articles.select("article_id", "source_name")


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def read_registry(path: Path | None) -> pl.DataFrame | None:
    """The optional people registry (canonical names, aliases, roles) that seeds the clustering."""
    if path is None or not path.is_file():
        return None
    return pl.read_csv(path, schema=people.REGISTRY_SCHEMA)


def lazy(frame: pl.DataFrame | None) -> pl.LazyFrame | None:
    """A frame as lazy, keeping None."""
    return None if frame is None else frame.lazy()


@task(cache_policy=NO_CACHE)
def validate(resolved: Path, run_date: date, docs_dir: Path, batch_articles: int) -> Validated:
    """Run every Great Expectations suite on the resolved tables, about `batch_articles` articles at a time,
    and build the Data Docs; refused rows are only named here, `load_warehouse` removes them."""
    if not any(store.spilled_rows(resolved, table) for table in ("articles", "people", "person_aliases")):
        return Validated(True, [], [], pl.DataFrame(schema=store.QUARANTINE_ROW_SCHEMA), None)  # nothing to check
    import expectations  # Great Expectations takes seconds to import: only runs that validate pay for it

    session = expectations.ValidationSession(run_date, docs_dir)
    people_tables = next(workspace.spilled_batches(resolved, ("people", "person_aliases")))
    session.check(people_tables)
    batches = workspace.spilled_batches(resolved, ("articles", "quotes", "events"))
    for batch in workspace.grouped(batches, batch_articles):  # each GX batch costs about 0.7 s
        session.check(batch | people_tables, only=batch)
    outcome = session.finish()
    create_markdown_artifact(markdown=expectations.summary_markdown(outcome), key="validation-summary")
    return Validated(
        success=outcome.success,
        critical_failures=outcome.critical_failures,
        refused=outcome.refused_keys(stages.PER_ARTICLE_TABLES),
        rejected=outcome.rejected_quarantine(),
        records=outcome.records,
    )


def io_failure(task: object, task_run: object, state: State) -> bool:
    """Retry a load only when a second try can pass: a file-system or DuckDB I/O error, not refused data."""
    error = state.result(raise_on_failure=False)
    return isinstance(error, (OSError, duckdb.IOException))


@task(retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=io_failure, cache_policy=NO_CACHE)
def load_resolved(staging: Path, resolved: Path) -> None:
    """Bulk-load the resolved batches into the staging file. It needs no outcome of the checks, so it runs
    beside `validate` (DuckDB on its own threads, the checks in Python); `load_warehouse` then removes
    the rows they refused."""
    store.load_spilled(staging, resolved)


@task(retries=2, retry_delay_seconds=[1, 5], retry_condition_fn=io_failure, cache_policy=NO_CACHE)
def load_warehouse(staging: Path, tables: dict[str, pl.DataFrame],
                   refused: list[tuple[str, pl.DataFrame]]) -> dict[str, int]:
    """Remove the refused rows from the staging file and replace the given tables (file accounting,
    quarantine, runs, check records); returns rows per table."""
    return store.replace_tables(staging, tables, deleted=refused)


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def publish(staging: Path, warehouse: Path) -> None:
    """Swap the staging file in atomically."""
    store.publish(staging, warehouse)


def file_accounting(files: pl.DataFrame, quarantine: pl.DataFrame, removed: pl.DataFrame,
                    published_ids: pl.Series, run_id: str) -> pl.DataFrame:
    """file_state rows: every file seen, with what became of it; files gone since the last run are `removed`."""
    article_id = pl.col("content_hash").str.slice(0, 16)
    loaded = files.select(
        "source_name", "content_hash", "size_bytes", "mtime", article_id.alias("article_id"),
        pl.when(article_id.is_in(published_ids.implode())).then(pl.lit("loaded"))
        .otherwise(pl.lit("quarantined")).alias("status"),
    )
    refused = quarantine.filter(pl.col("table_name") == "files").select(
        "source_name",
        pl.when(pl.col("reason").str.starts_with("duplicate_of:")).then(pl.lit("duplicate"))
        .otherwise(pl.lit("quarantined")).alias("status"),
        pl.col("reason").str.strip_prefix("duplicate_of:").alias("article_id"),
    )
    gone = removed.select("source_name", pl.lit("removed").alias("status"))
    return pl.concat([loaded, refused, gone], how="diagonal_relaxed").with_columns(
        pl.lit(run_id).alias("last_run_id")
    ).sort("source_name")


def article_sources(articles: pl.DataFrame, quarantine: pl.DataFrame) -> pl.DataFrame:
    """Every file an article's text came from: its own, plus exact duplicates under other names."""
    duplicates = quarantine.filter(pl.col("reason").str.starts_with("duplicate_of:")).select(
        "source_name", pl.col("reason").str.strip_prefix("duplicate_of:").alias("article_id"),
        pl.lit(False).alias("is_primary"),
    )
    primary = articles.select("source_name", "article_id", pl.lit(True).alias("is_primary"))
    return pl.concat([primary, duplicates.join(primary.select("article_id"), on="article_id", how="semi")])


def same_rows(frame: pl.DataFrame, other: pl.DataFrame | None) -> bool:
    """Whether two frames hold the same rows, in any order (columns by name)."""
    if other is None or frame.height != other.height or set(frame.columns) != set(other.columns):
        return False
    columns = sorted(frame.columns)
    return frame.select(columns).sort(columns).equals(other.select(columns).cast(frame.schema).sort(columns))


def record_run(warehouse: Path, summary: RunSummary) -> None:
    """Add the run to the run log beside the warehouse (kept even when the run fails); recording the same
    run again replaces its line, to add the stages that came after."""
    row = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in summary.runs_row().items()}
    log = sidecar(warehouse, ".runs.jsonl")
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    if lines and json.loads(lines[-1]).get("run_id") == summary.run_id:
        rewritten = log.with_name(log.name + ".tmp")
        rewritten.write_text("\n".join([*lines[:-1], json.dumps(row)]) + "\n", encoding="utf-8")
        os.replace(rewritten, log)
        return
    with open(log, "a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


def read_run_log(warehouse: Path) -> pl.DataFrame:
    """All runs so far, for the `runs` table."""
    rows = [json.loads(line) for line in sidecar(warehouse, ".runs.jsonl").read_text().splitlines() if line]
    return pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col("started_at", "finished_at").str.to_datetime(time_zone="UTC").dt.replace_time_zone(None)
    )


@flow(name="wirehouse", log_prints=True)
def wirehouse_flow(
    input_dir: str,
    warehouse: str | None = None,
    full_refresh: bool = False,
    registry: str | None = str(DEFAULT_REGISTRY),
    batch_files: int = 2000,
    max_bytes: int = ingest.DEFAULT_MAX_BYTES,
    extensions: tuple[str, ...] = ingest.DEFAULT_EXTENSIONS,
    workers: int = 1,
    batch_articles: int = 5000,
    processes: int | None = None,
) -> RunSummary:
    """Run once over the input folder and publish a validated warehouse (or keep the last good one).

    Extraction runs as `workers` tasks, each taking `batch_files` files at a time on `processes` local
    processes (default: one per core); the cross-article steps and the checks take `batch_articles`
    articles at a time. Memory is bounded by those sizes.
    """
    logger = get_run_logger()
    target = warehouse_path(warehouse)
    registry_path = Path(registry) if registry else None
    summary = RunSummary(run_id=str(uuid.uuid4()), warehouse=str(target), started_at=datetime.now(UTC),
                         registry_digest=registry_digest(registry_path))
    with store.writer_lock(target), \
            tempfile.TemporaryDirectory(prefix=target.name + ".", dir=target.parent) as spill:
        texts, extracted, resolved = (Path(spill) / part for part in ("texts", "extracted", "resolved"))
        with summary.timed("read"):
            previous = read_previous(target, full_refresh, summary.registry_digest)
            inputs = read_articles(Path(input_dir), known_files(previous), max_bytes, tuple(extensions), texts)
            known_people = read_registry(registry_path)
            plan = plan_changes(inputs, previous)
        quarantine = inputs.quarantine.with_columns(pl.lit("files").alias("table_name"))
        summary.files_seen = inputs.files.height + inputs.unchanged.height + quarantine.height
        summary.files_processed = plan.new_files.height
        summary.files_removed = plan.removed.height
        logger.info("%d files: %d new or changed, %d not read again (same size and time), %d quarantined, "
                    "%d removed", summary.files_seen, plan.new_files.height, inputs.unchanged.height,
                    quarantine.height, plan.removed.height)

        fast_path = plan.unchanged and previous.path is not None
        # on the fast path the cross-article tables are kept as they are, and so are their refused rows
        carried = [plan.carried_rejections, plan.derived_rejections] if fast_path else [plan.carried_rejections]
        quarantine = pl.concat([quarantine, *carried], how="diagonal_relaxed")
        tables: dict[str, pl.DataFrame] = {}
        refused: list[tuple[str, pl.DataFrame]] = []
        # a changed run builds a fresh staging file; the fast path copies the last one and updates the accounting
        with store.staging_copy(target, fresh=not fast_path) as staging:
            if fast_path:
                logger.info("nothing changed: articles and extractions are kept as they are")
                summary.validation_success = True
                published = previous.articles
            else:
                with summary.timed("extract"):
                    extract_in_parallel(plan.new_files, known_people, extracted, workers, batch_files,
                                        extraction.default_processes() if processes is None else processes)
                with summary.timed("resolve"):
                    published = resolve_people_and_stories(
                        extracted, previous.path, plan.kept_article_ids, known_people, resolved, batch_articles)
                bulk_load = load_resolved.submit(staging, resolved)  # beside the checks: it needs no outcome of them
                try:
                    with summary.timed("validate"):
                        outcome = validate(resolved, summary.started_at.date(), sidecar(target, ".docs"),
                                           batch_articles)
                finally:
                    with summary.timed("load"):  # the part of the bulk load the checks did not hide
                        wait([bulk_load])  # the staging file and the spill must outlive it
                summary.validation_success = outcome.success
                if not outcome.success:  # the staging file is dropped, whatever became of its load
                    summary.status = "failed"
                    summary.message = "critical expectations failed: " + ", ".join(outcome.critical_failures)
                    summary.finished_at = datetime.now(UTC)
                    record_run(target, summary)
                    logger.error("%s; the previous warehouse is kept unchanged", summary.message)
                    return summary
                bulk_load.result()  # raises if the load failed
                refused = outcome.refused
                for table, keys in refused:
                    if table == "articles":
                        published = published.join(keys, on="article_id", how="anti")
                quarantine = pl.concat([quarantine, outcome.rejected], how="diagonal_relaxed")
                history = [previous.validations, None if outcome.records is None else
                           outcome.records.with_columns(pl.lit(summary.run_id).alias("run_id"))]
                if any(frame is not None for frame in history):
                    tables["validations"] = pl.concat([f for f in history if f is not None], how="diagonal_relaxed")

            sources = article_sources(published, quarantine)
            if not (fast_path and same_rows(sources, previous.article_sources)):  # rewriting it costs seconds
                tables["article_sources"] = sources
            tables["file_state"] = file_accounting(inputs.current(), quarantine, plan.removed,
                                                   published["article_id"], summary.run_id)
            tables["quarantine"] = quarantine.with_columns(pl.lit(summary.run_id).alias("run_id"))
            summary.status = "completed"
            summary.articles_loaded = published.height
            summary.files_quarantined = tables["file_state"].filter(
                pl.col("status").is_in(["quarantined", "duplicate"])).height
            summary.quarantine_reasons = dict(
                quarantine.group_by(pl.col("reason").str.replace(r":.*", "")).len().sort("reason").iter_rows()
            )
            summary.finished_at = datetime.now(UTC)
            record_run(target, summary)
            tables["runs"] = read_run_log(target)
            with summary.timed("load"):
                summary.table_rows = load_warehouse(staging, tables, refused)
            with summary.timed("publish"):
                publish(staging, target)
            record_run(target, summary)  # with load and publish: the next run's `runs` table has them
        logger.info("published %s: %s", target, summary.table_rows)
    return summary


def with_task_runner(name: str, dask_address: str | None = None, workers: int = 1):
    """The flow with its extraction tasks on threads (default), on a local process pool (`workers`
    processes: real parallelism for the Python rules), or on a Dask cluster (local or remote)."""
    if name == "thread":
        return wirehouse_flow
    if name == "process":
        from prefect.task_runners import ProcessPoolTaskRunner

        return wirehouse_flow.with_options(task_runner=ProcessPoolTaskRunner(max_workers=workers))
    from prefect_dask import DaskTaskRunner

    runner = DaskTaskRunner(address=dask_address) if dask_address else DaskTaskRunner(
        cluster_kwargs={"processes": True, "threads_per_worker": 1, "dashboard_address": None})
    return wirehouse_flow.with_options(task_runner=runner)
