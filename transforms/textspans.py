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
    """
    pattern = rf"(?:^|{boundary})(?:{core})" if boundary else core
    piece_len = pl.col("piece").str.len_chars().cast(pl.Int64)
    lead = pl.col("match").str.contains(rf"^{boundary}").cast(pl.Int64) if boundary else pl.lit(0, pl.Int64)
    return (
        frame.select(
            "article_id",
            pl.col(text).str.extract_all(rf"(?s).*?(?:{pattern})").alias("piece"),
            pl.col(text).str.extract_all(pattern).alias("match"),
        )
        .explode("piece", "match")
        .filter(pl.col("piece").is_not_null())
        .with_columns(piece_len.cum_sum().over("article_id").alias("end_char"), lead.alias("lead"))
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
