"""The `people` and `person_aliases` suites: unique names, unambiguous aliases, no near-duplicates."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

import great_expectations as gx
import jellyfish
import polars as pl
from rapidfuzz import fuzz, utils

from expectations.base import Check, CheckContext, SuiteSpec, check, in_other, is_true

NEAR_DUPLICATE_RATIO = 85.0
"""rapidfuzz ratio (0-100, case/punctuation-insensitive) from which two full names are near-duplicates.

85, not 90: 'Scott Bessent' vs 'Scott Besant' scores 88. Names must also share the surname's metaphone.
"""

ALLOWED_NEAR_DUPLICATES: frozenset[frozenset[str]] = frozenset()
"""Pairs of canonical names known to be different people although they look alike."""

_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def surname(name: str) -> str:
    """The last word of a name, ignoring generational suffixes ('Jr.', 'III')."""
    words = re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", name)
    while len(words) > 1 and words[-1].lower() in _SUFFIXES:
        words.pop()
    return words[-1] if words else name


def allow_pairs(pairs: Iterable[Iterable[str]]) -> frozenset[frozenset[str]]:
    """Normalise an allow list of name pairs."""
    return frozenset(frozenset(pair) for pair in pairs)


def near_duplicates(names: Iterable[str],
                    allowed: frozenset[frozenset[str]] = frozenset()) -> dict[str, list[str]]:
    """Each name -> the names it nearly duplicates (same surname metaphone, name ratio >= threshold)."""
    by_sound: dict[str, list[str]] = defaultdict(list)
    for name in dict.fromkeys(n for n in names if n):
        by_sound[jellyfish.metaphone(surname(name))].append(name)
    found: dict[str, list[str]] = defaultdict(list)
    for group in by_sound.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if frozenset((a, b)) in allowed | ALLOWED_NEAR_DUPLICATES:
                    continue
                if fuzz.ratio(a, b, processor=utils.default_process) >= NEAR_DUPLICATE_RATIO:
                    found[a].append(b)
                    found[b].append(a)
    return dict(found)


def prepare_people(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """Add `near_duplicate_of`: the other canonical names this one nearly duplicates, or NULL."""
    dupes = near_duplicates(frame["canonical_name"].drop_nulls().to_list(), ctx.allowed_near_duplicates)
    near = [("; ".join(dupes[n]) if n in dupes else None) for n in frame["canonical_name"].to_list()]
    return frame.with_columns(pl.Series("near_duplicate_of", near, dtype=pl.String))


def people_checks(ctx: CheckContext) -> list[Check]:
    """The people checks."""
    e = gx.expectations
    return [
        check("person_id_unique", "critical", e.ExpectColumnValuesToBeUnique, column="person_id",
              why="person_id is the primary key"),
        check("canonical_name_not_null", "critical", e.ExpectColumnValuesToNotBeNull, column="canonical_name",
              why="every person has a canonical name"),
        check("canonical_name_unique", "critical", e.ExpectColumnValuesToBeUnique, column="canonical_name",
              why="one row per canonical person"),
        check("canonical_name_not_near_duplicate", "warning", e.ExpectColumnValuesToBeNull,
              column="near_duplicate_of", show="canonical_name",
              why=f"no two canonical names with the same surname metaphone and a name ratio >= "
                  f"{NEAR_DUPLICATE_RATIO:g} (the resolver split one person), unless allow-listed"),
    ]


def prepare_aliases(frame: pl.DataFrame, ctx: CheckContext) -> pl.DataFrame:
    """Add `canonical_count` per alias and, with `people`, whether the alias resolves cleanly."""
    helpers = [pl.col("canonical_name").drop_nulls().n_unique().over("alias").alias("canonical_count")]
    if ctx.has("people"):
        canonical = ctx.tables["people"]["canonical_name"]
        helpers += [
            in_other("canonical_name", canonical).alias("canonical_exists"),
            (~in_other("alias", canonical) | (pl.col("alias") == pl.col("canonical_name")))
            .fill_null(False).alias("alias_not_other_canonical"),
        ]
    return frame.with_columns(helpers)


def alias_checks(ctx: CheckContext) -> list[Check]:
    """The person_aliases checks."""
    e = gx.expectations
    return [
        check("alias_not_null", "row", e.ExpectColumnValuesToNotBeNull, column="alias",
              why="an alias row names the alias"),
        check("alias_maps_to_one_person", "row", e.ExpectColumnValuesToBeInSet, column="canonical_count",
              value_set=[1], show="alias", why="every alias maps to exactly one canonical person"),
        is_true("alias_canonical_exists", "row", "canonical_exists", requires=("people",),
                show="canonical_name", why="the alias points at a canonical name present in people"),
        is_true("alias_not_other_canonical", "row", "alias_not_other_canonical", requires=("people",),
                show="alias", why="an alias is not the canonical name of a different person"),
    ]


SUITE = SuiteSpec(name="people", table="people", key=("canonical_name",), checks=people_checks,
                  prepare=prepare_people)
ALIASES_SUITE = SuiteSpec(name="person_aliases", table="person_aliases", key=("alias", "canonical_name"),
                          checks=alias_checks, prepare=prepare_aliases)
