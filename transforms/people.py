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
   surname with compatible given names, or by shared surname plus a shared specific role (Python,
   once per distinct spelling: `cluster_nodes`); the canonical spelling is the one most articles
   use, each article's vote weighted by how often its other spellings agree with the other
   articles (polars aggregations over the (article, person) rows: `article_weights`).
"""

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

import jellyfish
import polars as pl
from rapidfuzz.distance import JaroWinkler

from transforms.lexicons import (
    CALENDAR_WORDS,
    EAST_ASIAN_FAMILY_NAMES,
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
from transforms.quotemarks import speech_spans
from transforms.textspans import (
    LETTER,
    LOWER,
    UPPER,
    context_after,
    fold_name,
    regex_spans,
    stable_id,
)
from transforms.udf import gc_paused

REGISTRY_SCHEMA: dict[str, type[pl.DataType]] = {
    "canonical_name": pl.String, "aliases": pl.String, "roles": pl.String,
}
MENTION_COLUMNS = [
    "article_id", "mention_text", "start_char", "end_char", "person_name", "role", "resolution",
]
LOCAL_MENTION_COLUMNS = ["local_name", "local_resolution"]
"""Kept beside a canonical mention: the article's own person_name and resolution, which a later run
clusters again (clustering canonical names instead would not give what a rebuild gives)."""

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
WORDISH = rf"[{LETTER}0-9&'’-]"
# A capitalized word that may end in a period only as an abbreviation ("U.S.", "U.S.-China"): "China."
# or "April." ends a sentence, and the role after it ("... in April. Ambassador Tan said") starts afresh.
CAPITAL_WORD = rf"(?:{U}{WORDISH}*(?:\.{WORDISH}+)+\.?|{U}{WORDISH}*)"
ROLE_QUALIFIER = rf"(?:{CAPITAL_WORD}|[{LETTER}0-9.-]+['’]s)"
ROLE_PHRASE = rf"(?:{ROLE_QUALIFIER}[ \t]+|(?i:{MODIFIER})[ \t]+){{0,3}}(?i:{ROLE})"
CAPITAL_ROLE = alternation(
    [w.title() for w in ROLE_WORDS if w.isalpha()] + [w.upper() for w in ROLE_WORDS if len(w) <= 3]
)

LEFT_ROLE = rf"(?:^|[^{LETTER}0-9])({ROLE_PHRASE})[ ]*,?[ ]*$"
LEFT_TITLE = rf"(?:^|{NOT_LETTER})((?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Lord|Lady)\.?)[ ]+$"
APPOSITION = (
    rf"^,\s+(?:(?i:the|a|an|who\s+is|who\s+was|now|then|also)\s+)*({ROLE_PHRASE}"
    rf"(?:[ \t]+(?:of|for|at|in|on|to|and|the|{CAPITAL_WORD}|{L}+)){{0,7}}?)"
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


def per_distinct(values: str | pl.Expr, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """Element-wise `fn` of a column (or expression) computed once per distinct value: texts and names
    repeat a lot."""
    values = pl.col(values) if isinstance(values, str) else values
    distinct = values.unique(maintain_order=True)
    return values.replace_strict(distinct, fn(distinct))


def place_or_date(text: pl.Expr) -> pl.Expr:
    """True when every word of `text` is a place or calendar word ('China', 'March'): never a person."""
    words = text.str.to_lowercase().str.extract_all(rf"[{LETTER}'’-]+")
    return words.list.eval(pl.element().is_in(PLACE_OR_DATE)).list.all()


def he_surname_kept(body: pl.Expr) -> pl.Expr:
    """Same-length body with "He" before a capitalized word written "Hé": that is the Chinese surname
    ("He Lifeng said"), not the pronoun ("He said"), so neither the name mask nor `PRONOUN` takes it."""
    return body.str.replace_all(rf"{WB}He ([{UPPER}][{LOWER}])", "Hé ${1}")


def name_candidates(articles: pl.LazyFrame) -> pl.LazyFrame:
    """Capitalized name runs (role and function words excluded; not only place or calendar words)."""
    masked = articles.select("article_id", "body", name_mask(he_surname_kept(pl.col("body"))).alias("masked"))
    return (
        regex_spans(masked, NAME_RUN, text="masked", boundary=NAME_BOUNDARY)
        # the masked run has the text's words, some lowercased (ASCII words): the same when lowercase
        .filter(~per_distinct("match", place_or_date))
        .join(articles.select("article_id", "body"), on="article_id", how="left")
        .with_columns(
            pl.col("body").str.slice(pl.col("start_char"), pl.col("end_char") - pl.col("start_char"))
            .alias("text"),
            pl.lit("name").alias("kind"),
        )
    )


def pronoun_candidates(articles: pl.LazyFrame) -> pl.LazyFrame:
    """Subject pronouns he/she: the implicit speakers of "he said" and "She added" (not the surname He)."""
    return regex_spans(articles.select("article_id", he_surname_kept(pl.col("body"))), PRONOUN).select(
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
    return candidates.pipe(person_evidence).pipe(mention_details)


def person_evidence(candidates: pl.LazyFrame) -> pl.LazyFrame:
    """Contexts (left, right) and what in them says a candidate is a person (evidence) or an org."""
    # both contexts cut from one window around the candidate: slicing a long body by character
    # offset walks it from its start, so once per candidate rather than twice
    before = pl.col("start_char").clip(upper_bound=CONTEXT_CHARS)
    span = pl.col("end_char") - pl.col("start_char")
    window = pl.col("body").str.slice(pl.col("start_char") - before, before + span + CONTEXT_CHARS + 20)
    left = pl.col("window").str.slice(0, before)
    right = pl.col("window").str.slice(before + span, CONTEXT_CHARS + 20)
    return (
        candidates.with_columns(window.alias("window"))
        .with_columns(left.alias("left"), right.alias("right"))
        .drop("window")
        .with_columns(
            # whether a role is there (the role texts themselves: `mention_details`, fewer rows)
            pl.col("left").str.contains(LEFT_ROLE).alias("has_role_before"),
            pl.col("left").str.extract(LEFT_TITLE, 1).alias("title_before"),
            pl.col("right").str.contains(APPOSITION).alias("has_appos_role"),
            post_role_present().alias("has_post_role"),
            pl.col("right").str.contains(PERSON_ORG_AFTER).alias("person_org"),
            pl.col("right").str.contains(ORG_NAME_AFTER).alias("org_name"),
            (pl.col("right").str.contains(WHO_AFTER) | pl.col("right").str.contains(AGE_AFTER)).alias("who"),
            (pl.col("right").str.contains(SPEECH_AFTER) | pl.col("left").str.contains(SPEECH_BEFORE))
            .alias("speech_near"),
            per_distinct("text", lambda text: text.str.count_matches(TOKEN)).alias("n_tokens"),
        )
        .with_columns(
            (
                pl.col("has_role_before") | pl.col("title_before").is_not_null()
                | pl.col("has_appos_role") | pl.col("has_post_role") | pl.col("who")
                | ((pl.col("n_tokens") >= 2) & (pl.col("speech_near") | pl.col("person_org")))
            ).alias("evidence"),
            (pl.col("person_org") | pl.col("org_name")).alias("in_org"),
        )
    )


def post_role_present() -> pl.Expr:
    """A headline-style role right after the name ("Rutnik Commerce Secretary"), not a role before another name."""
    return ~pl.col("right").str.contains(POST_ROLE_THEN_NAME) & pl.col("right").str.contains(POST_ROLE)


def mention_details(candidates: pl.LazyFrame) -> pl.LazyFrame:
    """Role, gender, possessive and object position of described candidates (after `person_evidence`).

    Apart from `person_evidence` so that name runs get them only once confirmed as people.
    """
    role = pl.coalesce(
        pl.col("left").str.extract(LEFT_ROLE, 1),
        pl.col("right").str.extract(APPOSITION, 1),
        pl.when(post_role_present()).then(pl.col("right").str.extract(POST_ROLE, 1)),
    ).str.replace(r"^(?i:the|a|an)\s+", "")
    title = pl.col("title_before").str.to_lowercase()
    role_lower = role.str.to_lowercase()
    return candidates.with_columns(
        pl.col("left").str.replace(LEFT_ROLE, "").str.contains(OBJECT_BEFORE).alias("object_position"),
        pl.col("right").str.contains(POSSESSIVE_AFTER).alias("possessive"),
        role.alias("role"),
        pl.when(title.is_in(list(MALE_TITLES)) | role_lower.str.contains(r"(?:congress|chair|spokes)man"))
        .then(pl.lit("m"))
        .when(title.is_in(list(FEMALE_TITLES)) | role_lower.str.contains("woman"))
        .then(pl.lit("f"))
        .alias("gender"),
    )


def name_keys(text: pl.Expr) -> pl.Expr:
    """Struct of a name's folded key, its last word (last_key) and its first word (first_key)."""
    key = fold_name(text)
    return pl.struct(
        key.alias("key"),
        key.str.extract(r"(\S+)$", 1).alias("last_key"),
        key.str.extract(r"^(\S+)", 1).alias("first_key"),
    )


def confirm_people(names: pl.LazyFrame, registry_names: pl.LazyFrame) -> pl.LazyFrame:
    """Keep name runs that are people: evidence in context, or a name confirmed in the article or registry.

    Place and calendar words are gone already (`name_candidates`).
    """
    plausible = ~(pl.col("org_name") & ~pl.col("person_org"))
    sure = pl.col("evidence") & plausible & (pl.col("n_tokens") >= 2)
    keyed = names.with_columns(per_distinct("text", name_keys).alias("keys")).unnest("keys")
    # the article's sure names, their surnames and given names, listed on each of its rows (a
    # window, not a self-join: the optimizer would plan and run the candidates twice)
    known_here = pl.any_horizontal(
        pl.col("key").is_in(pl.col(part).filter(sure).implode().over("article_id")).fill_null(False)
        for part in ("key", "last_key", "first_key")
    )
    registry_tokens = registry_names.select(
        pl.concat_list(pl.col("key"), pl.col("key").str.extract(r"(\S+)$", 1)).alias("key")
    ).explode("key").unique().with_columns(pl.lit(True).alias("known_registry"))
    known = known_here | pl.col("known_registry").is_not_null()
    return (
        keyed.join(registry_tokens, on="key", how="left")
        .filter(plausible & (pl.col("evidence") | known))
        .drop("key", "last_key", "first_key", "known_registry")
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


@lru_cache(maxsize=1 << 18)
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


@lru_cache(maxsize=1 << 18)
def given_compatible(a: str, b: str) -> bool:
    """Given names agree: equal, an initial of the other, or a phonetic spelling variant."""
    a, b = a.rstrip("."), b.rstrip(".")
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    return surname_link(a, b) is not None


@dataclass(slots=True)
class Person:
    """A person as one article (or the registry) names them: name tokens, role keys, forms seen."""

    name: str
    tokens: tuple[str, ...]
    roles: set[str] = field(default_factory=set)
    forms: dict[str, int] = field(default_factory=dict)
    gender: str | None = None
    seen: list[int] = field(default_factory=list)  # where the article names them so far, in order

    @classmethod
    def of(cls, name: str, role: str | None = None) -> "Person":
        """Person from a name as written and an optional role text."""
        return cls(name=name, tokens=name_tokens(name), roles=role_keys(role))


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """Folded tokens of a name as written (`Person.tokens`), memoized: articles repeat their names."""
    return tuple(fold(name).split())


@lru_cache(maxsize=1 << 18)
def full_names_link(ta: tuple[str, ...], tb: tuple[str, ...]) -> tuple[bool, str | None, bool]:
    """What two different full names allow before roles are compared (memoized for `match_people`):
    the same tokens reordered, a spelling link (similar surname, compatible given name), and one's
    surname standing first in the other, as when one is written surname first. Two names that end
    in the same surname are one person only by the spelling link: their given names differ
    ("Thea Abernathy" / "Tobias Abernathy", "C. Kim" / "R. Kim"). Across the two orders, given
    names are compared too ("Do-yun Kwon" / "Kwon Doyun"); an English given name may stand for a
    transliterated one ("Jensen Huang" / "Huang Renxun": placed, a shared role decides), a
    transliterated one written given name first ("Do-yun Kwon" / "Kwon Tae-hyun") may not."""
    # the same words reordered, or the same letters hyphenated or not ('Gao Wei-ming' / 'Gao Weiming')
    if (len(ta) == len(tb) and sorted(ta) == sorted(tb)) or "".join(ta) == "".join(tb):
        return True, None, False
    link = surname_link(ta[-1], tb[-1])
    if link == "phonetic" and ta[0] == tb[0] and ta[0] in EAST_ASIAN_FAMILY_NAMES:
        link = None  # 'Liang Jiho' / 'Liang Jiahui': two given names, not one surname spelt two ways
    spelled = ("fuzzy" if link == "exact" else link) if link and given_compatible(ta[0], tb[0]) else None
    if ta[-1] == tb[-1] or not (ta[-1] == tb[0] or tb[-1] == ta[0]):
        return False, spelled, False
    western, eastern = (ta, tb) if ta[-1] == tb[0] else (tb, ta)
    if "".join(western[:-1]) == "".join(eastern[1:]):  # romanised given names: too short to tell by sound
        return False, spelled or "fuzzy", False
    return False, spelled, len(western) == 2


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
        reordered, spelled, surname_placed = full_names_link(ta, tb)
        if reordered:
            return "fuzzy"
        if spelled and not roles_conflict(a.roles, b.roles):
            return spelled
        if surname_placed and specific_overlap(a.roles, b.roles):
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

CANDIDATE_FIELDS = ["start_char", "end_char", "text", "kind", "role", "gender", "n_tokens", "possessive",
                    "in_org", "object_position"]
LINKED_SCHEMA = {
    "article_id": pl.String, "start_char": pl.Int64, "end_char": pl.Int64, "mention_text": pl.String,
    "local_name": pl.String, "role": pl.String, "resolution": pl.String,
}
PARAGRAPH_WINDOW = 3  # a pronoun looks back this many paragraphs for its person
CANDIDATE_START = attrgetter("start_char")  # sort keys of candidates and of linked mentions
MENTION_START = attrgetter("cand.start_char")


@dataclass(slots=True)
class Candidate:
    """A name, role phrase or pronoun found by the regexes, with what its context says (`CANDIDATE_FIELDS`)."""

    start_char: int
    end_char: int
    text: str
    kind: str
    role: str | None
    gender: str | None
    n_tokens: int
    possessive: bool
    in_org: bool
    object_position: bool


@dataclass(slots=True)
class Linked:
    """A candidate linked to a person: the role it records and the step that linked it."""

    cand: Candidate
    person: Person
    role: str | None
    resolution: str


class ArticleLinks:
    """One article's people and the mentions linked to them so far (state of the linking steps)."""

    def __init__(self, body: str, spans: list[tuple[int, int]]):
        self.body = body
        self.spans = sorted(spans)
        self.people: list[Person] = []
        self.out: list[Linked] = []
        self.role_changes = 0  # how often a person's roles grew: matches found before may differ now

    def inside_quote(self, pos: int) -> bool:
        """True when `pos` falls inside a direct quote."""
        if not self.spans:
            return False
        i = bisect.bisect_right(self.spans, (pos, float("inf"))) - 1
        return i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]

    def add(self, c: Candidate, person: Person, resolution: str) -> None:
        """Record that candidate `c` names `person`; names teach the person their spelling and roles."""
        kind, role = c.kind, c.role
        if kind == "name":
            forms = person.forms
            forms[c.text] = forms.get(c.text, 0) + 1
            if role and not (keys := cached_role_keys(role)) <= person.roles:
                person.roles |= keys
                self.role_changes += 1
        elif kind == "role":
            role = c.text
        else:
            role = None
        if person.gender is None:
            person.gender = c.gender
        bisect.insort(person.seen, c.start_char)
        self.out.append(Linked(c, person, role, resolution))


LINK_PREFERENCE = {"exact": 0, "surname": 1, "phonetic": 2, "fuzzy": 3, "role": 4}


def link_full_names(links: ArticleLinks, names: list[Candidate]) -> None:
    """Full names anywhere in the article become its people; spelling variants join the first spelling."""
    # a repeated spelling is an exact match, and no two of these people share their tokens
    by_tokens: dict[tuple[str, ...], Person] = {}
    # the full names so far with what a match needs: the same tokens reordered or similar surnames
    # (which start alike), so other names are never compared
    full: list[tuple[Person, tuple[str, ...], str]] = []
    for c in names:
        if c.n_tokens < 2:
            continue
        if (same := by_tokens.get(name_tokens(c.text))) is not None:
            links.add(c, same, "exact")
            continue
        p = Person.of(c.text, c.role)
        bag, initial = tuple(sorted(p.tokens)), surname_initial(p.tokens)
        found = [
            (q, how) for q, q_bag, q_initial in full
            if (q_initial == initial or q_bag == bag) and (how := full_name_link(p, q))
        ]
        if found:
            person, how = min(found, key=lambda f: LINK_PREFERENCE[f[1]])
            links.add(c, person, how)
        else:
            links.people.append(p)
            links.add(c, p, "exact")
            if len(p.tokens) >= 2:
                by_tokens[p.tokens] = p
                full.append((p, bag, initial))


def surname_initial(tokens: tuple[str, ...]) -> str:
    """First letter of the last token, R as L: `surname_link` only links surnames that agree on it."""
    return rl(tokens[-1][0]) if tokens else ""


def full_name_link(p: Person, q: Person) -> str | None:
    """`match_people` of two full names when only 'exact', 'phonetic' or 'fuzzy' counts (not 'role')."""
    if len(p.tokens) < 2 or p.tokens == q.tokens:
        how = match_people(p, q)
        return how if how in ("exact", "phonetic", "fuzzy") else None
    reordered, spelled, _ = full_names_link(p.tokens, q.tokens)
    if reordered:
        return "fuzzy"
    return spelled if spelled and not roles_conflict(p.roles, q.roles) else None


def bare_name_links(p: Person, people: list[Person]) -> list[tuple[Person, str]]:
    """`match_people` of a bare name against each person; without a role only the same token can match."""
    if len(p.tokens) != 1:
        return [(q, how) for q in people if (how := match_people(p, q))]
    token = p.tokens[0]
    if p.roles:  # the same token, or a similar surname (`surname_link`: it starts alike)
        initial = surname_initial(p.tokens)
        return [
            (q, how) for q in people
            if q.tokens and (token in (q.tokens[0], q.tokens[-1]) or rl(q.tokens[-1][0]) == initial)
            and (how := match_people(p, q))
        ]
    return [
        (q, "exact" if len(q.tokens) == 1 else "surname") for q in people
        if q.tokens and token in (q.tokens[0], q.tokens[-1])
    ]


def named_before(person: Person, pos: int) -> int:
    """Where the article last named `person` before `pos` (-1: not before it)."""
    i = bisect.bisect_left(person.seen, pos)
    return person.seen[i - 1] if i else -1


def link_bare_names(links: ArticleLinks, names: list[Candidate]) -> None:
    """A surname (or a misspelt one with a shared role) joins a full name, else is a person of its own."""
    # a repeated surname meets the same people as before until someone joins or gains a role
    seen: dict[tuple, list[tuple[Person, str]]] = {}  # state -> people it fits (by same spelling, if any)
    for c in names:
        if c.n_tokens >= 2:
            continue
        state = (name_tokens(c.text), c.role, len(links.people), links.role_changes)
        if (same_spelling := seen.get(state)) is None:
            p = Person.of(c.text, c.role)
            found = bare_name_links(p, links.people)
            if not found:
                links.people.append(p)
                links.add(c, p, "exact")
                continue
            same_spelling = seen[state] = [f for f in found if f[1] in ("exact", "surname")] or found
        if len(same_spelling) == 1:
            person, how = same_spelling[0]
        else:  # several fit: prefer a shared role, then the person named last before this mention
            roles = role_keys(c.role)
            person, how = max(same_spelling, key=lambda f: (
                specific_overlap(roles, f[0].roles), bool(roles & f[0].roles), named_before(f[0], c.start_char)
            ))
        links.add(c, person, how)


def link_roles(links: ArticleLinks, roles: list[Candidate]) -> None:
    """'the CEO' names the one person of the article with that role (not right after a name: apposition)."""
    if not roles:
        return
    name_ends = {m.cand.end_char for m in links.out}
    for c in roles:
        start = c.start_char
        if any(end in name_ends and links.body[end:start].strip() == "," for end in range(start - 3, start)):
            continue  # "Howard Lutnick, the U.S. Secretary of Commerce": the name already says who
        wanted = role_keys(c.text)
        fits = [q for q in links.people if wanted & ROLE_KEYS and wanted <= q.roles]
        if len(fits) == 1:
            links.add(c, fits[0], "role")


def resolve_pronouns(links: ArticleLinks, pronouns: list[Candidate]) -> None:
    """he/she outside quotes -> the latest salient person of the same (or unknown) gender: a subject,
    not a possessive ("Trump's plan"), an object ("met Trump") or an organisation ("Trump administration")."""
    if not pronouns:
        return
    history = sorted((m for m in links.out if not links.inside_quote(m.cand.start_char)),
                     key=MENTION_START)
    starts = [m.cand.start_char for m in history]
    for c in pronouns:
        start = c.start_char
        if links.inside_quote(start):
            continue
        floor = paragraph_floor(links.body, start, PARAGRAPH_WINDOW)
        gender = "f" if c.text.lower() == "she" else "m"
        # walk back from the pronoun: the latest salient mention, else the latest not in an org
        pick = fallback = None
        for k in range(bisect.bisect_left(starts, start) - 1, -1, -1):
            m = history[k]
            if starts[k] < floor:
                break
            if m.person.gender not in (None, gender):
                continue
            if not (m.cand.possessive or m.cand.in_org or m.cand.object_position):
                pick = m
                break
            if fallback is None and not m.cand.in_org:
                fallback = m
        pick = pick or fallback
        if pick is not None:
            links.add(c, pick.person, "pronoun")
            at = bisect.bisect_right(starts, start)
            history.insert(at, links.out[-1])
            starts.insert(at, start)


def link_article(body: str, cands: list[Candidate], spans: list[tuple[int, int]]) -> list[tuple]:
    """Link one article's mentions to its people: full names, surnames, misspellings, roles, pronouns.

    Needs the whole article at once (a name introduced later in the text still counts, a pronoun
    depends on what came before), hence one Python call per article. Returns one tuple per linked
    mention: start_char, end_char, mention_text, local_name, role, resolution.
    """
    links = ArticleLinks(body, spans)
    by_kind: dict[str, list[Candidate]] = {"name": [], "role": [], "pronoun": []}
    for c in sorted(cands, key=CANDIDATE_START):
        by_kind[c.kind].append(c)
    link_full_names(links, by_kind["name"])
    link_bare_names(links, by_kind["name"])
    link_roles(links, by_kind["role"])
    resolve_pronouns(links, by_kind["pronoun"])
    names = {id(p): display_name(p) for p in links.people}
    rows, seen = [], set()
    for m in sorted(links.out, key=MENTION_START):
        c = m.cand
        if c.start_char not in seen:
            seen.add(c.start_char)
            rows.append((c.start_char, c.end_char, c.text, names[id(m.person)], m.role, m.resolution))
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
    if len(person.forms) == 1:
        return next(iter(person.forms))
    full = {f: n for f, n in person.forms.items() if len(f.split()) >= 2}
    pool = full or person.forms
    return max(pool, key=pool.get) if pool else person.name


@gc_paused()
def link_articles(frame: pl.DataFrame) -> pl.DataFrame:
    """`link_article` over every article of `frame` (article_id, body, candidate field lists, span lists)."""
    # flat columns convert to Python faster than per-article lists; each article takes a slice
    flat = frame.select(CANDIDATE_FIELDS).explode(CANDIDATE_FIELDS, empty_as_null=False, keep_nulls=False)
    cands = list(map(Candidate, *(flat[f].to_list() for f in CANDIDATE_FIELDS)))
    counts = frame.select(pl.col("start_char").list.len().fill_null(0)).to_series().to_list()
    spans = frame.select(pl.col("span_starts").fill_null([]), pl.col("span_ends").fill_null([]))
    span_pairs = [list(zip(a, b, strict=True)) for a, b in zip(*(c.to_list() for c in spans), strict=True)]
    rows = []
    at = 0
    for article_id, body, n, pairs in zip(frame["article_id"].to_list(), frame["body"].to_list(), counts,
                                          span_pairs, strict=True):
        rows.extend((article_id, *row) for row in link_article(body or "", cands[at:at + n], pairs))
        at += n
    columns = zip(*rows, strict=True) if rows else [[] for _ in LINKED_SCHEMA]
    return pl.DataFrame(dict(zip(LINKED_SCHEMA, columns, strict=True)), schema=LINKED_SCHEMA)


def link_mentions(candidates: pl.LazyFrame, articles: pl.LazyFrame, speech: pl.LazyFrame) -> pl.LazyFrame:
    """Per-article linking (`link_article`) over grouped candidates and the articles' `speech_spans` -> one
    row per linked mention."""
    grouped = candidates.group_by("article_id").agg(CANDIDATE_FIELDS)
    return (
        articles.select("article_id", "body")
        .join(grouped, on="article_id", how="inner")
        .join(speech, on="article_id", how="left")
        .map_batches(link_articles, schema=LINKED_SCHEMA)
    )


# --- across articles -----------------------------------------------------------------------------

CLUSTER_SCHEMA = {"article_id": pl.String, "local_name": pl.String, "canonical_name": pl.String,
                  "link": pl.String}


NODE_SCHEMA = {"node": pl.UInt32, "cluster": pl.UInt32}
LINK_SCHEMA = {"node": pl.UInt32, "link": pl.String}
SLOT_OF = {True: "full", False: "single"}


def folded(names: pl.Expr) -> pl.Expr:
    """`fold` of each name, computed once per distinct name (the exact Python rule the clustering uses)."""
    return per_distinct(names, lambda distinct: distinct.map_elements(fold, return_dtype=pl.String))


def spelling_slot(forms: pl.Expr) -> pl.Expr:
    """'full' for a spelling of two or more words, 'single' for a bare name: they are voted on apart."""
    return per_distinct(forms, lambda distinct: distinct.map_elements(
        lambda form: SLOT_OF[len(form.split()) >= 2], return_dtype=pl.String))


def entity_nodes(entities: pl.LazyFrame) -> pl.LazyFrame:
    """Rows to cluster (article_id, NULL for registry rows; local_name; forms; roles) -> the same with `row`,
    `registry`, `key` (folded local_name) and `node`: one node per distinct key of the articles' rows,
    one per registry row (a registry entry is never merged with another by its spelling alone)."""
    return (
        entities.with_row_index("row")
        .with_columns(pl.col("article_id").is_null().alias("registry"), folded(pl.col("local_name")).alias("key"))
        .with_columns(
            pl.when("registry").then(pl.format("\x00{}", "row")).otherwise("key").rank("dense").alias("node")
        )
    )


def registry_claims(rows: pl.LazyFrame) -> pl.LazyFrame:
    """(node, joins): a registry node and the article nodes spelled like one of its names or aliases."""
    articles_keys = rows.filter(~pl.col("registry")).select("key", pl.col("node").alias("joins")).unique()
    return (
        rows.filter("registry").select("node", "forms").explode("forms").drop_nulls("forms")
        .select("node", folded(pl.col("forms").struct.field("form")).alias("key"))
        .join(articles_keys, on="key")
        .group_by("node").agg(pl.col("joins").unique())
    )


def node_person(name: str, role_texts: list[str] | None) -> Person:
    """A node's Person: its name and the identity words of every role text its rows gave."""
    person = Person.of(name)
    person.roles = set().union(*(joined_role_keys(r) for r in role_texts or ()))
    return person


def cluster_nodes(nodes: pl.DataFrame) -> pl.DataFrame:
    """Union the nodes (node, name, roles: role texts, joins: nodes a registry entry claims) into people
    -> node, cluster. Python over distinct spellings only, so its cost does not grow with articles."""
    ids = nodes["node"].to_list()
    people = list(map(node_person, nodes["name"].to_list(), nodes["roles"].to_list()))
    position = {node: i for i, node in enumerate(ids)}
    parent = list(range(len(people)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    # registry names and aliases claim the spellings they list
    for i, joins in enumerate(nodes["joins"].to_list()):
        for node in joins or ():
            union(position[node], i)
    # spelling variants among full names, compared within blocks of sound-alike surnames; a name's
    # first token is indexed too, for surname-first renderings ("Huang Renxun" / "Jensen Huang")
    by_surname: dict[str, list[int]] = defaultdict(list)
    by_first: dict[str, list[int]] = defaultdict(list)
    by_letters: dict[str, list[int]] = defaultdict(list)  # 'Gao Wei-ming' and 'Gao Weiming' block apart
    for i, p in enumerate(people):
        if len(p.tokens) >= 2:
            for key in sound_keys(p.tokens[-1]):
                by_surname[key].append(i)
            for key in sound_keys(p.tokens[0]):
                by_first[key].append(i)
            by_letters["".join(p.tokens)].append(i)

    def fitting(p: Person, token: str, waiting: list[bool]) -> set[int]:
        """The clusters of the full names not `waiting` that `p` matches, looked up by one of its tokens."""
        candidates = {j for key in sound_keys(token) for j in by_surname[key] + by_first[key]}
        return {find(j) for j in candidates if not waiting[j] and match_people(p, people[j])}

    # an initial ("T. Abernathy") fits several given names, so it must not bridge them: initialed names
    # wait, like bare surnames, until the full names are clustered
    initialed = [len(p.tokens) >= 2 and len(p.tokens[0]) == 1 for p in people]
    for i, p in enumerate(people):
        if len(p.tokens) < 2 or initialed[i]:
            continue
        blocks = [by_surname[key] + by_first[key] for key in sound_keys(p.tokens[-1])] + [by_letters["".join(p.tokens)]]
        for j in {j for block in blocks for j in block if j != i}:
            if not initialed[j] and find(i) != find(j) and match_people(p, people[j]):
                union(i, j)
    # then an initialed name, and a bare surname, joins the one cluster it fits (unless the registry
    # placed it already); one that fits none or several stays apart
    for waiting, token in ((initialed, -1), ([len(p.tokens) == 1 for p in people], 0)):
        placed = {find(i) for i, p in enumerate(people) if len(p.tokens) >= 2 and not waiting[i]}
        for i, p in enumerate(people):
            if waiting[i] and find(i) not in placed and len(fits := fitting(p, p.tokens[token], waiting)) == 1:
                union(i, fits.pop())
    return pl.DataFrame({"node": ids, "cluster": [ids[find(i)] for i in range(len(ids))]}, schema=NODE_SCHEMA)


@lru_cache(maxsize=65536)
def joined_role_keys(roles: str | None) -> frozenset[str]:
    """Identity words of role texts joined by '; ' (`role_keys` of each)."""
    return frozenset(k for role in (roles or "").split("; ") for k in role_keys(role))


def spelled_forms(rows: pl.LazyFrame) -> pl.LazyFrame:
    """The articles' clustered rows (article_id, cluster, forms) -> one row per form written: article_id,
    cluster, form, n, seen (its order), slot (full name or bare name) and spelling (folded)."""
    return (
        rows.select("article_id", "cluster", "forms").explode("forms").drop_nulls("forms").unnest("forms")
        .with_row_index("seen")
        .with_columns(spelling_slot(pl.col("form")).alias("slot"), folded(pl.col("form")).alias("spelling"))
    )


def spelling_usage(forms: pl.LazyFrame) -> pl.LazyFrame:
    """`spelled_forms` -> how often each article spells each person each way: cluster, slot, article_id,
    spelling, n."""
    return forms.group_by("cluster", "slot", "article_id", "spelling").agg(pl.col("n").sum())


def article_weights(usage: pl.LazyFrame, rounds: int = 3) -> pl.LazyFrame:
    """`spelling_usage` -> article_id, weight: each article's reliability, the mean share, among all
    articles' votes, of its spellings of a person, over the people it shares with other articles.

    A person's votes: one per article, split over its spellings, times the article's weight (1 at first),
    re-estimated `rounds` times. Articles that share no person with another article are left out (weight 1).
    """
    person = ["cluster", "slot"]
    entries = (
        usage.filter(pl.col("article_id").n_unique().over(person) >= 2)
        .select(*person, "article_id", "spelling", pl.len().over(*person, "article_id").alias("spellings"))
    ).cache()
    weights = entries.select("article_id").unique().with_columns(pl.lit(1.0).alias("weight"))
    for _ in range(rounds):
        votes = (
            entries.join(weights, on="article_id")
            .group_by(*person, "spelling").agg((pl.col("weight") / pl.col("spellings")).sum().alias("votes"))
        )
        total = pl.col("votes").sum().over(person)
        shares = votes.select(*person, "spelling", (pl.col("votes") / pl.when(total == 0).then(1.0).otherwise(total))
                              .alias("share"))
        weights = (
            entries.join(shares, on=[*person, "spelling"])
            .group_by(*person, "article_id").agg(pl.col("share").mean())
            .group_by("article_id").agg(pl.col("share").mean().alias("weight"))
        )
    return weights


def spelling_votes(usage: pl.LazyFrame, weights: pl.LazyFrame) -> pl.LazyFrame:
    """Per person: the best supported spelling of its full names (of its bare names when it has none),
    by reliability-weighted article votes (one per article, split over its spellings), then mentions,
    then length -> cluster, spelling."""
    votes = (
        usage.filter(pl.col("slot") == pl.when((pl.col("slot") == "full").any().over("cluster"))
                     .then(pl.lit("full")).otherwise(pl.lit("single")))
        .join(weights, on="article_id", how="left")
        .with_columns((pl.col("weight").fill_null(1.0) / pl.len().over("cluster", "article_id")).alias("vote"))
        .group_by("cluster", "spelling").agg(pl.col("vote").sum(), pl.col("n").sum())
    )
    return votes.group_by("cluster").agg(
        pl.col("spelling").sort_by(pl.col("vote").round(9), "n", pl.col("spelling").str.len_chars(), "spelling",
                                   descending=True).first()
    )


def displayed_spellings(forms: pl.LazyFrame) -> pl.LazyFrame:
    """`spelled_forms` -> how each folded spelling is written: the form the articles use most (the first
    seen on a tie): spelling, form."""
    return (
        forms.group_by("spelling", "form").agg(pl.col("n").sum(), pl.col("seen").min())
        .group_by("spelling").agg(pl.col("form").sort_by("n", -pl.col("seen").cast(pl.Int64), descending=True).first())
    )


def canonical_names(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Clustered rows (`entity_nodes` with cluster) -> cluster, canonical_name, registered: the registry's
    name when the person is in it, else the best supported spelling (`spelling_votes`) as written most."""
    forms = spelled_forms(rows.filter(~pl.col("registry"))).cache()
    usage = spelling_usage(forms).cache()
    voted = (
        spelling_votes(usage, article_weights(usage))
        .join(displayed_spellings(forms), on="spelling")
        .select("cluster", pl.col("form").alias("voted"))
    )
    registered = rows.filter("registry").group_by("cluster").agg(pl.col("local_name").sort_by("row").first())
    return (
        voted.join(registered, on="cluster", how="full", coalesce=True)
        .select("cluster", pl.coalesce("local_name", "voted").alias("canonical_name"),
                pl.col("local_name").is_not_null().alias("registered"))
    )


def node_links(nodes: pl.DataFrame) -> pl.DataFrame:
    """How each article node's spelling joined its person (node, name, roles, cluster, canonical_name,
    registered) -> node, link: 'exact'/'surname'/'phonetic'/'fuzzy'/'role' as `match_people` finds it
    against the canonical name (with every role of the person), 'registry' when the registry renamed it."""
    roles: dict[int, set[str]] = defaultdict(set)
    for cluster, texts in zip(nodes["cluster"].to_list(), nodes["roles"].to_list(), strict=True):
        roles[cluster].update(*(joined_role_keys(r) for r in texts or ()))
    references: dict[int, Person] = {}
    links = []
    for name, node_roles, cluster, canonical, registered, registry in zip(
        nodes["name"].to_list(), nodes["roles"].to_list(), nodes["cluster"].to_list(),
        nodes["canonical_name"].to_list(), nodes["registered"].to_list(), nodes["registry"].to_list(), strict=True,
    ):
        if registry:
            links.append(None)
            continue
        if cluster not in references:
            references[cluster] = Person.of(canonical)
            references[cluster].roles = roles[cluster]
        link = match_people(node_person(name, node_roles), references[cluster]) or "fuzzy"
        links.append("registry" if registered and fold(name) != fold(canonical) else link)
    return pl.DataFrame({"node": nodes["node"], "link": links}, schema=LINK_SCHEMA)


def cluster_people(entities: pl.LazyFrame) -> pl.LazyFrame:
    """Cluster (article, local person) rows and registry rows into people; choose canonical spellings.

    `entities`: article_id (NULL for registry rows), local_name, forms (spellings with counts,
    `form`/`n`), roles (role texts joined by '; '). Returns article_id, local_name, canonical_name
    and link (how the local name joined its canonical: exact/registry/surname/phonetic/fuzzy/role),
    one row per distinct (article_id, local_name). Names are compared once per distinct spelling
    (`cluster_nodes`, `node_links`), and the per-article votes are polars aggregations, so memory and
    Python work follow the distinct spellings, not the articles.
    """
    # every branch below reads these: cached, they are computed once (`cluster_nodes` runs once)
    rows = entities.pipe(entity_nodes).cache()
    nodes = (
        rows.group_by("node").agg(pl.col("local_name").first().alias("name"), pl.col("registry").first(),
                                  pl.col("roles").unique())
        .join(registry_claims(rows), on="node", how="left")
        .sort("node")
    ).cache()
    clusters = nodes.map_batches(cluster_nodes, schema=NODE_SCHEMA)
    clustered = rows.join(clusters, on="node", maintain_order="left").cache()
    canonical = canonical_names(clustered).cache()
    links = (
        nodes.join(clustered.select("node", "cluster").unique(), on="node")
        .join(canonical, on="cluster")
        .sort("node")
        .map_batches(node_links, schema=LINK_SCHEMA)
    )
    return (
        clustered.filter(~pl.col("registry")).select("article_id", "local_name", "node", "cluster")
        .unique(["article_id", "local_name"])
        .join(canonical.select("cluster", "canonical_name"), on="cluster")
        .join(links, on="node")
        .select(*CLUSTER_SCHEMA)
    )


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
    # distinct roles sorted once over all rows, then joined per person (cheaper than per-group lists)
    roles = (
        mentions.filter(pl.col("role").is_not_null())
        .select("article_id", "person_name", "role").unique().sort("role")
        .group_by("article_id", "person_name").agg(pl.col("role").str.join("; ").alias("roles"))
    )
    return spelled.join(roles, on=["article_id", "person_name"], how="left").with_columns(
        pl.col("roles").fill_null("")
    )


def person_names(mentions: pl.LazyFrame, *, registry: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """Cross-article clustering (`cluster_people`): (article_id, person_name) -> canonical_name, link."""
    return names_of_local_people(local_people(mentions), registry=registry)


def names_of_local_people(people: pl.LazyFrame, *, registry: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """`person_names` from `local_people` rows, which can be made one batch of articles at a time: the
    mentions of every article need not be in memory at once."""
    seeds = registry_people(registry).select(
        pl.lit(None, dtype=pl.String).alias("article_id"),
        pl.col("canonical_name").alias("local_name"),
        pl.col("names").list.eval(pl.struct(pl.element().alias("form"), pl.lit(1, dtype=pl.Int64).alias("n")))
        .alias("forms"),
        pl.col("roles"),
    )
    # two people of one article can share its spelling ("P. Kowalczyk" for Priyanka and for another
    # Kowalczyk): `cluster_people` gives one row per article and spelling, or the join would double them
    clusters = cluster_people(pl.concat(
        [people.select("article_id", "local_name", "forms", "roles").sort("article_id", "local_name"), seeds],
        how="vertical_relaxed",
    ))
    return people.select("article_id", "person_name", "local_name").join(
        clusters, on=["article_id", "local_name"], how="left"
    ).select("article_id", "person_name", "canonical_name", "link")


def resolution_of(local: pl.Expr, link: pl.Expr, spelled_as_canonical: pl.Expr) -> pl.Expr:
    """The step that named a mention: the article's link, or the corpus link when the spelling moved."""
    return (
        pl.when(local.is_in(["pronoun", "role", "phonetic", "fuzzy"]) | link.is_null()).then(local)
        .when(local == "exact").then(link)
        .when(~spelled_as_canonical).then(link)
        .otherwise(local)
    )


def spelled_as_canonical(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Distinct (mention_text, canonical_name) pairs: is the folded spelling part of the folded canonical name?

    Folding once per pair, not per mention: a corpus repeats a few hundred spellings.
    """
    return frame.select("mention_text", "canonical_name").unique().with_columns(
        fold_name(pl.col("canonical_name")).str.contains(fold_name(pl.col("mention_text")), literal=True)
        .alias("spelled_as_canonical")
    )


# --- public API ----------------------------------------------------------------------------------


def extract_mentions(
    articles: pl.LazyFrame, *, registry: pl.LazyFrame | None = None, speech: pl.LazyFrame | None = None
) -> pl.LazyFrame:
    """articles(article_id, body) -> mentions, resolved within each article.

    person_name is the article's own spelling until `resolve_people` makes it canonical across
    articles; this step needs no other article, so it can run on new files only. Pass the articles'
    `quotemarks.speech_spans` (collected once: quote attribution needs them too) to reuse them.
    """
    seeds = registry_people(registry)
    names = confirm_people(
        name_candidates(articles).pipe(person_evidence), registry_name_keys(seeds)
    ).pipe(mention_details)
    roles = role_candidates(articles).pipe(describe_candidates)
    candidates = pl.concat([names, roles, pronoun_candidates(articles)], how="diagonal_relaxed")
    if speech is None:
        # quotes only keep pronouns from naming a speaker (`resolve_pronouns`): articles without a
        # pronoun need no quote spans
        speech = speech_spans(articles.filter(pl.col("body").str.contains(PRONOUN)))
    return (
        link_mentions(candidates, articles, speech)
        .rename({"local_name": "person_name"})
        .select(MENTION_COLUMNS)
        .sort("article_id", "start_char")
    )


def canonical_mentions(mentions: pl.LazyFrame, names: pl.LazyFrame) -> pl.LazyFrame:
    """Mentions with canonical person_name from `person_names`, the resolution step that named them, and
    their article's own values (`LOCAL_MENTION_COLUMNS`)."""
    named = mentions.join(names, on=["article_id", "person_name"], how="left")
    return (
        named.join(spelled_as_canonical(named), on=["mention_text", "canonical_name"], how="left", nulls_equal=True)
        .with_columns(
            resolution_of(pl.col("resolution"), pl.col("link"), pl.col("spelled_as_canonical")).alias("resolution"),
            pl.coalesce("canonical_name", "person_name").alias("person_name"),
            pl.col("person_name").alias("local_name"),
            pl.col("resolution").alias("local_resolution"),
        )
        .select(*MENTION_COLUMNS, *LOCAL_MENTION_COLUMNS)
        .sort("article_id", "start_char")
    )


def canonical_quotes(quotes: pl.LazyFrame, names: pl.LazyFrame) -> pl.LazyFrame:
    """Quotes with canonical speakers from `person_names`, followed by the article's own speaker and
    resolution (local_speaker, local_resolution)."""
    return (
        quotes.join(names.rename({"person_name": "speaker"}), on=["article_id", "speaker"], how="left")
        .with_columns(
            pl.when((pl.col("resolution") == "exact") & pl.col("link").is_not_null())
            .then(pl.col("link")).otherwise(pl.col("resolution")).alias("resolution"),
            pl.coalesce("canonical_name", "speaker").alias("speaker"),
            pl.col("speaker").alias("local_speaker"),
            pl.col("resolution").alias("local_resolution"),
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
