"""Article parsing: titles, boilerplate removal, byline and outlet, on small cases and the samples."""

import polars as pl
from polars.testing import assert_frame_equal

from tests.conftest import files_frame
from transforms.articles import classify_lines, parse_articles, split_lines


def parse(texts: dict[str, str]) -> pl.DataFrame:
    return parse_articles(files_frame(texts).lazy()).collect()


def test_boilerplate_lines_are_classified():
    lines = pl.LazyFrame({"source_name": ["a"] * 6, "line_no": list(range(6)), "line": [
        "1", "Source: TechCrunch", "Instagram logo", "© 2025 Some Media Ltd", "Share", "He said it.",
    ]})
    got = lines.pipe(classify_lines).select("is_boilerplate").collect()
    assert_frame_equal(got, pl.DataFrame({"is_boilerplate": [True, True, True, True, True, False]}))


def test_split_lines_keeps_order_strips_and_drops_blank_lines():
    got = split_lines(pl.LazyFrame({"file_no": [0, 1], "text": [" x \n\n \r\ny", "z"]})).collect()
    assert_frame_equal(got, pl.DataFrame({"file_no": [0, 0, 1], "line": ["x", "y", "z"]}), check_dtypes=False)


def test_byline_lines_and_translation_notices_are_boilerplate():
    lines = pl.LazyFrame({"line": ["By Jane Doe", "This text was Translated by AI.", "Reviewed byNidhi Govil",
                                   "Related news: more", "He said it."]})
    got = lines.pipe(classify_lines).select("is_boilerplate", "is_byline").collect()
    assert got["is_boilerplate"].to_list() == [True, True, True, True, False]
    assert got["is_byline"].to_list() == [True, False, True, False, False]


def test_empty_and_all_boilerplate_files_get_an_empty_body_and_no_title():
    out = parse({"a.txt": "", "b.txt": "Share\n\n1\n\nBy Jane Doe\n"})
    assert out["body"].to_list() == ["", ""]
    assert out["title"].to_list() == [None, None]
    assert out["byline"].to_list() == [None, "Jane Doe"]
    assert out["body_chars"].to_list() == [0, 0]


def test_footnotes_never_take_the_paragraph_break_before_them():
    out = parse({"a.txt": "Title\n\nClaim [1]\n\n[2] [3] and more\n\n[4]  [5]\n\nEnd"})
    assert out["body"][0] == "Title\n\nClaim\n\n and more\n\n\n\nEnd"


def test_outlet_from_wire_dateline_copyright_and_original_link():
    out = parse({
        "a.txt": "Title\n\nSEOUL (Yonhap) — Officials said.",
        "b.txt": "Title\n\nBody.\n\n© 2025 Some Media Ltd",
        "c.txt": "Title\n\nBody.\n\noriginal:www.example.cn/a/1",
    })
    assert out["outlet"].to_list() == ["Yonhap", "Some Media Ltd", "example.cn"]


def test_short_first_line_is_the_title_and_long_one_gives_its_first_sentence():
    out = parse({
        "a.txt": "Chips Deal Struck\n\nThe deal was struck on Monday.",
        "b.txt": "The administration has allowed exports again, officials said on Monday in a long "
                 "lead paragraph that runs on and on well past any headline length limit. Second one.",
    })
    assert out["title"].to_list() == [
        "Chips Deal Struck",
        "The administration has allowed exports again, officials said on Monday in a long lead "
        "paragraph that runs on and on well past any headline length limit.",
    ]


def test_footnotes_and_sources_leave_the_body():
    out = parse({"a.txt": "Title\n\nFirst claim\n\n1\n\n. More text [2] here.\n\nSource: Wccftech\n"})
    assert out["body"][0] == "Title\n\nFirst claim\n\n. More text here."


def test_article_id_is_stable_for_the_same_content():
    a = parse({"a.txt": "Same text"})
    b = parse({"renamed.txt": "Same text"})
    assert a["article_id"][0] == b["article_id"][0]


def test_samples_parse(sample_files):
    out = parse_articles(sample_files.lazy()).collect()
    by_name = {r["source_name"]: r for r in out.iter_rows(named=True)}
    first = by_name["000_765f0c137831a026.txt"]
    assert first["title"] == "Trump Administration's Motive in Allowing NVIDIA AI Chip Exports to China"
    assert first["byline"] == "Hong Chang-ki"
    assert first["outlet"] == "fnnews.com"
    assert "Saturday, December 20, 2025" not in first["body"]
    assert "theveryfirst@fnnews.com" not in first["body"]
    aggregator = by_name["002_37697d017d2b2da8.txt"]
    assert "Source: Wccftech" not in aggregator["body"]
    assert "\n\n1\n\n" not in aggregator["body"]
    assert aggregator["byline"] == "Nidhi Govil"
    blog = by_name["003_dffc5bf9aa02b684.txt"]
    assert "Komentar" not in blog["body"] and "[1]" not in blog["body"]
    assert by_name["004_314dca051041c344.txt"]["outlet"] == "toutiao.com"
    assert "This article has been translated by AI" not in by_name["001_07c01706d1c37d8d.txt"]["body"]
    assert (out["body_chars"] > 2500).all()
