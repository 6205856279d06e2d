"""The `articles` suite: keys, source, publication date and title."""

from __future__ import annotations

from datetime import date, datetime, time

import great_expectations as gx
import polars as pl

from expectations.base import NOT_BLANK, Check, CheckContext, SuiteSpec, blank_to_empty, check, is_true, key_checks

EARLIEST_PUBLISHED = date(1990, 1, 1)


def prepare(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """Parse `published_date` when it arrives as text and add `published_date_parses`."""
    published = pl.col("published_date")
    if frame.schema.get("published_date") == pl.String:
        parsed = published.str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    elif "published_date" in frame.columns:
        parsed = published.cast(pl.Date, strict=False)
    else:
        return frame.with_columns(*blank_to_empty("title"))
    return frame.with_columns(
        parsed.alias("published_date"),
        (published.is_null() | parsed.is_not_null()).alias("published_date_parses"),
        *blank_to_empty("title"),
    )


def checks(ctx: CheckContext) -> list[Check]:
    """The articles checks; the date window ends on the run date."""
    e = gx.expectations
    return [
        *key_checks("article_id", "article"),
        check("source_name_not_null", "critical", e.ExpectColumnValuesToNotBeNull, column="source_name",
              why="every article comes from a file"),
        check("content_hash_not_null", "critical", e.ExpectColumnValuesToNotBeNull, column="content_hash",
              why="the id and the duplicate detection rest on it"),
        check("content_hash_unique", "critical", e.ExpectColumnValuesToBeUnique, column="content_hash",
              why="exact duplicates must have been quarantined at ingest"),
        is_true("published_date_is_date", "critical", "published_date_parses",
                show="published_date", why="published_date is NULL or a real calendar date"),
        check("published_date_in_range", "row", e.ExpectColumnValuesToBeBetween, column="published_date",
              min_value=datetime.combine(EARLIEST_PUBLISHED, time()),
              max_value=datetime.combine(ctx.run_date, time()),
              why=f"published between {EARLIEST_PUBLISHED} and the run date (NULL allowed); an article "
                  "dated outside it is quarantined, the rest publishes"),
        check("title_not_empty", "row", e.ExpectColumnValuesToMatchRegex, column="title", regex=NOT_BLANK,
              why="an article without a title is quarantined"),
    ]


SUITE = SuiteSpec(name="articles", table="articles", key=("article_id",), checks=checks, prepare=prepare)
