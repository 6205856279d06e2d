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
import re
from dataclasses import dataclass

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
FILLERS = alternation(SUBJECT_VERB_FILLERS)
CAPITAL_ROLES = alternation([w.title() for w in ROLE_WORDS] + [w.upper() for w in ROLE_WORDS if len(w) <= 3])
NAME_WORD = r"[A-Z][\w.&'’-]*"

# Found by polars over the body (`quotes.attribute`), since Python's regex engine is slow on long
# alternations. Speech verbs are case-sensitive: a capitalized "Says" is rare, "States" a name.
VERB_PATTERN = rf"(?-u:\b)(?:{CONTINUATION}|{SPEECH})(?-u:\b)"
SENTENCE_END = r"[.!?][\"”’)\]]*[ \t\n]+|\n+"

ACCORDING_RE = re.compile(r"\baccording\s+to\s+", re.IGNORECASE)
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
    rf"(?:(?:the|a|an|former|{NAME_WORD}|[\w.-]+['’]s|{alternation(ROLE_WORDS)}),?\s+){{0,5}}"
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
OPENING_QUOTE_RE = re.compile(r"[\"“]")
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


@dataclass(frozen=True)
class Verb:
    """A speech verb ('said') or continuation participle ('adding') outside quotes."""

    start: int
    end: int
    text: str

    @property
    def cont(self) -> bool:
        """A participle that continues the sentence's speaker."""
        return " ".join(self.text.split()) in CONTINUATION_SET


@dataclass
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
        base = RULE_CONFIDENCE.get(self.rule, 0.5)
        if self.person:
            return round(base * RESOLUTION_CONFIDENCE.get(self.resolution or "exact", 0.8), 3)
        return round(base * 0.95, 3) if self.org else 0.0


class Article:
    """One article prepared for attribution: blanked quotes, sentences, paragraphs, mentions."""

    def __init__(
        self, body: str, spans: list[tuple[int, int]], mentions: list[dict], verbs: list[dict],
        ends: list[dict],
    ):
        self.body = body
        self.spans = sorted(spans)
        self.masked = blank_quotes(body, self.spans)
        self.lowered = self.masked.lower()
        # a period inside a quote ends no sentence, unless it is the quote's last character
        self.sentences = sentence_bounds(self.masked, [
            (e["start_char"], e["end_char"]) for e in ends
            if not self.inside_quote(e["start_char"]) or self.masked[e["start_char"]] in ".!?"
        ])
        self.sentence_starts = [s for s, _ in self.sentences]
        self.paragraphs = paragraph_bounds(body)
        self.paragraph_starts = [s for s, _ in self.paragraphs]
        self.mentions = sorted(
            (m for m in mentions if not self.inside_quote(m["start_char"])), key=lambda m: m["start_char"]
        )
        self.mention_starts = {m["start_char"]: m for m in self.mentions}
        self.headlines: dict[tuple[int, int], bool] = {}
        self.verbs = [
            Verb(v["start_char"], v["end_char"], v["match"])
            for v in sorted(verbs, key=lambda v: v["start_char"]) if not self.inside_quote(v["start_char"])
        ]
        self.verb_starts = [v.start for v in self.verbs]
        self.verb_at = {v.start: v for v in self.verbs}

    def inside_quote(self, pos: int) -> bool:
        """True when `pos` falls inside a direct quote's words."""
        i = bisect.bisect_right(self.spans, (pos, float("inf"))) - 1
        return i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]

    def according_in(self, start: int, end: int, last: bool = False) -> re.Match | None:
        """The first (or last) 'according to' in [start, end); a plain substring test skips most text."""
        if self.lowered.find("according to", start, end) < 0:
            return None
        found = list(ACCORDING_RE.finditer(self.masked, start, end))
        return (found[-1] if last else found[0]) if found else None

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """Bounds of the sentence holding `pos`."""
        i = max(bisect.bisect_right(self.sentence_starts, pos) - 1, 0)
        return self.sentences[i]

    def paragraph_of(self, pos: int) -> tuple[int, int]:
        """Bounds of the paragraph holding `pos` (or the one before, between paragraphs)."""
        i = max(bisect.bisect_right(self.paragraph_starts, pos) - 1, 0)
        return self.paragraphs[i]

    def is_headline(self, pos: int) -> bool:
        """A paragraph with no closing punctuation that is short (quotes aside) or in Title Case."""
        bounds = self.paragraph_of(pos)
        if bounds not in self.headlines:
            start, end = bounds
            closed = self.body[start:end].rstrip(" \n\"”’)").endswith((".", "!", "?"))
            if closed:
                self.headlines[bounds] = False
            else:
                words = len(WORD_RE.findall(self.masked, start, end))
                capitalized = len(CAPITALIZED_RE.findall(self.masked, start, end))
                self.headlines[bounds] = words <= 12 or capitalized >= 0.6 * words
        return self.headlines[bounds]

    def speaker_from(self, mention: dict, rule: str) -> Speaker:
        """A Speaker for a person or pronoun mention; pronoun subjects take the 'pronoun' rule."""
        is_pronoun = mention["resolution"] == "pronoun"
        return Speaker(
            rule="pronoun" if is_pronoun and rule in ("name_said", "said_name") else rule,
            person=mention["person_name"], raw=self.raw_name(mention), resolution=mention["resolution"],
        )

    def raw_name(self, mention: dict) -> str:
        """The speaker as written, with a role title right before the name: 'Secretary Besant'."""
        role, start = mention.get("role"), mention["start_char"]
        if role and self.body[max(0, start - len(role) - 1):start].rstrip(" ,").endswith(role):
            return self.body[start - len(role) - 1:mention["end_char"]].lstrip(" ,")
        return mention["mention_text"]


def blank_quotes(body: str, spans: list[tuple[int, int]]) -> str:
    """The body with quoted words turned to spaces (a final . ! ? kept so sentences still end)."""
    pieces, pos = [], 0
    for start, end in spans:
        last = end - 1 if end > start and body[end - 1] in ".!?" else end
        pieces += [body[pos:start], " " * (last - start)]
        pos = last
    pieces.append(body[pos:])
    return "".join(pieces)


def paragraph_bounds(body: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-line separated paragraph."""
    bounds, start = [], 0
    for m in re.finditer(r"\n\s*\n", body):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(body)))
    return bounds


def sentence_bounds(masked: str, ends: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of each sentence, given candidate ends (`SENTENCE_END` matches) outside quotes."""
    bounds, start = [], 0
    for s, e in ends:
        if "\n" not in masked[s:e] and not sentence_breaks(masked, s, e):
            continue
        bounds.append((start, e))
        start = e
    if start < len(masked):
        bounds.append((start, len(masked)))
    return bounds or [(0, len(masked))]


def sentence_breaks(masked: str, start: int, end: int) -> bool:
    """Whether a period ends the sentence: next word capitalized, previous token not an abbreviation."""
    nxt = masked[end:end + 30]
    if not nxt or not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "\"“‘'("):
        return False
    tokens = masked[max(0, start - 12):start + 1].split()
    if tokens and ABBREVIATION_RE.search(tokens[-1]):
        return nxt.split()[0].strip(",") in SENTENCE_STARTERS if nxt.split() else False
    return True


def noun_phrase(text: str) -> str | None:
    """The organisation or unnamed source a clause names ('the X administration' -> 'X administration')."""
    words = text.strip(" ,;:").split()
    while words and words[-1].lower() in SUBJECT_VERB_FILLERS:
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


def find_verbs(a: Article, start: int, end: int) -> list[Verb]:
    """Speech verbs and continuation participles within [start, end)."""
    lo, hi = bisect.bisect_left(a.verb_starts, start), bisect.bisect_left(a.verb_starts, end)
    return [v for v in a.verbs[lo:hi] if v.end <= end]


def subject_of(a: Article, verb: Verb, sentence: tuple[int, int], depth: int = 0) -> Speaker | None:
    """The subject of a finite speech verb: a mention right before it, an earlier coordinated verb's
    subject ("He explained ... and pointed out ..."), or the organisation named before it."""
    for m in reversed(a.mentions):
        if m["end_char"] > verb.start:
            continue
        if m["start_char"] < sentence[0]:
            break
        possessive = a.body[m["end_char"]:m["end_char"] + 2] in POSSESSIVE
        if not possessive and GAP_RE.fullmatch(a.masked, m["end_char"], verb.start):
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
    clause_start = max(sentence[0], *(a.masked.rfind(c, sentence[0], verb.start) + 1 for c in ",;:"))
    org = noun_phrase(a.masked[clause_start:verb.start])
    return Speaker(rule="name_said", org=org, raw=org) if org else None


def subject_after(a: Article, pos: int, limit: int) -> Speaker | None:
    """Attribution right after a quote: '"...," said X' / '"...," X said' / '"...," according to X'."""
    at = AFTER_QUOTE_RE.match(a.masked, pos, limit).end()
    verb = a.verb_at.get(at)
    if verb and not verb.cont and verb.end <= limit:
        gap = AFTER_VERB_GAP_RE.match(a.masked, verb.end, limit)
        for cand in (gap.end() if gap else verb.end, verb.end + 1):
            if cand in a.mention_starts:
                return a.speaker_from(a.mention_starts[cand], "said_name")
        for mention in a.mentions:
            if verb.end < mention["start_char"] <= (gap.end() if gap else verb.end + 1):
                return a.speaker_from(mention, "said_name")
        org = noun_phrase(CLAUSE_SPLIT_RE.split(a.masked[verb.end:limit])[0])
        return Speaker(rule="said_name", org=org, raw=org) if org else None
    according = ACCORDING_RE.match(a.masked, at, limit)
    if according:
        return source_at(a, according.end(), limit)
    # "X said" right after the quote
    verbs = [v for v in find_verbs(a, at, min(limit, at + 160)) if not v.cont]
    if verbs:
        v = verbs[0]
        for mention in a.mentions:
            if not at <= mention["start_char"] < v.start:
                continue
            lead_ok = ROLE_LEAD_RE.fullmatch(a.masked, at, mention["start_char"])
            if lead_ok and GAP_RE.fullmatch(a.masked, mention["end_char"], v.start):
                return a.speaker_from(mention, "name_said")
        head = a.masked[at:v.start]
        if "," not in head and "\n" not in head:
            org = noun_phrase(head)
            if org:
                return Speaker(rule="name_said", org=org, raw=org)
    return None


def source_at(a: Article, pos: int, limit: int) -> Speaker | None:
    """The source named after 'according to': a person mention or an organisation."""
    if pos in a.mention_starts:
        return a.speaker_from(a.mention_starts[pos], "according_to")
    for m in a.mentions:
        if pos <= m["start_char"] < pos + 40 and SOURCE_LEAD_RE.fullmatch(a.masked, pos, m["start_char"]):
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
    for m in a.mentions:
        if sentence[0] <= m["start_char"] < before:
            possessive = a.body[m["end_char"]:m["end_char"] + 2] in POSSESSIVE
            lead = a.masked[max(sentence[0], m["start_char"] - 30):m["start_char"]]
            if not possessive and not OBJECT_BEFORE_RE.search(lead):
                return a.speaker_from(m, "adding_continuation")
    head = SENTENCE_HEAD_RE.match(a.masked, sentence[0], before)
    org = noun_phrase(head.group(1)) if head else None
    return Speaker(rule="adding_continuation", org=org, raw=org) if org else None


def attribute_quote(a: Article, i: int, done: list[Speaker | None]) -> Speaker | None:
    """Speaker of the i-th quote, given the speakers already found for the quotes before it."""
    start, end = a.spans[i]
    sentence = a.sentence_of(start - 1 if start > 0 else start)
    prev_in_sentence = next((j for j in range(i - 1, -1, -1) if a.spans[j][1] > sentence[0]), None)
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
            found = subject_of(a, verb, sentence)
            if found:
                return found
    colon = COLON_LEAD_RE.search(a.masked, seg_start, max(seg_start, start - 1))
    lead_mentions = [m for m in a.mentions if seg_start <= m["start_char"] and m["end_char"] < start]
    if colon:
        for m in lead_mentions:
            if a.masked[m["end_char"]:start - 1].strip() == ":":
                return a.speaker_from(m, "colon_intro")
        org = noun_phrase(colon.group(1))
        if org:
            return Speaker(rule="colon_intro", org=org, raw=org)
    if a.is_headline(start):
        for m in reversed(lead_mentions):
            if HEADLINE_GAP_RE.fullmatch(a.masked, m["end_char"], start - 1):
                return a.speaker_from(m, "headline_name")
        for m in a.mentions:  # '"We will win" - Trump'
            near = end < m["start_char"] < end + 60
            if near and DASH_LEAD_RE.fullmatch(a.masked, end + 1, m["start_char"]):
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
    others = [
        m for m in a.mentions if prev_end <= m["start_char"] < start and m["person_name"] != prev.person
    ]
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
        rule = "inherited_paragraph"
    return Speaker(rule, prev.person, prev.raw, prev.org, prev.resolution)


def reported_clauses(a: Article) -> list[tuple[int, int, Speaker]]:
    """Indirect speech: (start, end, speaker) of each clause reported by a speech verb or 'according to'."""
    found: dict[tuple[int, int], Speaker] = {}
    for sentence in a.sentences:
        s0, s1 = sentence
        text_end = s1 - len(a.masked[s0:s1]) + len(a.masked[s0:s1].rstrip(" \n.!?\"”’)"))
        verbs = find_verbs(a, s0, text_end)
        according = a.according_in(s0, text_end)
        if text_end <= s0 or not (verbs or according) or a.is_headline(s0):
            continue
        for verb in verbs:
            if verb.cont:
                that = THAT_RE.match(a.masked, verb.end + 1, text_end)
                speaker = sentence_subject(a, sentence, verb.start) if that else None
                start = that.end() if that else None
            else:
                speaker = subject_of(a, verb, sentence)
                start = clause_after(a, verb, text_end)
            if speaker and start is not None:
                found.setdefault((start, text_end), speaker)
        if according:
            comma = a.masked.find(",", according.end(), text_end)
            if according.start() - s0 < 3 and comma > 0:  # "According to X, clause."
                speaker = source_at(a, according.end(), comma)
                if speaker:
                    found.setdefault((comma + 1, text_end), speaker)
            elif comma < 0 and a.masked[s0:according.start()].rstrip().endswith(","):  # "..., according to X"
                speaker = source_at(a, according.end(), text_end)
                if speaker:
                    found.setdefault((s0, a.masked.rfind(",", s0, according.start())), speaker)
        last = verbs[-1] if verbs else None
        trailing = last if last and not last.cont and not a.masked[last.end:text_end].strip() else None
        comma = a.masked.rfind(",", max(s0, trailing.start - 80), trailing.start) if trailing else -1
        if comma > s0:  # "Clause, people familiar with the matter said."
            head = a.masked[comma + 1:trailing.start]
            mention = a.mention_starts.get(comma + 1 + len(head) - len(head.lstrip()))
            org = noun_phrase(head)
            speaker = Speaker("said_name", org=org, raw=org)
            if mention:
                speaker = a.speaker_from(mention, "said_name")
            if speaker.person or speaker.org:
                found.setdefault((s0, comma), speaker)
    out = []
    for (start, end), speaker in sorted(found.items()):
        while start < end and a.body[start] in " ,\n":
            start += 1
        words = len(a.body[start:end].split())
        sentence_end = a.sentence_of(start)[1]
        overlaps_quote = any(s < sentence_end and start < e for s, e in a.spans)
        if words >= MIN_INDIRECT_WORDS and not overlaps_quote:
            out.append((start, end, speaker))
    return out


def clause_after(a: Article, verb: Verb, limit: int) -> int | None:
    """Where the reported clause after a speech verb starts: after 'that', else right after the verb."""
    pos = verb.end
    if verb.text in OBJECT_SPEECH_VERBS:
        obj = TOLD_OBJECT_RE.match(a.masked, pos, limit)
        pos = obj.end() if obj else pos
    window = a.masked[pos:min(limit, pos + 120)]
    that = THAT_RE.search(window)
    lead = window[:that.start()] if that else ""
    if that and len(lead.split()) <= 12 and not OPENING_QUOTE_RE.search(lead):
        return pos + that.end()
    return pos + 1 if CLAUSE_AFTER_VERB_RE.match(a.masked, pos, limit) else None


def evidence(a: Article, start: int, end: int) -> str:
    """The sentence(s) holding a span, verbatim, cut to EVIDENCE_CHARS."""
    s0 = a.sentence_of(max(start - 1, 0))[0]
    s1 = a.sentence_of(max(end - 1, start))[1]
    return a.body[s0:s1].strip()[:EVIDENCE_CHARS]


def attribute_article(row: dict) -> list[dict]:
    """All quotes of one article: direct quotes with their speakers, then indirect (reported) speech."""
    body = row["body"] or ""
    spans = [(s["start_char"], s["end_char"]) for s in row["spans"] or []]
    a = Article(body, spans, row["mentions"] or [], row["verbs"] or [], row["ends"] or [])
    speakers: list[Speaker | None] = []
    for i in range(len(a.spans)):
        speakers.append(attribute_quote(a, i, speakers))
    rows = [quote_row(a, s, e, "direct", sp) for (s, e), sp in zip(a.spans, speakers, strict=True)]
    rows += [quote_row(a, start, end, "indirect", sp) for start, end, sp in reported_clauses(a)]
    return rows


def quote_row(a: Article, start: int, end: int, kind: str, speaker: Speaker | None) -> dict:
    """One output row of the quotes frame (without quote_id)."""
    sp = speaker or Speaker(rule="unattributed")
    return {
        "quote_text": a.body[start:end], "kind": kind, "speaker": sp.person, "speaker_raw": sp.raw,
        "speaker_org": None if sp.person else sp.org, "attribution_rule": sp.rule if speaker else None,
        "resolution": sp.resolution if sp.person else None, "confidence": sp.confidence,
        "start_char": start, "end_char": end, "evidence": evidence(a, start, end),
    }
