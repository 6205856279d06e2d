"""Date expressions in article bodies, resolved only against the article's stated publication date.

Two steps:

1. `_scan_dates` (per article, Python `re` because offsets must be Python character
   offsets and some patterns need look-around) finds non-overlapping spans, most specific
   pattern first, and records what the text states (year/month/day, "last", "this year",
   ...) plus a `rule` saying how the missing parts would be completed from the anchor.
   Each regex is tried only where a match can start (`_Body.matches`), not across the whole
   body, and the spans of all articles come back as one flat frame (`_scan_articles`).
2. `_resolve` (polars expressions) completes each span from `published_date`. Absolute
   dates are normalised by `dateparser` (`_parse_absolute`; the usual spellings directly).
   A span whose rule needs an anchor while the article has none keeps value NULL and says
   why in `reason`.

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
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from itertools import chain
from operator import itemgetter

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
# the same without case folding, for lower-cased text: it finds what `_FUTURE_CUE` does in the text when the text
# keeps its length lower-cased and has none of `_FOLDS_TO_ASCII` (`_Body.by_starts`), and faster
_FUTURE_CUE_LOWER = re.compile(_FUTURE_CUE.pattern)
NEAREST_SLACK_DAYS = 31
_LAST_CLAUSE_END = re.compile(r".*[.!?;\n\"“”]", re.DOTALL)  # a text up to its last clause end
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
    lower-case `needles` (looked up with the `starts`, `_find_literals`). A
    `lowercase` pattern is written in lower case and runs on the lower-cased body (same
    offsets), which is much faster than a case-insensitive regex.
    Where a match may start is given by `starts`, literals one of which every match begins
    with (as in the lower-cased body, so 'last' also stands for 'Last'), `cased`, literals
    matched as written ('May', 'Monday'), and `day_first`: the one or two digits before a
    month abbreviation ('15 July', '1st of May'; then there are no `starts`); patterns with the same ones share a
    `source` (`_SOURCES`). The regex is then tried only at those positions (`_Body.matches`),
    which finds exactly what `finditer` would.
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
    starts: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()
    day_first: bool = False
    source: int | None = None


# (starts, cased, day_first) of the patterns tried at candidate starts -> their `source` number
_SOURCES: dict[tuple[tuple[str, ...], tuple[str, ...], bool], int] = {}


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
    starts: tuple[str, ...] = (),
    cased: tuple[str, ...] = (),
    day_first: bool = False,
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
        starts,
        cased,
        day_first,
        _SOURCES.setdefault((starts, cased, day_first), len(_SOURCES)) if starts or cased else None,
    )


def _first_words(alternation: str) -> tuple[str, ...]:
    """The word each top-level alternative of a regex begins with (its `starts`)."""
    alternatives, depth, begin = [], 0, 0
    for i, char in enumerate(alternation + "|"):
        depth += (char == "(") - (char == ")")
        if char == "|" and not depth:
            alternatives.append(alternation[begin:i])
            begin = i + 1
    return tuple(re.match(r"\w+", alternative).group() for alternative in alternatives)


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
               "昨", "今", "明", "去", "月")  # fmt: skip
    return [
        _p(rf"\b(?:{rx})", rule, precision, shift, needles=needles, lowercase=True,
           starts=_first_words(rx))
        for rx, rule, precision, shift in table
    ]  # fmt: skip


_DIGIT_BEFORE = r"[\d.,$€£¥-]"
_M = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_S = ("spring", "summer", "autumn", "fall", "winter")
_PARTED_WORDS = ("early-", "mid-", "late-")
_PARTED = r"(?:(?P<part>(?i:early|mid|late))[- ])?"
# starts (see `_Pattern`): every month name of _MONTH_ANY begins with one of these
_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_Y = ("19", "20")
_PARTS = ("early", "mid", "late")
# most specific first: a later pattern never overlaps a span an earlier one took
PATTERNS: list[_Pattern] = [
    # full dates: (on) (Tuesday,) July 15, 2025 / (the) 15 July 2025 / 2025-07-15 / 2025년 7월 15일
    # / 2025年7月15日
    _p(rf"\b(?P<date>{_MONTH_ANY}\s+\d{{1,2}}{_ORD},?\s+{_YEAR})\b{_LOCAL_TIME}", "absolute", "day",
       preps=PREPOSITIONS, weekday=True, needles=_M, cased=_MON),
    _p(rf"\b(?P<date>\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH_ANY},?\s+{_YEAR})\b{_LOCAL_TIME}", "absolute", "day",
       preps=PREPOSITIONS, weekday=True, the=True, needles=_M, cased=_MON, day_first=True),
    _p(rf"(?P<date>{_YEAR}([-./])\d{{1,2}}\2\d{{1,2}})(?![\d.]*\d)", "absolute", "day", preps=PREPOSITIONS,
       not_after=_DIGIT_BEFORE, starts=_Y),
    _p(rf"(?P<date>{_YEAR}\s*[년年]\s*\d{{1,2}}\s*[월月]\s*\d{{1,2}}\s*[일日号號]){_LOCAL_TIME}",
       "absolute", "day", not_after=r"\d", needles=("년", "年"), starts=_Y),
    # month and year: (in) (mid-)July 2025 / 2025년 7월 / 2025年7月; seasons: (in) (the) summer (of) 2024
    _p(rf"\b(?P<date>{_MONTH_ANY},?\s+(?:of\s+)?{_YEAR})\b", "absolute", "month",
       preps=PREPOSITIONS, part=True, needles=_M, cased=_MON),
    _p(rf"(?P<date>{_YEAR}\s*[년年]\s*\d{{1,2}}\s*[월月])(?!\s*\d)", "absolute", "month", not_after=r"\d",
       needles=("년", "年"), starts=_Y),
    _p(rf"\b{_SEASON}\s+(?:of\s+)?(?P<y>{_YEAR})\b", "absolute", "season", preps=PREPOSITIONS, the=True,
       needles=_S, lowercase=True, starts=_S),
    # month and day, year from the anchor: (on) July 15 / (the) 15 July / 7월 15일 / 7月15日
    _p(rf"\b(?P<mon>{_MONTH_ANY})\s+(?P<d>\d{{1,2}}){_ORD}\b(?!,?\s*\d){_LOCAL_TIME}", "nearest", "day",
       preps=PREPOSITIONS, weekday=True, needles=_M, cased=_MON),
    _p(rf"\b(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MONTH_ANY})(?![\w,]*\s*\d){_LOCAL_TIME}",
       "nearest", "day", preps=PREPOSITIONS, the=True, needles=_M, cased=_MON,
       day_first=True),
    _p(rf"(?P<m>\d{{1,2}})\s*[월月]\s*(?P<d>\d{{1,2}})\s*[일日号號]{_LOCAL_TIME}", "nearest", "day",
       not_after=r"[\d년年]", needles=("월", "月")),
    # month + this/last/next year: in March this year / In January this year / 올해 3월 / 去年3月
    *[
        _p(rf"\b(?P<mon>{_MONTH_FULL})\s+(?:of\s+)?(?i:{word})\s+year\b", "year_shift", "month", shift,
           preps=PREPOSITIONS, part=True, needles=("year",), cased=_MON)
        for word, shift in (("this", 0), ("last", -1), ("next", 1))
    ],
    *[
        _p(rf"(?:{words})\s*(?P<m>\d{{1,2}})\s*[월月](?!\s*\d)", "year_shift", "month", shift,
           needles=tuple(words.split("|")))
        for words, shift in (("올해|금년|今年", 0), ("지난해|작년|去年", -1), ("내년|明年", 1))
    ],
    # last/this/next + month name: last June / this March / 지난 6월
    _p(rf"\b(?i:last|past)\s+{_PARTED}(?P<mon>{_MONTH_FULL})\b(?!\s+\d)", "before_anchor", "month",
       preps=PREPOSITIONS, needles=("last", "past"), starts=("last", "past")),
    _p(rf"\b(?i:this)\s+{_PARTED}(?P<mon>{_MONTH_FULL})\b(?!\s+\d)", "year_shift", "month",
       preps=PREPOSITIONS, needles=("this",), starts=("this",)),
    _p(rf"\b(?i:next|coming)\s+{_PARTED}(?P<mon>{_MONTH_FULL})\b(?!\s+\d)", "after_anchor", "month",
       preps=PREPOSITIONS, needles=("next", "coming"), starts=("next", "coming")),
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
       preps=PREPOSITIONS, needs_preposition=True, part=True, needles=_M, cased=_MON),
    _p(rf"\b(?P<part>(?i:early|mid|late))-(?P<mon>{_MONTH_FULL})\b(?!\s+\d)", "nearest", "month",
       needles=_PARTED_WORDS, starts=_PARTS),
    _p(r"(?P<m>\d{1,2})\s*월(?!\s*\d)", "nearest", "month", not_after=r"[\d년年.,]",
       needles=("월",)),
    _p(r"(?P<m>\d{1,2})\s*月(?!\s*\d)", "nearest", "month", not_after=r"[\d年.,]", needles=("月",)),
    # seasons relative to the anchor's year: this summer / last winter
    *[
        _p(rf"\b(?:{word})\s+{_SEASON}\b", "year_shift", "season", shift, preps=PREPOSITIONS, needles=_S,
           lowercase=True, starts=tuple(word.split("|")))
        for word, shift in (("this", 0), ("last|past", -1), ("next|coming", 1))
    ],
    # years, after a preposition: in 2022 / since 2022 / by mid-2024; mid-2024; 2022년 / 2022年
    _p(rf"\b(?P<y>{_YEAR})\b(?![-./]\d|\s*%)", "absolute", "year", preps=PREPOSITIONS, needs_preposition=True,
       part=True, starts=_Y),
    _p(rf"\b(?P<part>early|mid|late)-(?P<y>{_YEAR})\b", "absolute", "year", preps=PREPOSITIONS,
       needles=_PARTED_WORDS, lowercase=True, starts=_PARTS),
    _p(rf"(?P<y>{_YEAR})\s*[년年](?!\s*\d)", "absolute", "year", not_after=_DIGIT_BEFORE,
       needles=("년", "年"), starts=_Y),
    *_relative_words(),
    # weekdays: (on) Tuesday / last Tuesday / next Tuesday (not Black Friday)
    _p(rf"\b(?i:last)\s+(?P<wd>{_WEEKDAY_NAME})\b", "weekday", "day", -1, needles=("day",), starts=("last",)),
    _p(rf"\b(?i:next|coming)\s+(?P<wd>{_WEEKDAY_NAME})\b", "weekday", "day", 1, needles=("day",),
       starts=("next", "coming")),
    _p(rf"\b(?P<wd>{_WEEKDAY_NAME})\b", "weekday", "day", preps="on|since|until|by", needles=("day",),
       not_after=r"\b(?:Black|Cyber|Super|Good)\s+", cased=tuple(day.capitalize() for day in _WEEKDAYS)),
]  # fmt: skip


def _group(match: re.Match[str] | None, name: str) -> str | None:
    """A named group's text, or None when there is no match, no such group, or it did not take part."""
    return match.groupdict().get(name) if match else None


_MONTH_BY_ABBREVIATION = {month[:3]: number for number, month in enumerate(_MONTHS, 1)}


def _month_of(groups: dict[str, str | None]) -> int | None:
    """Month number stated by a match's groups: a name (`mon`), a number (`m`) or a season (`season`)."""
    if name := groups.get("mon"):
        return _MONTH_BY_ABBREVIATION[name.lower()[:3]]
    if number := groups.get("m"):
        return int(number)
    if season := groups.get("season"):
        return _SEASONS[season.lower()]
    return None


def _has_future_cue(body: str, start: int, *, lower: bool = False) -> bool:
    """Whether the clause just before a span (up to 60 characters) says the event is still to come (`lower`:
    read lower-cased, without case folding; the same answer where the body is `_Body.by_starts`)."""
    window = body[max(0, start - 60) : start]
    cue = _FUTURE_CUE
    if lower:
        window, cue = window.lower(), _FUTURE_CUE_LOWER
    before_clause = _LAST_CLAUSE_END.match(window)
    return bool(cue.search(window[before_clause.end() if before_clause else 0 :]))


def _with_prefix(text: _Body, match: re.Match[str], pattern: _Pattern) -> tuple[int, re.Match[str] | None]:
    """Start of the expression once the words allowed before the core are added, and their match.

    The start is -1 when the core must be rejected: a required preposition is missing, or a
    forbidden left neighbour is present.
    """
    body, start = text.body, match.start()
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
    prefix = None
    if pattern.prefix and (earliest := text.prefix_start(start, window)) < start:
        prefix = pattern.prefix.search(body, earliest, start)  # no prefix can begin before `earliest`
    if pattern.needs_preposition and not _group(prefix, "prep"):
        return -1, None
    return (prefix.start() if prefix else start), prefix


def _span(
    text: _Body, start: int, match: re.Match[str], prefix: re.Match[str] | None, pattern: _Pattern
) -> tuple:
    """One `_SPAN` row (its fields in order): what the text states from `start` to the core's end, and how
    to complete it."""
    groups = match.groupdict()
    year, day, weekday = groups.get("y"), groups.get("d"), groups.get("wd")
    season, part = groups.get("season"), groups.get("part") or _group(prefix, "part")
    end = match.end()
    return (
        text.body[start:end],
        start,
        end,
        groups.get("date"),
        int(year) if year else None,
        _month_of(groups),
        _WEEKDAYS.index(weekday.lower()) + 1 if weekday else int(day) if day else None,
        pattern.rule,
        pattern.shift,
        text.has_future_cue(start),
        pattern.precision,
        season.lower().replace("fall", "autumn") if season else part.lower() if part else None,
    )


def _finditer(regex: re.Pattern[str], text: str, candidates: list[int]) -> Iterator[re.Match[str]]:
    """`regex.finditer(text)` when every match starts at one of the sorted `candidates`."""
    end = 0
    for at in candidates:
        if at >= end and (match := regex.match(text, at)):
            end = match.end()
            yield match


# the words every `_FUTURE_CUE` match contains (a window without one needs no search)
_CUE_WORDS = ("will", "shall", "would", "set", "scheduled", "plan", "expected", "upcoming", "due", "'ll",
              "예정", "오는", "将", "將")  # fmt: skip
# the literals of the patterns' `starts`, `cased` and `needles` and the cue words, looked up for a whole batch
# at once (`_find_literals`): the ASCII ones other than `cased` regardless of ASCII case (as in the lower-cased
# body), the others as written
_FOLDED = sorted({word for pattern in PATTERNS for word in pattern.starts + pattern.needles if word.isascii()}
                 | {word for word in _CUE_WORDS if word.isascii()})  # fmt: skip
_CASED = sorted(
    {word for pattern in PATTERNS for word in pattern.cased}
    | {word for pattern in PATTERNS for word in pattern.starts + pattern.needles if not word.isascii()}
    | {word for word in _CUE_WORDS if not word.isascii()}
)
_FOLDED_SET, _CASED_SET = frozenset(_FOLDED), frozenset(_CASED)
_LOOKED_UP = {*_FOLDED, *_CASED}
_SEARCHED = sorted({word.lower() if word.isascii() else word for word in _LOOKED_UP})  # each once in any case
_DAY_FIRST = {source for (_, _, day_first), source in _SOURCES.items() if day_first}
_SOURCE_LITERALS = {source: starts + cased for (starts, cased, _), source in _SOURCES.items()}
# one bit per literal a pattern needs (a needle or a candidate start), to pick a body's patterns at once
_BIT = {literal: 1 << bit for bit, literal in enumerate(sorted(_LOOKED_UP))}


def _bits(literals: Iterable[str]) -> int:
    """The `_BIT`s of these literals, or-ed together."""
    mask = 0
    for literal in literals:
        mask |= _BIT.get(literal, 0)
    return mask


# each pattern with the bits of its needles and of its candidate starts (0: none asked for)
_NEEDED = [
    (pattern, _bits(pattern.needles), _bits(_SOURCE_LITERALS.get(pattern.source, ())))
    for pattern in PATTERNS
]
# the words just before an offset that may all belong to a prefix (`_Pattern.prefix`), read backwards: its
# words (a non-ASCII one may be one: case folding) and what separates them
_PREFIX_WORDS = {word for preposition in PREPOSITIONS.split("|") for word in preposition.split("\\s+")} | {
    *_WEEKDAYS, *_PARTS, "in", "the"}  # fmt: skip
_PREFIX_REVERSED = re.compile(
    r"(?:[\s,-]*(?:(?i:{})|\w*[^\x00-\x7f]\w*)(?!\w))*".format("|".join(word[::-1] for word in _PREFIX_WORDS))
)
# the same without case folding, for lower-cased text (as `_FUTURE_CUE_LOWER`)
_PREFIX_REVERSED_LOWER = re.compile(_PREFIX_REVERSED.pattern.replace("(?i:", "(?:", 1))
# characters a case-insensitive regex takes for an ASCII letter although neither lower() nor an
# ASCII-case-insensitive search does ('ſ' ~ 's', Kelvin sign ~ 'k'); such bodies are scanned with `finditer`
_FOLDS_TO_ASCII = ("ſ", "ı", "\u212a")
# the day before a month abbreviation ("15 July", "1st of May"), read backwards from the month
_DAY_BEFORE_REVERSED = re.compile(r"\s+(?:fo\s+)?(?:ts|dn|dr|ht)?\d")

Literals = dict[str, list[int]]  # literal -> sorted character offsets in one body


def _find_literals(bodies: pl.Series) -> list[Literals]:
    """Where each `_FOLDED` / `_CASED` literal occurs in each body (a NULL body has none): one Aho-Corasick
    pass (polars) instead of a search per literal and body."""
    body = pl.col("body")
    options = {"ascii_case_insensitive": True, "overlapping": True}
    hits = (
        bodies.rename("body")
        .to_frame()
        .select(
            body.str.find_many(_SEARCHED, **options).alias("at"),
            body.str.extract_many(_SEARCHED, **options).alias("text"),
        )
    )
    found: list[Literals] = []
    for text, offsets, words in zip(bodies.to_list(), hits["at"].to_list(), hits["text"].to_list(), strict=True):
        literals: Literals = {}
        if offsets and not text.isascii():  # byte offsets -> character offsets
            offsets = list(map(_char_offsets(text, offsets).__getitem__, offsets))
        # overlapping matches come in the order of their ends: for one literal, that of their starts
        for at, word in zip(offsets or (), words or (), strict=True):
            for literal in _literals_of(word):
                if literal in literals:
                    literals[literal].append(at)
                else:
                    literals[literal] = [at]
        found.append(literals)
    return found


@cache  # a few case variants of each searched literal
def _literals_of(text: str) -> tuple[str, ...]:
    """The literals a text found by `_find_literals` stands for: a `_FOLDED` one in any ASCII case and/or a
    `_CASED` one as written ('May': both)."""
    folded = text.lower()
    return (*([folded] if folded in _FOLDED_SET else []), *([text] if text in _CASED_SET else []))


def _char_offsets(text: str, byte_offsets: list[int]) -> dict[int, int]:
    """Character offset in `text` of each offset into its UTF-8 encoding."""
    data, chars, last_byte, last_char = text.encode(), {}, 0, 0
    for offset in sorted(set(byte_offsets)):
        last_char += len(data[last_byte:offset].decode())
        chars[offset], last_byte = last_char, offset
    return chars


class _Body:
    """One article body and what the patterns ask of it, each looked up at most once."""

    def __init__(self, body: str, literals: Literals | None = None) -> None:
        self.body = body
        self.at = _find_literals(pl.Series([body]))[0] if literals is None else literals
        # lower() may change lengths ("İ"); then lower-case patterns run case-insensitively on the body
        self.same_offsets = body.isascii() or len(self.lower) == len(body)
        # ASCII-case-insensitive `starts` stand for case-insensitive words only when they fold like the regex engine
        self.by_starts = body.isascii() or (
            self.same_offsets and not any(char in body for char in _FOLDS_TO_ASCII)
        )
        self.has: dict[str, bool] = {}  # needle -> in the lower-cased body
        self.by_source: dict[int, list[int]] = {}  # source -> its `candidates`

    @cached_property
    def lower(self) -> str:
        """The lower-cased body (same offsets when `same_offsets`)."""
        return self.body.lower()

    def has_needle(self, pattern: _Pattern) -> bool:
        """Whether the lower-cased body contains one of the pattern's needles (or it has none)."""
        if not pattern.needles:
            return True
        if self.by_starts:  # then the batch search found what is in the lower-cased body
            return not self.at.keys().isdisjoint(pattern.needles)
        for needle in pattern.needles:
            if needle not in self.has:
                self.has[needle] = needle in self.lower
            if self.has[needle]:
                return True
        return False

    @cached_property
    def patterns(self) -> list[_Pattern]:
        """`PATTERNS` less those `matches` would skip for a missing needle (or, with `by_starts`, a missing
        candidate start)."""
        if not self.by_starts:
            return [pattern for pattern in PATTERNS if self.has_needle(pattern)]
        mask = _bits(self.at)  # then `has_needle` is `mask & needles`
        return [
            pattern for pattern, needles, starts in _NEEDED
            if (not needles or mask & needles) and (not starts or mask & starts)
        ]  # fmt: skip

    def candidates(self, source: int) -> list[int]:
        """Sorted candidate starts of a `_SOURCES` entry: its `starts` and `cased` positions (or the days
        before its `cased` months), worked out once per body."""
        if (found := self.by_source.get(source)) is None:
            runs = [self.at[literal] for literal in _SOURCE_LITERALS[source] if literal in self.at]
            if source in _DAY_FIRST:
                found = sorted(set(self.days_before([at for run in runs for at in run])))
            elif len(runs) == 1:
                found = runs[0]  # the offsets of one literal: sorted, each once
            else:
                found = sorted(set(chain.from_iterable(runs)))
            self.by_source[source] = found
        return found

    @cached_property
    def reversed(self) -> str:
        """The body backwards, to read what precedes an offset with a regex."""
        return self.body[::-1]

    def days_before(self, months: list[int]) -> list[int]:
        """Where a day before one of the `months` offsets may start: its last digit and the one before."""
        found: list[int] = []
        for month in months:
            if match := _DAY_BEFORE_REVERSED.match(self.reversed, len(self.body) - month):
                found += [len(self.body) - match.end() - 1, len(self.body) - match.end()]
        return found

    def prefix_start(self, start: int, window: int) -> int:
        """The earliest a prefix ending at `start` may begin (from `window` on): where the words just before
        it that may all be prefix words begin (`start` when there are none)."""
        if self.by_starts:  # the window lower-cased and backwards: no case folding
            return start - _PREFIX_REVERSED_LOWER.match(self.body[window:start].lower()[::-1]).end()
        size = len(self.body)
        return size - _PREFIX_REVERSED.match(self.reversed, size - start, size - window).end()

    @cached_property
    def cues(self) -> list[int]:
        """Sorted offsets of the `_CUE_WORDS` (ASCII ones regardless of case)."""
        return sorted(chain.from_iterable([self.at[word] for word in _CUE_WORDS if word in self.at]))

    def has_future_cue(self, start: int) -> bool:
        """`_has_future_cue`, without its search where the window holds no cue word (and, where `by_starts`,
        read lower-cased)."""
        if not self.by_starts:
            return _has_future_cue(self.body, start)
        at = bisect_left(self.cues, start - 60)
        if at == len(self.cues) or self.cues[at] >= start:
            return False
        return _has_future_cue(self.body, start, lower=True)

    def matches(self, pattern: _Pattern) -> Iterable[re.Match[str]]:
        """`finditer` of the pattern's regex over the text it runs on, tried only where it may match.

        Nothing when the body lacks the pattern's needles (or, tried at candidates, has no candidate).
        """
        return self.found(pattern) if self.has_needle(pattern) else ()

    def found(self, pattern: _Pattern) -> Iterable[re.Match[str]]:
        """`matches` of a pattern whose needles the body has (one of `patterns`)."""
        if self.by_starts and pattern.source is not None:  # then lower-case patterns run on `lower`
            if (candidates := self.by_source.get(pattern.source)) is None:
                candidates = self.candidates(pattern.source)
            return _finditer(pattern.regex, self.lower if pattern.lowercase else self.body, candidates)
        text, regex = self.body, pattern.regex
        if pattern.lowercase:
            text, regex = (self.lower, regex) if self.same_offsets else (text, re.compile(regex.pattern, re.I))
        return regex.finditer(text)


def _scan_dates(body: str, literals: Literals | None = None) -> list[tuple]:
    """All date expressions of one article body (`_SPAN` rows), most specific pattern first, without
    overlaps."""
    starts: list[int] = []  # taken spans, sorted and disjoint
    ends: list[int] = []
    spans: list[tuple] = []
    text = _Body(body, literals)
    for pattern in text.patterns:
        for match in text.found(pattern):
            core, end = match.span()
            at = bisect_right(ends, core)  # the first taken span ending after the core's start
            if at < len(starts) and starts[at] < end:
                continue
            start, prefix = _with_prefix(text, match, pattern)
            if start < 0 or start == end:
                continue
            if start < core and (at := bisect_right(ends, start)) < len(starts) and starts[at] < end:
                if pattern.needs_preposition:  # the prefix belongs to an earlier span
                    continue
                start, prefix = core, None
            insort(starts, start)
            insort(ends, end)
            spans.append(_span(text, start, match, prefix, pattern))
    spans.sort(key=itemgetter(1))
    return spans


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


_MONTH_NUMBERS = {
    **{month.capitalize(): number for number, month in enumerate(_MONTHS, 1)},
    **{month[:3].capitalize() + dot: number for number, month in enumerate(_MONTHS, 1) if month != "may"
       for dot in ("", ".")},
    "Sept": 9, "Sept.": 9,
}  # fmt: skip
# the usual spellings of the absolute shapes (single spaces, ASCII digits): July 15, 2025 / 15th of July
# 2025 / 2025-07-15 / July 2025
_PLAIN_DATES = [
    re.compile(r"(?P<mon>[A-Z][a-z]+\.?) (?P<d>[0-9]{1,2})(?:st|nd|rd|th)?,? (?P<y>(?:19|20)[0-9]{2})"),
    re.compile(r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)? (?:of )?(?P<mon>[A-Z][a-z]+\.?),? (?P<y>(?:19|20)[0-9]{2})"),
    re.compile(r"(?P<y>(?:19|20)[0-9]{2})([-./])(?P<m>[0-9]{1,2})\2(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<mon>[A-Z][a-z]+\.?),? (?:of )?(?P<y>(?:19|20)[0-9]{2})"),
]


def _plain_date(text: str) -> date | None:
    """A valid date in a `_PLAIN_DATES` spelling, read directly (dateparser takes ~1 ms a text and
    agrees on all of them); None for anything else, which is left to dateparser."""
    for shape in _PLAIN_DATES:
        if match := shape.fullmatch(text):
            parts = match.groupdict()
            month = int(parts["m"]) if parts.get("m") else _MONTH_NUMBERS.get(parts.get("mon", ""))
            try:
                return date(int(parts["y"]), month, int(parts.get("d") or 1)) if month else None
            except ValueError:  # dateparser may still read it another way ('2025-13-05' -> 13 May)
                return None
    return None


def _parse_absolute(date_texts: pl.Series) -> pl.Series:
    """Absolute date texts ('15 July 2025', '2025年7月16日') -> Date via dateparser; NULL when it fails."""
    parsed: dict[str, date | None] = {}
    for text in date_texts.drop_nulls().unique():
        if (plain := _plain_date(text)) is None:
            result = _date_parser().get_date_data(text).date_obj
            plain = result.date() if result else None
        parsed[text] = plain
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


_SCANNED_SCHEMA = {"article_id": pl.String, "published_date": pl.Date, **_SPAN.to_schema()}


def _scan_articles(articles: pl.DataFrame) -> pl.DataFrame:
    """One row per span of every body (`_scan_dates`; a NULL body has none) with its article's id and anchor.

    Built as one flat frame: a list-of-structs column per article costs more than the scan itself.
    """
    rows: list[int] = []
    spans: list[tuple] = []
    bodies = articles["body"]
    for row, (body, literals) in enumerate(zip(bodies.to_list(), _find_literals(bodies), strict=True)):
        if body is not None:
            found = _scan_dates(body, literals)
            rows += [row] * len(found)
            spans += found
    schema = _SPAN.to_schema()
    columns = list(zip(*spans, strict=True)) or [()] * len(schema)  # built by column: faster than by row
    frame = pl.DataFrame(dict(zip(schema, columns, strict=True)), schema=schema)
    return pl.concat([articles[rows, ["article_id", "published_date"]], frame], how="horizontal")


def extract_temporal_expressions(articles: pl.LazyFrame) -> pl.LazyFrame:
    """One row per date expression in each body, valued only from what the text and its stated date say."""
    return (
        articles.select("article_id", "body", pl.col("published_date").cast(pl.Date))
        .map_batches(_scan_articles, schema=_SCANNED_SCHEMA)
        .pipe(_resolve)
        .select(TEMPORAL_COLUMNS)
    )


def infer_dates(articles: pl.LazyFrame, temporal: pl.LazyFrame) -> pl.LazyFrame:
    """Add inferred_date (+ method) for undated articles: the latest exact day the body mentions.

    It never fills published_date and ignores a date that is the whole first line of the
    body (a scraped page's display date, not something the article says).
    """
    first_line = pl.col("body").str.splitn("\n", 2).struct.field("field_0").str.strip_chars()
    on_first_line = pl.col("start_char") < pl.col("_first_line").str.len_chars()
    undated_first_lines = articles.filter(pl.col("published_date").is_null()).select(
        "article_id", first_line.alias("_first_line")
    )  # only undated articles get an inferred date
    latest = (
        temporal.filter((pl.col("precision") == "day") & pl.col("date_value").is_not_null())
        .join(undated_first_lines, on="article_id", how="inner")
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
