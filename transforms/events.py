"""Events: who did what (to whom, where, when), one candidate per sentence, and cross-article linking.

A sentence becomes an event when it has an action from a small verb lexicon (leftmost verb
outside quotes; 'say' only when no other verb) and an actor (a timeline row needs a who; the
dates of actor-less sentences stay in `temporal_expressions`). Actor: a person from `mentions`
named before the verb, else an organization or country of a small lexicon named before it,
else any person, else any organization in the sentence ("to China" is a counterpart, never an
actor). Everything is a polars regex over the sentence except sentence splitting
(`_split_bodies`, per article, for Python character offsets and quote state) and the
sha256 event ids (`_sha16`, per batch).
"""

from __future__ import annotations

import hashlib
import re

import polars as pl

EVENT_COLUMNS = [
    "event_id", "article_id", "event_date", "date_value", "date_precision", "actor", "action", "object",
    "counterpart", "location", "evidence", "start_char", "end_char", "confidence", "story_event_id",
]  # fmt: skip

# action -> verb forms; finite/participle forms only, so nouns like "restrictions" or "sales" do not count.
# Matched case-sensitively (lower case): "States" in "United States" is not "states", "Ban" not "ban".
ACTIONS: dict[str, str] = {
    "allow": r"allow(?:s|ed|ing)?|approv(?:e|es|ed|ing)|permit(?:s|ted|ting)?|authori[sz](?:e|es|ed|ing)"
    r"|grant(?:s|ed|ing)?|lift(?:s|ed|ing)",
    "restrict": r"(?:to|will|would)\s+(?:ban|curb)|ban(?:s|ned|ning)|restrict(?:s|ed|ing)?|block(?:s|ed|ing)?"
    r"|curb(?:ed|ing)"
    r"|prohibit(?:s|ed|ing)?|suspend(?:s|ed|ing)?|halt(?:s|ed|ing)|impos(?:e|es|ed|ing)|controll(?:ed|ing)",
    "agree": r"agree(?:s|d|ing)?|(?:reach|sign)(?:s|es|ed|ing)?\s+(?:an?\s+|the\s+)?(?:agreement|deal)"
    r"|(?:agreement|deal)\s+(?:was\s+)?(?:reached|signed)",
    "negotiate": r"negotiat(?:e|es|ed|ing)|(?:hold|holds|held|holding)\s+talks",
    "meet": r"met|meet(?:s|ing)?|visit(?:s|ed|ing)?",
    "announce": r"announc(?:e|es|ed|ing)|unveil(?:s|ed|ing)?|launch(?:es|ed)|released|introduced|issued"
    r"|revealed",
    "sell": r"sell(?:s|ing)?|sold|export(?:ed|ing)|(?:to|will|would|can|could)\s+export|ship(?:ped|ping)"
    r"|deliver(?:ed|ing)|suppl(?:ied|ying)",
    "buy": r"buy(?:s|ing)?|bought|purchas(?:es|ed|ing)|import(?:ed|ing)|(?:to|will|would|can|could)\s+import"
    r"|acquir(?:e|es|ed|ing)",
    "invest": r"invest(?:s|ed|ing)?",
    "investigate": r"sue(?:s|d)?|suing|investigat(?:e|es|ed|ing)|prob(?:es|ed|ing)|charged|fined",
    "extend": r"extend(?:s|ed|ing)?|renew(?:s|ed|ing)?|prolong(?:s|ed|ing)?",
}
SAY = (
    r"said|says|say|told|tells|stated|states|explained|emphasi[sz]ed|added|noted|claimed|argued|warned"
    r"|commented|stressed|pointed\s+out|according\s+to"
)
# leftmost lexicon verb (one named group per action) and the rest of the sentence after it
ACTION_PATTERN = (
    "(?s)(?:" + "|".join(rf"\b(?P<{name}>{verbs})\b" for name, verbs in ACTIONS.items()) + ")(?P<rest>.*)"
)
_STOP = (
    r"to|for|in|on|at|from|with|by|of|after|before|that|which|who|and|or|as|because|while|when|if|under|over"
    r"|during|since|until|amid|despite|than|into|this|last|next|is|are|was|were|be|been|will|would"
    r"|between|among|about|without|within|through|across|like|via|per"
)
_NOT_AN_OBJECT = rf"(?i)^(?:{_STOP}|it|its|them|they|him|her|us|we|he|she|you|itself|themselves)\b"
# the noun phrase opening the rest of a sentence after its verb; skips "to <verb>", determiners and
# "export(s)/sale(s)/... of", stops at a preposition, conjunction or punctuation
OBJECT_PATTERN = (
    r"^(?:\s+to\s+\w+)?(?:\s+(?:the|its|their|his|her|a|an))?"
    r"(?:(?:\s+[\w-]+['’]s)?\s+(?:export|exports|sale|sales|purchase|purchases|shipment|shipments|use|supply"
    r"|delivery|deliveries)\s+of)?(?:\s+(?:the|its|their|his|her|a|an))?"
    rf"\s+([\w'’.-]+(?:\s+[\w'’.-]+){{0,4}}?)(?:\s+(?:{_STOP})\b|\s*[,.;:\"“”(…]|$)"
)
_COMPANIES = (
    r"Nvidia|NVIDIA|Huawei|AMD|Intel|TSMC|Samsung(?:\s+Electronics)?|SK\s+Hynix|Apple|Microsoft|Google|Alphabet"
    r"|Meta|Amazon|OpenAI|DeepSeek|Tesla|Qualcomm|Micron|ASML|Alibaba|Tencent|ByteDance|Baidu|Broadcom"
)
_COUNTRIES = (
    r"China|United\s+States|USA|US|Japan|(?:South\s+|North\s+)?Korea|Taiwan|Russia|India|Germany|France|Britain"
    r"|UK|Canada|Mexico|Vietnam|Iran|Israel|Ukraine|Netherlands|Brazil|Australia|Singapore|Saudi\s+Arabia|EU"
    r"|European\s+Union"
)
_AGENCIES = (
    r"(?:[A-Z][a-z]+\s+)?[A-Z][a-z]+\s+administration"
    r"|(?:U\.S\.\s+|US\s+)?(?:Commerce|Treasury|State|Defense|Justice|Energy)\s+Department"
    r"|(?:U\.S\.\s+|US\s+)?Department\s+of\s+(?:the\s+)?(?:Commerce|Treasury|State|Defense|Justice|Energy)"
    r"|[A-Z][a-z]+\s+(?:Foreign\s+)?Ministry|Ministry\s+of\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"
    r"|White\s+House|Congress|Senate|European\s+Commission|Federal\s+Reserve"
    r"|[A-Z][\w&]+(?:\s+[A-Z][\w&]+)?\s+(?:Inc|Corp|Corporation|Ltd|Group|Holdings)"
)
_INTRODUCED = r"(?i:to|with|against|from|towards?|in|on|at)"
# an organization or country, optionally introduced by a preposition (kept, to tell actors from counterparts;
# "by", "for", "of" are not: "imposed by the Biden administration", "a spokesperson for the Foreign Ministry")
ORG_PATTERN = (
    rf"(?:\b{_INTRODUCED}\s+(?:the\s+)?)?"
    rf"(?:\b(?:{_AGENCIES}|{_COMPANIES}|{_COUNTRIES})\b|\bU\.S\.(?:A\.)?|\bU\.K\.)"
)
_COUNTERPART_PREFIX = r"^(?i:to|with|against|from|towards?)\s"
_NOT_AN_ACTOR = r"^(?:(?i:the|this|that|an?)\s+)?administration$"
_ORG_NAMES = {
    r"^(?:the\s+)?(?:U\.S\.(?:A\.)?|US|USA|United\s+States)$": "United States",
    r"^(?:the\s+)?(?:UK|U\.K\.|Britain)$": "United Kingdom",
    r"^(?:EU|European\s+Union)$": "European Union",
    r"^NVIDIA$": "Nvidia",
    r"^(?:U\.S\.\s+|US\s+)?Department\s+of\s+(?:the\s+)?(\w+)$": "${1} Department",
    r"^(?:U\.S\.\s+|US\s+)(\w+\s+Department)$": "${1}",
    r"^(?:[A-Z][a-z]+\s+)?([A-Z][a-z]+\s+administration)$": "${1}",
}
# "in London", "in Geneva, Switzerland", "in the U.S."; a trailing "'s" marks a possessive, not a place
LOCATION_PATTERN = (
    r"\b(?:in|at)\s+(?:the\s+(?:United\s+States|U\.S\.|US|UK|U\.K\.|Netherlands|Philippines)"
    r"|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?(?:,\s+[A-Z][A-Za-z.]*[A-Za-z])?(?:'s|’s)?)"
)
_NOT_A_PLACE = (
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday"
    r"|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|The|This|That|These|Those|President|Secretary"
    r"|Minister|Chairman|Chief|CEO|Mr|Ms|Mrs|Dr|Congressman|Senator|Governor)\b|^\w+(?:ese|ian|ean|can|ish)\b"
    rf"|['’]s$|^(?:{_COMPANIES})$|^[A-Z][a-z]+(?:[^jqm]ing)\b"
)

_ABBREVIATIONS = {
    "mr.", "mrs.", "ms.", "dr.", "st.", "jr.", "sr.", "u.s.", "u.k.", "u.n.", "inc.", "corp.", "co.", "ltd.",
    "no.", "vs.", "e.g.", "i.e.", "gov.", "sen.", "rep.", "gen.", "lt.", "col.", "prof.", "jan.", "feb.",
    "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.", "n.y.", "d.c.",
}  # fmt: skip
# [.!?]+[\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])|[。！？]+|\n+, written to open with one character class: that lets
# Python's regex engine skip quickly to the next character that can end a sentence
_SENTENCE_END = re.compile(
    r"[.!?。！？\n](?:(?<=[.!?])[.!?]*[\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])|(?<=[。！？])[。！？]*|(?<=\n)\n*)"
)
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')


def _not_after_abbreviation() -> str:
    """Look-behinds that fail right after a word of `_ABBREVIATIONS` (any case) that follows whitespace
    or the start of the text. Only ASCII letters lower-case to these words' letters ('K', the Kelvin
    sign, lower-cases to 'k', which none has), so ASCII case classes match what `str.lower` would."""
    by_length: dict[int, list[str]] = {}
    for word in sorted(_ABBREVIATIONS):
        letters = "".join(f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c) for c in word)
        by_length.setdefault(len(word), []).append(letters)
    return "".join(rf"(?<!(?<!\S)(?:{'|'.join(words)}))" for _, words in sorted(by_length.items()))


# _SENTENCE_END for bodies without '。！？', less the '.' that closes an abbreviation: `finditer` consumes
# a whole run like '?!' or '..', so a match starts only where no [.!?] precedes; a sentence then starts
# after whitespace (or a newline, or at the text start), so the word before a '.' is the one the
# look-behinds see. Newlines are found apart, and in a body without '!' or '?' only '.' opens a match:
# Python's regex engine skips to a literal several times faster than to a character class.
_AFTER_STOP = (
    r"(?<![.!?][.!?])" + _not_after_abbreviation() + r"[.!?]*[\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])"
)
_PERIOD_END = re.compile(r"\." + _AFTER_STOP)
_STOP_END = re.compile(r"[.!?]" + _AFTER_STOP)
_NEWLINE_END = re.compile(r"\n\n*")

_PIECE_SCHEMA = {"article_id": pl.String, "begin": pl.Int64, "piece": pl.String}
# the characters `str.strip` removes (`str.isspace`); polars' default set lacks '\x1c'-'\x1f'
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
LINK_ROUNDS = 3


MAX_QUOTED_SENTENCE = 2000  # an unclosed quote mark does not hold a sentence open past this many characters


def _mask_passage(quoted: re.Match[str]) -> str:
    """A quoted passage with its content replaced by '…' (same length), quote marks kept."""
    passage = quoted.group(0)
    return passage[0] + "…" * (len(passage) - 2) + passage[-1]


def _mask_quoted(text: str) -> str:
    """Replace the content of every "…" and “…” passage by '…' (same length), in one linear pass.

    Leftmost mark first; a mark with no closing mark after it opens nothing (and neither can any
    later mark of its kind, which is what makes one regex scan equal to reading left to right).
    """
    if '"' not in text and "“" not in text:
        return text
    return _QUOTED.sub(_mask_passage, text)


def _sentence_ends(body: str) -> list[int]:
    """Character offsets where the sentences of one body end (the last one is `len(body)`).

    Newlines always end a sentence; '.', '!' and '?' do unless they close an abbreviation
    ('U.S.') or sit inside an open quotation (for at most MAX_QUOTED_SENTENCE characters).
    The same ends as `_sentence_ends_word_by_word`, with the abbreviations left to the regex
    (`_end_candidates`) and, in a body without opening quote marks, no Python per end.
    """
    if "。" in body or "！" in body or "？" in body:  # a sentence may start right after one, mid-word
        return _sentence_ends_word_by_word(body)
    candidates = _end_candidates(body)
    if '"' not in body and "“" not in body:
        candidates.append(len(body))
        return candidates
    ends, start, scanned, straight, curly = [], 0, 0, 0, 0
    for end in candidates:
        if body[end - 1] != "\n":  # a newline always ends the sentence
            straight += body.count('"', scanned, end)
            curly += body.count("“", scanned, end) - body.count("”", scanned, end)
            scanned = end
            if (straight % 2 == 1 or curly > 0) and end - start < MAX_QUOTED_SENTENCE:
                continue
        ends.append(end)
        start, scanned, straight, curly = end, end, 0, 0
    ends.append(len(body))
    return ends


def _end_candidates(body: str) -> list[int]:
    """Ends of the newline runs and of the '.', '!', '?' runs followed by a capital (or digit) that do
    not close an abbreviation, in a body without '。！？', in order."""
    stops = _PERIOD_END if "!" not in body and "?" not in body else _STOP_END
    ends = [match.end() for match in stops.finditer(body)]
    ends += [match.end() for match in _NEWLINE_END.finditer(body)]
    ends.sort()
    return ends


def _sentence_ends_word_by_word(body: str) -> list[int]:
    """`_sentence_ends` for any body, testing the word before every '.' against `_ABBREVIATIONS`.

    Quote marks are counted incrementally (and not at all in a body without any), so a text
    full of unmatched marks stays linear.
    """
    ends, start, scanned, straight, curly = [], 0, 0, 0, 0
    has_quotes = '"' in body or "“" in body or "”" in body
    for match in _SENTENCE_END.finditer(body):
        end, first = match.end(), body[match.start()]
        if first != "\n":  # a newline always ends the sentence
            if has_quotes:
                passage = body[scanned:end]
                straight += passage.count('"')
                curly += passage.count("“") - passage.count("”")
                scanned = end
                if (straight % 2 == 1 or curly > 0) and end - start < MAX_QUOTED_SENTENCE:
                    continue
            if first == ".":
                last_word = body[max(start, match.start() - 12) : match.start() + 1].split()[-1:]
                if last_word and last_word[0].lower() in _ABBREVIATIONS:
                    continue
        ends.append(end)
        start, scanned, straight, curly = end, end, 0, 0
    ends.append(len(body))
    return ends


def _split_bodies(frame: pl.DataFrame) -> pl.DataFrame:
    """The pieces of every body between its sentence ends (a NULL body has none), as written, with
    the Python character offset where each begins.

    Built as plain column lists: one tuple or dict per sentence costs more than the split itself.
    """
    ids, begins, pieces = [], [], []
    for article_id, body in frame.select("article_id", "body").iter_rows():
        if body is not None:
            ends = _sentence_ends(body)
            starts = [0, *ends[:-1]]
            ids += [article_id] * len(ends)
            begins += starts
            pieces += [body[begin:end] for begin, end in zip(starts, ends, strict=True)]
    return pl.DataFrame([ids, begins, pieces], schema=_PIECE_SCHEMA, orient="col")


def _mask_column(texts: pl.Series) -> pl.Series:
    """`_mask_quoted` of every text, run in Python only on the texts with an opening quote mark."""
    quoted = texts.str.contains('["“]').fill_null(False).arg_true()
    if quoted.len() == 0:
        return texts
    return texts.clone().scatter(quoted, [_mask_quoted(text) for text in texts.gather(quoted).to_list()])


def _sentences(articles: pl.LazyFrame) -> pl.LazyFrame:
    """One row per sentence of every body, whitespace-stripped (as `str.strip`), with Python
    character offsets and `masked`: every quoted passage's content replaced by '…' (same length),
    so verbs and names inside quotes are not read as the event.

    Only the sentence ends are found in Python (`_split_bodies`, for character offsets and quote state).
    """
    piece, evidence = pl.col("piece"), pl.col("evidence")
    leading = piece.str.len_chars() - piece.str.strip_chars_start(_WHITESPACE).str.len_chars()
    return (
        articles.select("article_id", "body")
        .map_batches(_split_bodies, schema=_PIECE_SCHEMA)
        .select(
            "article_id",
            (pl.col("begin") + leading).alias("start_char"),
            piece.str.strip_chars(_WHITESPACE).alias("evidence"),
        )
        .filter(evidence != "")
        .select(
            "article_id",
            "start_char",
            (pl.col("start_char") + evidence.str.len_chars()).alias("end_char"),
            "evidence",
            evidence.map_batches(_mask_column, return_dtype=pl.String).alias("masked"),
        )
    )


def _sha16(keys: pl.Series) -> pl.Series:
    """First 16 hex characters of sha256 of each key: ids stable across runs and polars versions."""
    return pl.Series(
        keys.name, [hashlib.sha256(k.encode()).hexdigest()[:16] if k is not None else None for k in keys]
    )


def _normalize_org(name: pl.Expr) -> pl.Expr:
    """Canonical organization/country name ('to the U.S.' -> 'United States', 'NVIDIA' -> 'Nvidia').

    Computed once per distinct name: a few hundred names recur in tens of thousands of sentences.
    """
    distinct = name.unique(maintain_order=True)
    return name.replace(distinct, _canonical_org(distinct))


def _canonical_org(name: pl.Expr) -> pl.Expr:
    """The regex rewrites behind `_normalize_org`."""
    name = (
        name.str.replace(rf"^{_INTRODUCED}\s+", "")
        .str.replace(r"^(?i:the)\s+", "")
        .str.replace_all(r"\s+", " ")
    )
    for pattern, replacement in _ORG_NAMES.items():
        name = name.str.replace(pattern, replacement)
    return name


def _first_in_sentence(
    sentences: pl.LazyFrame, spans: pl.LazyFrame, columns: list[str], rank: pl.Expr
) -> pl.LazyFrame:
    """Per sentence, `columns` (and `_rank`) of the span inside it that is first by `rank`, then offset."""
    return (
        sentences.select(
            "article_id", pl.col("start_char").alias("_s"), pl.col("end_char").alias("_e"), "_verb_end"
        )
        .join(spans, on="article_id")
        .filter((pl.col("start_char") >= pl.col("_s")) & (pl.col("end_char") <= pl.col("_e")))
        .with_columns(rank.alias("_rank"))
        .sort("_rank", "start_char")
        .group_by("article_id", "_s")
        .agg(pl.col(*columns, "_rank").first())
        .rename({"_s": "start_char"})
    )


def _ascii_words(text: pl.Expr) -> pl.Expr:
    """Whether a text's word characters (letters, digits, '_') are all ASCII; see `_regex`."""
    return (~text.str.contains(r"[\w&&[^\x00-\x7F]]")).alias("_ascii_words")


def _regex(pattern: str) -> pl.Expr:
    """`pattern` with ASCII word boundaries for sentences without non-ASCII letters (`_ascii_words`).

    There only ASCII characters are word characters, so the matches are the same; but the regex
    engine's fast DFA gives up on a Unicode `\\b` as soon as the text has any non-ASCII character
    (curly quotes, '…'), and the fallback is about ten times slower.
    """
    ascii_pattern = pattern.replace(r"\b", r"(?-u:\b)")
    return pl.when(pl.col("_ascii_words")).then(pl.lit(ascii_pattern)).otherwise(pl.lit(pattern))


def _action(text: pl.Expr, groups: pl.Expr) -> list[pl.Expr]:
    """action (leftmost lexicon verb, else 'say' when a reporting verb is present), its object, and
    `_verb_at`, the character offset in `text` right after the verb (its end for 'say'), from the
    `groups` of ACTION_PATTERN in `text`."""
    rest = groups.struct.field("rest")
    action = pl.coalesce(
        [pl.when(groups.struct.field(name).is_not_null()).then(pl.lit(name)) for name in ACTIONS]
    )
    said = text.str.contains(rf"\b(?:{SAY})\b")
    object_ = rest.str.extract(OBJECT_PATTERN, 1).str.strip_chars(" .,'’")
    return [
        pl.coalesce(action, pl.when(said).then(pl.lit("say"))).alias("action"),
        pl.when(~object_.str.contains(_NOT_AN_OBJECT)).then(object_).alias("object"),
        rest.alias("_rest"),
        (text.str.len_chars() - rest.str.len_chars().fill_null(0)).alias("_verb_at"),
    ]


def _organizations(text: pl.Expr, rest: pl.Expr) -> list[pl.Expr]:
    """`_orgs` and `_rest_orgs`: the ORG_PATTERN matches in the sentence and after its verb (`rest`)."""
    return [
        text.str.extract_all(_regex(ORG_PATTERN)).alias("_orgs"),
        rest.str.extract_all(_regex(ORG_PATTERN)).alias("_rest_orgs"),
    ]


def _orgs_before(text: pl.Expr, orgs: pl.Expr, rest_orgs: pl.Expr) -> pl.Expr:
    """The ORG_PATTERN matches before the verb, from the `_organizations` of a sentence: its matches
    less the last ones, those of `rest`. A lexicon verb is a lower-case word that only a name like
    'AT&allowed Inc' could run into, so a sentence with a '&' is matched again up to its verb's end."""
    up_to_verb = pl.when(text.str.contains("&", literal=True)).then(text.str.slice(0, pl.col("_verb_at")))
    return pl.coalesce(
        up_to_verb.str.extract_all(_regex(ORG_PATTERN)), orgs.list.head(orgs.list.len() - rest_orgs.list.len())
    )


def _parties(text: pl.Expr, rest: pl.Expr, orgs: pl.Expr, rest_orgs: pl.Expr) -> list[pl.Expr]:
    """Organizations that could act (before the verb, anywhere), the counterpart ('to/with/against
    China') and the location ('in London'), as written (see `_normalize_org`); counterpart and location
    are looked for after the verb first (`rest`), then anywhere. `orgs` and `rest_orgs` are the
    `_organizations` of the sentence."""
    is_counterpart = pl.element().str.contains(_COUNTERPART_PREFIX)
    can_act = ~pl.element().str.contains(rf"^{_INTRODUCED}\s")

    def first_place(part: pl.Expr) -> pl.Expr:
        places = part.str.extract_all(_regex(LOCATION_PATTERN)).list.eval(
            pl.element().str.replace(r"^(?:in|at)\s+(?:the\s+)?", "")
        )
        return places.list.filter(~pl.element().str.contains(_NOT_A_PLACE)).list.first()

    return [
        _orgs_before(text, orgs, rest_orgs).list.filter(can_act).list.first().alias("_org_before"),
        orgs.list.filter(can_act).list.first().alias("_org"),
        pl.coalesce(
            rest_orgs.list.filter(is_counterpart).list.first(), orgs.list.filter(is_counterpart).list.first()
        ).alias("counterpart"),
        pl.coalesce(first_place(rest), first_place(text)).alias("location"),
    ]


def _actor() -> pl.Expr:
    """Person before the verb, else organization before it, else any person, else any organization."""
    org_before, org = (
        pl.when(~pl.col(c).str.contains(_NOT_AN_ACTOR)).then(pl.col(c)) for c in ("_org_before", "_org")
    )
    return (
        pl.when(pl.col("_person_before"))
        .then(pl.col("_person"))
        .otherwise(pl.coalesce(org_before, "_person", org))
    )


def _confidence() -> pl.Expr:
    """Heuristic 0..1: a non-'say' action, a person actor, a resolved date, an object each add evidence."""
    actor, date = pl.col("actor"), pl.col("event_date")
    return pl.min_horizontal(
        pl.lit(0.95),
        pl.when(pl.col("action") == "say").then(0.4).otherwise(0.5)
        + pl.when(actor == pl.col("_person")).then(0.2).when(actor.is_not_null()).then(0.1).otherwise(0.0)
        + pl.when(date.is_not_null()).then(0.15).when(pl.col("_dated")).then(0.05).otherwise(0.0)
        + pl.when(pl.col("object").is_not_null()).then(0.1).otherwise(0.0)
        + pl.when(pl.col("counterpart").is_not_null()).then(0.05).otherwise(0.0),
    )  # fmt: skip


def _person_mentions(articles: pl.LazyFrame, mentions: pl.LazyFrame) -> pl.LazyFrame:
    """Person mentions that can be actors: not the name inside "the Trump administration"."""
    after = pl.col("body").str.slice(pl.col("end_char"), 20)
    return (
        mentions.filter(pl.col("person_name").is_not_null())
        .join(articles.select("article_id", "body"), on="article_id")
        .filter(~after.str.contains(r"^(?:['’]s)?\s+(?i:administration)\b"))
        .select("article_id", "start_char", "end_char", pl.col("person_name").alias("_person"))
    )


def _readings(sentences: pl.LazyFrame) -> pl.LazyFrame:
    """Action, object and parties of each distinct masked sentence that has an action: wire copy
    repeats sentences across articles, and reading them is the regex-heavy part."""
    text = pl.col("masked")
    return (
        sentences.select("masked")
        .unique()
        .with_columns(  # one column, so the regex runs once for all the fields read from it
            _ascii_words(text), text.str.extract_groups(ACTION_PATTERN).alias("_verbs")
        )
        .with_columns(_action(text, pl.col("_verbs")))
        .filter(pl.col("action").is_not_null())
        .with_columns(_organizations(text, pl.col("_rest")))
        .with_columns(_parties(text, pl.col("_rest"), pl.col("_orgs"), pl.col("_rest_orgs")))
        .with_columns(_normalize_org(pl.col(c)) for c in ("_org_before", "_org", "counterpart", "location"))
        .drop("_ascii_words", "_verbs", "_rest", "_orgs", "_rest_orgs")
    )


def extract_events(articles: pl.LazyFrame, temporal: pl.LazyFrame, mentions: pl.LazyFrame) -> pl.LazyFrame:
    """One event per sentence that has an action and an actor (events contract).

    Verbs, parties and objects are read from the sentence with quoted passages masked: a
    quote's content is what someone said, not what the sentence reports as happening.
    """
    split = _sentences(articles).cache()  # read twice: split the bodies once
    sentences = (
        split.join(_readings(split), on="masked")  # the sentences with an action
        .with_columns((pl.col("start_char") + pl.col("_verb_at")).alias("_verb_end"))
        .cache()  # read three times below
    )
    persons = _first_in_sentence(
        sentences,
        _person_mentions(articles, mentions),
        ["_person"],
        rank=pl.col("start_char") >= pl.col("_verb_end"),  # a person named before the verb first
    ).select("article_id", "start_char", "_person", (~pl.col("_rank")).alias("_person_before"))
    dates = _first_in_sentence(
        sentences,
        temporal.select("article_id", "start_char", "end_char", "value", "date_value", "precision"),
        ["value", "date_value", "precision"],
        rank=pl.col("value").is_null(),  # a resolved date first
    ).select("article_id", "start_char", pl.col("value").alias("event_date"), "date_value",
             pl.col("precision").alias("date_precision"))  # fmt: skip
    return (
        sentences.join(persons, on=["article_id", "start_char"], how="left")
        .join(dates, on=["article_id", "start_char"], how="left")
        .with_columns(pl.col("date_precision").is_not_null().alias("_dated"), _actor().alias("actor"))
        .with_columns(
            pl.when(pl.col("counterpart") != pl.col("actor")).then("counterpart").alias("counterpart")
        )
        .filter(pl.col("actor").is_not_null())
        .with_columns(  # hashed only for the sentences that are events
            pl.format("{}:{}:{}", "article_id", "start_char", "end_char")
            .map_batches(_sha16, return_dtype=pl.String, is_elementwise=True)
            .alias("event_id"),
            _confidence().alias("confidence"),
            pl.lit(None, dtype=pl.String).alias("story_event_id"),
        )
        .sort("article_id", "start_char")
        .select(EVENT_COLUMNS)
    )


STORY_DESCRIPTION = ["action", "actor", "object", "event_date"]
"""What decides whether two events tell the same story: events described alike share their story."""


def _object_tokens(object_: pl.Expr) -> pl.Expr:
    """Content words of an object ('NVIDIA's H20 chips' -> ['nvidia', 'h20', 'chip']) for overlap tests."""
    return (
        object_.str.to_lowercase()
        .str.replace_all(r"['’]s\b", "")
        .str.extract_all(r"[\w-]+")
        .list.eval(pl.element().str.replace(r"^(\w{3,})s$", "${1}"))
        .list.filter(~pl.element().is_in(["the", "its", "their", "a", "an", "of", "and", "new", "latest"]))
        .list.unique()
        .fill_null([])
    )


def _propagate(labels: pl.LazyFrame, pairs: pl.LazyFrame) -> pl.LazyFrame:
    """One round of min-label propagation over linked pairs (connected components, bounded rounds)."""
    return (
        pairs.join(labels.rename({"event_id": "other_id", "story": "other_story"}), on="other_id")
        .group_by("event_id")
        .agg(pl.col("other_story").min().alias("story"))
    )


def _adopt_finer_story(labels: pl.LazyFrame, pairs: pl.LazyFrame, level: int) -> pl.LazyFrame:
    """Stories whose date has `level` characters (7 month, 4 year, 0 undated) join the one story of
    their more precisely dated matches; with matches in several such stories they stay apart."""
    candidates = (
        pairs.filter((pl.col("_len") == level) & (pl.col("other_len") > level))
        .join(labels, on="event_id")
        .join(labels.rename({"event_id": "other_id", "story": "finer"}), on="other_id")
        .group_by("story")
        .agg(pl.col("finer").unique())
        .filter(pl.col("finer").list.len() == 1)
        .select("story", pl.col("finer").list.first())
    )
    return labels.join(candidates, on="story", how="left").select(
        "event_id", pl.coalesce("finer", "story").alias("story")
    )


def story_ids(events: pl.LazyFrame) -> pl.LazyFrame:
    """Events (`STORY_DESCRIPTION` and event_id) -> (`STORY_DESCRIPTION`, story_event_id) of the
    descriptions linked into a story: events that are the same happening reported in several places
    (an event whose description is not listed is its own story).

    Matching events: same action and same (non-NULL) actor, objects sharing at least half their
    words (Jaccard >= 0.5; two events without objects match only when both are dated), and
    compatible dates (missing, or one a prefix of the other: '2025-07' ~ '2025-07-15').
    Events with equal dates group together (`LINK_ROUNDS` rounds of min-label propagation);
    then, from month to year to undated, a less precise group joins the more precise group
    its events match, but only when that group is unique, so an undated "allowed H20 sales"
    never bridges April's and July's. The id is an event_id of the group.

    Work is done on distinct (action, actor, object words, date) signatures, and only pairs
    sharing an object word (or, without objects, a year) are compared, so repeated wire copy
    does not make the pairing quadratic in events.
    """
    objects = (  # tokenized once per distinct object: wire copy repeats the same few hundred
        events.select("object").unique().with_columns(_object_tokens(pl.col("object")).list.sort().alias("_tokens"))
    )
    described = STORY_DESCRIPTION
    keyed = (  # one row per distinct description (wire copy repeats them), named by its first event
        events.group_by(described).agg(pl.col("event_id").min())
        .join(objects, on="object", how="left", nulls_equal=True)
        .cache()
    )
    signature = ["action", "actor", "_key", "event_date"]
    signatures = (
        keyed.filter(pl.col("actor").is_not_null())
        .with_columns(pl.col("_tokens").list.join(" ").alias("_key"))
        .group_by(signature)
        .agg(pl.col("event_id").min().alias("_first"), pl.col("_tokens").first())
        .sort("_first")
        .with_row_index("sig")  # integer ids in event_id order: cheap to pair, and their min is the first event
        .with_columns(pl.col("event_date").str.len_chars().fill_null(0).alias("_len"))
        .cache()
    )
    blocks = pl.concat(  # a signature's object words, or "@year" for a dated event without an object
        [
            signatures.select("sig", "action", "actor", pl.col("_tokens").alias("_block"), pl.lit(1).alias("_word"))
            .explode("_block"),
            signatures.filter(
                (pl.col("_tokens").list.len() == 0) & pl.col("event_date").is_not_null()
            ).select(
                "sig", "action", "actor", pl.format("@{}", pl.col("event_date").str.head(4)).alias("_block"),
                pl.lit(0).alias("_word"),
            ),
        ]
    ).drop_nulls("_block")
    candidates = (  # each shared object word is one joined row: counting them gives the overlap, no lists
        blocks.join(blocks.rename({"sig": "other_sig"}).drop("_word"), on=["action", "actor", "_block"])
        .group_by("sig", "other_sig")
        .agg(pl.col("_word").sum().alias("_shared"))
    )
    side = signatures.select("sig", "event_date", pl.col("_tokens").list.len().alias("_words"), "_len")
    other = side.rename(
        {"sig": "other_sig", "event_date": "other_date", "_words": "other_words", "_len": "other_len"}
    )
    union = pl.col("_words") + pl.col("other_words") - pl.col("_shared")
    both_dated = pl.col("event_date").is_not_null() & pl.col("other_date").is_not_null()
    dates_agree = (
        pl.col("event_date").is_null()
        | pl.col("other_date").is_null()
        | pl.col("event_date").str.starts_with(pl.col("other_date"))
        | pl.col("other_date").str.starts_with(pl.col("event_date"))
    )
    objects_agree = pl.when(union == 0).then(both_dated).otherwise(pl.col("_shared") >= 0.5 * union)
    pairs = (
        candidates.join(side, on="sig")
        .join(other, on="other_sig")
        .filter(objects_agree & dates_agree)
        .select(pl.col("sig").alias("event_id"), pl.col("other_sig").alias("other_id"), "_len", "other_len")
        .cache()
    )
    same_date = pairs.filter(pl.col("_len") == pl.col("other_len"))  # compatible and as precise: equal
    labels = same_date.group_by("event_id").agg(pl.col("other_id").min().alias("story"))
    for _ in range(LINK_ROUNDS):
        labels = _propagate(labels, same_date).cache()
    for level in (7, 4, 0):
        labels = _adopt_finer_story(labels, pairs, level).cache()
    described_signature = keyed.with_columns(pl.col("_tokens").list.join(" ").alias("_key")).join(
        signatures.select(*signature, "sig"), on=signature, how="inner", nulls_equal=True
    )
    first_events = signatures.select(pl.col("sig").alias("story"), pl.col("_first").alias("story_event_id"))
    return (
        described_signature.join(labels.rename({"event_id": "sig"}), on="sig")
        .join(first_events, on="story")
        .select(*described, "story_event_id")
    )


def with_story_ids(events: pl.LazyFrame, stories: pl.LazyFrame) -> pl.LazyFrame:
    """Events (any projection with `STORY_DESCRIPTION` and event_id) + `story_ids` -> the events with
    story_event_id (their own event_id when no other event tells the same story)."""
    kept = [c for c in events.collect_schema().names() if c != "story_event_id"]
    return (
        events.select(kept)
        .join(stories.rename({"story_event_id": "_story"}), on=STORY_DESCRIPTION, how="left", nulls_equal=True,
              maintain_order="left")
        .with_columns(pl.coalesce("_story", "event_id").alias("story_event_id"))
        .select(*kept, "story_event_id")
    )


def link_story_events(events: pl.LazyFrame) -> pl.LazyFrame:
    """Give one story_event_id to events that are the same happening reported in several places
    (`story_ids`); other events keep their own event_id."""
    return with_story_ids(events, story_ids(events))
