"""Parse decoded files into articles: title, cleaned body, byline, outlet."""

import polars as pl

# Lines that carry no article text: aggregator footnote numbers, source credits, share
# widgets, comment footers, machine-translation notices, copyright and logo lines.
BOILERPLATE_LINE = (
    r"(?i)^(?:"
    r"\d{1,3}"  # footnote number on its own line
    r"|\[\d{1,3}\]"  # [1]
    r"|source:\s.*"  # Source: TechCrunch
    r"|sources?"  # 'Sources'
    r"|\d+\s+sources"  # 10 Sources
    r"|share|tweet|print|e-?mail|copy link"  # share widgets
    r"|(?:instagram|linkedin|facebook|twitter|x|youtube) logo"
    r"|reviewed by\s*.*"
    r"|(?:©|\(c\)|copyright)\s.*"
    r"|※.*"  # ※ This article has been translated by AI ...
    r"|.*translated by ai.*"
    r"|statement:\s.*"
    r"|original:\s.*"
    r"|related (?:articles|news)\s*:?.*"
    r"|(?:input|updated|published|modified|posted)\s*:?"  # metadata label; its value is kept for dates
    r"|\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"  # bare timestamp line
    r"|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+\w+\s+\d{1,2},?\s+\d{4}"
    r"|\S+@\S+\.\w+\s.*"  # e-mail byline footer
    r"|[^\s:]+\s+n[ėe]ra:?|ra[šs]yti\s+komentar\S*|\w*komentar\w*:?"  # foreign comment footers
    r"|leave a comment|comments?\s*\(\d+\)|no comments:?"
    r")$"
)

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

INLINE_FOOTNOTE = r"\s*\[\d{1,3}\]"

MAX_TITLE_CHARS = 160


def split_lines(files: pl.LazyFrame) -> pl.LazyFrame:
    """One row per line of each file, with its position, so lines can be classified by regex."""
    return (
        files.select("source_name", pl.col("text").str.split("\n").alias("line"))
        .with_columns(pl.int_ranges(pl.col("line").list.len()).alias("line_no"))
        .explode("line", "line_no")
        .with_columns(pl.col("line").str.strip_chars().alias("line"))
    )


def classify_lines(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Mark boilerplate lines and pull byline and outlet evidence out of them."""
    return lines.with_columns(
        pl.col("line").str.contains(BOILERPLATE_LINE).alias("is_boilerplate"),
        pl.coalesce(pl.col("line").str.extract(BYLINE, i) for i in (1, 2, 3, 4))
        .str.strip_chars()
        .alias("byline"),
        pl.coalesce(pl.col("line").str.extract(OUTLET, i) for i in (1, 2, 3, 4))
        .str.strip_chars()
        .alias("outlet"),
    ).with_columns(
        (pl.col("is_boilerplate") | pl.col("byline").is_not_null()).alias("is_boilerplate"),
    )


def assemble_body(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Join the kept lines back into a body, paragraphs separated by blank lines."""
    kept = pl.col("line").filter(~pl.col("is_boilerplate") & (pl.col("line") != ""))
    return (
        lines.sort("source_name", "line_no")
        .group_by("source_name", maintain_order=True)
        .agg(
            kept.str.replace_all(INLINE_FOOTNOTE, "").str.join("\n\n").alias("body"),
            kept.first().alias("first_line"),
            pl.col("byline").drop_nulls().first().alias("byline"),
            pl.col("outlet").drop_nulls().first().alias("outlet"),
        )
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
    parsed = files.pipe(split_lines).pipe(classify_lines).pipe(assemble_body)
    return (
        files.join(parsed, on="source_name", how="left", maintain_order="left")
        .with_columns(
            pl.col("content_hash").str.slice(0, 16).alias("article_id"),
            title_from_first_line(pl.col("first_line")).alias("title"),
            pl.col("body").fill_null(""),
        )
        .with_columns(pl.col("body").str.len_chars().alias("body_chars"))
        .drop("first_line")
    )
