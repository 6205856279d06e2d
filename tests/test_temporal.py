"""Date expressions: one test per pattern, resolution only against the stated publication date."""

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from transforms.pubdate import find_published_date
from transforms.temporal import (
    _CASED,
    _FOLDED,
    _MON,
    _PREFIX_REVERSED,
    _SOURCES,
    PATTERNS,
    _Body,
    _date_parser,
    _find_literals,
    _has_future_cue,
    _literals_of,
    _plain_date,
    extract_temporal_expressions,
    infer_dates,
)

ANCHOR = date(2025, 7, 16)
RESULT = ["expression", "value", "date_value", "precision", "reason"]


def temporal(body: str, anchor: date | None = ANCHOR) -> pl.DataFrame:
    articles = pl.LazyFrame(
        {"article_id": ["a"], "body": [body], "published_date": [anchor]},
        schema_overrides={"published_date": pl.Date},
    )
    return extract_temporal_expressions(articles).collect()


def rows(*items: tuple[str, str | None, date | None, str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        list(items),
        schema={"expression": pl.String, "value": pl.String, "date_value": pl.Date, "precision": pl.String,
                "reason": pl.String},
        orient="row",
    )  # fmt: skip


def test_absolute_english_dates():
    got = temporal(
        "Signed on July 15, 2025, reported 15 July 2025, due Jan. 3, 2026 and Saturday, December 20, 2025."
    )
    assert_frame_equal(got.select(RESULT), rows(
        ("on July 15, 2025", "2025-07-15", date(2025, 7, 15), "day", None),
        ("15 July 2025", "2025-07-15", date(2025, 7, 15), "day", None),
        ("Jan. 3, 2026", "2026-01-03", date(2026, 1, 3), "day", None),
        ("Saturday, December 20, 2025", "2025-12-20", date(2025, 12, 20), "day", None),
    ))  # fmt: skip


def test_absolute_numeric_korean_and_chinese_dates():
    got = temporal("입력 2025-07-15 기사, 2025.07.14, 2025년 7월 13일, 2025年7月12日")
    assert_frame_equal(got.select(RESULT), rows(
        ("2025-07-15", "2025-07-15", date(2025, 7, 15), "day", None),
        ("2025.07.14", "2025-07-14", date(2025, 7, 14), "day", None),
        ("2025년 7월 13일", "2025-07-13", date(2025, 7, 13), "day", None),
        ("2025年7月12日", "2025-07-12", date(2025, 7, 12), "day", None),
    ))  # fmt: skip


def test_absolute_dates_need_no_anchor_and_record_none():
    got = temporal("It happened on 15 July 2025.", anchor=None)
    assert got.select("value", "anchor_date", "reason").row(0) == ("2025-07-15", None, None)


def test_month_with_year_and_seasons():
    got = temporal("Sales in July 2025 and in mid-March 2024; 2025년 6월; in the summer of 2024.")
    assert_frame_equal(got.select([*RESULT, "part"]), rows(
        ("in July 2025", "2025-07", date(2025, 7, 1), "month", None),
        ("in mid-March 2024", "2024-03", date(2024, 3, 1), "month", None),
        ("2025년 6월", "2025-06", date(2025, 6, 1), "month", None),
        ("in the summer of 2024", "2024-06", date(2024, 6, 1), "season", None),
    ).with_columns(part=pl.Series([None, "mid", None, "summer"], dtype=pl.String)))  # fmt: skip


def test_day_of_month_takes_the_anchor_month_or_the_one_before():
    got = temporal("On the 15th (local time), he spoke. On the 20th, she left. 14일(현지시간) 발표.")
    assert_frame_equal(got.select(RESULT), rows(
        ("On the 15th (local time)", "2025-07-15", date(2025, 7, 15), "day", None),
        ("On the 20th", "2025-06-20", date(2025, 6, 20), "day", None),
        ("14일(현지시간)", "2025-07-14", date(2025, 7, 14), "day", None),
    ))  # fmt: skip


def test_day_of_month_without_anchor_is_null_because_the_month_is_not_stated():
    got = temporal("Lutnick said on the 24th that exports may resume.", anchor=None)
    assert_frame_equal(got.select(RESULT), rows(("on the 24th", None, None, "day", "month not stated")))


def test_month_and_day_without_year():
    got = temporal("They met on July 15 and on 3 March; 7월 10일 and 7月9日.")
    assert_frame_equal(got.select(RESULT), rows(
        ("on July 15", "2025-07-15", date(2025, 7, 15), "day", None),
        ("on 3 March", "2025-03-03", date(2025, 3, 3), "day", None),
        ("7월 10일", "2025-07-10", date(2025, 7, 10), "day", None),
        ("7月9日", "2025-07-09", date(2025, 7, 9), "day", None),
    ))  # fmt: skip


def test_bare_month_is_the_anchor_year_unless_that_is_well_after_the_anchor():
    got = temporal("Rules tightened in mid-April. Prices rose in August. Talks failed in December.")
    assert_frame_equal(got.select([*RESULT, "part"]), rows(
        ("in mid-April", "2025-04", date(2025, 4, 1), "month", None),
        ("in August", "2025-08", date(2025, 8, 1), "month", None),
        ("in December", "2024-12", date(2024, 12, 1), "month", None),
    ).with_columns(part=pl.Series(["mid", None, None], dtype=pl.String)))  # fmt: skip


def test_a_future_cue_moves_a_bare_month_forward():
    got = temporal("The summit will be held in March.", anchor=date(2025, 7, 16))
    assert got.select("expression", "value").row(0) == ("in March", "2026-03")


def test_last_and_next_month_names():
    got = temporal("Talks in London last June and in Geneva last May; more next June.")
    assert got.select("expression", "value", "precision").rows() == [
        ("last June", "2025-06", "month"),
        ("last May", "2025-05", "month"),
        ("next June", "2026-06", "month"),
    ]


def test_last_december_in_a_january_article_is_the_previous_year():
    got = temporal("Sales fell last December.", anchor=date(2026, 1, 10))
    assert got.select("value", "anchor_date").row(0) == ("2025-12", date(2026, 1, 10))


def test_month_this_year_and_last_year():
    got = temporal(
        "It was unveiled in March this year. In January this year rules came. 지난해 3월, 去年5月."
    )
    assert got.select("expression", "value").rows() == [
        ("in March this year", "2025-03"),
        ("In January this year", "2025-01"),
        ("지난해 3월", "2024-03"),
        ("去年5月", "2024-05"),
    ]


def test_years():
    got = temporal("Exported since 2022, restricted in 2023, by mid-2024 and 2021년.", anchor=None)
    assert_frame_equal(got.select(RESULT), rows(
        ("since 2022", "2022", date(2022, 1, 1), "year", None),
        ("in 2023", "2023", date(2023, 1, 1), "year", None),
        ("by mid-2024", "2024", date(2024, 1, 1), "year", None),
        ("2021년", "2021", date(2021, 1, 1), "year", None),
    ))  # fmt: skip


def test_relative_words():
    got = temporal("Yesterday it fell; this month, last month, last year, next year; 어제, 上个月, 去年.")
    assert got.select("expression", "value", "precision").rows() == [
        ("Yesterday", "2025-07-15", "day"),
        ("this month", "2025-07", "month"),
        ("last month", "2025-06", "month"),
        ("last year", "2024", "year"),
        ("next year", "2026", "year"),
        ("어제", "2025-07-15", "day"),
        ("上个月", "2025-06", "month"),
        ("去年", "2024", "year"),
    ]


@pytest.mark.parametrize("body", [
    "Yesterday, today, tomorrow; this month, last month, next month; last year, this year, next year",
    "어제 오늘 내일 지난달 이번 달 이달 다음 달 지난해 작년 올해 금년 내년",
    "昨天 昨日 今天 明天 上个月 上個月 上月 本月 这个月 這個月 下个月 下個月 去年 今年 明年",
])
def test_every_relative_word_holds_a_needle_of_its_pattern(body):
    """A body is scanned only for the patterns whose needles it contains: each word must hold one."""
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(body.lower()):
            assert not pattern.needles or any(n in match.group() for n in pattern.needles), match.group()


def test_weekdays():
    got = temporal(
        "He spoke on Tuesday, met last Wednesday and will return on Friday."
    )  # anchor is a Wednesday
    assert got.select("expression", "value").rows() == [
        ("on Tuesday", "2025-07-15"),
        ("last Wednesday", "2025-07-09"),
        ("on Friday", "2025-07-18"),
    ]


def test_relative_expressions_without_anchor_stay_null_with_a_reason():
    got = temporal(
        "In January this year rules came; in June talks; last month's deal; yesterday.", anchor=None
    )
    assert_frame_equal(got.select(RESULT), rows(
        ("In January this year", None, None, "month", "no anchor date"),
        ("in June", None, None, "month", "year not stated"),
        ("last month", None, None, "month", "no anchor date"),
        ("yesterday", None, None, "day", "no anchor date"),
    ))  # fmt: skip


def test_impossible_dates_are_null():
    got = temporal("On Feb. 30, 2025 and on the 31st.", anchor=date(2025, 5, 10))
    assert got.select("expression", "value", "reason").rows() == [
        ("On Feb. 30, 2025", None, "unparsed date"),
        ("on the 31st", None, "invalid date"),  # April has no 31st
    ]


@pytest.mark.parametrize(
    "body",
    [
        "Prices may rise. The 15th century fort. Made in China 2025 plan. © 2025 Media Ltd.",
        "It grew 2025 units; 3일간 회의; the Mayor spoke; a Black Friday sale.",
    ],
)
def test_things_that_are_not_dates(body):
    assert temporal(body).height == 0


def test_offsets_are_python_character_offsets():
    body = "한국어 文字 😀 — On the 15th (local time), 2025年7月12日 and last June."
    got = temporal(body)
    assert got.height == 3
    assert all(body[s:e] == x for x, s, e in got.select("expression", "start_char", "end_char").rows())


def test_offsets_stay_right_when_lower_casing_changes_the_length():
    body = "İSTANBUL — Talks ended Yesterday; a deal came last month."  # "İ".lower() is two characters
    got = temporal(body)
    assert got.select("expression", "value").rows() == [
        ("Yesterday", "2025-07-15"),
        ("last month", "2025-06"),
    ]
    assert all(body[s:e] == x for x, s, e in got.select("expression", "start_char", "end_char").rows())


@pytest.mark.parametrize(
    "body",
    [
        "lasthis year, nexthis summer, latearly-2024 and thelast June; LAST JUNE, Next coming Monday",
        "MID-june, Late-March, early-2024, mid-2024 and in mid-April; past Summer, this fall, last winter",
        "12 3 July 2025, 123 July 2025, 1st of May 2024, ０５ July 2025, ٣ July 2025 and 2 Sept. 2025",
        "1920192020, 2019-07-04, 2025.7.5, x2025-07-15, 20250715, since 1999 and by 2030%",
        "yesterday, today's market, todays, tomorrow; 어제 오늘 내일 지난달 이번 달 다음달 去年 今年 明年 上个月",
        "paſt June and laſt year, thıs March: case folding that lower() does not do",
        "İSTANBUL — last month, mid-June, next Friday",
    ],
)
def test_regexes_tried_only_at_candidate_starts_find_every_match(body, sample_texts):
    for text in [body, *sample_texts.values()]:
        scanned = _Body(text)
        for pattern in PATTERNS:
            if pattern.lowercase and not scanned.same_offsets:
                continue  # then the pattern runs case-insensitively on the body, no candidates involved
            if not scanned.has_needle(pattern):
                continue  # not tried (a needle missing from lower(): 'paſt June' is not a date here)
            target = scanned.lower if pattern.lowercase else text
            expected = [m.span() for m in pattern.regex.finditer(target)]
            assert [m.span() for m in scanned.matches(pattern)] == expected, pattern.regex.pattern


@pytest.mark.parametrize(
    "body",
    [
        "In May 2024 the board met; last year it did not. On the 3rd they left.",
        "2025년 7월 15일, 지난해 3월, 今年5月; next Friday",
        "paſt June and laſt year, thıs March",
        "nothing dated here at all",
    ],
)
def test_patterns_of_a_body_leave_out_only_patterns_that_cannot_match(body):
    scanned = _Body(body)
    for pattern in PATTERNS:
        if pattern not in scanned.patterns:
            assert list(scanned.matches(pattern)) == [], pattern.regex.pattern


def test_patterns_of_a_body_need_one_of_their_candidate_starts():
    months = [pattern for pattern in PATTERNS if pattern.cased == _MON]
    assert not any(pattern in _Body("last year, in 2024").patterns for pattern in months)
    assert all(pattern in _Body("In May 2024").patterns for pattern in months if "may" in pattern.needles)


def test_candidates_are_the_sorted_starts_of_a_source_or_the_days_before_its_months():
    scanned = _Body("In May 2024 and 3 May, may")
    assert scanned.candidates(_SOURCES[((), _MON, False)]) == [3, 18]  # 'may' is no month
    assert scanned.candidates(_SOURCES[((), _MON, True)]) == [15, 16]  # the day '3' (or a 2-digit one)
    assert scanned.candidates(_SOURCES[(("19", "20"), (), False)]) == [7]


def test_a_future_cue_counts_only_in_the_clause_of_the_span():
    body = 'It will rain; "talks resumed" on May 3. Talks will resume on May 4.'
    assert not _has_future_cue(body, body.index("May 3"))  # 'will' is in an earlier clause
    assert _has_future_cue(body, body.index("May 4"))
    assert _has_future_cue("Talks will resume on May 4", 21)  # no clause end at all



@pytest.mark.parametrize(
    "body",
    [
        "Talks WILL resume “In the Late” spring; They Are Due On Monday, In MID-June 2025.",
        "Plans: ſcheduled talks on Sunday; it SHALL be by early in May 2025.",  # 'ſ': no lower-case reading
    ],
)
def test_prefix_start_and_future_cue_read_the_lower_cased_body_like_the_body(body):
    scanned = _Body(body)
    size = len(body)
    for start in range(size + 1):
        window = max(0, start - 40)
        expected = size - _PREFIX_REVERSED.match(body[::-1], size - start, size - window).end()
        assert scanned.prefix_start(start, window) == expected
        assert scanned.has_future_cue(start) == _has_future_cue(body, start)
    if scanned.by_starts:  # read on the lower-cased body: case does not matter
        assert scanned.has_future_cue(body.index("On Monday"))
        assert scanned.prefix_start(body.index("June"), 0) == body.index("On Monday")  # all prefix words

def test_literals_of_a_found_text_in_any_case():
    assert _literals_of("May") == ("may", "May")  # the needle and the month
    assert _literals_of("MAY") == ("may",)  # not a month name as written
    assert _literals_of("Monday") == ("Monday",)
    assert _literals_of("年") == ("年",)


def test_batch_literal_search_gives_character_offsets_as_str_find_would(sample_texts):
    texts = [
        "“Last” May, the MAY may — 今年 and 去年 5月; 지난해 this/This/THIS 2025 ‘20’ mid-June 🙂 Monday",
        "plain ASCII: last year, in May 2020 and 1920",
        "",
        *sample_texts.values(),
    ]
    for text, found in zip(texts, _find_literals(pl.Series(texts)), strict=True):
        expected = {}
        for word in _FOLDED + _CASED:
            target = text.lower() if word in _FOLDED else text
            at = target.find(word)
            while at >= 0:
                expected.setdefault(word, []).append(at)
                at = target.find(word, at + 1)
        assert found == expected
    assert _find_literals(pl.Series([None], dtype=pl.String)) == [{}]


def test_plain_dates_are_read_as_dateparser_reads_them():
    texts = [
        "July 5, 2025", "July 05 2025", "Jan. 3rd, 2026", "Sept. 1th 1999", "Sep 30, 2024", "May 31, 2025",
        "Feb 29, 2024", "15 July 2025", "1st of March, 2000", "31 Dec. 2099", "2025-07-15", "2025.7.5",
        "2024/02/29", "July 2025", "Sept., 2025", "December of 1999",
    ]  # fmt: skip
    for text in texts:
        assert _plain_date(text) == _date_parser().get_date_data(text).date_obj.date(), text
    # impossible or unusual spellings are left to dateparser (which may still read them, or not)
    for text in ["Feb 30, 2025", "2025-13-05", "July  5, 2025", "May. 5, 2025", "2025年7月15日", "Julyy 5, 2025"]:
        assert _plain_date(text) is None, text


def test_empty_and_null_bodies_give_no_rows():
    articles = pl.LazyFrame(
        {"article_id": ["a", "b"], "body": ["", None], "published_date": [ANCHOR, None]},
        schema_overrides={"published_date": pl.Date},
    )
    assert extract_temporal_expressions(articles).collect().height == 0


def test_output_columns_follow_the_contract():
    assert temporal("in 2022").columns == [
        "article_id", "expression", "start_char", "end_char", "value", "date_value", "precision",
        "anchor_date", "reason", "part",
    ]  # fmt: skip


# the gold dated events of the five samples: (sample prefix, expression, value, precision)
GOLD = [
    ("000", "On the 15th (local time)", "2025-07-15", "day"),
    ("000", "in March this year", "2025-03", "month"),
    ("000", "in mid-April", "2025-04", "month"),
    ("000", "last June", "2025-06", "month"),
    ("000", "last May", "2025-05", "month"),
    ("000", "since 2022", "2022", "year"),
    ("001", "on the 15th (local time)", None, "day"),
    ("001", "in June", None, "month"),
    ("001", "in mid-April", None, "month"),
    ("003", "in April", None, "month"),
    ("003", "15 July 2025", "2025-07-15", "day"),
    ("004", "on the 24th", None, "day"),
    ("004", "in 2022", "2022", "year"),
    ("004", "In January this year", None, "month"),
]


@pytest.fixture(scope="module")
def sample_temporal(sample_texts) -> pl.DataFrame:
    articles = pl.LazyFrame(
        {
            "article_id": [n[:3] for n in sample_texts],
            "text": list(sample_texts.values()),
            "body": list(sample_texts.values()),
        }
    ).pipe(find_published_date)
    return extract_temporal_expressions(articles).collect()


def test_samples_match_every_gold_dated_event(sample_temporal):
    found = {
        (a, x.lower(), v, p)
        for a, x, v, p in sample_temporal.select("article_id", "expression", "value", "precision").rows()
    }
    missing = [g for g in GOLD if (g[0], g[1].lower(), g[2], g[3]) not in found]
    assert missing == []


def test_samples_invent_no_dates(sample_temporal):
    # 001 and 004 state no publication date: none of their relative expressions may get a value
    undated = sample_temporal.filter(
        pl.col("article_id").is_in(["001", "004"]) & pl.col("value").is_not_null()
    )
    assert undated.select("expression", "value").rows() == [("in 2022", "2022")]
    assert sample_temporal.filter(pl.col("article_id") == "002").height == 0  # only "© 2025" there


def test_infer_dates_uses_the_latest_stated_day_and_never_the_published_date():
    articles = pl.LazyFrame(
        {
            "article_id": ["undated", "dated", "display_only"],
            "body": [
                "Talks on 3 July 2025 and a deal on 15 July 2025.",
                "Signed on 1 July 2025.",
                "Saturday, December 20, 2025\nTalks began in April.",
            ],
            "published_date": [None, date(2025, 7, 16), None],
        },
        schema_overrides={"published_date": pl.Date},
    )
    got = infer_dates(articles, extract_temporal_expressions(articles)).collect()
    assert_frame_equal(
        got.select("article_id", "published_date", "inferred_date", "inferred_date_method"),
        pl.DataFrame(
            {
                "article_id": ["undated", "dated", "display_only"],
                "published_date": [None, date(2025, 7, 16), None],
                "inferred_date": [date(2025, 7, 15), None, None],
                "inferred_date_method": ["latest_date_in_body", None, None],
            },
            schema_overrides={
                "published_date": pl.Date,
                "inferred_date": pl.Date,
                "inferred_date_method": pl.String,
            },
        ),
    )


def test_infer_dates_on_samples_dates_only_the_blog_post(sample_texts, sample_temporal):
    articles = pl.LazyFrame(
        {
            "article_id": [n[:3] for n in sample_texts],
            "body": list(sample_texts.values()),
            "published_date": [ANCHOR if n.startswith("000") else None for n in sample_texts],
        },
        schema_overrides={"published_date": pl.Date},
    )
    got = infer_dates(articles, sample_temporal.lazy()).collect()
    assert got.select("article_id", "inferred_date").rows() == [
        ("000", None), ("001", None), ("002", None), ("003", date(2025, 7, 15)), ("004", None),
    ]  # fmt: skip
