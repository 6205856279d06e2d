"""Run every suite on the staged frames with Great Expectations and sort failures by severity.

Each call builds a fresh in-memory GX context (about 0.01 s; importing GX is what costs seconds),
feeds each table to GX as a pandas frame (GX's SQL datasource over duckdb-engine is not usable),
and, when `docs_dir` is given, builds Data Docs there that work without internet access.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import great_expectations as gx
import polars as pl
from great_expectations.core.expectation_validation_result import ExpectationValidationResult
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from expectations import articles, docs, events, people, quotes
from expectations.base import Check, CheckContext, SuiteSpec
from expectations.people import allow_pairs
from warehouse.store import QUARANTINE_ROW_SCHEMA

SUITES: tuple[SuiteSpec, ...] = (
    articles.SUITE, quotes.SUITE, people.SUITE, people.ALIASES_SUITE, events.SUITE,
)
"""Every suite, in validation order; a suite runs when its table is among the given tables."""

SAMPLE_SIZE = 5
DATA_SOURCE = "wirehouse"
ROW = "__wirehouse_row"

RECORD_SCHEMA = {
    "suite": pl.String, "expectation": pl.String, "severity": pl.String, "success": pl.Boolean,
    "unexpected_count": pl.Int64, "unexpected_sample": pl.String,
}
QUARANTINE_SCHEMA = QUARANTINE_ROW_SCHEMA


@dataclass
class ValidationOutcome:
    """What the suites found: publish or not, one record per expectation, and the rows to quarantine."""

    success: bool
    records: pl.DataFrame
    critical_failures: list[str]
    rejected_rows: dict[str, pl.DataFrame]
    quarantine: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=QUARANTINE_SCHEMA))
    docs_index: Path | None = None
    seconds: float = 0.0

    def rejected_quarantine(self) -> pl.DataFrame:
        """The rejected rows as `quarantine` rows: source_name, reason, detail, table_name, row_key."""
        return self.quarantine

    def refused_keys(self, children: Iterable[str]) -> list[tuple[str, pl.DataFrame]]:
        """(table, key columns) of every row to drop: the rejected rows, and the rows of the `children`
        tables that belong to a rejected article."""
        keys = {s.table: list(s.key) for s in SUITES}
        refused = [(t, rows.select(keys[t]).unique()) for t, rows in self.rejected_rows.items() if rows.height]
        articles = self.rejected_rows.get("articles")
        if articles is not None and articles.height:
            refused += [(t, articles.select("article_id").unique()) for t in children if t != "articles"]
        return refused


@dataclass
class CheckResult:
    """One check's outcome, with the offending row positions when it is row-level."""

    suite: SuiteSpec
    check: Check
    success: bool
    unexpected_count: int | None
    sample: list[Any]
    rows: list[int]
    error: str | None = None

    @property
    def blocks_publish(self) -> bool:
        """Critical failures stop the publish, and so do checks that could not run or name no rows."""
        if self.success or self.check.severity == "warning":
            return False
        return self.check.severity == "critical" or self.error is not None or not self.rows

    def record(self) -> dict[str, Any]:
        """The `validations` table row."""
        sample = {"error": self.error} if self.error else self.sample[:SAMPLE_SIZE]
        return {
            "suite": self.suite.name, "expectation": self.check.name, "severity": self.check.severity,
            "success": self.success, "unexpected_count": self.unexpected_count,
            "unexpected_sample": json.dumps(sample, default=str, ensure_ascii=False),
        }


def make_context(docs_dir: Path | None = None) -> Any:
    """An in-memory GX context: no analytics, no progress bars, an optional local Data Docs site."""
    sites = {}
    if docs_dir is not None:
        sites["local"] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _raised(result: ExpectationValidationResult) -> str | None:
    """The exception message when GX could not evaluate the expectation."""
    info = result.exception_info or {}
    infos = [info] if "raised_exception" in info else list(info.values())
    for item in infos:
        if isinstance(item, dict) and item.get("raised_exception"):
            return str(item.get("exception_message") or "expectation raised an exception")
    return None


def run_suite(context: Any, spec: SuiteSpec, frame: pl.DataFrame, ctx: CheckContext,
              run_id: RunIdentifier, label: str = "") -> list[CheckResult]:
    """Validate one table (or one batch of it, named by `label`) against its suite; one result per check."""
    checks = [c for c in spec.checks(ctx) if ctx.has(*c.requires)]
    prepared = spec.prepare(frame.with_row_index(ROW), ctx).sort(ROW)
    if prepared.height != frame.height:
        raise ValueError(f"suite {spec.name}: prepare() changed the row count")
    columns = [c for c in dict.fromkeys(ch.column for ch in checks) if c in prepared.columns]
    batch_frame = prepared.select(columns).to_pandas()

    name = spec.name + label
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=[c.expectation for c in checks]))
    asset = context.data_sources.get(DATA_SOURCE).add_dataframe_asset(spec.table + label)
    batch = asset.add_batch_definition_whole_dataframe(spec.table + label)
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    validation = definition.run(
        batch_parameters={"dataframe": batch_frame}, run_id=run_id,
        result_format={"result_format": "COMPLETE", "partial_unexpected_count": SAMPLE_SIZE},
    )
    release_batches(context)

    by_name = {c.name: c for c in checks}
    results = []
    for res in validation.results:
        chk = by_name[res.expectation_config.meta["check"]]
        detail = res.result or {}
        error = _raised(res)
        rows = [int(i) for i in detail.get("unexpected_index_list") or []]
        sample = list(detail.get("partial_unexpected_list") or [])
        shown = chk.show or chk.column
        if shown in frame.columns and rows:
            sample = frame[shown].gather(rows[:SAMPLE_SIZE]).to_list()
        results.append(CheckResult(
            suite=spec, check=chk, success=bool(res.success) and error is None,
            unexpected_count=detail.get("unexpected_count"), sample=sample, rows=rows, error=error,
        ))
    return results


def release_batches(context: Any) -> None:
    """Drop the data the pandas data source keeps of every batch it has validated (its execution engine
    caches each one), so that validating batch by batch holds one batch, not all of them: a fresh data
    source of the same name."""
    context.data_sources.delete(DATA_SOURCE)
    context.data_sources.add_pandas(DATA_SOURCE)


def _rejected(frame: pl.DataFrame, result: CheckResult) -> pl.DataFrame:
    """The original rows a row-level check failed on, with `reason`."""
    rows = pl.Series(result.rows, dtype=pl.UInt32).implode()
    return (frame.with_row_index(ROW).filter(pl.col(ROW).is_in(rows))
            .drop(ROW).with_columns(pl.lit(f"validation:{result.check.name}").alias("reason")))


def _source_names(tables: Mapping[str, pl.DataFrame]) -> dict[str, str]:
    """article_id -> source_name, to say which input file a rejected row came from."""
    arts = tables.get("articles")
    if arts is None or not {"article_id", "source_name"} <= set(arts.columns):
        return {}
    return dict(arts.select("article_id", "source_name").drop_nulls().iter_rows())


def _quarantine_rows(table: str, rows: pl.DataFrame, spec: SuiteSpec,
                     sources: dict[str, str]) -> pl.DataFrame:
    """Rejected rows in the `quarantine` layout."""
    out = []
    for row in rows.iter_rows(named=True):
        source = row.get("source_name")
        article_ids = [row["article_id"]] if row.get("article_id") else list(row.get("article_ids") or [])
        for article_id in article_ids:
            source = source or sources.get(article_id)
        key = "|".join(str(row.get(k)) for k in spec.key)
        shown = {k: row[k] for k in ("speaker", "quote_text", "start_char", "end_char", "title", "event_date",
                                     "date_precision", "actor", "kind", "confidence", "alias") if k in row}
        out.append({
            "source_name": source or f"<{table}>", "reason": row["reason"],
            "detail": json.dumps(shown, default=str, ensure_ascii=False)[:500],
            "table_name": table, "row_key": key,
        })
    return pl.DataFrame(out, schema=QUARANTINE_SCHEMA)


class ValidationSession:
    """Validate a warehouse batch by batch in one GX context; `finish` gives one outcome for every batch.

    Row checks and key checks look at one batch at a time: keys are derived from article ids, so
    batches that split the articles cannot share a key.
    """

    def __init__(self, run_date: date, docs_dir: Path | None = None, *,
                 allowed_near_duplicates: Iterable[Iterable[str]] = ()):
        self.started = time.perf_counter()
        self.run_date = run_date
        self.allowed = allow_pairs(allowed_near_duplicates)
        self.docs_root = docs_dir.resolve() if docs_dir is not None else None
        self.context = make_context(self.docs_root)
        self.context.data_sources.add_pandas(DATA_SOURCE)
        self.run_id = RunIdentifier(run_name=f"wirehouse-{run_date.isoformat()}", run_time=datetime.now(UTC))
        self.results: list[CheckResult] = []
        self.rejected: dict[str, list[pl.DataFrame]] = {}
        self.quarantine: list[pl.DataFrame] = [pl.DataFrame(schema=QUARANTINE_SCHEMA)]
        self.batches = 0

    def check(self, tables: Mapping[str, pl.DataFrame], only: Iterable[str] | None = None) -> dict[str, pl.DataFrame]:
        """Run the suites of the given tables (or of the `only` ones, the rest being context); returns the
        rows refused by row-level checks, per table."""
        self.batches += 1
        label = "" if self.batches == 1 else f" (batch {self.batches})"
        ctx = CheckContext(tables=tables, run_date=self.run_date, allowed_near_duplicates=self.allowed)
        wanted = set(tables if only is None else only)
        results = []
        for spec in SUITES:
            if spec.table in wanted and spec.table in tables:
                results += run_suite(self.context, spec, tables[spec.table], ctx, self.run_id, label)
        self.results += results
        parts: dict[str, list[pl.DataFrame]] = {}
        for res in results:
            if not res.success and not res.blocks_publish and res.check.severity == "row":
                parts.setdefault(res.suite.table, []).append(_rejected(tables[res.suite.table], res))
        rejected = {table: pl.concat(rows, how="diagonal_relaxed") for table, rows in parts.items()}
        sources = _source_names(tables)
        specs = {s.table: s for s in SUITES}
        for table, rows in rejected.items():
            self.rejected.setdefault(table, []).append(rows)
            self.quarantine.append(_quarantine_rows(table, rows, specs[table], sources))
        return rejected

    def finish(self) -> ValidationOutcome:
        """One record per expectation over all batches, the refused rows, and the Data Docs."""
        merged: dict[tuple[str, str], list[CheckResult]] = {}
        for res in self.results:
            merged.setdefault((res.suite.name, res.check.name), []).append(res)
        records = [_merged_record(parts) for parts in merged.values()]
        critical = list(dict.fromkeys(f"{r.suite.name}.{r.check.name}" for r in self.results if r.blocks_publish))
        index = None
        if self.docs_root is not None:
            self.context.build_data_docs()
            suites = dict.fromkeys(r.suite.name for r in self.results)
            passed = {s: all(r.success for r in self.results if r.suite.name == s) for s in suites}
            index = docs.make_offline(self.docs_root, passed.items())
        return ValidationOutcome(
            success=not critical,
            records=pl.DataFrame(records, schema=RECORD_SCHEMA),
            critical_failures=critical,
            rejected_rows={t: pl.concat(parts, how="diagonal_relaxed") for t, parts in self.rejected.items()},
            quarantine=pl.concat(self.quarantine),
            docs_index=index,
            seconds=round(time.perf_counter() - self.started, 3),
        )


def _merged_record(parts: list[CheckResult]) -> dict[str, Any]:
    """The `validations` row of one check run on several batches: failed if any batch failed."""
    failing = [p for p in parts if not p.success]
    record = (failing or parts)[0].record()
    counts = [p.unexpected_count for p in parts if p.unexpected_count is not None]
    return record | {"success": not failing, "unexpected_count": sum(counts) if counts else None}


def validate_tables(tables: dict[str, pl.DataFrame], run_date: date, docs_dir: Path | None = None, *,
                    allowed_near_duplicates: Iterable[Iterable[str]] = ()) -> ValidationOutcome:
    """Run every suite whose table is given, in one batch; build offline Data Docs in `docs_dir` when given."""
    session = ValidationSession(run_date, docs_dir, allowed_near_duplicates=allowed_near_duplicates)
    session.check(tables)
    return session.finish()


def apply_rejections(tables: dict[str, pl.DataFrame], outcome: ValidationOutcome) -> dict[str, pl.DataFrame]:
    """The tables without the rejected rows, nor rows of other tables pointing at a rejected article."""
    children = [name for name, frame in tables.items() if "article_id" in frame.columns]
    out = dict(tables)
    for table, keys in outcome.refused_keys(children):
        if table in out:
            out[table] = out[table].join(keys, on=keys.columns, how="anti", maintain_order="left")
    return out


def summary_markdown(outcome: ValidationOutcome) -> str:
    """A markdown summary (verdict line and one table row per expectation) for a Prefect artifact."""
    verdict = "passed" if outcome.success else "FAILED (publish stopped)"
    rejected = ", ".join(f"{t}: {f.height}" for t, f in outcome.rejected_rows.items()) or "none"
    lines = [
        f"**Validation {verdict}** in {outcome.seconds:.2f} s",
        "",
        f"- critical failures: {', '.join(outcome.critical_failures) or 'none'}",
        f"- rows sent to quarantine: {rejected}",
        "",
        "| suite | expectation | severity | result | unexpected | sample |",
        "|---|---|---|---|---:|---|",
    ]
    for row in outcome.records.iter_rows(named=True):
        result = "pass" if row["success"] else "**FAIL**"
        count = "" if row["unexpected_count"] is None else str(row["unexpected_count"])
        sample = "" if row["success"] else _md_cell(row["unexpected_sample"] or "")
        cells = [row["suite"], row["expectation"], row["severity"], result, count, sample]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _md_cell(text: str, limit: int = 80) -> str:
    """Text safe for one markdown table cell."""
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
