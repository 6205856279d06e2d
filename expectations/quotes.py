"""The `quotes` suite: keys, link to the article, verbatim text, kind, speaker and confidence."""

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
    is_true,
    key_checks,
)

QUOTE_KINDS = ["direct", "indirect"]


def found_verbatim(frame: pl.DataFrame, articles: pl.DataFrame) -> pl.Series:
    """True where `body[start_char:end_char] == quote_text` in the quote's article (Python char offsets)."""
    bodies = dict(zip(articles["article_id"].to_list(), articles["body"].to_list(), strict=True))
    found = []
    for article_id, text, start, end in zip(
        frame["article_id"].to_list(), frame["quote_text"].to_list(),
        frame["start_char"].to_list(), frame["end_char"].to_list(), strict=True,
    ):
        body = bodies.get(article_id)
        ok = (body is not None and text is not None and start is not None and end is not None
              and 0 <= start <= end <= len(body) and body[start:end] == text)
        found.append(ok)
    return pl.Series("quote_found_in_body", found, dtype=pl.Boolean)


def is_canonical_speaker(people: pl.DataFrame) -> pl.Expr:
    """True where the speaker is NULL or exactly one of the canonical names in `people`."""
    return pl.col("speaker").is_null() | in_other("speaker", people["canonical_name"])


def prepare(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """Add the cross-table helper columns (article exists, text found in body, canonical speaker)."""
    helpers: list[pl.Expr | pl.Series] = [*blank_to_empty("quote_text", "kind")]
    if ctx.has("articles"):
        articles = ctx.tables["articles"]
        helpers += [in_other("article_id", articles["article_id"]).alias("article_exists"),
                    found_verbatim(frame, articles)]
    if ctx.has("people"):
        helpers.append(is_canonical_speaker(ctx.tables["people"]).alias("speaker_is_canonical"))
    return frame.with_columns(helpers)


def checks(ctx: CheckContext) -> list[Check]:
    """The quotes checks."""
    e = gx.expectations
    return [
        *key_checks("quote_id", "quote"),
        article_exists("quote_article_exists", "quotes"),
        check("quote_text_not_empty", "row", e.ExpectColumnValuesToMatchRegex, column="quote_text",
              regex=NOT_BLANK, why="a quote has text"),
        is_true("quote_found_verbatim", "row", "quote_found_in_body", requires=("articles",), show="quote_id",
                why="body[start_char:end_char] == quote_text in its article"),
        check("kind_valid", "row", e.ExpectColumnValuesToBeInSet, column="kind", value_set=QUOTE_KINDS,
              why="kind is 'direct' or 'indirect'"),
        is_true("speaker_is_canonical", "row", "speaker_is_canonical", requires=("people",), show="speaker",
                why="speaker is NULL or a canonical name in people, never an alias spelling"),
        check("confidence_in_range", "row", e.ExpectColumnValuesToBeBetween, column="confidence",
              min_value=0, max_value=1, why="confidence is a probability"),
    ]


SUITE = SuiteSpec(name="quotes", table="quotes", key=("quote_id",), checks=checks, prepare=prepare)
