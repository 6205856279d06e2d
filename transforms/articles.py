"""Parse decoded files into articles: title, cleaned body, byline, outlet."""

import polars as pl

# Lines that carry no article text: aggregator footnote numbers, source credits, share
# widgets, comment footers, machine-translation notices, copyright and logo lines.
# Whole lines, matched from start to end:
_BOILERPLATE_WHOLE = (
    r"\d{1,3}"  # footnote number on its own line
    r"|\[\d{1,3}\]"  # [1]
    r"|sources?"  # 'Sources'
    r"|\d+\s+sources"  # 10 Sources
    r"|share|tweet|print|e-?mail|copy link"  # share widgets
    r"|(?:instagram|linkedin|facebook|twitter|x|youtube) logo"
    r"|(?:input|updated|published|modified|posted)\s*:?"  # metadata label; its value is kept for dates
    r"|\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"  # bare timestamp line
    r"|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+\w+\s+\d{1,2},?\s+\d{4}"
    r"|[^\s:]+\s+n[ėe]ra:?|ra[šs]yti\s+komentar\S*|\w*komentar\w*:?"  # foreign comment footers
    r"|leave a comment|comments?\s*\(\d+\)|no comments:?"
)
# Lines that start like this, whatever follows (only the start is matched, so the regex
# stops early on long body lines; `.*` at the end of a shape would make it read every line to its end):
_BOILERPLATE_START = (
    r"source:\s"  # Source: TechCrunch
    r"|reviewed by"
    r"|(?:©|\(c\)|copyright)\s"
    r"|※"  # ※ This article has been translated by AI ...
    r"|statement:\s"
    r"|original:\s"
    r"|related (?:articles|news)"
    r"|\S+@\S+\.\w+\s"  # e-mail byline footer
)
BOILERPLATE_LINE = rf"(?i)^(?:{_BOILERPLATE_WHOLE})$|^(?:{_BOILERPLATE_START})"
# Lines with this anywhere are boilerplate too (a separate search: inside BOILERPLATE_LINE, as `.*translated
# by ai.*`, it made every line be read to its end). So are byline lines.
TRANSLATION_NOTICE = r"(?i)translated by ai"

# Byline shapes: 【Silicon Valley=Hong Chang-ki Correspondent】, By Jane Doe, Reviewed byNidhi Govil,
# name@outlet.com Name Reporter.
BYLINE = (
    r"(?i)^(?:【[^】]*=\s*([^】]+?)\s*(?:correspondent|reporter)?】"
    r"|by\s*([A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){1,3})"
    r"|reviewed by\s*(\S.*)"
    r"|\S+@\S+\.\w+\s+(.+?)\s*(?:reporter|correspondent)?)$"
)

OUTLET = (
    r"(?i)^\S+@(\S+\.\w+)\s"  # e-mail domain in a byline footer
    r"|^original:\s*(?:https?://)?(?:www\.)?([^/\s]+)"  # Original: www.toutiao.com/...
    r"|\((reuters|ap|afp|bloomberg|xinhua|yonhap)\)\s*[-–—]"  # wire dateline
    r"|^(?:©|\(c\))\s*\d{4}\s+(.+)$"
)
# Every OUTLET match has one of these characters or starts with 'original:'; only such lines are searched.
OUTLET_CHARS = r"[@(©]"
OUTLET_ORIGINAL = r"(?i)^original:"

# Applied to the joined body: [^\S\n] is \s without the line break, so a footnote never takes the
# paragraph break before it (the same as removing footnotes line by line).
INLINE_FOOTNOTE = r"[^\S\n]*\[\d{1,3}\]"

MAX_TITLE_CHARS = 160


def split_lines(files: pl.LazyFrame) -> pl.LazyFrame:
    """One row per non-blank line of each file (by file_no), stripped and in order, to classify by regex.

    Blank lines are never body, byline or outlet, so they are dropped before any regex runs.
    """
    return (
        files.select("file_no", pl.col("text").str.split("\n").alias("line"))
        .explode("line")
        .with_columns(pl.col("line").str.strip_chars())
        .filter(pl.col("line") != "")
    )


def classify_lines(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Mark boilerplate (including byline) lines, byline lines and lines that may name the outlet."""
    line = pl.col("line")
    return lines.with_columns(
        line.str.contains(BYLINE).alias("is_byline"),
        (line.str.contains(OUTLET_CHARS) | line.str.contains(OUTLET_ORIGINAL)).alias("may_name_outlet"),
    ).with_columns(
        (
            line.str.contains(BOILERPLATE_LINE) | line.str.contains(TRANSLATION_NOTICE) | pl.col("is_byline")
        ).alias("is_boilerplate"),
    )


def _first_groups(text: pl.Expr, pattern: str) -> pl.Expr:
    """The first participating capture group of `pattern` (groups 1-4) in text, stripped."""
    groups = text.str.extract_groups(pattern).struct.field
    return pl.coalesce(groups(str(i)) for i in (1, 2, 3, 4)).str.strip_chars()


def assemble_body(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Join the kept lines back into a body, paragraphs separated by blank lines; take the first byline."""
    line = pl.col("line")
    kept = line.filter(~pl.col("is_boilerplate"))
    # file_no is sorted, so the grouping is a cheap slicing of consecutive rows
    return (
        lines.group_by("file_no", maintain_order=True)
        .agg(
            kept.alias("body"),
            kept.first().alias("first_line"),
            line.filter(pl.col("is_byline")).first().alias("byline"),
        )
        .with_columns(
            pl.col("body").list.join("\n\n").str.replace_all(INLINE_FOOTNOTE, ""),
            _first_groups(pl.col("byline"), BYLINE).alias("byline"),
        )
    )


def find_outlet(lines: pl.LazyFrame) -> pl.LazyFrame:
    """The outlet named by the first line that names one, per file."""
    return (
        lines.filter(pl.col("may_name_outlet"))
        .with_columns(_first_groups(pl.col("line"), OUTLET).alias("outlet"))
        .group_by("file_no")
        .agg(pl.col("outlet").drop_nulls().first())
    )


def title_from_first_line(first_line: pl.Expr) -> pl.Expr:
    """A short first line is the headline; a long one is a lead paragraph: use its first sentence."""
    first_sentence = first_line.str.extract(r"^(.+?[.!?][\"”’]?)(?:\s|$)", 1)
    return (
        pl.when(first_line.str.len_chars() <= MAX_TITLE_CHARS)
        .then(first_line)
        .otherwise(pl.coalesce(first_sentence, first_line).str.slice(0, MAX_TITLE_CHARS))
        .str.strip_chars("“”\"' ")
    )


def parse_articles(files: pl.LazyFrame) -> pl.LazyFrame:
    """files(source_name, text, content_hash, ...) -> articles with title, body, byline, outlet."""
    files = files.with_row_index("file_no")
    lines = files.pipe(split_lines).pipe(classify_lines)
    return (
        files.join(assemble_body(lines), on="file_no", how="left", maintain_order="left")
        .join(find_outlet(lines), on="file_no", how="left", maintain_order="left")
        .with_columns(
            pl.col("content_hash").str.slice(0, 16).alias("article_id"),
            title_from_first_line(pl.col("first_line")).alias("title"),
            pl.col("body").fill_null(""),
        )
        .with_columns(pl.col("body").str.len_chars().alias("body_chars"))
        .drop("file_no", "first_line")
    )
