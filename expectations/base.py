"""Building blocks shared by the suites: checks with a wirehouse severity, and suite specs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import great_expectations as gx
import polars as pl
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.metadata_types import FailureSeverity

Severity = Literal["critical", "row", "warning"]
"""`critical` stops the publish; `row` sends the offending rows to quarantine and publishes the rest;
`warning` is only recorded (a suspicion, such as two look-alike names, that must not block a run)."""

GX_SEVERITY: dict[str, FailureSeverity] = {
    "critical": FailureSeverity.CRITICAL,
    "row": FailureSeverity.WARNING,
    "warning": FailureSeverity.INFO,
}

NOT_BLANK = r"\S"
"""Regex for 'has at least one non-space character' (used with nulls filled by '')."""


@dataclass(frozen=True)
class Check:
    """One named expectation of a suite, with its wirehouse severity."""

    name: str
    severity: Severity
    expectation: Expectation
    requires: tuple[str, ...] = ()
    show: str | None = None
    """Column of the original table to sample failures from (default: the checked column)."""

    @property
    def column(self) -> str | None:
        """The column the expectation looks at."""
        return getattr(self.expectation, "column", None)


def check(name: str, severity: Severity, expectation_type: type[Expectation], *, why: str,
          requires: tuple[str, ...] = (), show: str | None = None, **kwargs: Any) -> Check:
    """A `Check` whose GX expectation carries the check name and severity (shown in the Data Docs)."""
    expectation = expectation_type(
        **kwargs,
        severity=GX_SEVERITY[severity],
        meta={"check": name, "wirehouse_severity": severity},
        notes=f"**{name}** ({severity}): {why}",
    )
    return Check(name=name, severity=severity, expectation=expectation, requires=requires, show=show)


def is_true(name: str, severity: Severity, column: str, *, why: str, show: str,
            requires: tuple[str, ...] = ()) -> Check:
    """A check that a precomputed boolean helper column is True on every row; `show` names the culprit."""
    return check(name, severity, gx.expectations.ExpectColumnValuesToBeInSet, why=why, requires=requires,
                 show=show, column=column, value_set=[True], description=f"{name} ({severity}): {why}")


def key_checks(column: str, what: str) -> list[Check]:
    """Not-null and unique checks of a table's key: critical, a broken key is a pipeline bug."""
    return [
        check(f"{column}_not_null", "critical", gx.expectations.ExpectColumnValuesToNotBeNull, column=column,
              why=f"every {what} needs its id"),
        check(f"{column}_unique", "critical", gx.expectations.ExpectColumnValuesToBeUnique, column=column,
              why=f"{column} is the primary key"),
    ]


def article_exists(name: str, what: str) -> Check:
    """No orphans: the row's article_id is in articles (needs the `article_exists` helper column)."""
    return is_true(name, "row", "article_exists", requires=("articles",), show="article_id",
                   why=f"no orphan {what}: article_id is in articles")


@dataclass(frozen=True)
class CheckContext:
    """What the suites may look at besides their own table."""

    tables: Mapping[str, pl.DataFrame]
    run_date: date
    allowed_near_duplicates: frozenset[frozenset[str]] = field(default_factory=frozenset)

    def has(self, *names: str) -> bool:
        """Whether every named table was given."""
        return all(name in self.tables for name in names)


@dataclass(frozen=True)
class SuiteSpec:
    """A suite as code: which table it validates, how to add helper columns, and its checks.

    `prepare` must keep the rows and their order (it only adds or normalises columns); `key` names
    the columns that identify a row, used to remove rejected rows from the published table.
    """

    name: str
    table: str
    key: tuple[str, ...]
    checks: Callable[[CheckContext], list[Check]]
    prepare: Callable[[pl.DataFrame, CheckContext], pl.DataFrame] = lambda frame, ctx: frame


def blank_to_empty(*columns: str) -> list[pl.Expr]:
    """Fill nulls with '' so that a null counts as empty for the not-blank regex checks."""
    return [pl.col(c).cast(pl.String).fill_null("") for c in columns]


def in_other(column: str, values: pl.Series) -> pl.Expr:
    """True where the column's value occurs in `values` (False for nulls)."""
    return pl.col(column).is_in(values.drop_nulls().unique().implode()).fill_null(False)
