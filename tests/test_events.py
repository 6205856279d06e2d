"""Events: sentence split, action lexicon, actor/object/counterpart/location, dates, and story linking."""

import hashlib
from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from transforms.events import (
    EVENT_COLUMNS,
    _mask_column,
    _orgs_before,
    _sentence_ends,
    _sentence_ends_word_by_word,
    _sentences,
    extract_events,
    link_story_events,
)
from transforms.pubdate import find_published_date
from transforms.temporal import extract_temporal_expressions

ANCHOR = date(2025, 7, 16)
NO_MENTIONS = pl.LazyFrame(
    schema={"article_id": pl.String, "start_char": pl.Int64, "end_char": pl.Int64, "person_name": pl.String}
)
PARTS = ["action", "actor", "object", "counterpart", "location", "event_date", "date_precision"]


def articles_of(bodies: dict[str, str], anchor: date | None = ANCHOR) -> pl.LazyFrame:
    return pl.LazyFrame(
        {"article_id": list(bodies), "body": list(bodies.values()), "published_date": [anchor] * len(bodies)},
        schema_overrides={"published_date": pl.Date},
    )


def events_of(bodies: dict[str, str], mentions: pl.LazyFrame = NO_MENTIONS, anchor: date | None = ANCHOR):
    articles = articles_of(bodies, anchor)
    return extract_events(articles, extract_temporal_expressions(articles), mentions).collect()


def mention(article_id: str, body: str, text: str, person: str) -> tuple[str, int, int, str]:
    start = body.index(text)
    return article_id, start, start + len(text), person


def test_sentences_keep_abbreviations_and_quotes_together_with_character_offsets():
    body = '한국 — The U.S. Commerce Dept. said, "It works. Really." Then China agreed.\nNew line here'
    got = _sentences(pl.LazyFrame({"article_id": ["a"], "body": [body]})).collect().to_dicts()
    assert [s["evidence"] for s in got] == [
        '한국 — The U.S. Commerce Dept. said, "It works. Really."',
        "Then China agreed.",
        "New line here",
    ]
    assert all(body[s["start_char"] : s["end_char"]] == s["evidence"] for s in got)
    assert got[0]["masked"] == '한국 — The U.S. Commerce Dept. said, "' + "…" * len("It works. Really.") + '"'


@pytest.mark.parametrize(
    ("sentence", "action"),
    [
        ("The Trump administration allowed the export of H20 chips to China.", "allow"),
        ("The Commerce Department restricted sales of the chip in April.", "restrict"),
        ("China agreed to resume rare earth exports to the U.S. last month.", "agree"),
        ("The U.S. negotiated with China in Geneva last May.", "negotiate"),
        ("Nvidia unveiled its Vera Rubin chip in March this year.", "announce"),
        ("Nvidia sold H20 chips to China since 2022.", "sell"),
        ("Samsung bought a chip plant in Texas in 2024.", "buy"),
        ("Intel invested $20 billion in Ohio in 2022.", "invest"),
        ("The Justice Department sued Google in 2020.", "investigate"),
        ("Japan extended its export curbs in June 2025.", "extend"),
        ("Huawei met Chinese officials in Beijing on Monday.", "meet"),
        ("Nvidia said on Monday that demand is strong.", "say"),
    ],
)
def test_action_lexicon(sentence, action):
    assert events_of({"a": sentence})["action"].to_list() == [action]


def test_actor_object_counterpart_location_and_date():
    got = events_of({
        "a": "The Trump administration allowed the export of NVIDIA's H20 chip to China in mid-April.",
        "b": "Trade talks: the U.S. negotiated with China in Geneva, Switzerland, last May.",
        "c": "NVIDIA unveiled its latest AI chip Vera Rubin at the GTC in March this year.",
    })  # fmt: skip
    assert_frame_equal(
        got.select(PARTS),
        pl.DataFrame(
            [
                ("allow", "Trump administration", "NVIDIA's H20 chip", "China", None, "2025-04", "month"),
                ("negotiate", "United States", None, "China", "Geneva, Switzerland", "2025-05", "month"),
                ("announce", "Nvidia", "latest AI chip Vera Rubin", None, None, "2025-03", "month"),
            ],
            schema=dict.fromkeys(PARTS, pl.String),
            orient="row",
        ),
    )


def test_a_person_named_before_the_verb_is_the_actor():
    body = "On the 15th, Secretary Lutnick said the US approved H20 sales to China after Trump agreed."
    mentions = pl.LazyFrame(
        [mention("a", body, "Lutnick", "Howard Lutnick"), mention("a", body, "Trump", "Donald Trump")],
        schema=NO_MENTIONS.collect_schema(),
        orient="row",
    )
    got = events_of({"a": body}, mentions)
    assert got.select("actor", "action", "event_date", "counterpart").row(0) == (
        "Howard Lutnick", "allow", "2025-07-15", "China",
    )  # fmt: skip


def test_a_name_inside_an_administration_is_not_the_person_actor():
    body = "The Trump administration blocked the sale in 2024."
    mentions = pl.LazyFrame(
        [mention("a", body, "Trump", "Donald Trump")], schema=NO_MENTIONS.collect_schema(), orient="row"
    )
    assert events_of({"a": body}, mentions).select("actor", "action").row(0) == (
        "Trump administration",
        "restrict",
    )


def lutnick_in(body: str) -> pl.LazyFrame:
    return pl.LazyFrame([mention("a", body, "Lutnick", "Howard Lutnick")], schema=NO_MENTIONS.collect_schema(),
                        orient="row")


def test_verbs_inside_quotes_are_what_was_said():
    body = 'Lutnick said on the 15th, "Biden allowed the sale of H20 to China."'
    got = events_of({"a": body}, lutnick_in(body))
    assert got.select("action", "object", "counterpart", "event_date").row(0) == (
        "say",
        None,
        None,
        "2025-07-15",
    )


def test_sentences_need_an_action_and_an_actor():
    got = events_of({
        "a": "Chips are fast in 2024. Officials allowed exports. Nvidia sold chips. Prices rose in 2023. "
             "Exports were banned in 2024."
    })  # fmt: skip
    # no action / action without actor / kept / no action / dated action without actor
    assert got["evidence"].to_list() == ["Nvidia sold chips."]


def test_undated_actions_keep_a_null_date_and_relative_dates_without_anchor_stay_null():
    body = "Lutnick said on the 24th that Trump is considering approving H200 exports."
    got = events_of({"a": body}, lutnick_in(body), anchor=None)
    assert got.select("action", "event_date", "date_precision", "date_value").row(0) == (
        "allow", None, "day", None,
    )  # fmt: skip


def test_event_ids_are_sha256_of_article_and_offsets_and_evidence_matches_the_body():
    body = "Intro line.\n한국어 문장. Nvidia sold H20 chips to China in 2024."
    got = events_of({"a": body})
    start, end = got.select("start_char", "end_char").row(0)
    assert body[start:end] == got["evidence"][0] == "Nvidia sold H20 chips to China in 2024."
    assert got["event_id"][0] == hashlib.sha256(f"a:{start}:{end}".encode()).hexdigest()[:16]
    assert got.columns == EVENT_COLUMNS
    assert 0 < got["confidence"][0] <= 1


@pytest.mark.parametrize(
    "body",
    [
        "The U.S. and Mr. Smith met. Then (Mr. Jones left. Non-U.S. firms sold. Talks ended.",
        "Wait?! No.. Really. e.g. Something. MRS. Lee came.\n\nNext line. Co.! Done.",
        'He said "It works. Really." Then "open quote. Still open. Yes.\nNew line" He left. “Curly. In.” Out.',
        "Closing only” mark. Another. ",
        "中文。Mr. Smith said。Dr. Who left. 完了！Yes",
        "",
    ],
)
def test_sentence_ends_leave_abbreviations_to_the_regex_with_the_same_ends(body):
    assert _sentence_ends(body) == _sentence_ends_word_by_word(body)


def test_sentence_ends_skip_abbreviations_and_open_quotes():
    body = 'Mr. Lee met U.S. officials. "Go. Now," he said. Wait?! Yes.\nEnd'
    yes = body.index("Yes.") + 4
    ends = [body.index("officials.") + 10, body.index("said.") + 5, body.index("?!") + 2, yes, yes + 1, len(body)]
    assert _sentence_ends(body) == ends


def test_sentences_strip_what_python_strips():
    got = _sentences(pl.LazyFrame({"article_id": ["a"], "body": ["\x1c Nvidia sold chips. \x1f\u3000"]})).collect()
    assert got.select("start_char", "end_char", "evidence").row(0) == (2, 20, "Nvidia sold chips.")


def test_mask_column_masks_only_quoted_passages():
    texts = pl.Series(["a \"b c\" d", "no quotes”", None, "“x” y"])
    assert _mask_column(texts).to_list() == ["a \"………\" d", "no quotes”", None, "“…” y"]


def test_orgs_before_the_verb_are_the_sentence_orgs_less_those_after_it():
    frame = pl.DataFrame(
        {
            "text": ["China and Nvidia sold chips to India.", "The AT&launched Inc unit launched chips in China."],
            "_verb_at": [21, 15],
            "_ascii_words": [True, True],
            "orgs": [["China", "Nvidia", "to India"], ["The AT&launched Inc", "in China"]],
            "rest_orgs": [["to India"], ["in China"]],
        }
    )
    got = frame.select(_orgs_before(pl.col("text"), pl.col("orgs"), pl.col("rest_orgs")))
    assert got.to_series().to_list() == [["China", "Nvidia"], []]


def test_empty_and_null_bodies_give_no_events():
    articles = pl.LazyFrame({"article_id": ["a", "b"], "body": ["", None]})
    temporal = extract_temporal_expressions(articles.with_columns(published_date=pl.lit(ANCHOR)))
    assert extract_events(articles, temporal, NO_MENTIONS).collect().height == 0


def link(rows: list[tuple[str, str, str | None, str | None, str | None]]) -> list[str]:
    events = pl.LazyFrame(
        [(i, "x", d, None, None, a, act, o, None, None, "", 0, 1, 0.5, None) for i, act, a, o, d in rows],
        schema={c: pl.String for c in EVENT_COLUMNS}
        | {"date_value": pl.Date, "start_char": pl.Int64, "end_char": pl.Int64, "confidence": pl.Float64},
        orient="row",
    )
    return link_story_events(events).collect()["story_event_id"].to_list()


def test_link_same_action_actor_overlapping_object_and_compatible_dates():
    got = link([
        ("e1", "allow", "Trump administration", "H20 chips", "2025-07"),
        ("e2", "allow", "Trump administration", "NVIDIA's H20 chip", "2025-07-15"),
        ("e3", "allow", "Trump administration", "H20 chip", None),
        ("e4", "allow", "Trump administration", "Blackwell chips", "2025-07"),  # another object
        ("e5", "restrict", "Trump administration", "H20 chips", "2025-07"),  # another action
        ("e6", "allow", None, "H20 chips", "2025-07"),  # no actor: never linked
    ])  # fmt: skip
    assert got == ["e2", "e2", "e2", "e4", "e5", "e6"]


def test_an_undated_event_does_not_bridge_two_dated_stories():
    got = link([
        ("e1", "allow", "Trump administration", "H20 chips", "2025-07"),
        ("e2", "allow", "Trump administration", "H20 chips", "2025-04"),
        ("e3", "allow", "Trump administration", "H20 chip", None),
        ("e4", "allow", "Trump administration", "H20 chips", None),
    ])  # fmt: skip
    assert got == ["e1", "e2", "e3", "e3"]


def test_link_without_objects_needs_dates_on_both_sides():
    got = link([
        ("e1", "say", "Howard Lutnick", None, "2025-07-15"),
        ("e2", "say", "Howard Lutnick", None, "2025-07-15"),
        ("e3", "say", "Howard Lutnick", None, None),
        ("e4", "say", "Howard Lutnick", None, None),
    ])  # fmt: skip
    assert got == ["e1", "e1", "e3", "e4"]


def test_link_is_transitive_through_precision_levels():
    got = link([
        ("e3", "sell", "Nvidia", "H20 chips", "2025"),
        ("e1", "sell", "Nvidia", "H20 AI chips", "2025-07"),
        ("e2", "sell", "Nvidia", "AI chips", "2025-07-15"),
    ])  # fmt: skip
    assert got == ["e2", "e2", "e2"]


@pytest.fixture(scope="module")
def sample_events(sample_texts) -> tuple[dict[str, str], pl.DataFrame]:
    bodies = {name[:3]: text for name, text in sample_texts.items()}
    articles = pl.LazyFrame(
        {"article_id": list(bodies), "text": list(bodies.values()), "body": list(bodies.values())}
    )
    articles = articles.pipe(find_published_date)
    events = extract_events(articles, extract_temporal_expressions(articles), NO_MENTIONS).pipe(
        link_story_events
    )
    return bodies, events.collect()


def test_samples_dated_events_of_the_first_article(sample_events):
    _, events = sample_events
    dated = events.filter((pl.col("article_id") == "000") & pl.col("event_date").is_not_null())
    rows = set(dated.select("action", "actor", "counterpart", "location", "event_date").rows())
    assert ("restrict", "Trump administration", "China", None, "2025-04") in rows  # H20 approvals, mid-April
    assert ("negotiate", "United States", "China", "Geneva, Switzerland", "2025-05") in rows  # Geneva talks
    assert ("announce", "Nvidia", None, None, "2025-03") in rows  # Vera Rubin at GTC


def test_samples_events_respect_the_contract(sample_events):
    bodies, events = sample_events
    assert events.columns == EVENT_COLUMNS
    assert events["event_id"].is_unique().all()
    assert all(bodies[a][s:e] == x for a, s, e, x in events.select("article_id", "start_char", "end_char",
                                                                     "evidence").rows())  # fmt: skip
    assert events["event_date"].drop_nulls().str.contains(r"^\d{4}(-\d{2}(-\d{2})?)?$").all()
    assert set(events["date_precision"].drop_nulls()) <= {"day", "part_of_month", "month", "season", "year"}
    assert events["confidence"].is_between(0, 1).all()
    # nothing in the undated articles gets a relative date resolved
    undated = events.filter(pl.col("article_id").is_in(["001", "003"]) & pl.col("event_date").is_not_null())
    assert undated.height == 0


def test_samples_link_the_h20_exports_across_articles(sample_events):
    _, events = sample_events
    exports = events.filter(
        (pl.col("action") == "sell") & (pl.col("actor") == "Nvidia") & pl.col("object").str.contains("H20")
    )
    assert exports["article_id"].n_unique() >= 2
    assert exports["story_event_id"].n_unique() == 1


def test_story_ids_name_each_description_once_however_often_it_is_repeated():
    from transforms.events import story_ids

    rows = [("e3", "allow", "Trump administration", "H20 chips", "2025-07")] * 3 + [
        ("e1", "allow", "Trump administration", "NVIDIA's H20 chips", "2025-07-15")]
    events = pl.LazyFrame([(i, act, a, o, d) for i, act, a, o, d in rows],
                          schema=["event_id", "action", "actor", "object", "event_date"], orient="row")
    got = story_ids(events).collect().sort("object")
    assert got["object"].to_list() == ["H20 chips", "NVIDIA's H20 chips"]
    assert got["story_event_id"].to_list() == ["e1", "e1"]


def test_story_descriptions_made_per_batch_give_the_stories_of_all_events_at_once():
    from transforms.events import story_ids
    from transforms.stages import story_descriptions, story_links

    rows = [("e1", "a1", "allow", "Gina Ray", "H20 chips", "2025-07"),
            ("e2", "a1", "allow", "Gina Ray", "NVIDIA's H20 chip", "2025-07-15"),
            ("e3", "a2", "allow", "Gina Ray", "H20 chips", "2025-07"),
            ("e4", "a2", "say", "Gina Ray", None, "2025-07-15"),
            ("e5", "a3", "say", "Gina Ray", None, "2025-07-15"),
            ("e6", "a3", "allow", "Gina Ray", "Blackwell chips", None)]
    events = pl.LazyFrame(rows, schema=["event_id", "article_id", "action", "actor", "object", "event_date"],
                          orient="row")
    names = pl.LazyFrame(schema={"article_id": pl.String, "person_name": pl.String,
                                 "canonical_name": pl.String, "link": pl.String})
    batches = [events.filter(pl.col("article_id") == a) for a in ("a1", "a2", "a3")]
    per_batch = pl.concat([story_descriptions(b, names).collect() for b in batches])
    together = story_links(events, names).collect().sort(pl.all())
    assert_frame_equal(story_ids(per_batch.lazy()).collect().sort(pl.all()), together)
    assert dict(together.select("object", "story_event_id").drop_nulls().iter_rows()) == {
        "H20 chips": "e2", "NVIDIA's H20 chip": "e2", "Blackwell chips": "e6"}
    assert together.filter(pl.col("action") == "say")["story_event_id"].to_list() == ["e4"]
