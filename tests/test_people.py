"""Person mentions, within-article linking, cross-article clustering, registry, people tables."""

import datetime as dt
import gc

import polars as pl
from polars.testing import assert_frame_equal

from transforms.lexicons import NON_NAME_WORDS, ORG_WORDS, PORTFOLIO_WORDS, ROLE_WORDS
from transforms.people import (
    LOCAL_MENTION_COLUMNS,
    MENTION_COLUMNS,
    NAME_BOUNDARY,
    NAME_RUN,
    NOT_LETTER,
    PRONOUN,
    REGISTRY_SCHEMA,
    ROLE_ONLY,
    Person,
    article_weights,
    build_people,
    build_person_aliases,
    canonical_mentions,
    cluster_nodes,
    cluster_people,
    extract_mentions,
    local_people,
    match_people,
    name_keys,
    name_mask,
    names_of_local_people,
    person_names,
    resolve_people,
    role_keys,
)
from transforms.quotemarks import speech_spans
from transforms.quotes import extract_quotes
from transforms.stages import read_articles
from transforms.textspans import regex_spans
from transforms.udf import gc_paused


def articles(*bodies: str, dates: list[dt.date | None] | None = None) -> pl.LazyFrame:
    """Articles frame from bodies: article_id a0, a1, ..., optional published dates."""
    return pl.LazyFrame({
        "article_id": [f"a{i}" for i in range(len(bodies))],
        "body": list(bodies),
        "published_date": dates or [None] * len(bodies),
    }, schema_overrides={"published_date": pl.Date})


def resolved_mentions(arts: pl.LazyFrame, registry: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """Mentions with canonical names: per-article extraction, then cross-article clustering."""
    found = extract_mentions(arts, registry=registry)
    return canonical_mentions(found, person_names(found, registry=registry))


def mentions(*bodies: str, registry: pl.LazyFrame | None = None) -> list[dict]:
    """Resolved mention rows as dicts, checking the offset contract."""
    df = resolved_mentions(articles(*bodies), registry=registry).collect()
    assert df.columns == MENTION_COLUMNS + LOCAL_MENTION_COLUMNS
    for row in df.iter_rows(named=True):
        assert bodies[int(row["article_id"][1:])][row["start_char"]:row["end_char"]] == row["mention_text"]
    return df.to_dicts()


def people_of(rows: list[dict]) -> dict[str, str]:
    """mention_text -> person_name."""
    return {r["mention_text"]: r["person_name"] for r in rows}


def registry(*rows: tuple[str, str, str]) -> pl.LazyFrame:
    """A registry frame (canonical_name, aliases, roles)."""
    return pl.LazyFrame(rows, schema=REGISTRY_SCHEMA, orient="row")


# --- finding people ----------------------------------------------------------------------------


def test_role_before_the_name():
    [m] = mentions("U.S. Commerce Secretary Jane Smith said on Tuesday that tariffs will stay.")
    assert m["mention_text"] == "Jane Smith"
    assert (m["role"], m["resolution"]) == ("U.S. Commerce Secretary", "exact")


def test_role_in_apposition():
    [m] = mentions("Tom Baker, the Secretary of Energy, said oil prices will fall.")
    assert m["mention_text"] == "Tom Baker" and m["role"] == "the Secretary of Energy".removeprefix("the ")


def test_a_role_stops_at_the_end_of_its_sentence():
    """A capitalized word with a period ends the sentence unless it is an abbreviation ('U.S.')."""
    rows = mentions(
        "Talks resumed in April. Ambassador Ken Tan said nothing would change.\n\n"
        "Jane Smith, the Secretary of Commerce.\n\nAccording to the department, visits went on. "
        "Reporters met U.S.-China envoy Mark Reed."
    )
    assert [(r["mention_text"], r["role"]) for r in rows] == [
        ("Ken Tan", "Ambassador"), ("Jane Smith", "Secretary of Commerce"), ("Mark Reed", "U.S.-China envoy"),
    ]


def test_lowercase_role_before_the_name():
    [m] = mentions("White House AI czar Dana Fox said the rules are final.")
    assert m["mention_text"] == "Dana Fox" and m["role"] == "White House AI czar"


def test_speech_verb_next_to_a_full_name_makes_a_person():
    rows = mentions('"We are ready for this," said Kazuo Ueda. Maria Lopez warned that costs will rise.')
    assert [r["mention_text"] for r in rows] == ["Kazuo Ueda", "Maria Lopez"]


def test_places_products_and_orgs_are_not_people():
    rows = mentions("Nvidia unveiled its chip Vera Rubin in New York. The Commerce Department said nothing.")
    assert rows == []


def test_acronyms_after_a_role_word_are_not_people():
    rows = mentions("Meta chief AI scientist Yann LeCun said the models were weak, the EU said.")
    assert [(r["mention_text"], r["role"]) for r in rows] == [("Yann LeCun", "AI scientist")]


# --- within one article ------------------------------------------------------------------------


def test_surname_and_title_link_to_the_full_name():
    rows = mentions("Tom Baker, the Secretary of Energy, spoke. Secretary Baker said prices will fall. "
                    "Baker added that supply is ample.")
    assert {r["person_name"] for r in rows} == {"Tom Baker"}
    assert [r["resolution"] for r in rows] == ["exact", "surname", "surname"]


def test_role_only_mention_links_to_the_person_with_that_role():
    rows = mentions("Chief Executive Lena Park met investors. The CEO also discussed prices with them.")
    assert people_of(rows) == {"Lena Park": "Lena Park", "The CEO": "Lena Park"}
    assert rows[1]["resolution"] == "role"


def test_headline_misspelling_links_by_sound_and_shared_role():
    rows = mentions('Rambert Finance Minister "Taxes will not rise" No change\n\n'
                    "Paul Lambert, the Finance Minister, said the budget is balanced.")
    assert people_of(rows)["Rambert"] == "Paul Lambert"
    assert rows[0]["resolution"] == "phonetic"


def test_similar_surname_without_shared_role_stays_apart():
    rows = mentions("Treasury Secretary Scott Bessent spoke on Monday. "
                    "James Bessen, an economist at Boston University, said the plan is risky. "
                    "Bessen said tariffs raise prices.")
    assert people_of(rows) == {"Scott Bessent": "Scott Bessent", "James Bessen": "James Bessen",
                               "Bessen": "James Bessen"}


def test_pronoun_mentions_resolve_outside_quotes_only():
    body = 'Senator Mark Hill spoke. He said "he will never run again" on Monday.'
    rows = mentions(body)
    pronouns = [r for r in rows if r["resolution"] == "pronoun"]
    assert [(p["mention_text"], p["person_name"]) for p in pronouns] == [("He", "Mark Hill")]


# --- across articles ---------------------------------------------------------------------------


def test_spelling_variants_cluster_to_the_best_supported_spelling():
    a0 = ("Scott Besant, Secretary of the Treasury, said talks went well. David Sachs, who oversees AI "
          'policy, agreed. Rutnik Commerce Secretary "It is fine" OK\n\n'
          "Howard Lutnick, the Commerce Secretary, spoke.")
    a1 = ("Scott Bessent, the U.S. Secretary of the Treasury, said talks went well. David Sacks, head of AI "
          "policy, agreed. Howard Lutnick, the Commerce Secretary, said Lutnick would travel.")
    a2 = "Howard Lutnick, the Commerce Secretary, said talks went well. David Sacks, the AI czar, agreed."
    names = {r["mention_text"]: r["person_name"] for r in mentions(a0, a1, a2)}
    assert names["Scott Besant"] == names["Scott Bessent"] == "Scott Bessent"
    assert names["David Sachs"] == names["David Sacks"] == "David Sacks"
    assert names["Rutnik"] == "Howard Lutnick"


def test_surname_first_rendering_joins_on_surname_and_specific_role():
    a0 = "Kevin Lin, CEO of Acme, said sales grew."
    a1 = "Acme's CEO Lin Jianguo said sales grew."
    a2 = "Kevin Lin, the chief executive of Acme, said costs fell."
    rows = mentions(a0, a1, a2)
    assert people_of(rows)["Lin Jianguo"] == "Kevin Lin"
    assert next(r["resolution"] for r in rows if r["mention_text"] == "Lin Jianguo") == "role"
    arts = articles(a0, a1, a2)
    [kevin] = build_people(resolved_mentions(arts), arts).collect().to_dicts()
    assert kevin["aliases"] == ["Kevin Lin", "Lin Jianguo"]


def test_different_given_names_never_merge():
    a0 = "Treasury Secretary Scott Bessent said tariffs work."
    a1 = "James Bessen, an economist at Boston University, said tariffs do not work."
    a2 = "Bessen, an economist, said so again."
    names = people_of(mentions(a0, a1, a2))
    assert names["Scott Bessent"] == "Scott Bessent"
    assert names["James Bessen"] == "James Bessen"
    assert names["Bessen"] == "James Bessen"


def test_match_rules_directly():
    scott = Person.of("Scott Bessent", "Secretary of the Treasury")
    assert match_people(Person.of("Scott Besant"), scott) == "phonetic"
    assert match_people(Person.of("James Bessen", "economist"), scott) is None
    assert match_people(Person.of("Bessen", "economist"), scott) is None
    lutnick = Person.of("Howard Lutnick", "Secretary of Commerce")
    assert match_people(Person.of("Rutnik", "Commerce Secretary"), lutnick) == "phonetic"
    assert role_keys("the U.S. Secretary of Commerce") == role_keys("Commerce Minister")
    assert role_keys("Commerce Minister") == {"secretary", "commerce"}
    assert role_keys("Chief Executive") == {"ceo"}


# --- registry ----------------------------------------------------------------------------------


def test_registry_sets_the_canonical_name():
    reg = registry(("Robert Smith", "Bob Smith;Bobby Smith", "Governor of Ohio"))
    rows = mentions("Governor Bob Smith said the roads will reopen.", registry=reg)
    assert [(r["mention_text"], r["person_name"], r["resolution"]) for r in rows] == [
        ("Bob Smith", "Robert Smith", "registry")]


def test_empty_registry_changes_nothing():
    body = "Tom Baker, the Secretary of Energy, said prices will fall."
    assert mentions(body, registry=registry()) == mentions(body)


# --- tables ------------------------------------------------------------------------------------


def test_people_and_alias_tables():
    arts = articles(
        "Tom Baker, the Secretary of Energy, said prices will fall. Baker added more.",
        "Energy Secretary Tom Baker said supply is ample.",
        dates=[dt.date(2025, 1, 2), dt.date(2025, 3, 4)],
    )
    ments = resolved_mentions(arts)
    people = build_people(ments, arts).collect()
    assert people.columns == ["person_id", "canonical_name", "aliases", "roles", "mention_count",
                              "article_count", "first_seen", "last_seen"]
    [tom] = people.to_dicts()
    assert tom["canonical_name"] == "Tom Baker" and tom["aliases"] == ["Baker", "Tom Baker"]
    assert (tom["mention_count"], tom["article_count"]) == (3, 2)
    assert (tom["first_seen"], tom["last_seen"]) == (dt.date(2025, 1, 2), dt.date(2025, 3, 4))
    aliases = build_person_aliases(ments).collect()
    assert aliases["alias"].is_unique().all()
    assert set(aliases["canonical_name"]) == {"Tom Baker"}


def test_pronouns_and_role_phrases_are_not_aliases():
    arts = articles("Chief Executive Lena Park met investors. The CEO said sales grew. She left early.")
    ments = resolved_mentions(arts)
    [lena] = build_people(ments, arts).collect().to_dicts()
    assert lena["aliases"] == ["Lena Park"] and lena["mention_count"] == 1
    assert build_person_aliases(ments).collect()["alias"].to_list() == ["Lena Park"]


def test_quote_speakers_are_canonical_names():
    a0 = 'Scott Besant, Secretary of the Treasury, said, "The talks went very well today."'
    a1 = 'Scott Bessent, the U.S. Secretary of the Treasury, said, "We expect a deal this month."'
    a2 = 'Scott Bessent, the Treasury Secretary, said, "The market reaction was calm."'
    arts = articles(a0, a1, a2)
    found = extract_mentions(arts)
    local = extract_quotes(arts, mentions=found).collect()["speaker"].to_list()
    assert local == ["Scott Besant", "Scott Bessent", "Scott Bessent"]  # each article's own spelling
    _, quotes = resolve_people(found, extract_quotes(arts, mentions=found))
    assert quotes.collect()["speaker"].to_list() == ["Scott Bessent"] * 3


def test_extraction_does_not_depend_on_other_articles():
    a0 = "Tom Baker, the Secretary of Energy, said prices will fall. Vera Lin spoke too."
    a1 = "Vera Lin, a senior analyst, said prices will rise."
    alone = extract_mentions(articles(a0)).collect().drop("article_id")
    together = extract_mentions(articles(a0, a1)).collect().filter(pl.col("article_id") == "a0")
    together = together.drop("article_id")
    assert alone.equals(together)


def test_resolving_again_from_the_kept_local_values_changes_nothing():
    a0 = "Scott Besant, Secretary of the Treasury, said talks went well. Secretary Besant left."
    a1 = "Scott Bessent, the U.S. Secretary of the Treasury, said talks went well."
    a2 = "Scott Bessent, the Treasury Secretary, said the market was calm."
    once = resolved_mentions(articles(a0, a1, a2)).collect()
    assert once["local_name"].to_list()[:2] == ["Scott Besant", "Scott Besant"]
    assert set(once["person_name"]) == {"Scott Bessent"}
    restored = once.lazy().with_columns(person_name="local_name", resolution="local_resolution").select(
        MENTION_COLUMNS)
    assert_frame_equal(canonical_mentions(restored, person_names(restored)).collect(), once)


def test_articles_without_people_give_empty_typed_tables():
    found = extract_mentions(articles("prices rose in march.", "no one spoke.")).collect()
    assert found.height == 0 and found.columns == MENTION_COLUMNS
    assert found.schema["start_char"] == pl.Int64 and found.schema["person_name"] == pl.String
    assert resolved_mentions(articles("prices rose in march.")).collect().height == 0


def test_pronoun_takes_the_latest_salient_person_of_its_gender():
    body = (
        "Ms. Ana Ruiz, the chief economist, met Mr. Tom Baker.\n\n"
        "Baker's plan was criticised. She said rates would rise. He said nothing."
    )
    rows = [r for r in mentions(body) if r["resolution"] == "pronoun"]
    assert [(r["mention_text"], r["person_name"]) for r in rows] == [("She", "Ana Ruiz"), ("He", "Tom Baker")]


def test_linking_compares_only_names_that_can_match() -> None:
    """Reordered full names and an R/L-misspelt surname with a shared role still link; others don't."""
    body = (
        "Nvidia CEO Jensen Huang spoke on Monday. Commerce Secretary Howard Lutnick listened. "
        "Huang Jensen, the Nvidia CEO, said chips matter. Rutnik, the Commerce Secretary, "
        "said the talks went well. Economist James Bessen disagreed."
    )
    rows = extract_mentions(articles(body)).collect().rows(named=True)
    got = {r["mention_text"]: (r["person_name"], r["resolution"]) for r in rows}
    assert got["Huang Jensen"] == ("Jensen Huang", "fuzzy")
    assert got["Rutnik"] == ("Howard Lutnick", "phonetic")
    assert got["James Bessen"] == ("James Bessen", "exact")


def test_name_mask_words_are_ascii() -> None:
    """`name_candidates` tests place words on the masked run: lowercasing must undo the mask exactly."""
    assert all(w.isascii() for w in [*NON_NAME_WORDS, *ORG_WORDS, *PORTFOLIO_WORDS, *ROLE_WORDS])
    body = pl.DataFrame({"body": ["Étienne Dupont of the Ministry said AI Ω"]})
    masked = body.select(name_mask(pl.col("body"))).item()
    assert masked.lower() == body.item().lower() and len(masked) == len(body.item())


def test_regex_spans_give_character_offsets_without_the_boundary() -> None:
    """Offsets in characters, the boundary character dropped, NULs in the text, no text at all."""
    bodies = pl.LazyFrame({
        "article_id": ["a0", "a1", "a2", "a3"],
        "body": ["Ana Ruiz met Étienne Dupont. He said the CEO of Acme left.",
                 "no names here", "\x00Tom Baker\x00 and\x00the chief executive\x00he\x00",
                 None],
    })
    names = regex_spans(bodies, NAME_RUN, boundary=NAME_BOUNDARY).collect()
    assert names.select("article_id", "start_char", "end_char", "match").rows()[:2] == [
        ("a0", 0, 8, "Ana Ruiz"), ("a0", 13, 27, "Étienne Dupont")]
    assert ("a2", 1, 10, "Tom Baker") in names.rows()
    assert regex_spans(bodies, PRONOUN).collect().rows() == [("a0", 29, 31, "He"), ("a2", 36, 38, "he")]
    assert regex_spans(bodies, ROLE_ONLY, boundary=NOT_LETTER).collect().rows() == [
        ("a0", 37, 52, "the CEO of Acme"), ("a2", 16, 35, "the chief executive")]  # boundary dropped


def test_name_keys_fold_and_split_a_name() -> None:
    """key, last_key and first_key of a name as written."""
    keys = pl.select(name_keys(pl.lit("José  O’Neil-Smith"))).item()
    assert keys == {"key": "jose o'neil smith", "last_key": "smith", "first_key": "jose"}


def test_gc_paused_restores_the_collector() -> None:
    """The collector is off inside, back on after (even after an error), and left off if it was off."""
    assert gc.isenabled()
    try:
        with gc_paused():
            assert not gc.isenabled()
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_quote_spans_matter_only_where_pronouns_are() -> None:
    """Articles with and without pronouns side by side: a quoted 'he' still names no one."""
    a0 = 'Senator Mark Hill said "Mark Hill will never run again" on Monday.'
    a1 = 'Senator Ana Ruiz spoke. She said "he will never run again" on Monday.'
    rows = extract_mentions(articles(a0, a1)).collect()
    pronouns = rows.filter(pl.col("resolution") == "pronoun")
    assert pronouns.select("article_id", "mention_text", "person_name").rows() == [("a1", "She", "Ana Ruiz")]
    alone = extract_mentions(articles(a0)).collect()
    assert rows.filter(pl.col("article_id") == "a0").equals(alone)


def test_names_from_per_batch_local_people_equal_names_from_all_mentions():
    bodies = ["Scott Besant, Secretary of the Treasury, said talks went well. Besant left.",
              "Scott Bessent, the U.S. Secretary of the Treasury, said talks went well.",
              "Scott Bessent, the Treasury Secretary, said the market was calm."]
    found = extract_mentions(articles(*bodies)).collect()
    local = pl.concat([local_people(found.lazy().filter(pl.col("article_id") == a)).collect()
                       for a in ("a0", "a1", "a2")])
    per_batch = names_of_local_people(local.lazy()).collect().sort(pl.all())
    assert_frame_equal(per_batch, person_names(found.lazy()).collect().sort(pl.all()))
    assert set(per_batch["canonical_name"]) == {"Scott Bessent"}
    assert local.filter(pl.col("article_id") == "a0")["local_name"].to_list() == ["Scott Besant"]


def test_two_people_of_one_article_spelled_alike_get_one_name_each():
    rows = [("a0", "Priyanka Kowalczyk", "P. Kowalczyk", 0), ("a0", "Priyanka Kowalczyk", "P. Kowalczyk", 40),
            ("a0", "Priyanka Kowalczyk", "Priyanka Kowalczyk", 80), ("a0", "P. Kowalczyk", "P. Kowalczyk", 120),
            ("a1", "Priyanka Kowalczyk", "Priyanka Kowalczyk", 0)]
    found = pl.LazyFrame(rows, schema=["article_id", "person_name", "mention_text", "start_char"], orient="row")
    found = found.with_columns(resolution=pl.lit("name"), role=pl.lit(None, dtype=pl.String))
    assert local_people(found).collect().filter(pl.col("article_id") == "a0")["local_name"].to_list() == [
        "P. Kowalczyk", "P. Kowalczyk"]
    names = person_names(found).collect()
    assert names.select("article_id", "person_name").is_unique().all() and names.height == 3
    assert set(names["canonical_name"]) == {"Priyanka Kowalczyk"}


# --- clustering across articles, on inline frames ----------------------------------------------


def spelled(*rows: tuple[str, int, str, int]) -> pl.LazyFrame:
    """`spelling_usage` rows (article_id, cluster, spelling, n), all full names."""
    return pl.LazyFrame(rows, schema={"article_id": pl.String, "cluster": pl.UInt32, "spelling": pl.String,
                                      "n": pl.Int64}, orient="row").with_columns(slot=pl.lit("full"))


def test_article_weights_are_mean_shares_of_each_article_spellings():
    # person 1: a0 spells it two ways, a1 and a2 one way; person 2: a0 and a1 disagree; a3 shares no one
    usage = spelled(("a0", 1, "x", 1), ("a0", 1, "y", 1), ("a1", 1, "x", 2), ("a2", 1, "x", 1),
                    ("a0", 2, "p", 1), ("a1", 2, "q", 1), ("a3", 3, "z", 1))
    # round 1, person 1: x = 1/2 + 1 + 1, y = 1/2 (shares 5/6, 1/6); person 2: 1/2 each
    expected = pl.DataFrame({"article_id": ["a0", "a1", "a2"], "weight": [0.5, (5 / 6 + 0.5) / 2, 5 / 6]})
    assert_frame_equal(article_weights(usage, rounds=1).collect().sort("article_id"), expected)
    again = article_weights(usage).collect().sort("article_id")
    assert again["article_id"].to_list() == ["a0", "a1", "a2"]
    assert again["weight"][0] < 0.5 < again["weight"][1] < again["weight"][2]  # disagreeing a0 loses weight


def nodes_frame(*rows: tuple[str, list[str], list[int] | None]) -> pl.DataFrame:
    """`cluster_nodes` input: node (1, 2, ...), name, roles, joins."""
    return pl.DataFrame({
        "node": list(range(1, len(rows) + 1)), "name": [r[0] for r in rows], "roles": [r[1] for r in rows],
        "joins": [r[2] for r in rows],
    }, schema={"node": pl.UInt32, "name": pl.String, "roles": pl.List(pl.String), "joins": pl.List(pl.UInt32)})


def test_cluster_nodes_joins_spellings_registry_claims_and_one_fitting_surname():
    nodes = nodes_frame(
        ("Scott Bessent", ["Treasury Secretary"], None), ("Scott Besant", [], None), ("Bessent", [], None),
        ("James Bessen", [], None), ("Lee", [], None), ("Lee Jae-myung", [], None), ("Lee Hae-chan", [], None),
        ("Howard Lutnick", [], [9]), ("Rutnik", [], None),
    )
    clusters = dict(cluster_nodes(nodes).iter_rows())
    assert clusters[1] == clusters[2] == clusters[3]  # spelling variant and bare surname join
    assert clusters[4] != clusters[1]  # a different given name never joins
    assert clusters[5] not in (clusters[6], clusters[7]) and clusters[6] != clusters[7]  # 'Lee' fits two people
    assert clusters[8] == clusters[9]  # the registry entry claims the spelling it lists


def test_cluster_nodes_never_join_different_given_names_of_one_surname():
    """Two full names ending in one surname join only by a compatible given name, whatever their roles; an
    initial joins the one full name it fits and bridges no two; surname-first renderings still join on a role."""
    secretary = ["Commerce Secretary"]
    nodes = nodes_frame(
        ("Thea Abernathy", secretary, None), ("Tobias Abernathy", secretary, None), ("T. Abernathy", secretary, None),
        ("C. Kim", secretary, None), ("R. Kim", secretary, None),
        ("Dmitri Mbeki", [], None), ("D. Mbeki", [], None),
        ("Jensen Huang", ["Nvidia CEO"], None), ("Huang Renxun", ["Nvidia CEO"], None),
    )
    clusters = dict(cluster_nodes(nodes).iter_rows())
    assert len({clusters[1], clusters[2], clusters[3]}) == 3  # 'T.' fits both: it stays apart
    assert clusters[4] != clusters[5]
    assert clusters[6] == clusters[7]  # the one full name the initial fits
    assert clusters[8] == clusters[9]


def test_cluster_nodes_compare_given_names_across_name_orders():
    """'Do-yun Kwon' is 'Kwon Doyun' by its given name, never 'Kwon Tae-hyun', whatever roles they share;
    surname-first names compare their given names by spelling, not by English sound rules."""
    minister = ["Trade Minister"]
    nodes = nodes_frame(
        ("Do-yun Kwon", minister, None), ("Kwon Doyun", [], None), ("Kwon Tae-hyun", minister, None),
        ("Tae-hyun Kwon", [], None), ("Liang Jiho", [], None), ("Liang Jiahui", [], None),
        ("Gao Wei-ming", [], None), ("Gao Weiming", ["President"], None),
    )
    clusters = dict(cluster_nodes(nodes).iter_rows())
    assert clusters[1] == clusters[2] and clusters[3] == clusters[4]
    assert clusters[1] != clusters[3]
    assert clusters[5] != clusters[6]  # sound alike to English rules, yet two given names
    assert clusters[7] == clusters[8]  # the same letters, hyphenated or not


def test_cluster_people_votes_the_canonical_spelling_and_the_registry_overrides_it():
    forms = pl.List(pl.Struct({"form": pl.String, "n": pl.Int64}))
    entities = pl.LazyFrame({
        "article_id": ["a0", "a1", "a1", "a2", None],
        "local_name": ["Scott Besant", "Scott Bessent", "Huang Renxun", "Scott Bessent", "Jensen Huang"],
        "forms": [[{"form": "Scott Besant", "n": 2}],
                  [{"form": "Scott Bessent", "n": 1}, {"form": "Bessent", "n": 3}],
                  [{"form": "Huang Renxun", "n": 1}],
                  [{"form": "SCOTT BESSENT", "n": 1}, {"form": "Scott Bessent", "n": 1}],
                  [{"form": "Jensen Huang", "n": 1}, {"form": "Huang Renxun", "n": 1}]],
        "roles": ["", "Treasury Secretary", "", "", "Nvidia CEO"],
    }, schema_overrides={"forms": forms})
    expected = pl.DataFrame({
        "article_id": ["a0", "a1", "a1", "a2"],
        "local_name": ["Scott Besant", "Huang Renxun", "Scott Bessent", "Scott Bessent"],
        "canonical_name": ["Scott Bessent", "Jensen Huang", "Scott Bessent", "Scott Bessent"],
        "link": ["phonetic", "registry", "exact", "exact"],
    })
    assert_frame_equal(cluster_people(entities).collect().sort("article_id", "local_name"), expected)


def test_mentions_reuse_the_articles_speech_spans(sample_files):
    """The extraction collects `speech_spans` once for mentions and quotes: the mentions are those found
    when `extract_mentions` looks for the spans itself (only in articles with a pronoun)."""
    arts = read_articles(sample_files.lazy()).collect().lazy()
    given = extract_mentions(arts, speech=speech_spans(arts)).collect()
    assert given.filter(pl.col("resolution") == "pronoun").height > 0  # the samples' "he said"
    assert_frame_equal(given, extract_mentions(arts).collect())


def test_no_two_people_of_a_synthetic_corpus_share_a_canonical_name(tmp_path):
    """The bench corpus spells 240 invented people several ways (misspellings, initials, both name orders),
    many sharing a surname: each of them keeps a canonical name of their own."""
    import ingest
    from flows.synthetic import people_pool, write_corpus

    write_corpus(tmp_path, 400)
    arts = read_articles(ingest.read_folder(tmp_path)[0].lazy()).collect().lazy()
    names = person_names(extract_mentions(arts)).collect()
    cast = pl.DataFrame({"person_name": [p.name for p in people_pool()]})
    canonical = names.join(cast, on="person_name").group_by("person_name").agg(pl.col("canonical_name").mode().first())
    assert canonical.height >= 200  # the corpus names most of them
    shared = canonical.group_by("canonical_name").agg("person_name").filter(pl.col("person_name").list.len() > 1)
    assert shared.height == 0, shared.rows()
