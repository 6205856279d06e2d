"""Deterministic synthetic news corpus built from the bundled samples, for benchmarks and load tests.

Article `i` of seed `s` is always the same text at the same relative path, so a corpus of N/5
articles is a prefix of the corpus of N, and article N is "one more file" for an incremental run.
Sentences come from the samples with their people swapped for an invented cast (spelt several ways);
headers, bylines, dates, outlets, quote styles and lengths vary the way the real samples do.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"
DEFAULT_SEED = 20250716
FILES_PER_FOLDER = 1000

# People of the samples, each mapped to a cast slot: (full name, surname, slot).
SAMPLE_PEOPLE = (
    ("Howard Lutnick", "Lutnick", 0),
    ("Jensen Huang", "Huang", 1),
    ("Huang Renxun", "Huang", 1),
    ("Donald Trump", "Trump", 2),
    ("Scott Bessent", "Bessent", 3),
    ("Scott Besant", "Besant", 3),
    ("David Sacks", "Sacks", 4),
    ("David Sachs", "Sachs", 4),
    ("Joe Biden", "Biden", 5),
    ("Hong Chang-ki", "Hong", 6),
    ("Nidhi Govil", "Govil", 7),
)
CAST_SIZE = 8

FIRST_NAMES = (
    "Marguerite", "Tobias", "Anneliese", "Dmitri", "Ifeoma", "Caspian", "Rosalind", "Mateo", "Solveig",
    "Kwame", "Philippa", "Stellan", "Odalys", "Benedikt", "Yara", "Lucan", "Henrietta", "Emeka", "Ines",
    "Radovan", "Thea", "Corwin", "Amara", "Fitzgerald", "Leocadia", "Silas", "Noemi", "Ambrose", "Zofia",
    "Ravindra", "Catalina", "Oskar", "Priyanka", "Declan", "Wilhelmina", "Joaquin", "Esther", "Lysander",
)
LAST_NAMES = (
    "Okonkwo-Hale", "Vandermeer", "Castellanos", "Threlkeld", "Adebayo", "Lindqvist", "Marchetti",
    "Pemberton", "Szymanski", "Achterberg", "Rourke", "Delacroix-Ng", "Whitcombe", "Halvorsen", "Ferreira",
    "Kowalczyk", "Abernathy", "Moreau", "Nakashima", "Oyelaran", "Brannigan", "Quintero", "Ellsworth",
    "Haddad", "Stavros", "Mbeki", "Lockhart", "Devereaux", "Sandoval", "Ingersoll", "Petrakis", "Valdivia",
    "Greenhalgh", "Tamsin", "Wojcik", "Farnsworth", "Ekwueme", "Callaghan",
)
# East Asian order (family name first, hyphenated given name), romanised several ways.
FAMILY_NAMES = ("Seo", "Baek", "Jang", "Moon", "Ryu", "Kwon", "Shin", "Yoon", "Tan", "Liang", "Zhou", "Gao")
GIVEN_NAMES = ("Min-jae", "Ha-eun", "Do-yun", "Seo-yeon", "Ji-ho", "Woo-jin", "Hye-rin", "Tae-hyun",
               "Jia-hui", "Wei-ming", "Xiao-lan", "Zhi-qiang")

ROLES = (
    "Secretary of Commerce", "Treasury Secretary", "trade representative", "national security adviser",
    "chief executive of {company}", "chief financial officer of {company}", "spokesperson for {ministry}",
    "analyst at {firm}", "senior fellow at {firm}", "senator", "deputy minister of {ministry}",
    "head of policy at {company}", "former ambassador to {country}",
)
TITLES = ("Secretary", "Minister", "CEO", "Senator", "Director", "Chairman", "Ambassador")
COMPANIES = ("Veltrix", "Northgate Semiconductors", "Orison Labs", "Kestrel Micro", "Halcyon Devices",
             "Brightwater Systems", "Tessaract Foundry", "Quillon AI")
MINISTRIES = ("the Ministry of Trade", "the Commerce Department", "the Foreign Ministry",
              "the Ministry of Industry", "the State Council")
FIRMS = ("Larkspur Capital", "the Fenwick Institute", "Crowhurst Research", "Amberline Securities")
COUNTRIES = ("China", "Japan", "South Korea", "Germany", "India", "Brazil")

# (outlet name, web domain, house style)
OUTLETS = (
    ("Harbor Ledger", "harborledger.com", "wire"),
    ("Seoul Daily Wire", "sdwire.co.kr", "korean"),
    ("The Meridian Post", "meridianpost.com", "plain"),
    ("Pacific Tribune", "pactrib.com", "wire"),
    ("Circuit Review", "circuitreview.io", "aggregator"),
    ("Hanbit Economic Daily", "hanbit-econ.co.kr", "korean"),
    ("Dawn Courier", "dawncourier.net", "plain"),
    ("Toutiao Mirror", "toutiao-mirror.cn", "repost"),
    ("Global Chip Times", "globalchiptimes.com", "aggregator"),
    ("Northern Observer", "northernobserver.org", "footer"),
)
WIRES = ("Reuters", "AP", "AFP", "Bloomberg", "Xinhua", "Yonhap")
CITIES = ("Washington", "Beijing", "Seoul", "London", "Geneva", "Tokyo", "Silicon Valley", "Brussels")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

# (open, close) quote marks; weights: straight and curly double most common, single less so.
QUOTE_STYLES = ((('"', '"'), 4), (("\u201c", "\u201d"), 4), (("\u2018", "\u2019"), 1), (("'", "'"), 1))

SENTENCE_END = re.compile(r"(?<!\.[A-Z]\.)(?<=[.!?])\s+(?=[A-Z])")
QUOTED = re.compile(r"(?:^|(?<=[\s(,:]))[\"\u201c]([^\"\u201c\u201d\n]{20,240})[\"\u201d](?=[\s.,;:!?)]|$)")
QUOTE_MARKS = re.compile("[\"\u201c\u201d\u2018\u2019]")
# Lines of the samples that are page furniture, not copy: never reused as sentences or headlines.
FURNITURE = re.compile(
    r"(?i)^(?:\u00a9|\u203b|source|statement|original|reviewed|input|updated|share|rašyti|komentar)"
    r"|daily dose|cut through the noise|theoutpost|logo$|^\d|yonhap news$|courtesy of"
)
SLOT = re.compile(r"\u27e6([FS])(\d)\u27e7")


@dataclass(frozen=True)
class Person:
    """An invented person: canonical name, surname, other spellings, role and title."""

    name: str
    surname: str
    variants: tuple[str, ...]
    role: str
    title: str


def misspell(word: str, rng: random.Random) -> str:
    """A plausible misspelling: doubled or dropped letter, or a swapped vowel."""
    inner = [i for i in range(1, len(word) - 1) if word[i].isalpha()]
    if not inner:
        return word + "e"
    i = rng.choice(inner)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i] + word[i:]
    if kind == 1 and len(word) > 4:
        return word[:i] + word[i + 1:]
    vowels = "aeiou"
    if word[i].lower() in vowels:
        return word[:i] + rng.choice([v for v in vowels if v != word[i].lower()]) + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def fill_role(role: str, rng: random.Random) -> str:
    """A role with its company, ministry, firm or country filled in."""
    return role.format(company=rng.choice(COMPANIES), ministry=rng.choice(MINISTRIES), firm=rng.choice(FIRMS),
                       country=rng.choice(COUNTRIES))


@lru_cache(maxsize=4)
def people_pool(seed: int = DEFAULT_SEED, size: int = 240) -> tuple[Person, ...]:
    """The invented people every article draws its cast from (same seed, same people)."""
    rng = random.Random(f"people:{seed}")
    pool: list[Person] = []
    seen: set[str] = set()
    while len(pool) < size:
        if rng.random() < 0.2:
            family, given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
            name = f"{family} {given}"
            variants = (f"{family} {given.replace('-', '')}", f"{given} {family}",
                        f"{family} {given.replace('-', ' ').title()}")
            surname = family
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name, surname = f"{first} {last}", last
            variants = (f"{first} {misspell(last, rng)}", f"{first[0]}. {last}", f"{misspell(first, rng)} {last}")
        if name in seen:
            continue
        seen.add(name)
        pool.append(Person(name, surname, variants, fill_role(rng.choice(ROLES), rng), rng.choice(TITLES)))
    return tuple(pool)


def templatize(sentence: str) -> str:
    """Replace the samples' real people with cast slots: full names first, then lone surnames."""
    for full, _, slot in SAMPLE_PEOPLE:
        sentence = sentence.replace(full, f"\u27e6F{slot}\u27e7")
    for _, surname, slot in SAMPLE_PEOPLE:
        sentence = re.sub(rf"\b{re.escape(surname)}\b", f"\u27e6S{slot}\u27e7", sentence)
    return sentence


@lru_cache(maxsize=1)
def sample_material() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(narrative sentences, quotable phrases, headlines) cut from the bundled samples."""
    sentences: list[str] = []
    quotes: list[str] = []
    headlines: list[str] = []
    for path in sorted(SAMPLES_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        quotes += [templatize(q.strip().rstrip(".,")) for q in QUOTED.findall(text)]
        for line in text.splitlines():
            line = line.strip()
            if not line or FURNITURE.search(line):
                continue
            if 25 <= len(line) <= 110 and line[-1] not in ".!?" and line[0].isupper() and "@" not in line:
                headlines.append(templatize(line))
            for sentence in SENTENCE_END.split(line):
                sentence = sentence.strip()
                if (40 <= len(sentence) <= 400 and sentence[0].isupper() and sentence[-1] in ".!?"
                        and not QUOTE_MARKS.search(sentence)):
                    sentences.append(templatize(sentence))
    return tuple(dict.fromkeys(sentences)), tuple(dict.fromkeys(quotes)), tuple(dict.fromkeys(headlines))


def article_path(index: int) -> str:
    """Relative path of article `index`: nested folders of at most FILES_PER_FOLDER files each."""
    folder = index // FILES_PER_FOLDER
    return f"{folder // 100:02d}/{folder % 100:02d}/article_{index:07d}.txt"


class Writer:
    """Builds one article from its own seeded random stream."""

    def __init__(self, index: int, seed: int) -> None:
        self.index = index
        self.rng = random.Random(f"article:{seed}:{index}")
        rng = self.rng
        pool = people_pool(seed)
        self.cast = rng.sample(pool, CAST_SIZE)
        self.introduced: set[int] = set()
        self.outlet, self.domain, self.style = rng.choice(OUTLETS)
        self.quote_open, self.quote_close = rng.choices(
            [s for s, _ in QUOTE_STYLES], weights=[w for _, w in QUOTE_STYLES])[0]
        self.published = date(2023, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        self.sentences, self.quotes, self.headlines = sample_material()

    def mention(self, slot: int, full: bool, titled: bool = False) -> str:
        """A mention of cast member `slot`: canonical name mostly, sometimes another spelling."""
        person = self.cast[slot]
        first = slot not in self.introduced
        self.introduced.add(slot)
        if full or first:
            return self.rng.choice(person.variants) if self.rng.random() < 0.15 else person.name
        if titled and self.rng.random() < 0.4:
            return f"{person.title} {person.surname}"
        return person.surname

    def render(self, template: str) -> str:
        """Fill the cast slots of a templatized sentence."""
        return SLOT.sub(lambda m: self.mention(int(m.group(2)), m.group(1) == "F"), template)

    def date_text(self, when: date) -> str:
        """A date in one of the formats the samples and wires use."""
        m = MONTHS[when.month - 1]
        return self.rng.choice((
            f"{m} {when.day}, {when.year}", f"{when.day} {m} {when.year}", f"{m[:3]}. {when.day}, {when.year}",
            f"{when.isoformat()}", f"{when.year}.{when.month:02d}.{when.day:02d}",
            f"{WEEKDAYS[when.weekday()]}, {m} {when.day}, {when.year}",
        ))

    def relative_date(self) -> str:
        """A date expression relative to publication, as news copy writes them."""
        before = self.published - timedelta(days=self.rng.randrange(1, 60))
        return self.rng.choice((
            f"on the {ordinal(before.day)} (local time)", f"last {MONTHS[before.month - 1]}",
            f"on {MONTHS[before.month - 1]} {before.day}", "last week", "earlier this month", "this week",
            f"in mid-{MONTHS[before.month - 1]}", f"on {WEEKDAYS[before.weekday()]}",
            f"in {MONTHS[before.month - 1]} {before.year}",
        ))

    def quote(self) -> str:
        """One attributed quote in the article's quote style, or an indirect one."""
        rng = self.rng
        slot = rng.randrange(CAST_SIZE)
        person = self.cast[slot]
        text = self.render(rng.choice(self.quotes) if rng.random() < 0.5 else rng.choice(self.sentences))
        text = text.strip().rstrip(".!?,")
        if len(text) > 220:
            text = text[:220].rsplit(" ", 1)[0]
        o, c = self.quote_open, self.quote_close
        who = self.mention(slot, full=False, titled=True)
        when = self.relative_date()
        shapes = (
            f"{o}{text},{c} {who} said.",
            f"{o}{text},{c} said {self.mention(slot, True)}, {person.role}.",
            f"{self.mention(slot, True)}, {person.role}, said {when}, {o}{text}.{c}",
            f"{who} added, {o}{text}.{c}",
            f"According to {who}, {o}{text}.{c}",
            f"{who} told {self.outlet} {when}: {o}{text}.{c}",
            f"{who} emphasized that {o}{text[:1].lower() + text[1:]}{c} and that talks would continue.",
            f"{o}{text},{c} {who} said. {o}{self.render(rng.choice(self.quotes))}.{c}",
            f"{who} said {when} that {text[:1].lower() + text[1:]}.",
        )
        return rng.choice(shapes)

    def paragraph(self) -> str:
        """One to four sentences, sometimes with a quote."""
        rng = self.rng
        parts = [self.render(rng.choice(self.sentences)) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.45:
            parts.insert(rng.randrange(len(parts) + 1), self.quote())
        if rng.random() < 0.2:
            parts.append(f"The talks are set to resume {self.relative_date()}.")
        return " ".join(parts)

    def body(self) -> list[str]:
        """The article's paragraphs; length is skewed like real news (many short, a few long)."""
        count = max(2, min(60, int(self.rng.lognormvariate(1.9, 0.6))))
        return [self.paragraph() for _ in range(count)]

    def text(self) -> str:
        """The whole file: header, body and footer in the outlet's house style."""
        rng = self.rng
        title = self.render(rng.choice(self.headlines))
        body = self.body()
        reporter = self.cast[rng.randrange(CAST_SIZE)].name
        stamp = f"{self.published.isoformat()} {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
        ref = f"{self.index:07d}"
        style = self.style
        if style == "korean":
            city = rng.choice(CITIES)
            lines = [f"{WEEKDAYS[self.published.weekday()]}, {MONTHS[self.published.month - 1]} "
                     f"{self.published.day}, {self.published.year}", "", title, "", "Input", stamp, "Updated",
                     stamp, self.render(rng.choice(self.headlines)), "",
                     f"{self.render(rng.choice(self.sentences))[:80]} {rng.choice(WIRES)} Yonhap News", "",
                     f"\u3010{city}={reporter} Correspondent\u3011", "", *body, "", "",
                     f"reporter{ref}@{self.domain} {reporter} Reporter"]
        elif style == "wire":
            lines = [title, "", f"By {reporter}", self.date_text(self.published), "",
                     f"{rng.choice(CITIES).upper()} ({rng.choice(WIRES)}) - {body[0]}", *body[1:], "",
                     f"\u00a9 {self.published.year} {self.outlet}. Story {ref}."]
        elif style == "aggregator":
            lines = [title, "", f"Reviewed by{reporter}", "", f"{rng.randint(3, 14)} Sources", "", "Share", ""]
            for n, paragraph in enumerate(body, 1):
                lines += [paragraph, "", str(n), "", f"Source: {rng.choice(OUTLETS)[0]}", ""]
            lines += [self.outlet, "", f"\u00a9 {self.published.year} {self.outlet} ref {ref}", "Instagram logo"]
        elif style == "repost":
            lines = [title, "", *[p + "\n" for p in body],
                     f"Original: www.{self.domain}/article/{1849712241680387 + self.index}/", "",
                     "Statement: This article represents the views of the author."]
        elif style == "footer":
            lines = [body[0], "", *body[1:], "", f"{self.date_text(self.published)} | {self.outlet} #{ref}"]
        else:
            lines = [title, "", f"Published {self.date_text(self.published)}" if rng.random() < 0.7 else "",
                     "", *[p + "\n" for p in body], f"Contact: desk{ref}@{self.domain}"]
        return "\n".join(lines).rstrip() + "\n"


def ordinal(day: int) -> str:
    """1st, 2nd, 3rd, 4th ... 21st."""
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def synthetic_article(index: int, seed: int = DEFAULT_SEED) -> str:
    """The text of article `index` (same index and seed, same text)."""
    return Writer(index, seed).text()


def write_corpus(folder: Path, count: int, *, seed: int = DEFAULT_SEED, start: int = 0) -> int:
    """Write articles start .. start+count-1 under `folder` (nested); returns the bytes written."""
    total = 0
    made: set[Path] = set()
    for index in range(start, start + count):
        path = folder / article_path(index)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        data = synthetic_article(index, seed).encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return total


def main(argv: list[str] | None = None) -> int:
    """`python -m flows.synthetic FOLDER N [SEED]`: write a corpus of N articles."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print("usage: python -m flows.synthetic FOLDER N [SEED]", file=sys.stderr)
        return 2
    seed = int(args[2]) if len(args) == 3 else DEFAULT_SEED
    size = write_corpus(Path(args[0]), int(args[1]), seed=seed)
    print(f"wrote {args[1]} articles, {size / 1e6:.1f} MB, under {args[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
