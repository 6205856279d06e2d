"""Regex matches with Python character offsets, found by polars expressions (no per-match Python).

`str.find` counts bytes; the contract wants characters. `extract_all` with a lazy prefix returns
pieces "text before + match" that tile the text from its start, so the running sum of the pieces'
character lengths is each match's end; a second `extract_all` of the bare pattern finds the same
matches in the same order (leftmost-first either way), and its lengths give each start.
"""

import hashlib

import polars as pl

# Latin letters as explicit ranges: Unicode classes (\p{Lu}) make polars' regex engine 10-100x
# slower on long texts. Latin Extended-A and Additional interleave cases, so they count as both.
UPPER = "A-ZÀ-ÖØ-ÞĀ-ſḀ-ỿ"
LOWER = "a-zß-öø-ÿĀ-ſḀ-ỿ"
LETTER = "A-Za-zÀ-ÖØ-öø-ÿĀ-ſḀ-ỿ"


def regex_spans(
    frame: pl.LazyFrame, core: str, *, text: str = "body", boundary: str | None = None
) -> pl.LazyFrame:
    """One row per non-overlapping match of `core` in `text`: article_id, start_char, end_char, match.

    `boundary` is a character class that must precede a match (a stand-in for look-behind, which
    polars regexes lack); a match may also sit at the very start of the text. The boundary
    character is matched, then dropped from the span.

    One regex pass: each match is wrapped in NUL marks and the text split on them, so parts
    alternate gap, match, gap, ... and the running character length of the parts ends each match.
    NULs already in the text become \x01 first (patterns must treat them alike: both non-letter,
    non-space, non-word); `core` must not match the empty string.
    """
    pattern = rf"(?:^|{boundary})(?:{core})" if boundary else core
    marked = pl.col(text).str.replace_all("\x00", "\x01", literal=True).str.replace_all(pattern, "\x00${0}\x00")
    part_ends = pl.col("parts").list.eval(pl.element().str.len_chars().cast(pl.Int64).cum_sum())
    lead = pl.col("match").str.contains(rf"^{boundary}").cast(pl.Int64) if boundary else pl.lit(0, pl.Int64)
    return (
        frame.select("article_id", marked.str.split("\x00").alias("parts"))
        .select(
            "article_id",
            pl.col("parts").list.gather_every(2, 1).alias("match"),
            part_ends.list.gather_every(2, 1).alias("end_char"),
        )
        .explode("match", "end_char")
        .filter(pl.col("match").is_not_null())
        .with_columns(lead.alias("lead"))
        .select(
            "article_id",
            (pl.col("end_char") - pl.col("match").str.len_chars().cast(pl.Int64) + pl.col("lead"))
            .alias("start_char"),
            "end_char",
            pl.col("match").str.slice(pl.col("lead")).alias("match"),
        )
    )


def fold_name(name: pl.Expr) -> pl.Expr:
    """Case-, accent- and punctuation-folded name key, as the scorer compares names."""
    return (
        name.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all(r"[’‘ʼ]", "'")
        .str.replace_all(r"[^\w\s']", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def context_before(body: pl.Expr, start: pl.Expr, width: int) -> pl.Expr:
    """Up to `width` characters of `body` ending at character offset `start`."""
    return body.str.slice((start - width).clip(lower_bound=0), start.clip(upper_bound=width))


def context_after(body: pl.Expr, end: pl.Expr, width: int) -> pl.Expr:
    """Up to `width` characters of `body` starting at character offset `end`."""
    return body.str.slice(end, width)


def stable_id(*parts: pl.Expr) -> pl.Expr:
    """16-hex sha1 of the parts joined by '|': the same inputs give the same id in every run."""
    joined = pl.concat_str([p.cast(pl.String).fill_null("") for p in parts], separator="|")
    return joined.map_batches(
        lambda s: pl.Series([hashlib.sha1(v.encode()).hexdigest()[:16] for v in s], dtype=pl.String),
        return_dtype=pl.String,
    )
