"""Quote spans and speaker attribution, one rule per test, on short sentences."""

import polars as pl
import pytest

from transforms.quotemarks import quote_spans
from transforms.quotes import QUOTE_COLUMNS, extract_quotes


def articles(*bodies: str) -> pl.LazyFrame:
    """Articles frame from bodies: article_id a0, a1, ..."""
    return pl.LazyFrame({"article_id": [f"a{i}" for i in range(len(bodies))], "body": list(bodies)})


def quotes(*bodies: str, kind: str | None = "direct") -> list[dict]:
    """extract_quotes rows (of one kind, or all) as dicts, checking the offset contract on the way."""
    df = extract_quotes(articles(*bodies)).collect()
    assert df.columns == QUOTE_COLUMNS
    for row in df.iter_rows(named=True):
        body = bodies[int(row["article_id"][1:])]
        assert body[row["start_char"]:row["end_char"]] == row["quote_text"]
    rows = df.to_dicts()
    return [r for r in rows if kind is None or r["kind"] == kind]


def spans(body: str) -> list[tuple[str, str]]:
    """(quote_text, span_kind) of every quoted span in one body."""
    df = quote_spans(articles(body)).collect()
    return list(zip(df["quote_text"], df["span_kind"], strict=True))


INTRO = "Senator Mark Hill, the chairman of the budget committee, spoke on Monday. "


# --- spans -------------------------------------------------------------------------------------


def test_curly_and_straight_double_quotes():
    assert spans("He said “we will win this race” and “we are ready for it” today.") == [
        ("we will win this race", "speech"), ("we are ready for it", "speech")]
    assert spans('He said "we will win this race" today.') == [("we will win this race", "speech")]


def test_apostrophes_are_not_quote_marks():
    body = "Trump's plan isn't final, the students' books don't matter and the ’90s are gone."
    assert spans(body) == []


def test_single_quotes_used_as_quote_marks():
    assert spans("She said ‘we don’t need another delay now’ and left.") == [
        ("we don’t need another delay now", "speech")]
    assert spans("She said 'we won't need another delay' and left.") == [
        ("we won't need another delay", "speech")]


def test_scare_quotes_and_titles_are_not_speech():
    assert spans('The so-called "smart chip" and the "Made in China 2025" initiative.') == [
        ("smart chip", "scare"), ("Made in China 2025", "title")]
    [(text, kind)] = spans("the low-spec 'H20' chip")
    assert text == "H20" and kind != "speech"


def test_title_case_quote_after_a_speech_verb_is_speech():
    assert spans('Trump says "We Will Win Big" in speech') == [("We Will Win Big", "speech")]


def test_cjk_corner_brackets_hold_speech():
    assert spans("彼は「来年には必ず成功させます」と述べた。") == [("来年には必ず成功させます", "speech")]


def test_block_quote_over_paragraphs_is_one_quote():
    body = ("“Nvidia said it will sell chips.\n\nThe company met officials, people said.\n\n"
            "It ends here.”\n\nAfter.")
    assert spans(body) == [("Nvidia said it will sell chips.\n\nThe company met officials, people said.\n\n"
                            "It ends here.", "speech")]
    assert quotes(body)[0]["quote_text"].startswith("Nvidia said it will sell chips.")
    assert len(quotes(body, kind=None)) == 1  # nothing inside the block quote is reported speech


def test_quote_continued_by_a_new_opening_mark_is_one_quote():
    body = INTRO + "Hill said: “We will pass the bill this week\n\n“and nobody will stop us.”"
    [q] = quotes(body)
    assert q["quote_text"] == "We will pass the bill this week\n\n“and nobody will stop us."
    assert q["speaker"] == "Mark Hill"


# --- attribution -------------------------------------------------------------------------------


def test_name_said_and_said_name():
    q1, q2 = quotes(INTRO + 'Hill said, "The budget will be balanced by next year."\n\n'
                    '"We will cut spending where it hurts least," said Senator Hill.')
    assert (q1["speaker"], q1["attribution_rule"]) == ("Mark Hill", "name_said")
    assert (q2["speaker"], q2["attribution_rule"]) == ("Mark Hill", "said_name")


def test_role_apposition_names_the_speaker():
    [q] = quotes("Jane Alvarez, the U.S. Secretary of Energy, said in an interview, "
                 '"Oil prices will fall before winter comes."')
    assert q["speaker"] == "Jane Alvarez" and q["speaker_raw"] == "Jane Alvarez"


def test_pronoun_resolves_to_the_last_subject_not_a_possessive():
    body = ("Minister Ana Ruiz commented on President Paul Kim's plan, "
            'saying, "The plan works well enough." '
            'She said, "We will expand it to every region."')
    q1, q2 = quotes(body)
    assert q1["speaker"] == q2["speaker"] == "Ana Ruiz"
    assert q2["attribution_rule"] == "pronoun" and q2["speaker_raw"] == "She"


def test_adding_continues_the_speaker():
    q1, q2 = quotes(INTRO + 'He said, "We have the votes we need," adding, "The vote is on Friday morning."')
    assert q1["speaker"] == q2["speaker"] == "Mark Hill"
    assert q2["attribution_rule"] == "adding_continuation"


def test_stating_that_continues_the_speaker():
    q1, q2 = quotes(INTRO + 'Hill warned, "The deficit keeps growing every year," '
                    'stating that "nobody in this town wants to admit it."')
    assert q2["speaker"] == "Mark Hill" and q2["attribution_rule"] == "adding_continuation"


def test_split_quote_keeps_the_speaker():
    q1, q2 = quotes(INTRO + '"We are ready to move ahead," he said. "The deal is done and signed."')
    assert q1["speaker"] == q2["speaker"] == "Mark Hill"
    assert q1["attribution_rule"] == "pronoun" and q2["attribution_rule"] == "split_quote"


def test_coordinated_verb_keeps_the_subject():
    body = (INTRO + 'He explained that the talks are "moving in the right direction now" '
            'and pointed out that Smith "has not read the whole bill yet."')
    q1, q2 = quotes(body)
    assert q1["speaker"] == q2["speaker"] == "Mark Hill"
    assert q2["attribution_rule"] == "coordinated_verb"


def test_unattributed_paragraph_inherits_the_previous_speaker():
    q1, q2 = quotes(INTRO + 'Hill said, "We have enough votes to pass it."\n\n'
                    '"Nobody should doubt that for a moment."')
    assert q2["speaker"] == "Mark Hill" and q2["attribution_rule"] == "inherited_paragraph"


def test_attribution_after_a_quote_that_ends_its_sentence():
    body = ('"Prices are rising again! We must act now." Governor Ana Cruz told reporters. '
            '"We will watch the data closely."')
    q1, q2 = quotes(body)
    assert (q1["speaker"], q1["speaker_raw"]) == ("Ana Cruz", "Governor Ana Cruz")
    assert q1["attribution_rule"] == "name_said"
    assert (q2["speaker"], q2["attribution_rule"]) == ("Ana Cruz", "split_quote")


def test_someone_else_speaking_in_between_stops_the_split_quote():
    body = INTRO + ('"We are ready to vote," Hill said. The ministry said it disagreed. '
                    '"This is final and binding."')
    assert quotes(body)[-1]["speaker"] is None


def test_colon_introduction():
    [q] = quotes(INTRO + 'Senator Hill: "We will rebuild the bridge next year."')
    assert q["speaker"] == "Mark Hill" and q["attribution_rule"] == "colon_intro"


def test_headline_name_with_misspelling_and_role():
    body = ('Rambert Finance Minister "Taxes will not rise this year" No change\n\n'
            'Paul Lambert, the Finance Minister, said on Monday that the budget is balanced.')
    [q] = quotes(body)
    assert q["speaker"] == "Paul Lambert" and q["attribution_rule"] == "headline_name"
    assert q["resolution"] == "phonetic"


def test_headline_attribution_after_a_dash():
    body = ('"We will win this fight in court" - Governor Ana Cruz\n\n'
            "Governor Ana Cruz said the case is strong.")
    [q] = quotes(body)
    assert q["speaker"] == "Ana Cruz" and q["attribution_rule"] == "headline_name"


def test_organisation_and_unnamed_sources_have_no_person():
    q1, q2 = quotes('The Trump administration said, "Exports will resume next month."\n\n'
                    '"The talks have stalled for now," people familiar with the matter said.')
    assert q1["speaker"] is None and q1["speaker_org"] == "Trump administration"
    assert q2["speaker"] is None and q2["speaker_org"] == "people familiar with the matter"


def test_quote_without_any_attribution():
    [q] = quotes('The deal includes a pledge to export "any necessary rare earths" to the US.')
    assert q["speaker"] is None and q["attribution_rule"] is None and q["confidence"] == 0.0


# --- indirect ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "clause"),
    [
        ("Hill said that the bill would pass easily next week.", "the bill would pass easily next week"),
        ("Hill told Reuters the bill would pass easily next week.", "the bill would pass easily next week"),
        ("Hill expressed concern that the bill could fail in the house.", "the bill could fail in the house"),
        ("Hill revealed that the vote was delayed until June.", "the vote was delayed until June"),
    ],
)
def test_indirect_speech(sentence: str, clause: str):
    [q] = quotes(INTRO + sentence, kind="indirect")
    assert q["quote_text"] == clause and q["speaker"] == "Mark Hill"


def test_according_to_is_indirect_speech_of_an_org():
    [q] = quotes("According to the ministry, exports will resume in May next year.", kind="indirect")
    assert q["quote_text"] == "exports will resume in May next year" and q["speaker_org"] == "ministry"
    assert q["attribution_rule"] == "according_to"


# --- ids ---------------------------------------------------------------------------------------


def test_quote_ids_are_stable_and_distinct():
    body = INTRO + 'Hill said, "We have the votes we need," adding, "The vote is on Friday."'
    first = [q["quote_id"] for q in quotes(body, kind=None)]
    assert first == [q["quote_id"] for q in quotes(body, kind=None)]
    assert len(set(first)) == len(first)


def test_empty_and_quote_free_articles():
    assert quotes("", "No quotes here at all.", kind=None) == []


# --- offsets -----------------------------------------------------------------------------------


def test_verb_and_sentence_end_offsets_match_the_regex():
    """`locate` places polars' matched texts where the regexes matched: not inside 'unsaid'."""
    from transforms.attribution import SENTENCE_END, VERB_PATTERN, locate
    from transforms.textspans import regex_spans

    body = ("The unsaid part—“said” by nobody—stays. Hill said:\n\n«Olé» she said… Résumé said. "
            "Asked, he asks. They said_ it. It was saidé.\n\n\nEnd!")
    frame = pl.LazyFrame({"article_id": ["a0"], "body": [body]})
    for pattern, word in ((VERB_PATTERN, True), (SENTENCE_END, False)):
        expected = regex_spans(frame, pattern).collect()
        matches = expected["match"].to_list()
        assert locate(body, matches, word=word) == list(
            zip(expected["start_char"], expected["end_char"], matches, strict=True))


# --- batch helpers -----------------------------------------------------------------------------


def test_find_verbs_leaves_out_a_verb_running_past_the_end():
    from transforms.attribution import Article, find_verbs

    body = "Hill said it and Lee pointed out more."
    a = Article(body, [], [], ["said", "pointed out"], [])
    assert [v.text for v in find_verbs(a, 0, len(body))] == ["said", "pointed out"]
    assert [v.text for v in find_verbs(a, 0, body.index(" out"))] == ["said"]
    assert find_verbs(a, body.index("it"), body.index("Lee")) == []


def test_subject_gap_agrees_with_the_gap_regex():
    """The plain-space shortcut of `subject_gap` accepts exactly what `GAP_RE` accepts."""
    from transforms.attribution import GAP_RE, subject_gap

    text = "Hill said; Hill \u00a0\n said; Hill, who leads it, said; Hill Commerce Secretary said; Hill then said"
    for gap in (" ", " \u00a0\n ", ", who leads it, ", " Commerce Secretary ", " then ", "", " to ", "; "):
        start = text.find(gap) if gap else 0
        assert subject_gap(text, start, start + len(gap)) == bool(GAP_RE.fullmatch(text, start, start + len(gap)))
    assert subject_gap(text, 4, 5) and not subject_gap(text, 4, 11)


def test_mentions_reach_attribution_as_mention_tuples():
    """`attribute_batch` builds `Mention`s from the mention lists: a named speaker comes out whole."""
    from transforms.attribution import Mention
    from transforms.quotes import ATTRIBUTED_SCHEMA, attribute_batch

    body = "“We will build more factories this year,” said Howard Lutnick."
    start = body.index("Howard")
    frame = pl.DataFrame({
        "article_id": ["a0"], "body": [body], "span_starts": [[1]], "span_ends": [[body.index("”")]],
        "mention_text": [["Howard Lutnick"]], "mention_start": [[start]], "mention_end": [[start + 14]],
        "mention_person": [["Howard Lutnick"]], "mention_role": [[None]], "mention_resolution": [["exact"]],
        "verbs": [["said"]], "ends": [["."]],
    }, schema_overrides={"mention_role": pl.List(pl.String)})
    out = attribute_batch(frame)
    assert out.schema == ATTRIBUTED_SCHEMA
    assert out.select("speaker", "attribution_rule").rows() == [("Howard Lutnick", "said_name")]
    assert Mention("x", 0, 1, None, None, None) == tuple.__new__(Mention, ("x", 0, 1, None, None, None))


def test_the_surname_he_is_not_the_pronoun_and_an_org_word_may_lead_a_role():
    body = ('"These measures target no country," ministry spokesperson He Yadong told a regular briefing. '
            'He Lifeng said the talks went very well. He added that more rounds were planned.')
    rows = quotes(body, kind=None)
    assert [(r["kind"], r["speaker"], r["quote_text"]) for r in rows] == [
        ("direct", "He Yadong", "These measures target no country,"),
        ("indirect", "He Lifeng", "the talks went very well"),
        ("indirect", "He Lifeng", "more rounds were planned"),  # the pronoun, resolved to the last person
    ]


def test_told_without_anyone_told_reports_nothing():
    rows = quotes("Jane Smith told a news conference in Seoul on Monday. Smith told reporters prices would rise "
                  "again.", kind="indirect")
    assert [(r["speaker"], r["quote_text"]) for r in rows] == [("Jane Smith", "prices would rise again")]


def test_a_bare_surname_is_the_person_named_last_before_it():
    body = ('Samsung Chairman Lee Jae-yong met investors. Lee emphasized, "Our technology is ready for it."\n\n'
            'President Lee Jae-myung said, "The government will support the industry fully."')
    rows = quotes(body)
    assert [r["speaker"] for r in rows] == ["Lee Jae-yong", "Lee Jae-myung"]


def test_a_colon_after_a_sentence_about_a_person_introduces_their_quote():
    body = ('Treasury Secretary Scott Bessent, for his part, struck a softer tone: "We want a stable relationship." '
            'The report by the institute concluded: "Prices will keep rising for years."')
    assert [(r["speaker"], r["speaker_org"], r["attribution_rule"]) for r in quotes(body)] == [
        ("Scott Bessent", None, "colon_intro"),  # not the report of the next sentence, which introduces its own
        (None, "report by the institute", "name_said"),
    ]


def test_a_quote_after_a_post_posed_subject_is_theirs():
    body = '"The rules," said Gina Park, a partner at Baker Lane, "are becoming harder to predict."'
    assert [(r["speaker"], r["quote_text"]) for r in quotes(body)] == [("Gina Park", "are becoming harder to predict.")]


def test_a_paragraph_quote_with_its_own_source_is_not_inherited():
    body = ('Christophe Fouquet said, "We have planned for several scenarios."\n\n'
            '"It is going to be a long winter" – that is how one executive described the outlook.\n\n'
            '"None of them is a disaster for us."')
    assert [r["speaker"] for r in quotes(body)] == ["Christophe Fouquet", None, None]


def test_the_one_told_is_not_the_speaker():
    body = ("Harbor Ledger said on Monday that prices would rise again. "
            "GENEVA (AFP) - B. Ekwueme told Harbor Ledger on November 3: 'This dominance gives China leverage.'")
    assert [r["speaker"] for r in quotes(body)] == [None]
