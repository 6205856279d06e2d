"""The `events` suite: keys, link to the article, partial ISO dates, precision and actor."""

from __future__ import annotations

import great_expectations as gx
import polars as pl

from expectations.base import (
    NOT_BLANK,
    Check,
    CheckContext,
    SuiteSpec,
    article_exists,
    blank_to_empty,
    check,
    in_other,
    key_checks,
)

ISO_PARTIAL_DATE = r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"
"""YYYY, YYYY-MM or YYYY-MM-DD."""

DATE_PRECISIONS = ["day", "part_of_month", "month", "season", "year"]


def prepare(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """Add `article_exists` (with articles) and treat a NULL actor as empty."""
    helpers = [*blank_to_empty("actor")]
    if ctx.has("articles"):
        helpers.append(in_other("article_id", ctx.tables["articles"]["article_id"]).alias("article_exists"))
    return frame.with_columns(helpers)


def checks(ctx: CheckContext) -> list[Check]:
    """The events checks."""
    e = gx.expectations
    return [
        *key_checks("event_id", "event"),
        article_exists("event_article_exists", "events"),
        check("event_date_iso_partial", "row", e.ExpectColumnValuesToMatchRegex, column="event_date",
              regex=ISO_PARTIAL_DATE, why="event_date is NULL or YYYY, YYYY-MM or YYYY-MM-DD"),
        check("date_precision_valid", "row", e.ExpectColumnValuesToBeInSet, column="date_precision",
              value_set=DATE_PRECISIONS, why="date_precision is one of the temporal precisions (or NULL)"),
        check("actor_not_null", "row", e.ExpectColumnValuesToMatchRegex, column="actor", regex=NOT_BLANK,
              why="an event has an actor (NULL or blank fails)"),
        check("confidence_in_range", "row", e.ExpectColumnValuesToBeBetween, column="confidence",
              min_value=0, max_value=1, why="confidence is a probability"),
    ]


SUITE = SuiteSpec(name="events", table="events", key=("event_id",), checks=checks, prepare=prepare)
