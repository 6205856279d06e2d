"""Publication date: only what the text states as the article's own date, one test per evidence shape."""

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from transforms.pubdate import find_published_date

SCHEMA = {
    "article_id": pl.String,
    "published_date": pl.Date,
    "published_date_source": pl.String,
    "published_date_confidence": pl.Float64,
}


def published(texts: list[str]) -> pl.DataFrame:
    frame = pl.LazyFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": texts})
    return find_published_date(frame).drop("text").collect()


def expected(rows: list[tuple[date | None, str | None, float | None]]) -> pl.DataFrame:
    return pl.DataFrame([(f"a{i}", *row) for i, row in enumerate(rows)], schema=SCHEMA, orient="row")


def test_input_label_and_value_on_separate_lines():
    got = published(["Title\n\nInput\n2025-07-16 06:11:18\nUpdated\n2025-07-17 08:00:00\nBody."])
    assert_frame_equal(got, expected([(date(2025, 7, 16), "Input\n2025-07-16 06:11:18", 0.95)]))


def test_published_label_is_preferred_over_updated_wherever_they_are():
    got = published(
        [
            "Updated July 16, 2025\nPublished July 14, 2025\nBody.",
            "Published: Tuesday, July 15, 2025 at 3:05 PM EDT | Updated: July 16, 2025",
            "Title\nUpdated 2025-07-16 06:11\nBody.",
            "Title\nPosted by Jane Doe on Jul. 15, 2025 | Updated Jul. 16, 2025\nBody.",
        ]
    )
    assert_frame_equal(
        got,
        expected(
            [
                (date(2025, 7, 14), "Published July 14, 2025", 0.95),
                (date(2025, 7, 15), "Published: Tuesday, July 15, 2025 at 3:05 PM EDT", 0.95),
                (date(2025, 7, 16), "Updated 2025-07-16 06:11", 0.75),
                (date(2025, 7, 15), "Posted by Jane Doe on Jul. 15, 2025", 0.95),
            ]
        ),
    )


def test_byline_with_a_date():
    got = published(
        ["Chips deal\nBy Jane Doe | July 15, 2025\nBody.", "Chips deal\nBy Jane Doe\n15 July 2025\nBody."]
    )
    assert_frame_equal(
        got,
        expected(
            [
                (date(2025, 7, 15), "By Jane Doe | July 15, 2025", 0.85),
                (date(2025, 7, 15), "By Jane Doe\n15 July 2025", 0.85),
            ]
        ),
    )


def test_wire_dateline_with_and_without_a_year():
    got = published(
        [
            "SEOUL, Jan. 3, 2025 (Yonhap) -- Officials said.",
            "WASHINGTON, July 15 (Reuters) - Nvidia said.\nUpdated 2025-07-16 06:11",
            # the stamp falls in the next year
            "WASHINGTON, December 30 (Reuters) - Nvidia said.\nUpdated 2026-01-02",
            "WASHINGTON, July 15 (Reuters) - Nvidia said.",  # no year stated anywhere
        ]
    )
    assert_frame_equal(
        got,
        expected(
            [
                (date(2025, 1, 3), "SEOUL, Jan. 3, 2025 (Yonhap) -", 0.9),
                (
                    date(2025, 7, 15),
                    "WASHINGTON, July 15 (Reuters) - (year from: Updated 2025-07-16 06:11)",
                    0.7,
                ),
                (
                    date(2025, 12, 30),
                    "WASHINGTON, December 30 (Reuters) - (year from: Updated 2026-01-02)",
                    0.7,
                ),
                (None, None, None),
            ]
        ),
    )


def test_korean_and_chinese_formats():
    got = published(
        [
            "제목\n입력 2025.07.16 06:11 수정 2025.07.17\n본문",
            "제목\n기사입력 2025년 7월 16일\n본문",
            "标题\n发布时间：2025年7月16日 10:00\n正文",
            "标题\n2025年7月16日 09:12 来源：新华网\n正文",
        ]
    )
    assert_frame_equal(
        got,
        expected(
            [
                (date(2025, 7, 16), "입력 2025.07.16 06:11", 0.95),
                (date(2025, 7, 16), "기사입력 2025년 7월 16일", 0.95),
                (date(2025, 7, 16), "发布时间：2025年7月16日 10:00", 0.95),
                (date(2025, 7, 16), "2025年7月16日 09:12 来源：新华网", 0.6),
            ]
        ),
    )


def test_a_date_line_under_the_title_counts_but_not_a_first_line_display_date():
    got = published(
        [
            "Chips deal struck\nJuly 15, 2025\nThe deal was struck.",
            "Saturday, December 20, 2025\n\nChips deal struck\nThe deal was struck.",
        ]
    )
    assert_frame_equal(got, expected([(date(2025, 7, 15), "July 15, 2025", 0.6), (None, None, None)]))


@pytest.mark.parametrize(
    "text",
    [
        "1. Nvidia Wins OK. Huang, Raffaele. Wall Street Journal; New York, N.Y.. 15 July 2025: A1.",
        "Body text.\n\n© 2025 Triveous Technologies Private Limited",
        "The deal, published July 15, 2025 in the journal, was praised.",  # a date in running text
        "Title\nPublished 2025-02-30\nBody.",  # no such day
    ],
)
def test_citations_copyrights_running_text_and_impossible_dates_are_not_publication_dates(text):
    assert published([text])["published_date"].to_list() == [None]


def test_other_columns_are_kept():
    frame = pl.LazyFrame({"article_id": ["a"], "text": ["Published 2025-07-15"], "body": ["x"]})
    assert find_published_date(frame).collect_schema().names() == [
        "article_id",
        "text",
        "body",
        "published_date",
        "published_date_source",
        "published_date_confidence",
    ]


def test_samples_only_the_first_states_its_date(sample_texts):
    frame = pl.LazyFrame({"article_id": list(sample_texts), "text": list(sample_texts.values())})
    got = find_published_date(frame).select("article_id", "published_date", "published_date_source").collect()
    names = list(sample_texts)
    assert names[0].startswith("000_")
    assert_frame_equal(
        got,
        pl.DataFrame(
            {
                "article_id": names,
                "published_date": [date(2025, 7, 16), None, None, None, None],
                "published_date_source": ["Input\n2025-07-16 06:11:18", None, None, None, None],
            },
            schema_overrides={"published_date": pl.Date, "published_date_source": pl.String},
        ),
    )


def test_dateline_whose_date_ends_in_a_day_suffix():
    got = published(
        ["SEOUL, 2025년 7월 16일 (Yonhap) - Officials said.", "BEIJING, 2025年7月16日 /Xinhua/ — Officials said."]
    )
    assert_frame_equal(
        got,
        expected(
            [
                (date(2025, 7, 16), "SEOUL, 2025년 7월 16일 (Yonhap) -", 0.9),
                (date(2025, 7, 16), "BEIJING, 2025年7月16日 /Xinhua/ —", 0.9),
            ]
        ),
    )
