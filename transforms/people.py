"""Person mentions, linked within each article and clustered across articles into people.

Call order (all lazy; see also transforms/quotes.py):
    mentions = extract_mentions(articles, registry=registry)            # per article
    quotes = quotes.extract_quotes(articles, mentions=mentions)         # per article
    mentions, quotes = resolve_people(mentions, quotes, registry=registry)  # across all articles
    people = build_people(mentions, articles)
    person_aliases = build_person_aliases(mentions)

Steps:
1. polars regexes find capitalized name runs, subject pronouns and role-only phrases ("the CEO"),
   with their character offsets and the context that says who they are: a role before the name
   ("Commerce Secretary Howard Lutnick"), an apposition ("Scott Bessent, the Treasury Secretary,"),
   a role after it in headline style ("Rutnik Commerce Secretary"), a following speech verb, ...
2. A run is a person when that context says so, or when it repeats a name confirmed elsewhere in
   the same article (full name or surname) or listed in the registry. Only the article itself
   counts, so extracting an article alone or with others gives the same mentions.
3. Per article (`link_article`): surname-only, misspelt and role-only mentions join the article's
   full names; subject pronouns resolve to the most salient earlier person.
4. Across articles (`resolve_people` -> `cluster_people`): spellings cluster by phonetic/fuzzy
   surname with compatible given names, or by shared surname plus a shared specific role; the
   canonical spelling is the one most articles use, each article's vote weighted by how often its
   other spellings agree with the other articles.
"""

import bisect
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import jellyfish
import polars as pl
from rapidfuzz.distance import JaroWinkler

from transforms.lexicons import (
    CALENDAR_WORDS,
    FEMALE_TITLES,
    MALE_TITLES,
    NON_NAME_WORDS,
    OBJECT_PRECEDERS,
    ORG_WORDS,
    PERSON_ORG_HEADS,
    PLACE_WORDS,
    PORTFOLIO_WORDS,
    ROLE_MODIFIERS,
    ROLE_STOPWORDS,
    ROLE_SYNONYMS,
    ROLE_WORDS,
    SPEECH_VERBS,
    SUBJECT_VERB_FILLERS,
    SURNAME_LIKE_ROLES,
    alternation,
)
from transforms.quotemarks import quote_spans
from transforms.textspans import (
    LETTER,
    LOWER,
    UPPER,
    context_after,
    context_before,
    fold_name,
    regex_spans,
    stable_id,
)

REGISTRY_SCHEMA: dict[str, type[pl.DataType]] = {
    "canonical_name": pl.String, "aliases": pl.String, "roles": pl.String,
}
MENTION_COLUMNS = [
    "article_id", "mention_text", "start_char", "end_char", "person_name", "role", "resolution",
]

# --- regexes (polars / Rust syntax: no look-around) ---------------------------------------------

U, L, A = f"[{UPPER}]", f"[{LOWER}]", f"[{LETTER}]"
WB = r"(?-u:\b)"  # ASCII word boundary: a Unicode \b forces polars' slowest regex engine
TOKEN = rf"(?:{U}{L}+(?:{U}{L}+)*|{U}['’]{U}{L}+)(?:-{A}+|['’]{U}{L}+)*"
PARTICLE = r"(?:de|del|della|der|den|di|da|dos|das|du|van|von|la|le|bin|ibn|al|el|ben|ter|zu)"
NAME_RUN = rf"(?:{U}\.[ ])?{TOKEN}(?:[ ]+(?:{U}\.[ ]+|{PARTICLE}[ ]+)*{TOKEN}){{0,3}}"
NAME_BOUNDARY = rf"[^{LETTER}0-9'’-]"
NOT_LETTER = rf"[^{LETTER}]"
PRONOUN = rf"{WB}(?:[Hh]e|[Ss]he){WB}"

ROLE = alternation(ROLE_WORDS)
MODIFIER = alternation(ROLE_MODIFIERS)
FILLER = alternation(SUBJECT_VERB_FILLERS)
SPEECH = alternation(SPEECH_VERBS)
# A word that may qualify a role before it: "U.S.", "Commerce", "White House AI", "NVIDIA's".
WORDISH = rf"[{LETTER}0-9.&'’-]"
ROLE_QUALIFIER = rf"(?:{U}{WORDISH}*|[{LETTER}0-9.-]+['’]s)"
ROLE_PHRASE = rf"(?:{ROLE_QUALIFIER}[ \t]+|(?i:{MODIFIER})[ \t]+){{0,3}}(?i:{ROLE})"
CAPITAL_ROLE = alternation(
    [w.title() for w in ROLE_WORDS if w.isalpha()] + [w.upper() for w in ROLE_WORDS if len(w) <= 3]
)

LEFT_ROLE = rf"(?:^|[^{LETTER}0-9])({ROLE_PHRASE})[ ]*,?[ ]*$"
LEFT_TITLE = rf"(?:^|{NOT_LETTER})((?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Lord|Lady)\.?)[ ]+$"
APPOSITION = (
    rf"^,\s+(?:(?i:the|a|an|who\s+is|who\s+was|now|then|also)\s+)*({ROLE_PHRASE}"
    rf"(?:\s+(?:of|for|at|in|on|to|and|the|{U}{WORDISH}*|{L}+)){{0,7}}?)"
    r"\s*(?:,|;|\)|\.(?:\s|$)|$)"
)
POST_ROLE = rf"^[ ]+((?:{U}[{LETTER}.&-]*[ ]+){{0,2}}(?:{CAPITAL_ROLE})){WB}"
POST_ROLE_THEN_NAME = rf"^[ ]+(?:{U}[{LETTER}.&-]*[ ]+){{0,2}}(?:{CAPITAL_ROLE})[ ]+{U}{L}"
WHO_AFTER = r"^,\s+who\s"
AGE_AFTER = r"^,\s+\d{1,3},"
SPEECH_AFTER = rf"^(?:,[^,\n]{{1,100}},)?\s+(?:(?i:{FILLER})\s+)*(?:{SPEECH}){WB}"
SPEECH_BEFORE = rf"{WB}(?:{SPEECH})[ ]+$"
POSSESSIVE_AFTER = rf"^['’](?:s{WB}|\s)"
PERSON_ORG_AFTER = rf"^\s+(?i:{alternation(PERSON_ORG_HEADS)}){WB}"
CAPITAL_ORG = alternation([w.title() for w in ORG_WORDS])
ORG_NAME_AFTER = rf"^[ ]+(?:{U}[{LETTER}.&-]*[ ]+){{0,2}}(?:{CAPITAL_ORG}){WB}"
OBJECT_BEFORE = rf"(?i)(?:^|{NOT_LETTER})(?:{alternation(OBJECT_PRECEDERS)})\s+(?:(?:the|a|an)\s+)?$"
ROLE_ONLY = (
    rf"[Tt]he\s+(?:{ROLE_QUALIFIER}\s+|(?i:{MODIFIER})\s+){{0,3}}(?i:{ROLE})"
    rf"(?:\s+of\s+(?:the\s+)?{U}[{LETTER}.&-]*(?:\s+{U}[{LETTER}.&-]*){{0,2}})?"
)
NAME_FOLLOWS = rf"^,?\s+{U}{L}"

CONTEXT_CHARS = 100
PLACE_OR_DATE = sorted(PLACE_WORDS | CALENDAR_WORDS)


def name_mask(body: pl.Expr) -> pl.Expr:
    """Same-length body with role, organisation and function words lowercased, so name runs exclude them."""
    role_parts = {part for w in ROLE_WORDS for part in w.replace("-", " ").split() if part.isalpha()}
    words = (
        {w.title() for w in role_parts - SURNAME_LIKE_ROLES}
        | {w.title() for w in ORG_WORDS + PORTFOLIO_WORDS}
        | set(NON_NAME_WORDS)
    )
    delimiters = (" ", ",", ".", "\n", ":", ";", "'", "’", ")", "\"", "”")
    patterns = [w + d for w in sorted(words) for d in delimiters]
    return body.str.replace_many(patterns, [p.lower() for p in patterns])


# --- candidates ----------------------------------------------------------------------------------


def name_candidates(articles: pl.LazyFrame) -> pl.LazyFrame:
    """Capitalized name runs (role and function words excluded) with the context around them."""
    masked = articles.select("article_id", "body", name_mask(pl.col("body")).alias("masked"))
    return (
        regex_spans(masked, NAME_RUN, text="masked", boundary=NAME_BOUNDARY)
        .join(articles.select("article_id", "body"), on="article_id", how="left")
        .with_columns(
            pl.col("body").str.slice(pl.col("start_char"), pl.col("end_char") - pl.col("start_char"))
            .alias("text"),
            pl.lit("name").alias("kind"),
        )
    )


def pronoun_candidates(articles: pl.LazyFrame) -> pl.LazyFrame:
    """Subject pronouns he/she: the implicit speakers of "he said" and "She added"."""
    return regex_spans(articles, PRONOUN).select(
        "article_id", "start_char", "end_char",
        pl.col("match").alias("text"),
        pl.lit("pronoun").alias("kind"),
        pl.lit(False).alias("possessive"),
        pl.lit(False).alias("in_org"),
        pl.lit(False).alias("object_position"),
        pl.lit(1, dtype=pl.UInt32).alias("n_tokens"),
    )


def role_candidates(articles: pl.LazyFrame) -> pl.LazyFrame:
    """Role-only references ("the CEO", "the Commerce Secretary") that are not followed by a name."""
    return (
        regex_spans(articles, ROLE_ONLY, boundary=NOT_LETTER)
        .join(articles.select("article_id", "body"), on="article_id", how="left")
        .with_columns(pl.col("match").alias("text"), pl.lit("role").alias("kind"))
        .filter(~context_after(pl.col("body"), pl.col("end_char"), 40).str.contains(NAME_FOLLOWS))
    )


def describe_candidates(candidates: pl.LazyFrame) -> pl.LazyFrame:
    """Roles, apposition, possessive, object position and person evidence from a candidate's context."""
    left = context_before(pl.col("body"), pl.col("start_char"), CONTEXT_CHARS)
    right = context_after(pl.col("body"), pl.col("end_char"), CONTEXT_CHARS + 20)
    role = pl.coalesce(
        pl.col("role_before"), pl.col("appos_role"), pl.col("post_role")
    ).str.replace(r"^(?i:the|a|an)\s+", "")
    tokens = pl.col("text").str.to_lowercase().str.extract_all(rf"[{LETTER}'’-]+")
    title = pl.col("title_before").str.to_lowercase()
    role_lower = role.str.to_lowercase()
    return (
        candidates.with_columns(left.alias("left"), right.alias("right"))
        .with_columns(
            pl.col("left").str.extract(LEFT_ROLE, 1).alias("role_before"),
            pl.col("left").str.extract(LEFT_TITLE, 1).alias("title_before"),
            pl.col("right").str.extract(APPOSITION, 1).alias("appos_role"),
            pl.when(~pl.col("right").str.contains(POST_ROLE_THEN_NAME))
            .then(pl.col("right").str.extract(POST_ROLE, 1)).alias("post_role"),
            pl.col("left").str.replace(LEFT_ROLE, "").str.contains(OBJECT_BEFORE).alias("object_position"),
            pl.col("right").str.contains(POSSESSIVE_AFTER).alias("possessive"),
            pl.col("right").str.contains(PERSON_ORG_AFTER).alias("person_org"),
            pl.col("right").str.contains(ORG_NAME_AFTER).alias("org_name"),
            (pl.col("right").str.contains(WHO_AFTER) | pl.col("right").str.contains(AGE_AFTER)).alias("who"),
            (pl.col("right").str.contains(SPEECH_AFTER) | pl.col("left").str.contains(SPEECH_BEFORE))
            .alias("speech_near"),
            pl.col("text").str.count_matches(TOKEN).alias("n_tokens"),
            tokens.list.eval(pl.element().is_in(PLACE_OR_DATE)).list.all().alias("place"),
        )
        .with_columns(
            role.alias("role"),
            pl.when(title.is_in(list(MALE_TITLES)) | role_lower.str.contains(r"(?:congress|chair|spokes)man"))
            .then(pl.lit("m"))
            .when(title.is_in(list(FEMALE_TITLES)) | role_lower.str.contains("woman"))
            .then(pl.lit("f"))
            .alias("gender"),
            (
                pl.col("role_before").is_not_null() | pl.col("title_before").is_not_null()
                | pl.col("appos_role").is_not_null() | pl.col("post_role").is_not_null() | pl.col("who")
                | ((pl.col("n_tokens") >= 2) & (pl.col("speech_near") | pl.col("person_org")))
            ).alias("evidence"),
            (pl.col("person_org") | pl.col("org_name")).alias("in_org"),
        )
    )


def confirm_people(names: pl.LazyFrame, registry_names: pl.LazyFrame) -> pl.LazyFrame:
    """Keep name runs that are people: evidence in context, or a name confirmed in the article or registry."""
    plausible = ~pl.col("place") & ~(pl.col("org_name") & ~pl.col("person_org"))
    keyed = names.with_columns(
        fold_name(pl.col("text")).alias("key"),
        fold_name(pl.col("text")).str.extract(r"(\S+)$", 1).alias("last_key"),
        fold_name(pl.col("text")).str.extract(r"^(\S+)", 1).alias("first_key"),
    )
    sure = keyed.filter(pl.col("evidence") & plausible & (pl.col("n_tokens") >= 2))
    article_keys = pl.concat(
        [sure.select("article_id", "key"),
         sure.select("article_id", pl.col("last_key").alias("key")),
         sure.select("article_id", pl.col("first_key").alias("key"))],
        how="vertical",
    ).unique().with_columns(pl.lit(True).alias("known_here"))
    registry_tokens = registry_names.select(
        pl.concat_list(pl.col("key"), pl.col("key").str.extract(r"(\S+)$", 1)).alias("key")
    ).explode("key").unique().with_columns(pl.lit(True).alias("known_registry"))
    known = pl.col("known_here").is_not_null() | pl.col("known_registry").is_not_null()
    return (
        keyed.join(article_keys, on=["article_id", "key"], how="left")
        .join(registry_tokens, on="key", how="left")
        .filter(plausible & (pl.col("evidence") | known))
        .drop("key", "last_key", "first_key", "known_here", "known_registry")
    )


# --- registry ------------------------------------------------------------------------------------


def registry_people(registry: pl.LazyFrame | None) -> pl.LazyFrame:
    """Registry rows (canonical_name, aliases 'a;b', roles 'r;s') -> canonical_name, names (list), roles."""
    if registry is None:
        registry = pl.LazyFrame(schema=REGISTRY_SCHEMA)
    missing = [c for c in REGISTRY_SCHEMA if c not in registry.collect_schema().names()]
    return (
        registry.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)
        .select(
            pl.col("canonical_name").str.strip_chars(),
            pl.concat_list(pl.col("canonical_name").str.strip_chars(), semicolon_list("aliases"))
            .alias("names"),
            semicolon_list("roles").list.join("; ").alias("roles"),
        )
        .filter(pl.col("canonical_name").is_not_null() & (pl.col("canonical_name") != ""))
    )


def semicolon_list(column: str) -> pl.Expr:
    """'a; b;' -> ['a', 'b'] (the registry's list format)."""
    return pl.col(column).fill_null("").str.split(";").list.eval(
        pl.element().str.strip_chars().filter(pl.element() != "")
    )


def registry_name_keys(people: pl.LazyFrame) -> pl.LazyFrame:
    """Folded registry names and aliases, one per row."""
    return people.select(pl.col("names").alias("key")).explode("key").select(fold_name(pl.col("key")))


# --- names and roles in Python (per article / per cluster) ---------------------------------------


NON_WORD = re.compile(r"[^\w\s']")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Accent-, case- and punctuation-folded text (same as `fold_name`)."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("’", "'")
    return " ".join(NON_WORD.sub(" ", text).split())


ROLE_KEYS: frozenset[str] = frozenset(ROLE_SYNONYMS.get(w, w) for w in ROLE_WORDS)


MULTIWORD_SYNONYMS = sorted(
    ((phrase, key) for phrase, key in ROLE_SYNONYMS.items() if " " in phrase), key=lambda pk: -len(pk[0])
)


def role_keys(role: str | None) -> set[str]:
    """Identity words of a role: 'the U.S. Secretary of Commerce' -> {'secretary', 'commerce'}."""
    return set(cached_role_keys(role)) if role else set()


@lru_cache(maxsize=65536)
def cached_role_keys(role: str) -> frozenset[str]:
    """`role_keys`, memoized: the same role texts recur across mentions and articles."""
    text = " " + role.lower().replace("’", "'") + " "
    for phrase, key in MULTIWORD_SYNONYMS:
        text = text.replace(f" {phrase} ", f" {key} ")
    words = {w.removesuffix("'s").strip(".") for w in text.replace(",", " ").split()}
    return frozenset(ROLE_SYNONYMS.get(w, w) for w in words if w and w not in ROLE_STOPWORDS)


def specific_overlap(a: set[str], b: set[str]) -> bool:
    """Two roles agree on a role word and on what it is of: {secretary, commerce} vs {commerce, secretary}."""
    shared = a & b
    return bool(shared & ROLE_KEYS) and bool(shared - ROLE_KEYS)


def roles_conflict(a: set[str], b: set[str]) -> bool:
    """Both roles are known and share no role word: a treasury secretary is not an economist."""
    ra, rb = a & ROLE_KEYS, b & ROLE_KEYS
    return bool(ra) and bool(rb) and not (ra & rb)


@lru_cache(maxsize=65536)
def sound_keys(token: str) -> tuple[str, ...]:
    """Blocking keys for a name token: metaphone and NYSIIS codes (R folded into L), or the token if short."""
    if len(token) < 3:
        return (token,)
    return ("m" + jellyfish.metaphone(rl(token)), "n" + jellyfish.nysiis(rl(token)))


def rl(token: str) -> str:
    """Fold R into L: romanized Korean, Japanese and Chinese names confuse them (Rutnik / Lutnick)."""
    return token.replace("r", "l")


def surname_link(a: str, b: str) -> str | None:
    """'exact', 'phonetic' or 'fuzzy' when two folded surnames can be spellings of one name."""
    if a == b:
        return "exact"
    if min(len(a), len(b)) < 3 or a[0] != b[0] and rl(a[0]) != rl(b[0]):
        return None
    similarity = JaroWinkler.similarity(rl(a), rl(b))
    if jellyfish.metaphone(rl(a)) == jellyfish.metaphone(rl(b)) and similarity >= 0.8:
        return "phonetic"
    if similarity >= 0.9:
        return "fuzzy"
    return None


def given_compatible(a: str, b: str) -> bool:
    """Given names agree: equal, an initial of the other, or a phonetic spelling variant."""
    a, b = a.rstrip("."), b.rstrip(".")
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    return surname_link(a, b) is not None


@dataclass
class Person:
    """A person as one article (or the registry) names them: name tokens, role keys, forms seen."""

    name: str
    tokens: tuple[str, ...]
    roles: set[str] = field(default_factory=set)
    forms: Counter = field(default_factory=Counter)
    gender: str | None = None
    last_seen: int = -1

    @classmethod
    def of(cls, name: str, role: str | None = None) -> "Person":
        """Person from a name as written and an optional role text."""
        return cls(name=name, tokens=tuple(fold(name).split()), roles=role_keys(role))


def match_people(a: Person, b: Person) -> str | None:
    """How `a` and `b` are one person ('exact','surname','phonetic','fuzzy','role'), or None.

    Full names need compatible given names and similar surnames, so "James Bessen" never joins
    "Scott Bessent"; a surname-first rendering ("Huang Renxun" / "Jensen Huang") needs a shared
    specific role. A bare surname joins a full name on the same surname unless roles conflict, or
    on a similar one only with a shared specific role (headline "Rutnik Commerce Secretary").
    """
    ta, tb = a.tokens, b.tokens
    if not ta or not tb:
        return None
    if ta == tb:
        return "exact"
    if len(ta) >= 2 and len(tb) >= 2:
        if sorted(ta) == sorted(tb):
            return "fuzzy"
        link = surname_link(ta[-1], tb[-1])
        if link and given_compatible(ta[0], tb[0]) and not roles_conflict(a.roles, b.roles):
            return "fuzzy" if link == "exact" else link
        if (ta[-1] in (tb[0], tb[-1]) or tb[-1] in (ta[0], ta[-1])) and specific_overlap(a.roles, b.roles):
            return "role"
        return None
    single, full = (a, b) if len(ta) == 1 else (b, a)
    token = single.tokens[0]
    if token in (full.tokens[-1], full.tokens[0]):
        return None if roles_conflict(single.roles, full.roles) else "surname"
    link = surname_link(token, full.tokens[-1])
    if link and specific_overlap(single.roles, full.roles):
        return link
    return None


# --- within one article --------------------------------------------------------------------------

MENTION_STRUCT = pl.Struct({
    "start_char": pl.Int64, "end_char": pl.Int64, "mention_text": pl.String, "local_name": pl.String,
    "role": pl.String, "resolution": pl.String,
})
PARAGRAPH_WINDOW = 3  # a pronoun looks back this many paragraphs for its person


class ArticleLinks:
    """One article's people and the mentions linked to them so far (state of the linking steps)."""

    def __init__(self, body: str, spans: list[tuple[int, int]]):
        self.body = body
        self.spans = sorted(spans)
        self.people: list[Person] = []
        self.out: list[dict] = []

    def inside_quote(self, pos: int) -> bool:
        """True when `pos` falls inside a direct quote."""
        i = bisect.bisect_right(self.spans, (pos, float("inf"))) - 1
        return i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]

    def add(self, c: dict, person: Person, resolution: str) -> None:
        """Record that candidate `c` names `person`; names teach the person their spelling and roles."""
        if c["kind"] == "name":
            person.forms[c["text"]] += 1
            person.roles |= role_keys(c["role"])
        person.gender = person.gender or c["gender"]
        person.last_seen = max(person.last_seen, c["start_char"])
        role = {"role": c["text"], "pronoun": None}.get(c["kind"], c["role"])
        self.out.append({**c, "role": role, "person": person, "resolution": resolution})


LINK_PREFERENCE = {"exact": 0, "surname": 1, "phonetic": 2, "fuzzy": 3, "role": 4}


def link_full_names(links: ArticleLinks, cands: list[dict]) -> None:
    """Full names anywhere in the article become its people; spelling variants join the first spelling."""
    for c in cands:
        if c["kind"] != "name" or c["n_tokens"] < 2:
            continue
        p = Person.of(c["text"], c["role"])
        found = [(q, match_people(p, q)) for q in links.people if len(q.tokens) >= 2]
        found = [(q, how) for q, how in found if how in ("exact", "phonetic", "fuzzy")]
        if found:
            person, how = min(found, key=lambda f: LINK_PREFERENCE[f[1]])
            links.add(c, person, how)
        else:
            links.people.append(p)
            links.add(c, p, "exact")


def link_bare_names(links: ArticleLinks, cands: list[dict]) -> None:
    """A surname (or a misspelt one with a shared role) joins a full name, else is a person of its own."""
    for c in cands:
        if c["kind"] != "name" or c["n_tokens"] >= 2:
            continue
        p = Person.of(c["text"], c["role"])
        found = [(q, how) for q in links.people if (how := match_people(p, q))]
        if not found:
            links.people.append(p)
            links.add(c, p, "exact")
            continue
        same_spelling = [f for f in found if f[1] in ("exact", "surname")] or found
        # several fit: prefer a shared role, then the person named most recently
        fit = max(same_spelling, key=lambda f: (specific_overlap(p.roles, f[0].roles), f[0].last_seen))
        person, how = fit
        links.add(c, person, how)


def link_roles(links: ArticleLinks, cands: list[dict]) -> None:
    """'the CEO' names the one person of the article with that role (not right after a name: apposition)."""
    name_ends = {m["end_char"] for m in links.out}
    for c in cands:
        if c["kind"] != "role":
            continue
        start = c["start_char"]
        if any(links.body[end:start].strip() == "," for end in name_ends if 0 < start - end <= 3):
            continue  # "Howard Lutnick, the U.S. Secretary of Commerce": the name already says who
        wanted = role_keys(c["text"])
        fits = [q for q in links.people if wanted & ROLE_KEYS and wanted <= q.roles]
        if len(fits) == 1:
            links.add(c, fits[0], "role")


def resolve_pronouns(links: ArticleLinks, cands: list[dict]) -> None:
    """he/she outside quotes -> the latest salient person of the same (or unknown) gender: a subject,
    not a possessive ("Trump's plan"), an object ("met Trump") or an organisation ("Trump administration")."""
    outside = (m for m in links.out if not links.inside_quote(m["start_char"]))
    history = sorted(outside, key=lambda m: m["start_char"])
    for c in cands:
        if c["kind"] != "pronoun" or links.inside_quote(c["start_char"]):
            continue
        floor = paragraph_floor(links.body, c["start_char"], PARAGRAPH_WINDOW)
        gender = "f" if c["text"].lower() == "she" else "m"
        earlier = [
            m for m in history
            if floor <= m["start_char"] < c["start_char"] and m["person"].gender in (None, gender)
        ]
        salient = [m for m in earlier if not (m["possessive"] or m["in_org"] or m["object_position"])]
        pick = (salient or [m for m in earlier if not m["in_org"]] or [None])[-1]
        if pick is not None:
            links.add(c, pick["person"], "pronoun")
            bisect.insort(history, links.out[-1], key=lambda m: m["start_char"])


def link_article(row: dict) -> list[dict]:
    """Link one article's mentions to its people: full names, surnames, misspellings, roles, pronouns.

    Needs the whole article at once (a name introduced later in the text still counts, a pronoun
    depends on what came before), hence one Python call per article.
    """
    links = ArticleLinks(row["body"] or "", [(s["start_char"], s["end_char"]) for s in row["spans"] or []])
    cands = sorted(row["cands"] or [], key=lambda c: c["start_char"])
    for step in (link_full_names, link_bare_names, link_roles, resolve_pronouns):
        step(links, cands)
    names = {id(p): display_name(p) for p in links.people}
    rows, seen = [], set()
    for m in sorted(links.out, key=lambda m: m["start_char"]):
        if m["start_char"] not in seen:
            seen.add(m["start_char"])
            rows.append({
                "start_char": m["start_char"], "end_char": m["end_char"], "mention_text": m["text"],
                "local_name": names[id(m["person"])], "role": m["role"], "resolution": m["resolution"],
            })
    return rows


def paragraph_floor(body: str, pos: int, paragraphs: int) -> int:
    """Offset of the start of the paragraph `paragraphs` before the one holding `pos`."""
    floor = pos
    for _ in range(paragraphs + 1):
        floor = body.rfind("\n\n", 0, floor)
        if floor < 0:
            return 0
    return floor


def display_name(person: Person) -> str:
    """The article's spelling for a person: its most used full form, else its most used form."""
    full = Counter({f: n for f, n in person.forms.items() if len(f.split()) >= 2})
    pool = full or person.forms
    return max(pool, key=pool.get) if pool else person.name


def link_mentions(candidates: pl.LazyFrame, articles: pl.LazyFrame, spans: pl.LazyFrame) -> pl.LazyFrame:
    """Per-article linking (`link_article`) over grouped candidates -> one row per linked mention."""
    fields = ["start_char", "end_char", "text", "kind", "role", "gender", "n_tokens", "possessive",
              "in_org", "object_position"]
    grouped = candidates.group_by("article_id").agg(pl.struct(fields).alias("cands"))
    speech = spans.filter(pl.col("span_kind") == "speech").group_by("article_id").agg(
        pl.struct("start_char", "end_char").alias("spans")
    )
    return (
        articles.select("article_id", "body")
        .join(grouped, on="article_id", how="inner")
        .join(speech, on="article_id", how="left")
        .select(
            "article_id",
            pl.struct("body", "cands", "spans")
            .map_elements(link_article, return_dtype=pl.List(MENTION_STRUCT))
            .alias("m"),
        )
        .explode("m")
        .filter(pl.col("m").is_not_null())
        .unnest("m")
    )


# --- across articles -----------------------------------------------------------------------------

CLUSTER_SCHEMA = {"article_id": pl.String, "local_name": pl.String, "canonical_name": pl.String,
                  "link": pl.String}


def cluster_people(entities: pl.DataFrame) -> pl.DataFrame:
    """Cluster (article, local person) rows and registry rows into people; choose canonical spellings.

    `entities`: article_id (NULL for registry rows), local_name, forms (spellings with counts,
    `form`/`n`), roles (role texts joined by '; '). Returns article_id, local_name, canonical_name
    and link (how the local name joined its canonical: exact/registry/surname/phonetic/fuzzy/role).
    Names are compared once per distinct spelling, not per article.
    """
    rows = entities.to_dicts()
    is_registry = [r["article_id"] is None for r in rows]
    nodes: list[Person] = []
    by_key: dict[str, int] = {}
    row_node: list[int] = []
    for i, r in enumerate(rows):
        key = fold(r["local_name"])
        if is_registry[i] or key not in by_key:
            nodes.append(Person.of(r["local_name"]))
            if not is_registry[i]:
                by_key[key] = len(nodes) - 1
        node = len(nodes) - 1 if is_registry[i] else by_key[key]
        nodes[node].roles |= {k for role in (r["roles"] or "").split("; ") for k in role_keys(role)}
        row_node.append(node)
    parent = list(range(len(nodes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    # registry names and aliases claim the spellings they list
    for i, r in enumerate(rows):
        if is_registry[i]:
            for f in r["forms"]:
                if fold(f["form"]) in by_key:
                    union(by_key[fold(f["form"])], row_node[i])
    # spelling variants among full names, compared within blocks of sound-alike surnames; a name's
    # first token is indexed too, for surname-first renderings ("Huang Renxun" / "Jensen Huang")
    by_surname: dict[str, list[int]] = defaultdict(list)
    by_first: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(nodes):
        if len(p.tokens) >= 2:
            for key in sound_keys(p.tokens[-1]):
                by_surname[key].append(i)
            for key in sound_keys(p.tokens[0]):
                by_first[key].append(i)
    for i, p in enumerate(nodes):
        if len(p.tokens) < 2:
            continue
        keys = sound_keys(p.tokens[-1])
        for j in {j for key in keys for j in by_surname[key] + by_first[key] if j != i}:
            if find(i) != find(j) and match_people(p, nodes[j]):
                union(i, j)
    # a bare surname joins the one full-name cluster it fits (unless the registry placed it already)
    with_full_name = {find(i) for i, p in enumerate(nodes) if len(p.tokens) >= 2}
    for i, p in enumerate(nodes):
        if len(p.tokens) != 1 or find(i) in with_full_name:
            continue
        candidates = {j for key in sound_keys(p.tokens[0]) for j in by_surname[key] + by_first[key]}
        fits = {find(j) for j in candidates if match_people(p, nodes[j])}
        if len(fits) == 1:
            union(i, fits.pop())
    return choose_canonical(rows, nodes, row_node, is_registry, find)


def choose_canonical(
    rows: list[dict], nodes: list[Person], row_node: list[int], is_registry: list[bool], find
) -> pl.DataFrame:
    """Pick each cluster's canonical spelling by reliability-weighted article votes; registry wins.

    One vote per article per spelling (split when an article spells the person several ways);
    an article's weight is how often its spellings agree with the other articles' majority,
    re-estimated a few times, so a source whose names are minority variants counts less.
    """
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        clusters[find(row_node[i])].append(i)
    # (cluster, slot) -> article -> spellings; slot separates full names from bare surnames
    usage: dict[tuple[int, str], dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    display: dict[str, Counter] = defaultdict(Counter)
    for i, r in enumerate(rows):
        if is_registry[i]:
            continue
        for f in r["forms"]:
            slot = "full" if len(f["form"].split()) >= 2 else "single"
            usage[(find(row_node[i]), slot)][r["article_id"]][fold(f["form"])] += f["n"]
            display[fold(f["form"])][f["form"]] += f["n"]
    weight: dict[str, float] = defaultdict(lambda: 1.0)
    for _ in range(3):
        shares: dict[tuple[int, str], dict[str, float]] = {}
        for key, per_article in usage.items():
            votes: Counter = Counter()
            for article, spellings in per_article.items():
                for s in spellings:
                    votes[s] += weight[article] / len(spellings)
            total = sum(votes.values()) or 1.0
            shares[key] = {s: v / total for s, v in votes.items()}
        agreement: dict[str, list[float]] = defaultdict(list)
        for key, per_article in usage.items():
            if len(per_article) < 2:
                continue
            for article, spellings in per_article.items():
                agreement[article].append(sum(shares[key][s] for s in spellings) / len(spellings))
        weight = defaultdict(lambda: 1.0, {a: sum(v) / len(v) for a, v in agreement.items()})
    out = []
    for root, members in clusters.items():
        registry_names = [rows[i]["local_name"] for i in members if is_registry[i]]
        if registry_names:
            canonical = registry_names[0]
        else:
            slot = "full" if (root, "full") in usage else "single"
            votes: Counter = Counter()
            mentions: Counter = Counter()
            for article, spellings in usage[(root, slot)].items():
                for s, n in spellings.items():
                    votes[s] += weight[article] / len(spellings)
                    mentions[s] += n
            best = max(votes, key=lambda s: (round(votes[s], 9), mentions[s], len(s), s))
            canonical = display[best].most_common(1)[0][0]
        reference = Person.of(canonical)
        reference.roles = set().union(*(nodes[row_node[i]].roles for i in members))
        for i in members:
            if is_registry[i]:
                continue
            link = match_people(nodes[row_node[i]], reference) or "fuzzy"
            if registry_names and fold(rows[i]["local_name"]) != fold(canonical):
                link = "registry"
            out.append({"article_id": rows[i]["article_id"], "local_name": rows[i]["local_name"],
                        "canonical_name": canonical, "link": link})
    return pl.DataFrame(out, schema=CLUSTER_SCHEMA)


def names_a_person() -> pl.Expr:
    """Mentions that spell a name: not a pronoun and not a role-only phrase ('the CEO', always 'the ...')."""
    role_only = (pl.col("resolution") == "role") & pl.col("mention_text").str.contains(r"^(?i:the)\s")
    return (pl.col("resolution") != "pronoun") & ~role_only


def local_people(mentions: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (article, person): the article's spelling of the name, its spellings, its roles.

    Works on per-article mentions and on already canonical ones alike (the article's spelling is
    its most used full name), so re-resolving a stored warehouse gives the same answer.
    """
    named = mentions.filter(names_a_person())
    forms = named.group_by("article_id", "person_name", "mention_text").agg(
        pl.len().cast(pl.Int64).alias("n"), pl.col("start_char").min().alias("first")
    )
    spelled = (
        forms.sort(
            pl.col("mention_text").str.contains(" "), "n", "first",
            descending=[True, True, False],
        )
        .group_by("article_id", "person_name", maintain_order=True)
        .agg(
            pl.col("mention_text").first().alias("local_name"),
            pl.struct(pl.col("mention_text").alias("form"), "n").alias("forms"),
        )
    )
    roles = mentions.group_by("article_id", "person_name").agg(
        pl.col("role").drop_nulls().unique().sort().str.join("; ").alias("roles")
    )
    return spelled.join(roles, on=["article_id", "person_name"], how="left")


def person_names(mentions: pl.LazyFrame, *, registry: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """Cross-article clustering (`cluster_people`): (article_id, person_name) -> canonical_name, link."""
    people = local_people(mentions)
    seeds = registry_people(registry).select(
        pl.lit(None, dtype=pl.String).alias("article_id"),
        pl.col("canonical_name").alias("local_name"),
        pl.col("names").list.eval(pl.struct(pl.element().alias("form"), pl.lit(1, dtype=pl.Int64).alias("n")))
        .alias("forms"),
        pl.col("roles"),
    )
    clusters = pl.concat(
        [people.select("article_id", "local_name", "forms", "roles").sort("article_id", "local_name"), seeds],
        how="vertical_relaxed",
    ).map_batches(cluster_people, schema=CLUSTER_SCHEMA)
    return people.select("article_id", "person_name", "local_name").join(
        clusters, on=["article_id", "local_name"], how="left"
    ).select("article_id", "person_name", "canonical_name", "link")


def resolution_of(local: pl.Expr, link: pl.Expr, text: pl.Expr, canonical: pl.Expr) -> pl.Expr:
    """The step that named a mention: the article's link, or the corpus link when the spelling moved."""
    spelled_as_canonical = fold_name(canonical).str.contains(fold_name(text), literal=True)
    return (
        pl.when(local.is_in(["pronoun", "role", "phonetic", "fuzzy"]) | link.is_null()).then(local)
        .when(local == "exact").then(link)
        .when(~spelled_as_canonical).then(link)
        .otherwise(local)
    )


# --- public API ----------------------------------------------------------------------------------


def extract_mentions(articles: pl.LazyFrame, *, registry: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """articles(article_id, body) -> mentions, resolved within each article.

    person_name is the article's own spelling until `resolve_people` makes it canonical across
    articles; this step needs no other article, so it can run on new files only.
    """
    seeds = registry_people(registry)
    names = confirm_people(name_candidates(articles).pipe(describe_candidates), registry_name_keys(seeds))
    roles = role_candidates(articles).pipe(describe_candidates)
    candidates = pl.concat([names, roles, pronoun_candidates(articles)], how="diagonal_relaxed")
    return (
        link_mentions(candidates, articles, quote_spans(articles))
        .rename({"local_name": "person_name"})
        .select(MENTION_COLUMNS)
        .sort("article_id", "start_char")
    )


def canonical_mentions(mentions: pl.LazyFrame, names: pl.LazyFrame) -> pl.LazyFrame:
    """Mentions with canonical person_name from `person_names`, and the resolution step that named them."""
    return (
        mentions.join(names, on=["article_id", "person_name"], how="left")
        .with_columns(
            resolution_of(
                pl.col("resolution"), pl.col("link"), pl.col("mention_text"), pl.col("canonical_name")
            ).alias("resolution"),
            pl.coalesce("canonical_name", "person_name").alias("person_name"),
        )
        .select(MENTION_COLUMNS)
        .sort("article_id", "start_char")
    )


def canonical_quotes(quotes: pl.LazyFrame, names: pl.LazyFrame) -> pl.LazyFrame:
    """Quotes with canonical speakers from `person_names` (columns and their order unchanged)."""
    return (
        quotes.join(names.rename({"person_name": "speaker"}), on=["article_id", "speaker"], how="left")
        .with_columns(
            pl.when((pl.col("resolution") == "exact") & pl.col("link").is_not_null())
            .then(pl.col("link")).otherwise(pl.col("resolution")).alias("resolution"),
            pl.coalesce("canonical_name", "speaker").alias("speaker"),
        )
        .drop("canonical_name", "link")
        .sort("article_id", "start_char", "kind")
    )


def resolve_people(
    mentions: pl.LazyFrame, quotes: pl.LazyFrame, *, registry: pl.LazyFrame | None = None
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Give mentions and quote speakers their canonical names, clustering people over all articles."""
    names = person_names(mentions, registry=registry)
    return canonical_mentions(mentions, names), canonical_quotes(quotes, names)


def build_people(mentions: pl.LazyFrame, articles: pl.LazyFrame) -> pl.LazyFrame:
    """mentions + articles(published_date) -> people: id, canonical name, aliases, roles, counts, dates."""
    dates = articles.select("article_id", pl.col("published_date").cast(pl.Date)) if (
        "published_date" in articles.collect_schema().names()
    ) else articles.select("article_id", pl.lit(None, dtype=pl.Date).alias("published_date"))
    named = names_a_person()
    return (
        mentions.join(dates, on="article_id", how="left")
        .group_by("person_name")
        .agg(
            pl.col("mention_text").filter(named).unique().sort().alias("aliases"),
            pl.col("role").drop_nulls().unique().sort().alias("roles"),
            named.sum().cast(pl.Int64).alias("mention_count"),
            pl.col("article_id").n_unique().cast(pl.Int64).alias("article_count"),
            pl.col("published_date").min().alias("first_seen"),
            pl.col("published_date").max().alias("last_seen"),
        )
        .rename({"person_name": "canonical_name"})
        .with_columns(stable_id(pl.col("canonical_name")).alias("person_id"))
        .select("person_id", "canonical_name", "aliases", "roles", "mention_count", "article_count",
                "first_seen", "last_seen")
        .sort("canonical_name")
    )


def build_person_aliases(mentions: pl.LazyFrame) -> pl.LazyFrame:
    """mentions -> person_aliases: each spelling seen for a person, how it was resolved, where.

    An alias spelt the same for two people (a shared surname) goes to the one it names most often.
    """
    return (
        mentions.filter(names_a_person())
        .group_by("mention_text", "person_name")
        .agg(
            pl.len().cast(pl.Int64).alias("mention_count"),
            pl.col("resolution").mode().sort().first().alias("resolution"),
            pl.col("article_id").unique().sort().alias("article_ids"),
        )
        .sort("mention_count", "person_name", descending=[True, False])
        .unique("mention_text", keep="first", maintain_order=True)
        .select(pl.col("mention_text").alias("alias"), pl.col("person_name").alias("canonical_name"),
                "mention_count", "resolution", "article_ids")
        .sort("canonical_name", "alias")
    )
