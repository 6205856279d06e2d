"""Great Expectations suites: severities, rejected rows, cascades, offline Data Docs (small inline frames)."""

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import expectations
from expectations.people import near_duplicates
from expectations.run import QUARANTINE_SCHEMA, RECORD_SCHEMA

RUN_DATE = date(2025, 6, 1)
BODY_A = 'Fed Holds Rates\nIn Zürich 🇨🇭 on Monday, "We are patient," Scott Bessent said. The Fed met.'
BODY_B = 'Chips Deal Struck\nThe deal was struck. "It is done," said Jane Roe.'


def article_row(source_name: str, body: str, **overrides) -> dict:
    """One articles row following the id/hash contract."""
    content_hash = hashlib.sha256(body.encode()).hexdigest()
    row = {"article_id": content_hash[:16], "source_name": source_name, "title": body.split("\n")[0],
           "body": body, "published_date": date(2025, 3, 3), "content_hash": content_hash}
    return row | overrides


def quote_row(quote_id: str, article: dict, text: str, speaker: str | None, **overrides) -> dict:
    """One quotes row whose offsets are Python character offsets into the article body."""
    start = article["body"].index(text)
    row = {"quote_id": quote_id, "article_id": article["article_id"], "quote_text": text, "kind": "direct",
           "speaker": speaker, "confidence": 0.9, "start_char": start, "end_char": start + len(text)}
    return row | overrides


def event_row(event_id: str, article: dict, **overrides) -> dict:
    """One events row."""
    row = {"event_id": event_id, "article_id": article["article_id"], "event_date": "2025-03",
           "date_precision": "month", "actor": "Fed", "confidence": 0.7}
    return row | overrides


def clean_tables() -> dict[str, pl.DataFrame]:
    """Two articles, their quotes, people, aliases and events: every suite passes."""
    a, b = article_row("a.txt", BODY_A), article_row("b.txt", BODY_B)
    return {
        "articles": pl.DataFrame([a, b]),
        "quotes": pl.DataFrame([quote_row("q1", a, '"We are patient,"', "Scott Bessent"),
                                quote_row("q2", b, '"It is done,"', "Jane Roe", kind="indirect")]),
        "people": pl.DataFrame({"person_id": ["p1", "p2"], "canonical_name": ["Scott Bessent", "Jane Roe"],
                                "aliases": [["Scott Besant", "Bessent"], []]}),
        "person_aliases": pl.DataFrame({"alias": ["Scott Besant", "Bessent"],
                                        "canonical_name": ["Scott Bessent", "Scott Bessent"],
                                        "article_ids": [[a["article_id"]], [a["article_id"]]]}),
        "events": pl.DataFrame([event_row("e1", a), event_row("e2", b, event_date="2025-03-03",
                                                               date_precision="day")]),
    }


def dirty_tables() -> dict[str, pl.DataFrame]:
    """The clean tables plus row-level problems: alias speaker, orphan, bad offsets/events, no title."""
    tables = clean_tables()
    a = tables["articles"].row(0, named=True)
    untitled = article_row("c.txt", "  \nSomething happened. \"Yes,\" he said.", title="  ")
    tables["articles"] = pl.concat([tables["articles"], pl.DataFrame([untitled])])
    orphan = quote_row("q4", a, '"We are patient,"', None, article_id="ffffffffffffffff")
    tables["quotes"] = pl.concat([tables["quotes"], pl.DataFrame([
        quote_row("q3", a, '"We are patient,"', "Scott Besant"),
        orphan,
        quote_row("q5", a, '"We are patient,"', None, start_char=3),
        quote_row("q6", untitled, '"Yes,"', None),
    ])])
    tables["events"] = pl.concat([tables["events"], pl.DataFrame([
        event_row("e3", a, event_date="2025-13"),
        event_row("e4", a, actor=None),
        event_row("e5", untitled),
    ])])
    return tables


def reasons(outcome: expectations.ValidationOutcome, table: str) -> dict[str, set[str]]:
    """Rejected row key -> reasons."""
    key = {"quotes": "quote_id", "events": "event_id", "articles": "article_id"}[table]
    found: dict[str, set[str]] = {}
    for row in outcome.rejected_rows.get(table, pl.DataFrame()).iter_rows(named=True):
        found.setdefault(row[key], set()).add(row["reason"])
    return found


@pytest.fixture(scope="module")
def docs_dir(tmp_path_factory) -> Path:
    """Where the clean run writes its Data Docs."""
    return tmp_path_factory.mktemp("docs")


@pytest.fixture(scope="module")
def clean(docs_dir) -> expectations.ValidationOutcome:
    """The clean set validated once (with Data Docs)."""
    return expectations.validate_tables(clean_tables(), RUN_DATE, docs_dir=docs_dir)


@pytest.fixture(scope="module")
def dirty() -> expectations.ValidationOutcome:
    """The dirty set validated once."""
    return expectations.validate_tables(dirty_tables(), RUN_DATE)


def test_clean_set_passes_every_suite(clean):
    assert clean.success and clean.critical_failures == []
    assert clean.rejected_rows == {}
    assert clean.records["success"].all()
    assert set(clean.records["suite"]) == {"articles", "quotes", "people", "person_aliases", "events"}


def test_records_and_quarantine_have_the_warehouse_layout(clean, dirty):
    assert clean.records.schema == pl.Schema(RECORD_SCHEMA)
    assert set(clean.records["severity"]) == {"critical", "row", "warning"}
    quarantine = dirty.rejected_quarantine()
    assert quarantine.schema == pl.Schema(QUARANTINE_SCHEMA)
    assert quarantine["source_name"].null_count() == 0
    assert quarantine["reason"].str.starts_with("validation:").all()
    assert ("a.txt", "validation:speaker_is_canonical", "quotes", "q3") in quarantine.drop("detail").rows()


def test_alias_speaker_fails_quotes_suite_and_only_that_row_is_rejected(dirty):
    record = dirty.records.filter(suite="quotes", expectation="speaker_is_canonical")
    assert record["success"].to_list() == [False] and record["severity"].to_list() == ["row"]
    assert json.loads(record["unexpected_sample"][0]) == ["Scott Besant"]
    assert reasons(dirty, "quotes")["q3"] == {"validation:speaker_is_canonical"}
    assert dirty.success, "row-level failures do not stop the publish"


def test_orphan_and_misplaced_quotes_are_rejected(dirty):
    got = reasons(dirty, "quotes")
    assert "validation:quote_article_exists" in got["q4"]
    assert got["q5"] == {"validation:quote_found_verbatim"}
    assert "q1" not in got and "q2" not in got, "character offsets past non-ASCII text are right"


def test_bad_events_and_untitled_article_are_rejected(dirty):
    assert reasons(dirty, "events") == {"e3": {"validation:event_date_iso_partial"},
                                        "e4": {"validation:actor_not_null"}}
    assert list(reasons(dirty, "articles").values()) == [{"validation:title_not_empty"}]


def test_apply_rejections_removes_rows_and_everything_of_a_rejected_article(dirty):
    published = expectations.apply_rejections(dirty_tables(), dirty)
    assert published["quotes"]["quote_id"].to_list() == ["q1", "q2"]
    assert published["events"]["event_id"].to_list() == ["e1", "e2"]
    assert published["articles"]["source_name"].to_list() == ["a.txt", "b.txt"]
    assert published["people"].height == 2


@pytest.mark.parametrize(("published_date", "failure"), [
    ("2025-02-30", "articles.published_date_is_date"),
    ("not a date", "articles.published_date_is_date"),
])
def test_unparseable_published_date_is_a_critical_failure(published_date, failure):
    row = article_row("a.txt", BODY_A, published_date=published_date)
    fine = None if isinstance(published_date, date) else "2025-03-03"
    other = article_row("b.txt", BODY_B, published_date=fine)
    outcome = expectations.validate_tables({"articles": pl.DataFrame([row, other])}, RUN_DATE)
    assert not outcome.success
    assert outcome.critical_failures == [failure]


@pytest.mark.parametrize("published_date", [date(1989, 12, 31), date(2025, 6, 2)])
def test_out_of_range_published_date_quarantines_that_article_only(published_date):
    row = article_row("a.txt", BODY_A, published_date=published_date)
    other = article_row("b.txt", BODY_B, published_date=date(2025, 3, 3))
    outcome = expectations.validate_tables({"articles": pl.DataFrame([row, other])}, RUN_DATE)
    assert outcome.success
    assert outcome.rejected_rows["articles"]["source_name"].to_list() == ["a.txt"]
    assert set(outcome.rejected_quarantine()["reason"]) == {"validation:published_date_in_range"}


def test_duplicate_key_is_critical_and_a_missing_column_blocks_too():
    a = article_row("a.txt", BODY_A)
    tables = {"articles": pl.DataFrame([a, a | {"source_name": "copy.txt"}]),
              "events": pl.DataFrame([event_row("e1", a)]).drop("confidence")}
    outcome = expectations.validate_tables(tables, RUN_DATE)
    assert set(outcome.critical_failures) == {"articles.article_id_unique", "articles.content_hash_unique",
                                              "events.confidence_in_range"}


def test_near_duplicate_canonical_names_unless_allowed():
    names = ["Scott Bessent", "Scott Besant", "Jane Roe", "Janet Yellen"]
    assert near_duplicates(names) == {"Scott Bessent": ["Scott Besant"], "Scott Besant": ["Scott Bessent"]}
    assert near_duplicates(names, frozenset({frozenset({"Scott Bessent", "Scott Besant"})})) == {}
    assert near_duplicates(["Martin Luther King Jr.", "Martin Luther King"]) != {}


def test_near_duplicate_people_are_a_warning_that_does_not_block():
    tables = clean_tables()
    people = tables["people"]
    twin = people.head(1).with_columns(pl.lit("p-twin").alias("person_id"),
                                       (pl.col("canonical_name") + "e").alias("canonical_name"))
    outcome = expectations.validate_tables({"people": pl.concat([people, twin])}, RUN_DATE)
    record = outcome.records.filter(pl.col("expectation") == "canonical_name_not_near_duplicate")
    assert outcome.success and record["success"].to_list() == [False]
    assert record["severity"].to_list() == ["warning"] and outcome.rejected_rows == {}


def test_ambiguous_alias_is_rejected():
    tables = clean_tables()
    tables["person_aliases"] = pl.concat([tables["person_aliases"], pl.DataFrame(
        {"alias": ["Bessent"], "canonical_name": ["Jane Roe"], "article_ids": [[]]})])
    outcome = expectations.validate_tables({k: tables[k] for k in ("people", "person_aliases")}, RUN_DATE)
    rejected = outcome.rejected_rows["person_aliases"]
    assert outcome.success and set(rejected["alias"]) == {"Bessent"} and rejected.height == 2
    assert set(rejected["reason"]) == {"validation:alias_maps_to_one_person"}


def test_summary_markdown_is_a_table(dirty):
    text = expectations.summary_markdown(dirty)
    assert "| suite | expectation | severity | result | unexpected | sample |" in text
    assert "| quotes | speaker_is_canonical | row | **FAIL** | 1 |" in text


def test_data_docs_are_offline_and_list_every_suite(clean, docs_dir):
    index = docs_dir / "index.html"
    assert clean.docs_index == index.resolve() and index.exists()
    html = index.read_text(encoding="utf-8")
    for suite in ("articles", "quotes", "people", "person_aliases", "events"):
        assert f'href="expectations/{suite}.html"' in html
        assert (docs_dir / "expectations" / f"{suite}.html").exists()
    remote = re.compile(
        r"""(<link\b[^>]*href|<script\b[^>]*src|<img\b[^>]*src)=["']?(https?:)?//|url\(["']?https?:""", re.I
    )
    pages = list(docs_dir.rglob("*.html"))
    assert len(pages) >= 11
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not remote.search(text), page
        for ref in re.findall(r"""(?:href|src)=["']([^"'#]+\.(?:css|js|png))["']""", text):
            assert (page.parent / ref).resolve().exists(), (page, ref)


def test_validating_batch_by_batch_keeps_no_batch_data():
    import gc

    import pandas as pd

    def live_pandas_frames() -> int:
        gc.collect()
        return sum(isinstance(o, pd.DataFrame) for o in gc.get_objects())

    session = expectations.ValidationSession(date(2025, 11, 20))
    tables = clean_tables()
    before = live_pandas_frames()
    for _ in range(3):
        session.check(tables, only=("articles", "quotes", "events"))
    assert live_pandas_frames() == before  # GX's data source caches every batch unless released
    outcome = session.finish()
    assert outcome.success and len(session.results) == 3 * len(outcome.records)


def test_data_docs_keep_no_folders_of_earlier_runs(tmp_path):
    """GX replaces the pages of the previous run but leaves its run folders: nothing piles up run after run."""
    for _ in range(3):
        expectations.validate_tables(clean_tables(), RUN_DATE, docs_dir=tmp_path)
    runs = {page.parent for page in (tmp_path / "validations").rglob("*.html")}
    folders = [p for p in (tmp_path / "validations").rglob("*") if p.is_dir()]
    assert all(any(page.is_relative_to(folder) for page in runs) for folder in folders)
    assert len(runs) == 5  # one run folder per suite: the last run's
