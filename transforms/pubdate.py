"""Publication date of an article, taken only from what its text states.

Evidence tiers, best first (the first tier that yields a valid date wins), with confidence:

- published label, 0.95: ``Input`` then ``2025-07-16 06:11:18`` on the next line, ``Published: July 15,
  2025``, ``Posted by Jane Doe on July 15, 2025``, ``입력 2025.07.16``, ``发布时间：2025年7月16日``
- wire dateline with a year, 0.90: ``WASHINGTON, July 15, 2025 (Reuters) -``
- byline with a date, 0.85: ``By Jane Doe | July 15, 2025``
- yearless dateline, 0.70: ``WASHINGTON, July 15 (Reuters) -`` dated with the year of an updated/header
  stamp (a stamp is never before publication, so the year is the stamp's or the one before)
- updated label, 0.75: ``Updated 2025-07-16 06:11``, ``수정 2025.07.16``
- header date line, 0.60: a line other than the first, within the first 600 characters, that is only
  a date, a date with a clock time, or a date followed by ``来源:``/``출처:``/``Source:``

What is deliberately *not* evidence: a date alone on the first line (a scraped page's
display date, e.g. ``Saturday, December 20, 2025``), dates inside running text or
citations (``Wall Street Journal ... 15 July 2025: A1.``) and copyright years
(``© 2025``). When no tier matches, ``published_date`` is NULL.
"""

from __future__ import annotations

import polars as pl

_MONTH = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_MONTH_NUMBER = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)?"
_YEAR = r"(?:19|20)[0-9]{2}"
# one date, in three shapes; group names are suffixed per shape because a regex may not reuse a name
_DATE = (
    rf"{_WEEKDAY}(?:"
    rf"(?P<y1>{_YEAR})\s*[-./년年]\s*(?P<m1>[0-9]{{1,2}})\s*[-./월月]\s*(?P<d1>[0-9]{{1,2}})(?:\s*[일日])?"
    rf"|(?P<mon2>{_MONTH})\.?\s+(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>{_YEAR})"
    rf"|(?P<d3>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon3>{_MONTH})\.?,?\s+(?P<y3>{_YEAR})"
    r")"
)
# clock time on the same line, optionally with AM/PM and an upper-case zone (case-sensitive even under (?i))
_TIME = (
    r"(?:,?[ \t]+(?:at[ \t]+)?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?"
    r"(?-i:(?:[ \t]*(?:[A-Z]{2,4}|GMT|UTC)(?:[+-][0-9:]+)?)?))"
)
# a label starts a line or follows a separator such as "|" in "By X | Published ..."
_LABEL_START = r"(?:^|[|·•])[ \t]*"
_PUBLISHED_LABEL = (
    r"(?:first\s+published|(?:published|posted)(?:\s+by\s+[^\n]{1,60}?)?(?:\s+on)?|date\s+published"
    r"|publication\s+date"
    r"|input|입력|기사입력|등록|发布时间|發布時間|发布|發布|發佈|发表于|發表於)"
)
_UPDATED_LABEL = (
    r"(?:last\s+updated|updated(?:\s+on)?|last\s+modified|modified|최종\s*수정|수정|更新时间|更新時間|更新)"
)
_AGENCY = r"(?:\([A-Za-z][A-Za-z .&-]{1,30}\)|/[A-Za-z][A-Za-z .&-]{1,30}/)"
# "WASHINGTON," / "SAN FRANCISCO, Calif.," at the start of a line
_DATELINE_CITY = (
    r"^[ \t]*[A-Z][A-Z.'-]+(?:[ ][A-Z][A-Z.'-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:[ ][A-Z][A-Za-z.]+)?)?,\s+"
)

PATTERNS: dict[str, str] = {
    "published": rf"(?im){_LABEL_START}(?P<evidence>{_PUBLISHED_LABEL}\s*[:：]?\s*{_DATE}{_TIME}?)",
    "dateline": rf"(?m)(?P<evidence>{_DATELINE_CITY}{_DATE}\s*{_AGENCY}\s*[-–—])",
    "byline": (
        rf"(?m)^[ \t]*(?P<evidence>By\s+[A-Z][^\n]{{0,79}}?(?:\s*[,|·•—–]\s*|\s*\n\s*|\s+-\s+|\s+on\s+)"
        rf"{_DATE}{_TIME}?)"
    ),
    "dateline_no_year": (
        rf"(?m)(?P<evidence>{_DATELINE_CITY}(?P<mon>{_MONTH})\.?\s+(?P<d>[0-9]{{1,2}})\s*{_AGENCY}\s*[-–—])"
    ),
    "updated": rf"(?im){_LABEL_START}(?P<evidence>{_UPDATED_LABEL}\s*[:：]?\s*{_DATE}{_TIME}?)",
    # header lines only (first 600 characters), never the first line: see the module docstring
    "header_date": (
        rf"\n[ \t]*(?P<evidence>{_DATE}(?:{_TIME}[^\n]*"
        r"|[ \t]*(?:来源|來源|출처|Source)\s*[:：][^\n]*|[ \t]*\n))"
    ),
}
# A pattern that every match of the tier's pattern contains and that is much cheaper to search for:
# texts without it skip the tier's full pattern (most texts state no date in most tiers).
PREFILTERS: dict[str, str] = {
    "published": r"(?i)publi|posted|input|입력|등록|发布|發布|發佈|发表于|發表於",
    "dateline": rf"[0-9일日]\s*{_AGENCY}\s*[-–—]",  # the end of a date, then the agency and its dash
    "dateline_no_year": rf"[0-9]\s*{_AGENCY}\s*[-–—]",
    "updated": r"(?i)updated|modified|수정|更新",
}
CONFIDENCE: dict[str, float] = {
    "published": 0.95,
    "dateline": 0.90,
    "byline": 0.85,
    "dateline_no_year": 0.70,
    "updated": 0.75,
    "header_date": 0.60,
}
HEADER_CHARS = 600
# the first tier (in this order) with a valid date wins
TIER_ORDER = ["published", "dateline", "byline", "dateline_no_year", "updated", "header_date"]


def _month_number(name: pl.Expr) -> pl.Expr:
    """Month name ('July', 'Sept.') -> 1..12, so dates can be built without a locale."""
    return (
        name.str.slice(0, 3)
        .str.to_lowercase()
        .replace_strict(_MONTH_NUMBER, default=None, return_dtype=pl.Int32)
    )


def _iso_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Build a Date from parts; impossible dates (2025-02-30) become NULL instead of raising."""
    two = {"length": 2, "fill_char": "0"}
    return pl.format(
        "{}-{}-{}", year, month.cast(pl.String).str.pad_start(**two), day.cast(pl.String).str.pad_start(**two)
    ).str.to_date("%Y-%m-%d", strict=False)


def _date_from_groups(groups: pl.Expr) -> pl.Expr:
    """The Date matched by `_DATE`, whichever of its three shapes matched."""
    f = groups.struct.field
    return _iso_date(
        pl.coalesce(f("y1"), f("y2"), f("y3")).cast(pl.Int32, strict=False),
        pl.coalesce(f("m1").cast(pl.Int32, strict=False), _month_number(pl.coalesce(f("mon2"), f("mon3")))),
        pl.coalesce(f("d1"), f("d2"), f("d3")).cast(pl.Int32, strict=False),
    )


def _evidence(date: pl.Expr, evidence: pl.Expr, tier: str) -> pl.Expr:
    """A struct(date, evidence, confidence) that is NULL when the tier found no valid date."""
    return pl.when(date.is_not_null()).then(
        pl.struct(
            date.alias("published_date"),
            evidence.str.strip_chars().alias("published_date_source"),
            pl.lit(CONFIDENCE[tier]).alias("published_date_confidence"),
        )
    )


def _tier(tier: str) -> pl.Expr:
    """Evidence of one tier whose pattern contains a full `_DATE`, from its groups and `_date_{tier}`."""
    evidence = pl.col(f"_groups_{tier}").struct.field("evidence")
    return _evidence(pl.col(f"_date_{tier}"), evidence, tier).alias(f"_{tier}")


def _groups(text: pl.Expr, tier: str) -> pl.Expr:
    """The groups of the first match of the tier's pattern; the pattern runs only on texts passing its prefilter."""
    searched = text.str.head(HEADER_CHARS) if tier == "header_date" else text
    if tier in PREFILTERS:
        searched = pl.when(text.str.contains(PREFILTERS[tier])).then(searched)
    return searched.str.extract_groups(PATTERNS[tier]).alias(f"_groups_{tier}")


def _yearless_dateline_date(year_source: pl.Expr) -> pl.Expr:
    """Date of a 'CITY, July 15 (Agency) -' dateline, in the year of a stated later stamp.

    The stamp (updated/header date) is on or after publication, so the dateline's month-day
    belongs to the stamp's year, or to the year before when it would fall after the stamp.
    """
    groups = pl.col("_groups_dateline_no_year")
    month = _month_number(groups.struct.field("mon"))
    day = groups.struct.field("d").cast(pl.Int32, strict=False)
    stamp = year_source.struct.field("published_date")
    after_stamp = (month > stamp.dt.month()) | ((month == stamp.dt.month()) & (day > stamp.dt.day()))
    year = stamp.dt.year() - after_stamp.cast(pl.Int32)
    return _iso_date(year, month, day).alias("_date_dateline_no_year")


def _yearless_dateline(year_source: pl.Expr) -> pl.Expr:
    """Evidence of the yearless dateline dated by `_yearless_dateline_date`, naming where its year came from."""
    evidence = pl.format(
        "{} (year from: {})",
        pl.col("_groups_dateline_no_year").struct.field("evidence"),
        year_source.struct.field("published_date_source"),
    )
    return _evidence(pl.col("_date_dateline_no_year"), evidence, "dateline_no_year").alias("_dateline_no_year")


def find_published_date(articles: pl.LazyFrame) -> pl.LazyFrame:
    """Add published_date/_source/_confidence from dates the text itself labels as its own."""
    text, best = pl.col("text"), pl.col("_best")
    full_date_tiers = [tier for tier in PATTERNS if tier != "dateline_no_year"]
    year_source = pl.coalesce("_updated", "_header_date")
    return (
        articles.with_columns(_groups(text, tier) for tier in PATTERNS)
        # each date is built once, as a column: `_evidence` reads it twice
        .with_columns(_date_from_groups(pl.col(f"_groups_{tier}")).alias(f"_date_{tier}") for tier in full_date_tiers)
        .with_columns(_tier(tier) for tier in full_date_tiers)
        .with_columns(_yearless_dateline_date(year_source))
        .with_columns(_yearless_dateline(year_source))
        .with_columns(pl.coalesce(f"_{tier}" for tier in TIER_ORDER).alias("_best"))
        .with_columns(
            best.struct.field("published_date").cast(pl.Date),
            best.struct.field("published_date_source").cast(pl.String),
            best.struct.field("published_date_confidence").cast(pl.Float64),
        )
        .drop(
            "_best",
            *(f"_{tier}" for tier in TIER_ORDER),
            *(f"_date_{tier}" for tier in TIER_ORDER),
            *(f"_groups_{tier}" for tier in PATTERNS),
        )
    )
