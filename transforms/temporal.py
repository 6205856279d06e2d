"""Date expressions in article bodies, resolved only against the article's stated publication date.

Two steps:

1. `_scan_dates` (per article, Python `re` because offsets must be Python character
   offsets and some patterns need look-around) finds non-overlapping spans, most specific
   pattern first, and records what the text states (year/month/day, "last", "this year",
   ...) plus a `rule` saying how the missing parts would be completed from the anchor.
2. `_resolve` (polars expressions) completes each span from `published_date`. Absolute
   dates are normalised by `dateparser` (`_parse_absolute`). A span whose rule needs an
   anchor while the article has none keeps value NULL and says why in `reason`.

Rules (anchor = published_date; "past" unless a future cue such as "will" or "scheduled"
precedes the span in its clause):

- absolute (July 15, 2025 / in 2022): nothing to complete.
- nearest (in April / July 15): the anchor's year, or the year before when that would start more
  than 31 days after the anchor; with a future cue, the first occurrence not before the anchor.
- year_shift (in March this year / last year): anchor year + shift.
- before_anchor (last June): the latest June strictly before the anchor's month.
- after_anchor (next June): the first June strictly after the anchor's month.
- month_of_anchor (on the 15th): the anchor's month, or the month before when the day is after the
  anchor's day (future cue: the month after when the day is before it).
- month_shift (last month), day_shift (yesterday): anchor + shift.
- weekday (on Tuesday / last Tuesday / next Tuesday): the latest such weekday on or before the anchor
  (strictly before for "last"; the first after for "next" or a future cue).

Precision follows the gold annotations: "in mid-April" is a `month` with `part` = 'mid'.
A season keeps the ISO partial contract: value = its first month (`summer 2024` -> `2024-06`,
precision `season`, part `summer`; northern-hemisphere meteorological seasons).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

import polars as pl
from dateparser.date import DateDataParser

TEMPORAL_COLUMNS = [
    "article_id", "expression", "start_char", "end_char", "value", "date_value",
    "precision", "anchor_date", "reason", "part",
]  # fmt: skip

_SPAN = pl.Struct(
    {
        "expression": pl.String,
        "start_char": pl.Int64,
        "end_char": pl.Int64,
        "date_text": pl.String,
        "year": pl.Int32,
        "month": pl.Int32,
        "day": pl.Int32,
        "rule": pl.String,
        "shift": pl.Int32,
        "future": pl.Boolean,
        "precision": pl.String,
        "part": pl.String,
    }
)

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]  # fmt: skip
_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_ANY = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)(?!\w)"
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY_NAME = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19|20)\d{2}"
_LOCAL_TIME = r"(?:\s*\((?:local\s+time|현지\s*시간|当地时间|當地時間)\))?"
_ORD = r"(?:st|nd|rd|th)?"
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SEASON = r"(?P<season>spring|summer|autumn|fall|winter)"
# what may follow "on the 15th" for it to be a date: punctuation, the end, or a function word
# (not a noun: "the 15th century", "the 5th floor", "by the 3rd quarter")
_DAY_FOLLOWS = (
    r"(?=\s*(?:[,.;:!?)(\"”’—–-]|$)|\s+(?:and|or|at|in|on|when|that|to|after|before|as|with|while|but|"
    r"of\s+(?:this|last|next)\s+month|local)\b)"
)
# prepositions kept in an expression ("since 2022" is not "in 2022"); some shapes require one
PREPOSITIONS = r"on|in|since|from|until|till|by|before|after|during|through|throughout|as\s+of|starting"
_DAY_PREPOSITIONS = r"on|since|from|until|till|by|before|after"
_FUTURE_CUE = re.compile(
    r"\b(?:will|shall|would\s+be\s+held|is\s+set\s+to|are\s+set\s+to|scheduled|plans?\s+to|planned\s+for"
    r"|(?:is|are)\s+expected\s+to|upcoming|(?:is|are)\s+due)\b|'ll\b|예정|오는|将|將",
    re.IGNORECASE,
)
NEAREST_SLACK_DAYS = 31
_CLAUSE_END = re.compile(r"[.!?;\n\"“”]")
_PREFIX_WINDOW = 40


@dataclass(frozen=True)
class _Pattern:
    """One date shape: its core regex, what may precede it, how to complete it, and its precision.

    Cores start with a required token (a month name, a digit, a keyword) so the scan stays fast;
    optional words before the core (preposition, weekday, early/mid/late, 'the') are added by
    `prefix`, a regex anchored at the core's start. `needs_preposition` rejects a core without
    one ("April" alone may be a name; "in April" is a date). `not_after` is what must not touch
    the core on its left (digits before '2025-07-15', 'Black' before 'Friday'); `word_start`
    stands for a leading `\b` (checked after the match: a leading `\b` would defeat the regex
    engine's first-character scan). A pattern only runs on bodies that contain one of its
    lower-case `needles`. A `lowercase` pattern is written in lower case and runs on the
    lower-cased body (same offsets), which is much faster than a case-insensitive regex.
    """

    regex: re.Pattern[str]
    rule: str
    precision: str
    shift: int = 0
    prefix: re.Pattern[str] | None = None
    needs_preposition: bool = False
    not_after: re.Pattern[str] | None = None
    word_start: bool = False
    needles: tuple[str, ...] = ()
    lowercase: bool = False


def _p(
    core: str,
    rule: str,
    precision: str,
    shift: int = 0,
    *,
    preps: str | None = None,
    needs_preposition: bool = False,
    weekday: bool = False,
    part: bool = False,
    the: bool = False,
    not_after: str | None = None,
    needles: tuple[str, ...] = (),
    lowercase: bool = False,
) -> _Pattern:
    """Compile a `_Pattern` (month names are case-sensitive: 'May' is a month, 'may' a verb)."""
    word_start = core.startswith(r"\b")
    prefix = "".join(
        [
            rf"(?:\b(?P<prep>(?i:{preps}))\s+)?" if preps else "",
            rf"(?:\b{_WEEKDAY_NAME},?\s+)?" if weekday else "",
            r"(?:\b(?P<part>(?i:early|mid|late))[- ](?:in\s+)?)?" if part else "",
            r"(?:\b(?i:the)\s+)?" if the else "",
        ]
    )
    return _Pattern(
        re.compile(core.removeprefix(r"\b")),
        rule,
        precision,
        shift,
        re.compile(prefix + r"\Z") if prefix else None,
        needs_preposition,
        re.compile(not_after + r"\Z") if not_after else None,
        word_start,
        needles,
        lowercase,
    )


def _relative_words() -> list[_Pattern]:
    """English/Korean/Chinese words that are dates only relative to the anchor (lower-case patterns)."""
    table = [
        (r"yesterday\b|어제|昨天|昨日", "day_shift", "day", -1),
        (r"today\b(?!'s\s+(?:world|market|economy))|오늘(?!날)|今天", "day_shift", "day", 0),
        (r"tomorrow\b|내일|明天", "day_shift", "day", 1),
        (r"last\s+month\b|지난\s*달|上个月|上個月|上月", "month_shift", "month", -1),
        (r"this\s+month\b|이번\s*달|이달|本月|这个月|這個月", "month_shift", "month", 0),
        (r"next\s+month\b|다음\s*달|下个月|下個月", "month_shift", "month", 1),
        (r"last\s+year\b|지난해|작년|去年", "year_shift", "year", -1),
        (r"this\s+year\b|올해|금년|今年", "year_shift", "year", 0),
        (r"next\s+year\b|내년|明年", "year_shift", "year", 1),
    ]
    needles = ("yesterday", "today", "tomorrow", "month", "year", "어제", "오늘", "내일", "달", "해", "년",
               "昨", "今", "明", "月")  # fmt: skip
    return [
        _p(rf"\b(?:{rx})", rule, precision, shift, needles=needles, lowercase=True)
        for rx, rule, precision, shift in table
    ]


_DIGIT_BEFORE = r"[\d.,$€£¥-]"
_M = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_S = ("spring", "summer", "autumn", "fall", "winter")
_PARTED_WORDS = ("early-", "mid-", "late-")
_PARTED = r"(?:(?P<part>(?i:early|mid|late))[- ])?"
# most specific first: a later pattern never overlaps a span an earlier one took
PATTERNS: list[_Pattern] = [
    # full dates: (on) (Tuesday,) July 15, 2025 / (the) 15 July 2025 / 2025-07-15 / 2025년 7월 15일
    # / 2025年7月15日
    _p(rf"\b(?P<date>{_MONTH_ANY}\s+\d{{1,2}}{_ORD},?\s+{_YEAR})\b{_LOCAL_TIME}", "absolute", "day",
       preps=PREPOSITIONS, weekday=True, needles=_M),
    _p(rf"\b(?P<date>\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH_ANY},?\s+{_YEAR})\b{_LOCAL_TIME}", "absolute", "day",
       preps=PREPOSITIONS, weekday=True, the=True, needles=_M),
    _p(rf"(?P<date>{_YEAR}([-./])\d{{1,2}}\2\d{{1,2}})(?![\d.]*\d)", "absolute", "day", preps=PREPOSITIONS,
       not_after=_DIGIT_BEFORE),
    _p(rf"(?P<date>{_YEAR}\s*[년年]\s*\d{{1,2}}\s*[월月]\s*\d{{1,2}}\s*[일日号號]){_LOCAL_TIME}",
       "absolute", "day", not_after=r"\d", needles=("년", "年")),
    # month and year: (in) (mid-)July 2025 / 2025년 7월 / 2025年7月; seasons: (in) (the) summer (of) 2024
    _p(rf"\b(?P<date>{_MONTH_ANY},?\s+(?:of\s+)?{_YEAR})\b", "absolute", "month",
       preps=PREPOSITIONS, part=True, needles=_M),
    _p(rf"(?P<date>{_YEAR}\s*[년年]\s*\d{{1,2}}\s*[월月])(?!\s*\d)", "absolute", "month", not_after=r"\d",
       needles=("년", "年")),
    _p(rf"\b{_SEASON}\s+(?:of\s+)?(?P<y>{_YEAR})\b", "absolute", "season", preps=PREPOSITIONS, the=True,
       needles=_S, lowercase=True),
    # month and day, year from the anchor: (on) July 15 / (the) 15 July / 7월 15일 / 7月15日
    _p(rf"\b(?P<mon>{_MONTH_ANY})\s+(?P<d>\d{{1,2}}){_ORD}\b(?!,?\s*\d){_LOCAL_TIME}", "nearest", "day",
       preps=PREPOSITIONS, weekday=True, needles=_M),
    _p(rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MONTH_ANY})(?![\w,]*\s*\d){_LOCAL_TIME}",
       "nearest", "day", preps=PREPOSITIONS, the=True, needles=_M),
    _p(rf"(?P<m>\d{{1,2}})\s*[월月]\s*(?P<d>\d{{1,2}})\s*[일日号號]{_LOCAL_TIME}", "nearest", "day",
       not_after=r"[\d년年]", needles=("월", "月")),
    # month + this/last/next year: in March this year / In January this year / 올해 3월 / 去年3月
    *[
        _p(rf"\b(?P<mon>{_MONTH_FULL})\s+(?:of\s+)?(?i:{word})\s+year\b", "year_shift", "month", shift,
           preps=PREPOSITIONS, part=True, needles=("year",))
        for word, shift in (("this", 0), ("last", -1), ("next", 1))
    ],
    *[
        _p(rf"(?:{words})\s*(?P<m>\d{{1,2}})\s*[월月](?!\s*\d)", "year_shift", "month", shift,
           needles=tuple(words.split("|")))
        for words, shift in (("올해|금년|今年", 0), ("지난해|작년|去年", -1), ("내년|明年", 1))
    ],
    # last/this/next + month name: last June / this March / 지난 6월
    _p(rf"\b(?i:last|past)\s+{_PARTED}(?P<mon>{_MONTH_FULL})\b(?!\s+\d)", "before_anchor", "month",
       preps=PREPOSITIONS, needles=("last", "past")),
    _p(rf"\b(?i:this)\s+{_PARTED}(?P<mon>{_MONTH_FULL})\b(?!\s+\d)", "year_shift", "month",
       preps=PREPOSITIONS, needles=("this",)),
    _p(rf"\b(?i:next|coming)\s+{_PARTED}(?P<mon>{_MONTH_FULL})\b(?!\s+\d)", "after_anchor", "month",
       preps=PREPOSITIONS, needles=("next", "coming")),
    _p(r"지난\s*(?P<m>\d{1,2})\s*월(?!\s*\d)", "before_anchor", "month", needles=("지난",)),
    _p(r"다음\s*(?P<m>\d{1,2})\s*월(?!\s*\d)", "after_anchor", "month", needles=("다음",)),
    # day of month only: on the 15th (local time) / 15일(현지시간) / 15日
    _p(rf"\bthe\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)\b{_DAY_FOLLOWS}{_LOCAL_TIME}", "month_of_anchor", "day",
       preps=_DAY_PREPOSITIONS, needs_preposition=True),
    _p(r"(?P<d>\d{1,2})\s*일(?:\s*\(현지\s*시간\))?(?!\s*(?:간|동안|째|\d))",
       "month_of_anchor", "day", not_after=r"[\d월月.,]", needles=("일",)),
    _p(r"(?P<d>\d{1,2})\s*日(?:\s*\((?:当地时间|當地時間)\))?", "month_of_anchor", "day",
       not_after=r"[\d月.,]", needles=("日",)),
    # month alone, after a preposition: in April / in mid-April / since June; 4월 / 4月
    _p(rf"\b(?P<mon>{_MONTH_FULL})\b(?!\s+\d)", "nearest", "month",
       preps=PREPOSITIONS, needs_preposition=True, part=True, needles=_M),
    _p(rf"\b(?P<part>(?i:early|mid|late))-(?P<mon>{_MONTH_FULL})\b(?!\s+\d)", "nearest", "month",
       needles=_PARTED_WORDS),
    _p(r"(?P<m>\d{1,2})\s*월(?!\s*\d)", "nearest", "month", not_after=r"[\d년年.,]",
       needles=("월",)),
    _p(r"(?P<m>\d{1,2})\s*月(?!\s*\d)", "nearest", "month", not_after=r"[\d年.,]", needles=("月",)),
    # seasons relative to the anchor's year: this summer / last winter
    *[
        _p(rf"\b(?:{word})\s+{_SEASON}\b", "year_shift", "season", shift, preps=PREPOSITIONS, needles=_S,
           lowercase=True)
        for word, shift in (("this", 0), ("last|past", -1), ("next|coming", 1))
    ],
    # years, after a preposition: in 2022 / since 2022 / by mid-2024; mid-2024; 2022년 / 2022年
    _p(rf"\b(?P<y>{_YEAR})\b(?![-./]\d|\s*%)", "absolute", "year", preps=PREPOSITIONS, needs_preposition=True,
       part=True),
    _p(rf"\b(?P<part>early|mid|late)-(?P<y>{_YEAR})\b", "absolute", "year", preps=PREPOSITIONS,
       needles=_PARTED_WORDS, lowercase=True),
    _p(rf"(?P<y>{_YEAR})\s*[년年](?!\s*\d)", "absolute", "year", not_after=_DIGIT_BEFORE,
       needles=("년", "年")),
    *_relative_words(),
    # weekdays: (on) Tuesday / last Tuesday / next Tuesday (not Black Friday)
    _p(rf"\b(?i:last)\s+(?P<wd>{_WEEKDAY_NAME})\b", "weekday", "day", -1, needles=("day",)),
    _p(rf"\b(?i:next|coming)\s+(?P<wd>{_WEEKDAY_NAME})\b", "weekday", "day", 1, needles=("day",)),
    _p(rf"\b(?P<wd>{_WEEKDAY_NAME})\b", "weekday", "day", preps="on|since|until|by", needles=("day",),
       not_after=r"\b(?:Black|Cyber|Super|Good)\s+"),
]  # fmt: skip


def _group(match: re.Match[str] | None, name: str) -> str | None:
    """A named group's text, or None when there is no match, no such group, or it did not take part."""
    return match.groupdict().get(name) if match else None


def _month_of(match: re.Match[str]) -> int | None:
    """Month number stated by a match: a name (`mon`), a number (`m`) or a season (`season`)."""
    if name := _group(match, "mon"):
        return next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(name.rstrip(".").lower()[:3]))
    if number := _group(match, "m"):
        return int(number)
    if season := _group(match, "season"):
        return _SEASONS[season.lower()]
    return None


def _has_future_cue(body: str, start: int) -> bool:
    """Whether the clause just before a span (up to 60 characters) says the event is still to come."""
    window = body[max(0, start - 60) : start]
    clause_starts = [m.end() for m in _CLAUSE_END.finditer(window)]
    return bool(_FUTURE_CUE.search(window[clause_starts[-1] if clause_starts else 0 :]))


def _with_prefix(body: str, match: re.Match[str], pattern: _Pattern) -> tuple[int, re.Match[str] | None]:
    """Start of the expression once the words allowed before the core are added, and their match.

    The start is -1 when the core must be rejected: a required preposition is missing, or a
    forbidden left neighbour is present.
    """
    start = match.start()
    window = max(0, start - _PREFIX_WINDOW)
    if (
        pattern.word_start
        and start
        and body[start].isascii()
        and (body[start - 1].isalnum() or body[start - 1] == "_")
    ):
        return -1, None
    if pattern.not_after and pattern.not_after.search(body, window, start):
        return -1, None
    prefix = pattern.prefix.search(body, window, start) if pattern.prefix else None
    if pattern.needs_preposition and not _group(prefix, "prep"):
        return -1, None
    return (prefix.start() if prefix else start), prefix


def _span(
    body: str, start: int, match: re.Match[str], prefix: re.Match[str] | None, pattern: _Pattern
) -> dict:
    """One `_SPAN` struct: what the text states from `start` to the core's end, and how to complete it."""
    year, day, weekday = _group(match, "y"), _group(match, "d"), _group(match, "wd")
    season, part = _group(match, "season"), _group(match, "part") or _group(prefix, "part")
    return {
        "expression": body[start : match.end()],
        "start_char": start,
        "end_char": match.end(),
        "date_text": _group(match, "date"),
        "year": int(year) if year else None,
        "month": _month_of(match),
        "day": _WEEKDAYS.index(weekday.lower()) + 1 if weekday else int(day) if day else None,
        "rule": pattern.rule,
        "shift": pattern.shift,
        "future": _has_future_cue(body, start),
        "precision": pattern.precision,
        "part": season.lower().replace("fall", "autumn") if season else part.lower() if part else None,
    }


def _scan_dates(body: str) -> list[dict[str, object]]:
    """All date expressions of one article body, most specific pattern first, without overlaps."""
    taken: list[tuple[int, int]] = []
    spans: list[dict[str, object]] = []
    lower = body.lower()
    same_offsets = len(lower) == len(body)  # lower() may change lengths ("İ"); then: case-insensitive regex
    for pattern in PATTERNS:
        if pattern.needles and not any(needle in lower for needle in pattern.needles):
            continue
        text, regex = body, pattern.regex
        if pattern.lowercase:
            text, regex = (lower, regex) if same_offsets else (body, re.compile(regex.pattern, re.IGNORECASE))
        for match in regex.finditer(text):
            start, prefix = _with_prefix(body, match, pattern)
            end = match.end()
            if start < 0 or start == end or any(match.start() < e and s < end for s, e in taken):
                continue
            if any(start < e and s < end for s, e in taken):  # the prefix belongs to an earlier span
                if pattern.needs_preposition:
                    continue
                start, prefix = match.start(), None
            taken.append((start, end))
            spans.append(_span(body, start, match, prefix, pattern))
    return sorted(spans, key=lambda s: s["start_char"])


@cache
def _date_parser() -> DateDataParser:
    """dateparser, offline and fast: fixed languages (no locale detection), absolute parsers only."""
    return DateDataParser(
        languages=["en", "ko", "zh"],
        try_previous_locales=False,
        settings={
            "PARSERS": ["custom-formats", "absolute-time"],
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": ["year", "month"],
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )


def _parse_absolute(date_texts: pl.Series) -> pl.Series:
    """Absolute date texts ('15 July 2025', '2025年7月16日') -> Date via dateparser; NULL when it fails."""
    parser = _date_parser()
    parsed: dict[str, date | None] = {}
    for text in date_texts.drop_nulls().unique():
        result = parser.get_date_data(text).date_obj
        parsed[text] = result.date() if result else None
    return pl.Series(date_texts.name, [parsed.get(t) if t is not None else None for t in date_texts],
                     dtype=pl.Date)  # fmt: skip


def _iso_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Build a Date from parts; impossible dates (2025-02-30) become NULL instead of raising."""
    two = {"length": 2, "fill_char": "0"}
    return pl.format(
        "{}-{}-{}", year, month.cast(pl.String).str.pad_start(**two), day.cast(pl.String).str.pad_start(**two)
    ).str.to_date("%Y-%m-%d", strict=False)


def _from_month_index(index: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Date from a month index (year * 12 + month - 1) and a day."""
    return _iso_date(index // 12, index % 12 + 1, day)


def _resolved_date(anchor: pl.Expr) -> pl.Expr:
    """First day of the period each span denotes, completed from the anchor per its rule (see module doc)."""
    rule, shift, future = pl.col("rule"), pl.col("shift"), pl.col("future")
    year, month, day = pl.col("year"), pl.col("month"), pl.col("day")
    ay, am, ad = (
        anchor.dt.year().cast(pl.Int32),
        anchor.dt.month().cast(pl.Int32),
        anchor.dt.day().cast(pl.Int32),
    )
    anchor_index = ay * 12 + am - 1
    month_or_first = month.fill_null(1)
    # nearest: the anchor's year unless that starts more than a month after the anchor (then the year
    # before); with a future cue, the first occurrence not before the anchor (month spans: its month)
    key, anchor_key = (
        month * 100 + day.fill_null(0),
        am * 100 + pl.when(day.is_not_null()).then(ad).otherwise(0),
    )
    too_late = _iso_date(ay, month, day.fill_null(1)) > anchor + pl.duration(days=NEAREST_SLACK_DAYS)
    nearest_year = (
        pl.when(future).then(ay + (key < anchor_key).cast(pl.Int32)).otherwise(ay - too_late.cast(pl.Int32))
    )
    day_month_delta = pl.when(future).then((day < ad).cast(pl.Int32)).otherwise(-(day > ad).cast(pl.Int32))
    weekday_gap = day - anchor.dt.weekday().cast(pl.Int32)
    weekday_days = (
        pl.when(shift == -1).then(-((-weekday_gap - 1) % 7 + 1))
        .when(shift == 1).then((weekday_gap - 1) % 7 + 1)
        .when(future).then(weekday_gap % 7)
        .otherwise(-((-weekday_gap) % 7))
    )  # fmt: skip
    return (
        pl.when((rule == "absolute") & pl.col("date_text").is_not_null())
        .then(pl.col("date_text").map_batches(_parse_absolute, return_dtype=pl.Date, is_elementwise=True))
        .when(rule == "absolute").then(_iso_date(year, month_or_first, pl.lit(1)))
        .when(rule == "nearest").then(_iso_date(nearest_year, month, day.fill_null(1)))
        .when(rule == "year_shift").then(_iso_date(ay + shift, month_or_first, pl.lit(1)))
        .when(rule == "before_anchor").then(_iso_date(ay - (month >= am).cast(pl.Int32), month, pl.lit(1)))
        .when(rule == "after_anchor").then(_iso_date(ay + (month <= am).cast(pl.Int32), month, pl.lit(1)))
        .when(rule == "month_of_anchor").then(_from_month_index(anchor_index + day_month_delta, day))
        .when(rule == "month_shift").then(_from_month_index(anchor_index + shift, pl.lit(1)))
        .when(rule == "day_shift").then(anchor + pl.duration(days=shift))
        .when(rule == "weekday").then(anchor + pl.duration(days=weekday_days))
    )  # fmt: skip


def _value(resolved: pl.Expr) -> pl.Expr:
    """ISO partial string (YYYY, YYYY-MM, YYYY-MM-DD) for the resolved period at the span's precision."""
    precision = pl.col("precision")
    return (
        pl.when(precision == "day").then(resolved.dt.strftime("%Y-%m-%d"))
        .when(precision.is_in(["month", "season"])).then(resolved.dt.strftime("%Y-%m"))
        .when(precision == "year").then(resolved.dt.strftime("%Y"))
    )  # fmt: skip


def _reason(resolved: pl.Expr, anchor: pl.Expr) -> pl.Expr:
    """Why a span has no value: what the text leaves unstated, or an impossible/unparsable date."""
    rule = pl.col("rule")
    return (
        pl.when(resolved.is_not_null()).then(None)
        .when((rule == "month_of_anchor") & anchor.is_null()).then(pl.lit("month not stated"))
        .when((rule == "nearest") & anchor.is_null()).then(pl.lit("year not stated"))
        .when((rule != "absolute") & anchor.is_null()).then(pl.lit("no anchor date"))
        .when((rule == "absolute") & pl.col("date_text").is_not_null()).then(pl.lit("unparsed date"))
        .otherwise(pl.lit("invalid date"))
    )  # fmt: skip


def _resolve(spans: pl.LazyFrame) -> pl.LazyFrame:
    """Complete every span from its article's published_date (the anchor) and describe the result."""
    anchor, resolved = pl.col("published_date"), pl.col("_resolved")
    return spans.with_columns(_resolved_date(anchor).alias("_resolved")).with_columns(
        _value(resolved).alias("value"),
        pl.when(pl.col("precision") == "month")
        .then(resolved.dt.truncate("1mo"))
        .when(pl.col("precision") == "year")
        .then(resolved.dt.truncate("1y"))
        .otherwise(resolved)
        .alias("date_value"),
        pl.when(pl.col("rule") != "absolute").then(anchor).alias("anchor_date"),
        _reason(resolved, anchor).alias("reason"),
    )


def extract_temporal_expressions(articles: pl.LazyFrame) -> pl.LazyFrame:
    """One row per date expression in each body, valued only from what the text and its stated date say."""
    return (
        articles.select("article_id", "body", pl.col("published_date").cast(pl.Date))
        .with_columns(pl.col("body").map_elements(_scan_dates, return_dtype=pl.List(_SPAN)).alias("_span"))
        .explode("_span", keep_nulls=False)  # a NULL body has no expressions
        .unnest("_span")
        .pipe(_resolve)
        .select(TEMPORAL_COLUMNS)
    )


def infer_dates(articles: pl.LazyFrame, temporal: pl.LazyFrame) -> pl.LazyFrame:
    """Add inferred_date (+ method) for undated articles: the latest exact day the body mentions.

    It never fills published_date and ignores a date that is the whole first line of the
    body (a scraped page's display date, not something the article says).
    """
    first_line = pl.col("body").str.split("\n").list.first().str.strip_chars()
    on_first_line = pl.col("start_char") < pl.col("_first_line").str.len_chars()
    latest = (
        temporal.filter((pl.col("precision") == "day") & pl.col("date_value").is_not_null())
        .join(articles.select("article_id", first_line.alias("_first_line")), on="article_id", how="left")
        .filter(~(on_first_line & (pl.col("expression") == pl.col("_first_line"))))
        .group_by("article_id")
        .agg(pl.col("date_value").max().alias("_latest"))
    )
    undated = pl.col("published_date").is_null() & pl.col("_latest").is_not_null()
    return (
        articles.join(latest, on="article_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(undated).then(pl.col("_latest")).cast(pl.Date).alias("inferred_date"),
            pl.when(undated)
            .then(pl.lit("latest_date_in_body"))
            .cast(pl.String)
            .alias("inferred_date_method"),
        )
        .drop("_latest")
    )
