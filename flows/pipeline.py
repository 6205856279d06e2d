"""The wirehouse Prefect flow: input folder -> polars transforms -> validated DuckDB warehouse.

Incremental: only new or changed files are extracted; rows of unchanged articles are carried over
from the published warehouse, and the cross-article steps (people, canonical speakers, story links)
are recomputed over everything, so an incremental run equals a full rebuild.
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

import ingest
from flows.environment import DEFAULT_REGISTRY
from transforms import people, stages
from transforms.temporal import extract_temporal_expressions
from warehouse import store
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

    @contextmanager
    def timed(self, stage: str):
        """Record how long a stage took."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[stage] = round(time.perf_counter() - started, 4)

    def runs_row(self) -> dict:
        """The row this run adds to the `runs` table."""
        return {key: getattr(self, key) for key in (
            "run_id", "started_at", "finished_at", "status", "files_seen", "files_processed",
            "articles_loaded", "files_quarantined", "validation_success", "message",
        )} | {"stage_seconds": json.dumps(self.stage_seconds)}


@dataclass
class ChangePlan:
    """Which files need extraction, which articles are carried over, which files went away."""

    new_files: pl.DataFrame
    kept_article_ids: pl.Series
    removed: pl.DataFrame
    carried_rejections: pl.DataFrame

    @property
    def unchanged(self) -> bool:
        """Nothing to extract and nothing to drop."""
        return self.new_files.height == 0 and self.removed.height == 0


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def read_articles(input_dir: Path, max_bytes: int, extensions: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Discover and decode every file under the input folder; unusable ones go to quarantine."""
    return ingest.read_folder(input_dir, max_bytes=max_bytes, extensions=extensions)


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def read_previous(warehouse: Path) -> dict[str, pl.DataFrame]:
    """The per-article tables and file accounting of the published warehouse (empty when there is none)."""
    return store.read_tables(warehouse, (*stages.PER_ARTICLE_TABLES, "file_state", "validations", "quarantine"))


@task(cache_policy=NO_CACHE)
def plan_changes(files: pl.DataFrame, quarantine: pl.DataFrame, previous: dict[str, pl.DataFrame]) -> ChangePlan:
    """Compare content hashes with the last run: new or edited files are extracted, the rest carried over.

    A file whose article the checks refused last time is not extracted again while it is unchanged:
    its quarantine rows are carried over instead.
    """
    empty = pl.DataFrame(schema={"source_name": pl.String, "content_hash": pl.String, "status": pl.String})
    before = previous.get("file_state", empty)
    known = previous.get("articles", pl.DataFrame(schema={"article_id": pl.String}))["article_id"]
    refused_before = before.filter(pl.col("status") == "quarantined").drop_nulls("content_hash")
    unchanged_refused = files.join(refused_before.select("source_name", "content_hash"),
                                   on=["source_name", "content_hash"], how="semi")
    ids = files["content_hash"].str.slice(0, 16)
    seen = pl.concat([files.select("source_name"), quarantine.select("source_name")])
    carried = previous.get("quarantine")
    return ChangePlan(
        new_files=files.filter(~ids.is_in(known.implode())).join(
            unchanged_refused, on="source_name", how="anti"),
        kept_article_ids=ids.filter(ids.is_in(known.implode())).alias("article_id"),
        removed=before.filter(pl.col("status") != "removed").select("source_name").join(
            seen, on="source_name", how="anti"),
        carried_rejections=pl.DataFrame() if carried is None else carried.filter(
            pl.col("table_name") != "files").join(unchanged_refused.select("source_name"), on="source_name",
                                                  how="semi").drop("run_id"),
    )


@task(cache_policy=NO_CACHE)
def extract_articles(new_files: pl.DataFrame, registry: pl.DataFrame | None) -> dict[str, pl.DataFrame]:
    """Per-article extraction of new or changed files: article fields, mentions, quotes, dates, events."""
    articles = stages.read_articles(new_files.lazy()).collect()
    mentions = people.extract_mentions(articles.lazy(), registry=lazy(registry)).collect()
    temporal = extract_temporal_expressions(articles.lazy()).collect()
    lazies = stages.extract_per_article(articles.lazy(), mentions.lazy(), temporal.lazy())
    return dict(zip(lazies, pl.collect_all(lazies.values()), strict=True))


@task(cache_policy=NO_CACHE)
def resolve_people_and_stories(per_article: dict[str, pl.DataFrame],
                               registry: pl.DataFrame | None) -> dict[str, pl.DataFrame]:
    """Cross-article steps over the whole warehouse: canonical people and speakers, story links."""
    names = people.person_names(per_article["mentions"].lazy(), registry=lazy(registry)).collect()
    lazies = stages.resolve_across_articles({t: f.lazy() for t, f in per_article.items()}, names.lazy())
    return dict(zip(lazies, pl.collect_all(lazies.values()), strict=True))


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def read_registry(path: Path | None) -> pl.DataFrame | None:
    """The optional people registry (canonical names, aliases, roles) that seeds the clustering."""
    if path is None or not path.is_file():
        return None
    return pl.read_csv(path, schema=people.REGISTRY_SCHEMA)


def lazy(frame: pl.DataFrame | None) -> pl.LazyFrame | None:
    """A frame as lazy, keeping None."""
    return None if frame is None else frame.lazy()


@dataclass
class Validated:
    """The outcome of the checks: the tables to publish, the rows refused, and the per-expectation records."""

    success: bool
    critical_failures: list[str]
    tables: dict[str, pl.DataFrame]
    rejected: pl.DataFrame
    records: pl.DataFrame


@task(cache_policy=NO_CACHE)
def validate(tables: dict[str, pl.DataFrame], run_date: date, docs_dir: Path) -> Validated:
    """Run every Great Expectations suite on the staged frames, build the Data Docs, drop refused rows."""
    import expectations  # Great Expectations takes seconds to import: only runs that validate pay for it

    outcome = expectations.validate_tables(tables, run_date, docs_dir=docs_dir)
    create_markdown_artifact(markdown=expectations.summary_markdown(outcome), key="validation-summary")
    return Validated(
        success=outcome.success,
        critical_failures=outcome.critical_failures,
        tables=expectations.apply_rejections(tables, outcome),
        rejected=outcome.rejected_quarantine(),
        records=outcome.records,
    )


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def load_warehouse(staging: Path, tables: dict[str, pl.DataFrame]) -> dict[str, int]:
    """Replace the given tables in the staging file; returns the row count per table."""
    return store.replace_tables(staging, tables)


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def publish(staging: Path, warehouse: Path) -> None:
    """Swap the staging file in atomically."""
    store.publish(staging, warehouse)


def merge_batches(batches: list[dict[str, pl.DataFrame]], tables: tuple[str, ...]) -> dict[str, pl.DataFrame]:
    """One frame per table from the extraction batches (an empty run gives empty frames)."""
    if not batches:
        batches = [extract_articles.fn(pl.DataFrame(schema=ingest.FILES_SCHEMA), None)]
    return {t: pl.concat([b[t] for b in batches], how="vertical_relaxed") for t in tables}


def carry_over(previous: dict[str, pl.DataFrame], new: dict[str, pl.DataFrame],
               kept_ids: pl.Series) -> dict[str, pl.DataFrame]:
    """Per-article rows: the kept articles' rows from the last run plus the newly extracted ones."""
    merged = {}
    for table in stages.PER_ARTICLE_TABLES:
        old = previous.get(table)
        parts = [new[table]]
        if old is not None:
            parts.insert(0, old.filter(pl.col("article_id").is_in(kept_ids.implode())).select(new[table].columns))
        merged[table] = pl.concat(parts, how="vertical_relaxed").sort("article_id", maintain_order=True)
    return merged


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


def record_run(warehouse: Path, summary: RunSummary) -> None:
    """Append the run to the run log beside the warehouse (kept even when the run fails)."""
    row = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in summary.runs_row().items()}
    with open(sidecar(warehouse, ".runs.jsonl"), "a", encoding="utf-8") as log:
        log.write(json.dumps(row) + "\n")


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
) -> RunSummary:
    """Run once over the input folder and publish a validated warehouse (or keep the last good one)."""
    logger = get_run_logger()
    target = warehouse_path(warehouse)
    summary = RunSummary(run_id=str(uuid.uuid4()), warehouse=str(target), started_at=datetime.now(UTC))
    with store.writer_lock(target):
        with summary.timed("read"):
            files, quarantine = read_articles(Path(input_dir), max_bytes, tuple(extensions))
            quarantine = quarantine.with_columns(pl.lit("files").alias("table_name"))
            previous = {} if full_refresh else read_previous(target)
            known_people = read_registry(Path(registry) if registry else None)
            plan = plan_changes(files, quarantine, previous)
        summary.files_seen = files.height + quarantine.height
        summary.files_processed = plan.new_files.height
        summary.files_removed = plan.removed.height
        logger.info("%d files: %d new or changed, %d unchanged, %d quarantined, %d removed",
                    summary.files_seen, plan.new_files.height, plan.kept_article_ids.len(),
                    quarantine.height, plan.removed.height)

        quarantine = pl.concat([quarantine, plan.carried_rejections], how="diagonal_relaxed")
        fast_path = plan.unchanged and bool(previous)
        tables: dict[str, pl.DataFrame] = {}
        if fast_path:
            logger.info("nothing changed: articles and extractions are kept as they are")
            summary.validation_success = True
        else:
            with summary.timed("extract"):
                batches = [extract_articles.submit(batch, known_people)
                           for batch in plan.new_files.iter_slices(batch_files)]
                new = merge_batches([batch.result() for batch in batches], stages.PER_ARTICLE_TABLES)
            with summary.timed("resolve"):
                tables = resolve_people_and_stories(carry_over(previous, new, plan.kept_article_ids), known_people)
            with summary.timed("validate"):
                outcome = validate(tables, summary.started_at.date(), sidecar(target, ".docs"))
            summary.validation_success = outcome.success
            if not outcome.success:
                summary.status = "failed"
                summary.message = "critical expectations failed: " + ", ".join(outcome.critical_failures)
                summary.finished_at = datetime.now(UTC)
                record_run(target, summary)
                logger.error("%s; the previous warehouse is kept unchanged", summary.message)
                return summary
            tables = outcome.tables
            quarantine = pl.concat([quarantine, outcome.rejected], how="diagonal_relaxed")
            tables["validations"] = pl.concat(
                [frame for frame in (previous.get("validations"),
                                     outcome.records.with_columns(pl.lit(summary.run_id).alias("run_id")))
                 if frame is not None],
                how="diagonal_relaxed",
            )

        published = tables["articles"] if "articles" in tables else previous["articles"]
        tables["article_sources"] = article_sources(published, quarantine)
        tables["file_state"] = file_accounting(files, quarantine, plan.removed, published["article_id"],
                                               summary.run_id)
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
        # a changed run writes a fresh file; the fast path copies the last one and updates the run log tables
        with store.staging_copy(target, fresh=not fast_path) as staging:
            with summary.timed("load"):
                summary.table_rows = load_warehouse(staging, tables)
            with summary.timed("publish"):
                publish(staging, target)
        logger.info("published %s: %s", target, summary.table_rows)
    return summary


def with_task_runner(name: str, dask_address: str | None = None):
    """The flow with its extraction batches on threads (default) or on a Dask cluster (local or remote)."""
    if name == "thread":
        return wirehouse_flow
    from prefect_dask import DaskTaskRunner

    runner = DaskTaskRunner(address=dask_address) if dask_address else DaskTaskRunner(
        cluster_kwargs={"processes": True, "threads_per_worker": 1, "dashboard_address": None})
    return wirehouse_flow.with_options(task_runner=runner)
