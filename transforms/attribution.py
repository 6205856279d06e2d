"""Who said it: attribute one article's quoted spans to speakers, and find its reported speech.

`attribute_article` runs once per article (it needs the whole text: pronouns, split quotes and
paragraph continuations depend on what came before). It reads the body with every direct quote
blanked out, so words inside quotes never pass for attribution, then for each quote tries, in order:

  said_name / name_said   '"...," said Lutnick' / '"...," Lutnick said' / 'Lutnick said, "..."'
  pronoun                  'He emphasized, "..."' (the pronoun mention is already resolved)
  according_to             'according to the company, "..."'
  adding_continuation      '..., adding, "..."' / 'stating that "..."': the sentence's speaker
  coordinated_verb         '... explained that X and pointed out that "..."': the first verb's subject
  colon_intro              'Lutnick: "..."'
  headline_name            a headline 'Rutnik Commerce Secretary "..."'
  split_quote              '"A," he said. "B."': the same paragraph's last speaker
  inherited_paragraph      a paragraph that opens with a quote, after an attributed one

A subject that is no person ("the Trump administration", "people familiar with the matter")
gives speaker NULL and speaker_org. Reported speech ("X said (that) ...", "according to X, ...",
"..., X said.") comes out as kind='indirect' with the reported clause as quote_text.
"""

import bisect
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from transforms.lexicons import (
    CONTINUATION_VERBS,
    OBJECT_PRECEDERS,
    OBJECT_SPEECH_VERBS,
    ORG_WORDS,
    ROLE_WORDS,
    SPEECH_VERBS,
    SUBJECT_VERB_FILLERS,
    UNNAMED_SOURCE_NOUNS,
    alternation,
)

SPEECH = alternation(SPEECH_VERBS)
CONTINUATION = alternation(CONTINUATION_VERBS)
CONTINUATION_SET = frozenset(CONTINUATION_VERBS)
OBJECT_SPEECH_SET = frozenset(OBJECT_SPEECH_VERBS)
FILLERS = alternation(SUBJECT_VERB_FILLERS)
FILLER_SET = frozenset(SUBJECT_VERB_FILLERS)
CAPITAL_ROLES = alternation([w.title() for w in ROLE_WORDS] + [w.upper() for w in ROLE_WORDS if len(w) <= 3])
NAME_WORD = r"[A-Z][\w.&'’-]*"

# Found by polars over the body (`quotes.attribute`), since Python's regex engine is slow on long
# alternations. Speech verbs are case-sensitive: a capitalized "Says" is rare, "States" a name.
VERB_PATTERN = rf"(?-u:\b)(?:{CONTINUATION}|{SPEECH})(?-u:\b)"
SENTENCE_END = r"[.!?][\"”’)\]]*[ \t\n]+|\n+"

ACCORDING_RE = re.compile(r"\baccording\s+to\s+", re.IGNORECASE)
ACCORDING = "according to"  # the literal `Article.according_in` looks for first, in lowercased text
# The one character that lowercases to two ('İ' -> 'i̇'); no other lowercases to a letter of ACCORDING.
UNALIGNED_LOWER = "\u0130"
ASCII_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")  # (?-u:\b)
PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")
# Between a subject and its verb: an apposition or relative clause in commas, a post-posed role
# ("Rutnik Commerce Secretary said"), fillers ("also", "further").
GAP_RE = re.compile(
    rf"(?:\s*,\s*(?:who|which)\b[^,;:]{{0,160}},|\s*,[^,;:]{{1,100}},|\s*\([^)]{{0,60}}\))?"
    rf"(?:\s+(?:{NAME_WORD}\s+){{0,2}}(?:{CAPITAL_ROLES})(?=\s))?"
    rf"\s*(?:(?:{FILLERS})\s+)*",
)
# Between a post-posed speech verb and its subject: 'said Commerce Secretary Howard Lutnick'.
AFTER_VERB_GAP_RE = re.compile(rf"\s+(?:(?:the|a|an|{NAME_WORD}|[\w.-]+['’]s|former|chief)\s+){{0,4}}")
# Before a subject's name: its role or title ('Governor Rhee', 'the company's chief executive Lee').
ROLE_LEAD_RE = re.compile(
    rf"(?:(?:the|a|an|former|{NAME_WORD}|[\w.-]+['’]s|{alternation(ROLE_WORDS)}|{alternation(ORG_WORDS)}),?\s+)"
    "{0,5}"
)
DASH_LEAD_RE = re.compile(rf"\s*[—–-]+\s*{ROLE_LEAD_RE.pattern}")
AFTER_QUOTE_RE = re.compile(r"[\s,—–-]*")
SOURCE_LEAD_RE = re.compile(rf"(?:(?:the|a|an|{NAME_WORD}|[\w.-]+['’]s)\s+){{0,4}}")
COORDINATED_RE = re.compile(r"\b(?:and|but|then)\s+(?:(?:also|further|then|later)\s+)*$")
OBJECT_BEFORE_RE = re.compile(rf"\b(?:{alternation(OBJECT_PRECEDERS)})\s+(?:the\s+)?$", re.IGNORECASE)
TOLD_OBJECT_RE = re.compile(
    r"\s+(?:reporters|journalists|lawmakers|investors|analysts|officials|him|her|them|me|us"
    rf"|(?:the\s+)?{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}})(?=\s)"
)
THAT_RE = re.compile(r"\bthat\s+(?!(?:day|week|month|year|time|morning|afternoon|evening|night)\b)")
CLAUSE_AFTER_VERB_RE = re.compile(r"\s+(?!(?:in|on|at|to|with|during|after|before|that)\b)[A-Za-z]")
COLON_LEAD_RE = re.compile(r"(\S[^:\n]{0,80}?)\s*:\s*$")
HEADLINE_GAP_RE = re.compile(rf"[\s:,]*(?:{NAME_WORD}\s*){{0,4}}[:,]?\s*")
SENTENCE_HEAD_RE = re.compile(
    rf"(?:[^,]{{0,60}},\s*)?((?:(?:the|a|an)\s+)?(?:{NAME_WORD}|of|for|and|the)"
    rf"(?:\s+(?:{NAME_WORD}|of|for|and|the)){{0,7}})"
)
CLAUSE_SPLIT_RE = re.compile(r"[,.;:\n]")
ORG_WORD_SET = frozenset(ORG_WORDS) | frozenset(UNNAMED_SOURCE_NOUNS)
NOT_NP_WORDS = frozenset(
    "it this that there which who what is are was were be been being has have had will would can "
    "could may might should must do does did not also if when while as because although he she "
    "they we i you his her their our my its".split()
)
DETERMINER_RE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
NP_WORD_RE = re.compile(r"^[\w.&'’-]+$")
ABBREVIATION_RE = re.compile(
    r"(?:\b(?:[A-Z]\.){2,}|\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|St|Jr|Sr|Inc|Corp|Co|Ltd|No|vs|"
    r"etc|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.|\b[A-Z]\.)$"
)
SENTENCE_STARTERS = frozenset(
    "The He She It In On At But This That These They We I However Meanwhile Previously According "
    "After Before While When If As A An Its His Her Their Our".split()
)
WORD_RE = re.compile(r"\S+")
CAPITALIZED_RE = re.compile(r"(?<!\S)[A-Z]")
POSSESSIVE = ("'s", "’s")

RULE_CONFIDENCE = {
    "said_name": 0.95, "name_said": 0.95, "according_to": 0.9, "pronoun": 0.85,
    "adding_continuation": 0.85, "coordinated_verb": 0.85, "colon_intro": 0.85, "headline_name": 0.75,
    "split_quote": 0.8, "inherited_paragraph": 0.7,
}
RESOLUTION_CONFIDENCE = {
    "exact": 1.0, "registry": 1.0, "surname": 0.95, "role": 0.85, "phonetic": 0.85, "fuzzy": 0.8,
    "pronoun": 0.9,
}
EVIDENCE_CHARS = 600
MIN_INDIRECT_WORDS = 4


class Mention(NamedTuple):
    """A person (or resolved pronoun) mention outside quotes, as `people.extract_mentions` finds it."""

    text: str
    start: int
    end: int
    person: str | None
    role: str | None
    resolution: str | None


class Verb(NamedTuple):
    """A speech verb ('said') or continuation participle ('adding', cont=True: it continues the
    sentence's speaker) outside quotes."""

    start: int
    end: int
    text: str
    cont: bool


@functools.lru_cache(maxsize=1024)
def is_continuation(verb: str) -> bool:
    """A participle ('adding', 'pointing  out') that continues the sentence's speaker."""
    return " ".join(verb.split()) in CONTINUATION_SET


def mention_start(mention: Mention) -> int:
    """Sort key: where the mention starts."""
    return mention.start


@dataclass(slots=True)
class Speaker:
    """Who a quote is attributed to, and by which rule."""

    rule: str
    person: str | None = None
    raw: str | None = None
    org: str | None = None
    resolution: str | None = None

    @property
    def confidence(self) -> float:
        """Rule confidence times how safely the name was resolved."""
        return confidence(self.rule, self.resolution if self.person else None, bool(self.person), bool(self.org))


@functools.cache
def confidence(rule: str, resolution: str | None, person: bool, org: bool) -> float:
    """`Speaker.confidence` of a speaker with (`person`) or without a name (`org`: an organisation)."""
    base = RULE_CONFIDENCE.get(rule, 0.5)
    if person:
        return round(base * RESOLUTION_CONFIDENCE.get(resolution or "exact", 0.8), 3)
    return round(base * 0.95, 3) if org else 0.0


class Article:
    """One article prepared for attribution: blanked quotes, sentences, paragraphs, mentions.

    `spans` are the direct quotes' (start, end), non-overlapping; `verbs` and `ends` the matches of
    `VERB_PATTERN` and `SENTENCE_END` in the body, in order (as polars' `extract_all` gives them).
    """

    def __init__(
        self, body: str, spans: list[tuple[int, int]], mentions: list[Mention], verbs: list[str],
        ends: list[str],
    ):
        self.body = body
        self.spans = sorted(spans)
        self.span_ends = [e for _, e in self.spans]
        quoted = quote_mask(len(body), self.spans)  # indexed by offsets in the body
        self.masked = masked = blank_quotes(body, self.spans)
        # where the lowercased text holds ACCORDING; the offsets are the lowercased text's
        self.according_at = according_positions(masked)
        # a period inside a quote ends no sentence, unless it is the quote's last character
        self.sentences = sentence_bounds(masked, [
            (s, e, "\n" in end) for s, e, end in locate(body, ends) if not quoted[s] or masked[s] in ".!?"
        ])
        self.sentence_starts = [s for s, _ in self.sentences]
        self.paragraphs = paragraph_bounds(body)
        self.paragraph_starts = [s for s, _ in self.paragraphs]
        self.mentions = sorted((m for m in mentions if not quoted[m.start]), key=mention_start)
        self.mention_starts = [m.start for m in self.mentions]
        self.mention_at = {m.start: m for m in self.mentions}
        self.headlines: list[bool | None] = [None] * len(self.paragraphs)  # by paragraph, once asked
        self.verbs = [
            Verb(s, e, text, is_continuation(text)) for s, e, text in locate(body, verbs, word=True) if not quoted[s]
        ]
        self.verb_starts = [v.start for v in self.verbs]
        self.verb_at = {v.start: v for v in self.verbs}

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """The mentions that start within [start, end), in order."""
        starts = self.mention_starts
        return self.mentions[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]

    def speech_sentences(self) -> list[tuple[int, int]]:
        """The sentences holding a speech verb or 'according to': only they can report speech."""
        if UNALIGNED_LOWER in self.masked:  # lowercasing moved offsets: keep every sentence
            return self.sentences
        marks = self.verb_starts + self.according_at
        rows = {bisect.bisect_right(self.sentence_starts, pos) - 1 for pos in marks}
        return [self.sentences[i] for i in sorted(rows)]

    def overlaps_quote(self, start: int, end: int) -> bool:
        """Whether [start, end) shares a character with a direct quote."""
        i = bisect.bisect_right(self.span_ends, start)
        return i < len(self.spans) and self.spans[i][0] < end

    def according_in(self, start: int, end: int, last: bool = False) -> re.Match | None:
        """The first (or last) 'according to' in [start, end); a plain substring test skips most text."""
        i = bisect.bisect_left(self.according_at, start)
        if i == len(self.according_at) or self.according_at[i] + len(ACCORDING) > end:
            return None
        found = list(ACCORDING_RE.finditer(self.masked, start, end))
        return (found[-1] if last else found[0]) if found else None

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """Bounds of the sentence holding `pos`."""
        i = bisect.bisect_right(self.sentence_starts, pos) - 1  # (a bare conditional: max() costs more)
        i = i if i > 0 else 0
        return self.sentences[i]

    def paragraph_of(self, pos: int) -> tuple[int, int]:
        """Bounds of the paragraph holding `pos` (or the one before, between paragraphs)."""
        i = bisect.bisect_right(self.paragraph_starts, pos) - 1
        i = i if i > 0 else 0
        return self.paragraphs[i]

    def is_headline(self, pos: int) -> bool:
        """A paragraph with no closing punctuation that is short (quotes aside) or in Title Case."""
        i = bisect.bisect_right(self.paragraph_starts, pos) - 1
        i = i if i > 0 else 0
        headline = self.headlines[i]
        if headline is None:
            start, end = self.paragraphs[i]
            closed = self.body[start:end].rstrip(" \n\"”’)").endswith((".", "!", "?"))
            if closed:
                headline = False
            else:
                words = len(WORD_RE.findall(self.masked, start, end))
                capitalized = len(CAPITALIZED_RE.findall(self.masked, start, end))
                headline = words <= 12 or capitalized >= 0.6 * words
            self.headlines[i] = headline
        return headline

    def speaker_from(self, mention: Mention, rule: str) -> Speaker:
        """A Speaker for a person or pronoun mention; pronoun subjects take the 'pronoun' rule."""
        is_pronoun = mention.resolution == "pronoun"
        return Speaker(
            rule="pronoun" if is_pronoun and rule in ("name_said", "said_name") else rule,
            person=mention.person, raw=self.raw_name(mention), resolution=mention.resolution,
        )

    def raw_name(self, mention: Mention) -> str:
        """The speaker as written, with a role title right before the name: 'Secretary Besant'."""
        role, start = mention.role, mention.start
        if role and self.body[max(0, start - len(role) - 1):start].rstrip(" ,").endswith(role):
            return self.body[start - len(role) - 1:mention.end].lstrip(" ,")
        return mention.text


def blank_quotes(body: str, spans: list[tuple[int, int]]) -> str:
    """The body with quoted words turned to spaces (a final . ! ? kept so sentences still end)."""
    pieces, pos = [], 0
    for start, end in spans:
        last = end - 1 if end > start and body[end - 1] in ".!?" else end
        pieces += [body[pos:start], " " * (last - start)]
        pos = last
    pieces.append(body[pos:])
    return "".join(pieces)


def locate(text: str, matches: list[str], word: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, match) of a regex's successive matches in `text`, given their texts in order.

    Each match is the first occurrence of its text after the previous match: wherever that text
    occurs the regex matches too, as it does for `SENTENCE_END`, and for `VERB_PATTERN` when the
    occurrence stands between ASCII word boundaries (`word`), as the pattern's `(?-u:\\b)` asks.
    """
    found, pos, find = [], 0, text.find
    for match in matches:
        start = find(match, pos)
        end = start + len(match)
        while word and ((start > 0 and text[start - 1] in ASCII_WORD) or text[end:end + 1] in ASCII_WORD):
            start = find(match, start + 1)
            end = start + len(match)
        found.append((start, end, match))
        pos = end
    return found


def according_positions(masked: str) -> list[int]:
    """Offsets of ACCORDING in `masked.lower()`, found without lowercasing a whole non-ASCII text
    (slow) where an ASCII lowering that keeps every offset finds the same places."""
    if masked.isascii() or UNALIGNED_LOWER in masked:
        text, needle = masked.lower(), ACCORDING
    else:
        text, needle = masked.encode("ascii", "replace").lower(), ACCORDING.encode()
    positions, pos = [], text.find(needle)
    while pos >= 0:
        positions.append(pos)
        pos = text.find(needle, pos + len(needle))
    return positions


def quote_mask(length: int, spans: list[tuple[int, int]]) -> bytearray:
    """One byte per character of the body: 1 inside a direct quote's words, else 0."""
    mask = bytearray(length)
    for start, end in spans:
        mask[start:end] = b"\x01" * (end - start)
    return mask


def paragraph_bounds(body: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-line separated paragraph."""
    bounds, start = [], 0
    for m in PARAGRAPH_BREAK_RE.finditer(body):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(body)))
    return bounds


def sentence_bounds(masked: str, ends: list[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """(start, end) of each sentence, given candidate ends (`SENTENCE_END` matches) outside quotes
    and whether the body's match holds a newline (blanking quotes adds none)."""
    bounds, start = [], 0
    for s, e, newline in ends:
        if (newline and "\n" in masked[s:e]) or sentence_breaks(masked, s, e):
            bounds.append((start, e))
            start = e
    if start < len(masked):
        bounds.append((start, len(masked)))
    return bounds or [(0, len(masked))]


def sentence_breaks(masked: str, start: int, end: int) -> bool:
    """Whether a period ends the sentence: next word capitalized, previous token not an abbreviation."""
    first = masked[end:end + 1]
    if not first or not (first.isupper() or first.isdigit() or first in "\"“‘'("):
        return False
    if masked[start] != ".":  # every abbreviation ends in a period
        return True
    tokens = masked[start - 12 if start > 12 else 0:start + 1].split()
    if tokens and is_abbreviation(tokens[-1]):
        words = masked[end:end + 30].split()
        return words[0].strip(",") in SENTENCE_STARTERS if words else False
    return True


@functools.lru_cache(maxsize=4096)
def is_abbreviation(token: str) -> bool:
    """A token that ends in an abbreviation's period ('Mr.', 'U.S.'), which ends no sentence."""
    return ABBREVIATION_RE.search(token) is not None


@functools.lru_cache(maxsize=4096)  # news prose repeats its subjects ("the company", "officials")
def noun_phrase(text: str) -> str | None:
    """The organisation or unnamed source a clause names ('the X administration' -> 'X administration')."""
    words = text.strip(" ,;:").split()
    while words and words[-1].lower() in FILLER_SET:
        words.pop()
    if not 1 <= len(words) <= 8 or not all(NP_WORD_RE.match(w) for w in words):
        return None
    if any(w.lower() in NOT_NP_WORDS or (w.islower() and w.endswith("ed")) for w in words):
        return None
    phrase = DETERMINER_RE.sub("", " ".join(words))
    lowered = {w.lower().rstrip("'s’") for w in phrase.split()}
    if not phrase or not (lowered & ORG_WORD_SET or any(w[0].isupper() for w in phrase.split())):
        return None
    return phrase


def subject_gap(masked: str, start: int, end: int) -> bool:
    """Whether masked[start:end] may stand between a subject and its verb (`GAP_RE`); most gaps are
    a plain space, which needs no regex."""
    return masked[start:end].isspace() or GAP_RE.fullmatch(masked, start, end) is not None


def find_verbs(a: Article, start: int, end: int) -> list[Verb]:
    """Speech verbs and continuation participles within [start, end)."""
    starts = a.verb_starts
    found = a.verbs[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]
    if found and found[-1].end > end:  # verbs don't overlap: only the last can run past `end`
        found.pop()
    return found


def subject_of(a: Article, verb: Verb, sentence: tuple[int, int], depth: int = 0) -> Speaker | None:
    """The subject of a finite speech verb: a mention right before it, an earlier coordinated verb's
    subject ("He explained ... and pointed out ..."), or the organisation named before it."""
    for k in range(bisect.bisect_right(a.mention_starts, verb.start) - 1, -1, -1):  # later ones end after it
        m = a.mentions[k]
        if m.end > verb.start:
            continue
        if m.start < sentence[0]:
            break
        possessive = a.body[m.end:m.end + 2] in POSSESSIVE
        if not possessive and subject_gap(a.masked, m.end, verb.start):
            return a.speaker_from(m, "name_said")
    earlier = [v for v in find_verbs(a, sentence[0], verb.start) if not v.cont]
    coordinated = earlier and (
        COORDINATED_RE.search(a.masked, earlier[-1].end, verb.start)
        or not a.masked[earlier[-1].end:verb.start].strip(" ,")
    )
    if coordinated and depth < 3:
        found = subject_of(a, earlier[-1], sentence, depth + 1)
        if found:
            found.rule = "coordinated_verb" if found.rule in ("name_said", "pronoun") else found.rule
            return found
    lead = a.masked[sentence[0]:verb.start]
    clause_start = sentence[0] + max(lead.rfind(","), lead.rfind(";"), lead.rfind(":")) + 1
    org = noun_phrase(a.masked[clause_start:verb.start])
    return Speaker(rule="name_said", org=org, raw=org) if org else None


def post_posed_subject(a: Article, verb: Verb, limit: int) -> Speaker | None:
    """The person right after a speech verb, before `limit`: 'said Commerce Secretary Howard Lutnick' (after
    'told' it is the one told)."""
    if verb.text in OBJECT_SPEECH_SET:
        return None
    gap = AFTER_VERB_GAP_RE.match(a.masked, verb.end, limit)
    for cand in (gap.end() if gap else verb.end, verb.end + 1):
        if cand in a.mention_at:
            return a.speaker_from(a.mention_at[cand], "said_name")
    after_verb = a.mentions_in(verb.end + 1, (gap.end() if gap else verb.end + 1) + 1)
    return a.speaker_from(after_verb[0], "said_name") if after_verb else None


def subject_after(a: Article, pos: int, limit: int) -> Speaker | None:
    """Attribution right after a quote: '"...," said X' / '"...," X said' / '"...," according to X'."""
    at = AFTER_QUOTE_RE.match(a.masked, pos, limit).end()
    verb = a.verb_at.get(at)
    if verb and not verb.cont and verb.end <= limit:
        found = post_posed_subject(a, verb, limit)
        if found:
            return found
        org = noun_phrase(CLAUSE_SPLIT_RE.split(a.masked[verb.end:limit])[0])
        return Speaker(rule="said_name", org=org, raw=org) if org else None
    # (only 'a' and 'A' match the pattern's first letter, even ignoring case: most quotes need no regex)
    according = ACCORDING_RE.match(a.masked, at, limit) if a.masked[at:at + 1] in ("a", "A") else None
    if according:
        return source_at(a, according.end(), limit)
    # "X said" right after the quote
    verbs = [v for v in find_verbs(a, at, min(limit, at + 160)) if not v.cont]
    if verbs and not a.masked[verbs[0].end:limit].lstrip().startswith(":"):  # 'X concluded: "...': what follows
        v = verbs[0]
        for mention in a.mentions_in(at, v.start):
            lead_ok = ROLE_LEAD_RE.fullmatch(a.masked, at, mention.start)
            if lead_ok and subject_gap(a.masked, mention.end, v.start):
                return a.speaker_from(mention, "name_said")
        head = a.masked[at:v.start]
        if "," not in head and "\n" not in head:
            org = noun_phrase(head)
            if org:
                return Speaker(rule="name_said", org=org, raw=org)
    return None


def source_at(a: Article, pos: int, limit: int) -> Speaker | None:
    """The source named after 'according to': a person mention or an organisation."""
    if pos in a.mention_at:
        return a.speaker_from(a.mention_at[pos], "according_to")
    for m in a.mentions_in(pos, pos + 40):
        if SOURCE_LEAD_RE.fullmatch(a.masked, pos, m.start):
            return a.speaker_from(m, "according_to")
    org = noun_phrase(CLAUSE_SPLIT_RE.split(a.masked[pos:limit])[0])
    return Speaker(rule="according_to", org=org, raw=org) if org else None


def sentence_subject(a: Article, sentence: tuple[int, int], before: int) -> Speaker | None:
    """Who a sentence is about: its first speech verb's subject, else its first mention that is no
    possessive or object, else the organisation it opens with."""
    for v in find_verbs(a, sentence[0], before):
        if not v.cont:
            found = subject_of(a, v, sentence)
            if found:
                return found
    for m in a.mentions_in(sentence[0], before):
        possessive = a.body[m.end:m.end + 2] in POSSESSIVE
        lead = a.masked[max(sentence[0], m.start - 30):m.start]
        if not possessive and not OBJECT_BEFORE_RE.search(lead):
            return a.speaker_from(m, "adding_continuation")
    head = SENTENCE_HEAD_RE.match(a.masked, sentence[0], before)
    org = noun_phrase(head.group(1)) if head else None
    return Speaker(rule="adding_continuation", org=org, raw=org) if org else None


def attribute_quote(a: Article, i: int, done: list[Speaker | None]) -> Speaker | None:
    """Speaker of the i-th quote, given the speakers already found for the quotes before it."""
    start, end = a.spans[i]
    sentence = a.sentence_of(start - 1 if start > 0 else start)
    # spans don't overlap, so only the one right before can end inside this sentence
    prev_in_sentence = i - 1 if i > 0 and a.spans[i - 1][1] > sentence[0] else None
    next_start = a.spans[i + 1][0] - 1 if i + 1 < len(a.spans) else len(a.body)
    seg_start = a.spans[prev_in_sentence][1] + 1 if prev_in_sentence is not None else sentence[0]
    sentence_end = a.sentence_of(max(end - 1, start))[1]
    if sentence_end <= end + 2 and end + 2 < len(a.body):
        # '"... rising again!" Governor Rhee told reporters.': the attribution follows the quote's own period
        sentence_end = a.sentence_of(end + 2)[1]
    after_limit = min(max(sentence_end, end + 1), next_start)

    after = subject_after(a, end + 1, after_limit)
    if after:
        return after
    verbs = find_verbs(a, seg_start, max(seg_start, start - 1))
    according = a.according_in(seg_start, max(seg_start, start - 1), last=True)
    if according and (not verbs or according.start() > verbs[-1].start):
        found = source_at(a, according.end(), start - 1)
        if found:
            return found
    if verbs:
        verb = verbs[-1]
        if verb.cont:
            if prev_in_sentence is not None and done[prev_in_sentence]:
                prev = done[prev_in_sentence]
                return Speaker("adding_continuation", prev.person, prev.raw, prev.org, prev.resolution)
            found = sentence_subject(a, sentence, verb.start)
            if found:
                found.rule = "adding_continuation"
                return found
        else:
            # '"The rules," said Gina Park, a partner, "are ..."': the subject may follow the verb
            found = subject_of(a, verb, sentence) or post_posed_subject(a, verb, start - 1)
            if found:
                return found
    colon = COLON_LEAD_RE.search(a.masked, seg_start, max(seg_start, start - 1))
    lead_mentions = [m for m in a.mentions_in(seg_start, start) if m.end < start]
    if colon:
        for m in lead_mentions:
            if a.masked[m.end:start - 1].strip() == ":":
                return a.speaker_from(m, "colon_intro")
        # 'Bessent, for his part, struck a softer tone: "..."': the person the sentence is about
        found = sentence_subject(a, sentence, colon.end(1))
        if found and found.person:
            found.rule = "colon_intro"
            return found
        org = noun_phrase(colon.group(1))
        if org:
            return Speaker(rule="colon_intro", org=org, raw=org)
    if a.is_headline(start):
        for m in reversed(lead_mentions):
            if HEADLINE_GAP_RE.fullmatch(a.masked, m.end, start - 1):
                return a.speaker_from(m, "headline_name")
        for m in a.mentions_in(end + 1, end + 60):  # '"We will win" - Trump'
            if DASH_LEAD_RE.fullmatch(a.masked, end + 1, m.start):
                return a.speaker_from(m, "headline_name")
    return inherited(a, i, done)


def inherited(a: Article, i: int, done: list[Speaker | None]) -> Speaker | None:
    """A quote with no attribution of its own takes the previous quote's speaker when nobody else
    speaks in between: in the same paragraph (a split quote) or as the next paragraph's opening."""
    start = a.spans[i][0]
    prev = done[i - 1] if i > 0 else None
    if not prev or not (prev.person or prev.org):
        return None
    para = a.paragraph_of(start)
    prev_end = a.spans[i - 1][1]
    others = [m for m in a.mentions_in(prev_end, start) if m.person != prev.person]
    for verb in find_verbs(a, prev_end, start):
        said = None if verb.cont else subject_of(a, verb, a.sentence_of(verb.start))
        if said and (said.person, said.org) != (prev.person, prev.org):
            return None  # someone else spoke in between
    if others:
        return None
    if a.spans[i - 1][1] > para[0]:
        rule = "split_quote"
    else:
        prev_para = a.paragraph_of(a.spans[i - 1][0])
        opens_paragraph = not a.masked[para[0]:start - 1].strip()
        if not opens_paragraph or a.paragraph_of(prev_para[1] + 2)[0] != para[0]:
            return None
        end = a.spans[i][1]
        if a.masked[end + 1:a.sentence_of(end)[1]].strip(" \n\"”’.,!?:;"):
            return None  # '"..." – that is how one executive put it': the sentence names its own source
        rule = "inherited_paragraph"
    return Speaker(rule, prev.person, prev.raw, prev.org, prev.resolution)


def reported_clauses(a: Article) -> list[tuple[int, int, Speaker]]:
    """Indirect speech: (start, end, speaker) of each clause reported by a speech verb or 'according to'."""
    found: dict[tuple[int, int], Speaker] = {}
    starts: dict[tuple[int, int], int | None] = {}  # `reported_start` of the clauses tried so far
    masked = a.masked
    for sentence in a.speech_sentences():
        s0, s1 = sentence
        text_end = text_end_of(masked, s0, s1)
        verbs = find_verbs(a, s0, text_end)
        according = a.according_in(s0, text_end)
        if text_end <= s0 or not (verbs or according) or a.is_headline(s0):
            continue
        for verb in verbs:
            if verb.cont:
                that = THAT_RE.match(masked, verb.end + 1, text_end)
                start = that.end() if that else None
            else:
                start = clause_after(a, verb, text_end)
            # the subject is the costly part: look for it only for a clause that is new and kept
            clause = (start, text_end)
            if start is None or clause in found:
                continue
            if clause not in starts:
                starts[clause] = reported_start(a, start, text_end)
            if starts[clause] is None:
                continue
            speaker = sentence_subject(a, sentence, verb.start) if verb.cont else subject_of(a, verb, sentence)
            if speaker:
                found[clause] = speaker
        if according:
            comma = masked.find(",", according.end(), text_end)
            if according.start() - s0 < 3 and comma > 0:  # "According to X, clause."
                speaker = source_at(a, according.end(), comma)
                if speaker:
                    found.setdefault((comma + 1, text_end), speaker)
            elif comma < 0 and masked[s0:according.start()].rstrip().endswith(","):  # "..., according to X"
                speaker = source_at(a, according.end(), text_end)
                if speaker:
                    found.setdefault((s0, masked.rfind(",", s0, according.start())), speaker)
        last = verbs[-1] if verbs else None
        if not last or last.cont or masked[last.end:text_end].strip():
            continue
        comma = masked.rfind(",", max(s0, last.start - 80), last.start)
        if comma > s0:  # "Clause, people familiar with the matter said."
            head = masked[comma + 1:last.start]
            mention = a.mention_at.get(comma + 1 + len(head) - len(head.lstrip()))
            if mention:
                speaker = a.speaker_from(mention, "said_name")
            else:
                org = noun_phrase(head)
                speaker = Speaker("said_name", org=org, raw=org)
            if speaker.person or speaker.org:
                found.setdefault((s0, comma), speaker)
    out = []
    for (start, end), speaker in sorted(found.items()):
        start = starts[start, end] if (start, end) in starts else reported_start(a, start, end)
        if start is not None:
            out.append((start, end, speaker))
    return out


def text_end_of(masked: str, start: int, end: int) -> int:
    """Where the sentence [start, end) ends before its closing spaces, punctuation and blanked quotes
    (looked for in growing tails rather than by copying the whole sentence)."""
    tail = 64
    while True:
        cut = max(start, end - tail)
        stripped = len(masked[cut:end].rstrip(" \n.!?\"”’)"))
        if stripped or cut == start:
            return cut + stripped
        tail *= 4


def reported_start(a: Article, start: int, end: int) -> int | None:
    """Where the reported clause [start, end) begins past spaces and commas; None when it is too
    short, or runs into a direct quote before its sentence ends."""
    while start < end and a.body[start] in " ,\n":
        start += 1
    too_short = len(a.body[start:end].split(maxsplit=MIN_INDIRECT_WORDS)) < MIN_INDIRECT_WORDS
    if too_short or a.overlaps_quote(start, a.sentence_of(start)[1]):
        return None
    return start


def clause_after(a: Article, verb: Verb, limit: int) -> int | None:
    """Where the reported clause after a speech verb starts: after 'that', else right after the verb."""
    pos = verb.end
    if verb.text in OBJECT_SPEECH_SET:
        obj = TOLD_OBJECT_RE.match(a.masked, pos, limit)
        pos = obj.end() if obj else pos
    # no 'that' starts right at `pos` (a word boundary or a space follows the verb or its object),
    # so searching the text in place finds what searching a cut-out window would; and the search
    # may start at the window's first 'that' (its `\b` still sees the character before), which a
    # plain substring search finds far faster than the regex
    window_end = min(limit, pos + 120)
    first = a.masked.find("that", pos, window_end)
    that = THAT_RE.search(a.masked, first, window_end) if first >= 0 else None
    lead = a.masked[pos:that.start()] if that else ""
    if that and len(lead.split(maxsplit=13)) <= 12 and '"' not in lead and "“" not in lead:
        return that.end()
    if verb.text in OBJECT_SPEECH_SET and pos == verb.end:  # 'told a briefing': no one told, nothing reported
        return None
    return pos + 1 if CLAUSE_AFTER_VERB_RE.match(a.masked, pos, limit) else None


def evidence(a: Article, start: int, end: int) -> str:
    """The sentence(s) holding a span, verbatim, cut to EVIDENCE_CHARS."""
    s0 = a.sentence_of(start - 1 if start > 0 else 0)[0]
    s1 = a.sentence_of(end - 1 if end > start else start)[1]
    return a.body[s0:s1].strip()[:EVIDENCE_CHARS]


def attribute_article(
    body: str, spans: list[tuple[int, int]], mentions: list[Mention], verbs: list[str], ends: list[str]
) -> list[tuple]:
    """All quotes of one article: direct quotes with their speakers, then indirect (reported) speech.

    Rows come in the order of `QUOTE_FIELDS`; the arguments are those of `Article`.
    """
    a = Article(body, spans, mentions, verbs, ends)
    speakers: list[Speaker | None] = []
    for i in range(len(a.spans)):
        speakers.append(attribute_quote(a, i, speakers))
    rows = [quote_row(a, s, e, "direct", sp) for (s, e), sp in zip(a.spans, speakers, strict=True)]
    rows += [quote_row(a, start, end, "indirect", sp) for start, end, sp in reported_clauses(a)]
    return rows


QUOTE_FIELDS = (
    "quote_text", "kind", "speaker", "speaker_raw", "speaker_org", "attribution_rule", "resolution",
    "confidence", "start_char", "end_char", "evidence",
)


def quote_row(a: Article, start: int, end: int, kind: str, speaker: Speaker | None) -> tuple:
    """One output row of the quotes frame (without article_id and quote_id), as `QUOTE_FIELDS`."""
    sp = speaker or Speaker(rule="unattributed")
    return (
        a.body[start:end], kind, sp.person, sp.raw, None if sp.person else sp.org,
        sp.rule if speaker else None, sp.resolution if sp.person else None, sp.confidence,
        start, end, evidence(a, start, end),
    )
