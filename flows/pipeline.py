"""The wirehouse Prefect flow: input folder -> polars transforms -> validated DuckDB warehouse."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

import expectations
import ingest
import transforms
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
    articles_loaded: int = 0
    files_quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    table_rows: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    validation_success: bool | None = None
    message: str = ""

    def runs_row(self) -> dict:
        """The row this run adds to the `runs` table."""
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "status": self.status,
            "files_seen": self.files_seen,
            "files_processed": self.files_processed,
            "articles_loaded": self.articles_loaded,
            "files_quarantined": self.files_quarantined,
            "stage_seconds": json.dumps(self.stage_seconds),
            "validation_success": self.validation_success,
            "message": self.message,
        }


class Stopwatch:
    """Times each stage of the run into the summary."""

    def __init__(self, summary: RunSummary) -> None:
        self.summary = summary

    def __call__(self, stage: str):
        summary = self.summary

        class _Timer:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                summary.stage_seconds[stage] = round(time.perf_counter() - self.t0, 4)

        return _Timer()


@task(retries=2, retry_delay_seconds=[1, 5])
def read_articles(input_dir: Path, max_bytes: int, extensions: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Discover and decode every file under the input folder; unusable ones go to quarantine."""
    return ingest.read_folder(input_dir, max_bytes=max_bytes, extensions=extensions)


@task
def parse_articles(files: pl.DataFrame) -> pl.DataFrame:
    """Title, cleaned body, byline, outlet and publication date of each new or changed file."""
    return files.lazy().pipe(transforms.parse_articles).pipe(transforms.find_published_date).collect()


@task
def extract_quotes(articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Quotes with their speakers, person mentions, and the people they resolve to."""
    return transforms.extract_quote_tables(articles.lazy())


@task
def extract_events(articles: pl.DataFrame, mentions: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Dated expressions, inferred dates and events, linked into stories across articles."""
    return transforms.extract_event_tables(articles.lazy(), mentions.lazy())


@task
def validate(tables: dict[str, pl.DataFrame], run_date: date, docs_dir: Path) -> expectations.ValidationOutcome:
    """Run every Great Expectations suite on the staged frames and build the Data Docs."""
    return expectations.validate_tables(tables, run_date, docs_dir=docs_dir)


@task(retries=2, retry_delay_seconds=[1, 5])
def load_warehouse(staging: Path, tables: dict[str, pl.DataFrame]) -> dict[str, int]:
    """Write every table into the staging file from scratch; returns the row count per table."""
    import duckdb

    with duckdb.connect(str(staging)) as con:
        store.apply_schema(con)
        for table in reversed(store.TABLES):
            con.execute(f"DELETE FROM {table}")
        return {t: store.insert_frame(con, t, tables[t]) for t in store.TABLES if t in tables}


@task(retries=2, retry_delay_seconds=[1, 5])
def publish(staging: Path, warehouse: Path) -> None:
    """Swap the staging file in atomically."""
    store.publish(staging, warehouse)


def file_accounting(files: pl.DataFrame, articles: pl.DataFrame, quarantine: pl.DataFrame,
                    run_id: str) -> pl.DataFrame:
    """file_state rows: every file seen, with what became of it."""
    loaded = files.select(
        "source_name", "content_hash", "size_bytes", "mtime",
        pl.col("content_hash").str.slice(0, 16).alias("article_id"),
    ).with_columns(pl.lit("loaded").alias("status"))
    refused = quarantine.select(
        "source_name",
        pl.when(pl.col("reason").str.starts_with("duplicate_of:")).then(pl.lit("duplicate"))
        .otherwise(pl.lit("quarantined")).alias("status"),
        pl.col("reason").str.strip_prefix("duplicate_of:").alias("article_id"),
    )
    return pl.concat([loaded, refused], how="diagonal_relaxed").with_columns(pl.lit(run_id).alias("last_run_id"))


@flow(name="wirehouse", log_prints=True)
def wirehouse_flow(
    input_dir: str,
    warehouse: str | None = None,
    max_bytes: int = ingest.DEFAULT_MAX_BYTES,
    extensions: tuple[str, ...] = ingest.DEFAULT_EXTENSIONS,
) -> RunSummary:
    """Run once over the input folder and publish a validated warehouse (or keep the last good one)."""
    logger = get_run_logger()
    target = warehouse_path(warehouse)
    summary = RunSummary(run_id=str(uuid.uuid4()), warehouse=str(target), started_at=datetime.now(UTC))
    timed = Stopwatch(summary)
    with store.writer_lock(target), store.staging_copy(target, fresh=True) as staging:
        with timed("read"):
            files, quarantine = read_articles(Path(input_dir), max_bytes, tuple(extensions))
        summary.files_seen = files.height + quarantine.height
        summary.files_processed = files.height
        logger.info("read %d files: %d decoded, %d quarantined", summary.files_seen, files.height,
                    quarantine.height)
        with timed("parse"):
            articles = parse_articles(files)
        with timed("quotes"):
            quote_tables = extract_quotes(articles)
        with timed("events"):
            event_tables = extract_events(articles, quote_tables["mentions"])
        tables = {
            "articles": event_tables.pop("articles"),
            **quote_tables,
            **event_tables,
        }
        with timed("validate"):
            outcome = validate(tables, summary.started_at.date(), sidecar(target, ".docs"))
        tables = expectations.apply_rejections(tables, outcome)
        quarantine = pl.concat(
            [quarantine.with_columns(pl.lit("files").alias("table_name")), outcome.rejected_quarantine()],
            how="diagonal_relaxed",
        ).with_columns(pl.lit(summary.run_id).alias("run_id"))
        create_markdown_artifact(markdown=expectations.summary_markdown(outcome), key="validation-summary")
        summary.validation_success = outcome.success
        summary.files_quarantined = quarantine.filter(pl.col("table_name") == "files").height
        summary.quarantine_reasons = dict(
            quarantine.group_by(pl.col("reason").str.replace(r":.*", "")).len().iter_rows()
        )
        if not outcome.success:
            summary.status = "failed"
            summary.message = "critical expectations failed: " + ", ".join(outcome.critical_failures)
            summary.finished_at = datetime.now(UTC)
            record_run(target, summary)
            logger.error(summary.message)
            return summary
        summary.status = "completed"
        summary.articles_loaded = tables["articles"].height
        summary.finished_at = datetime.now(UTC)
        record_run(target, summary)
        tables["article_sources"] = article_sources(tables["articles"], quarantine)
        tables["file_state"] = file_accounting(files, tables["articles"], quarantine, summary.run_id)
        tables["quarantine"] = quarantine
        tables["runs"] = read_run_log(target)
        tables["validations"] = outcome.records.with_columns(pl.lit(summary.run_id).alias("run_id"))
        with timed("load"):
            summary.table_rows = load_warehouse(staging, tables)
        with timed("publish"):
            publish(staging, target)
        logger.info("published %s: %s", target, summary.table_rows)
    return summary


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
    row = summary.runs_row()
    row = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
    with open(sidecar(warehouse, ".runs.jsonl"), "a", encoding="utf-8") as log:
        log.write(json.dumps(row) + "\n")


def read_run_log(warehouse: Path) -> pl.DataFrame:
    """All runs so far, for the `runs` table."""
    rows = [json.loads(line) for line in sidecar(warehouse, ".runs.jsonl").read_text().splitlines() if line]
    return pl.DataFrame(rows).with_columns(
        pl.col("started_at", "finished_at").str.to_datetime(time_zone="UTC").dt.replace_time_zone(None)
    )


def summary_dict(summary: RunSummary) -> dict:
    """JSON-friendly view of the summary."""
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(summary).items()}
