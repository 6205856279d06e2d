"""Near-duplicate articles: the same story re-posted with small changes, linked to its first copy."""

import polars as pl

MIN_PARAGRAPH_CHARS = 40  # shorter paragraphs (datelines, captions) say little about sameness
MAX_SHARED_BY = 50  # a paragraph in more articles than this is boilerplate, not a story
MIN_SHARED_SHARE = 0.6  # share of the longer article's paragraphs found verbatim in the other


def paragraph_keys(articles: pl.LazyFrame) -> pl.LazyFrame:
    """One row per distinct substantial paragraph of each article, as a hash of its folded text."""
    return (
        articles.select("article_id", pl.col("body").str.split("\n\n").alias("paragraph"))
        .explode("paragraph")
        .with_columns(
            pl.col("paragraph").str.to_lowercase().str.replace_all(r"[^\w]+", " ").str.strip_chars()
        )
        .filter(pl.col("paragraph").str.len_chars() >= MIN_PARAGRAPH_CHARS)
        .select("article_id", pl.col("paragraph").hash().alias("key"))
        .unique()
    )


def near_duplicate_links(keys: pl.LazyFrame, order: pl.LazyFrame) -> pl.LazyFrame:
    """`paragraph_keys` of every article + articles(article_id, source_name) -> (article_id, near_duplicate_of).

    Works from the small paragraph keys, so a warehouse can be linked without holding every body at once;
    articles are paired by row number, not by their id strings, which makes the pairs a quarter the size.
    """
    numbered = order.select("article_id", "source_name").with_row_index("article")
    keyed = keys.join(numbered.select("article_id", "article"), on="article_id").select("article", "key")
    common = keyed.group_by("key").agg(pl.len().alias("shared_by")).filter(
        (pl.col("shared_by") > 1) & (pl.col("shared_by") <= MAX_SHARED_BY)
    )
    sizes = keyed.group_by("article").agg(pl.len().alias("paragraphs"))
    return (
        keyed.join(common, on="key", how="semi")
        .join(keyed.rename({"article": "other"}), on="key")
        .filter(pl.col("article") != pl.col("other"))
        .group_by("article", "other")
        .agg(pl.len().alias("shared"))
        .join(sizes, on="article")
        .join(sizes.rename({"article": "other", "paragraphs": "other_paragraphs"}), on="other")
        .filter(pl.col("shared") >= MIN_SHARED_SHARE * pl.max_horizontal("paragraphs", "other_paragraphs"))
        .join(numbered, on="article")
        .join(numbered.rename({"article": "other", "article_id": "near_duplicate_of", "source_name": "other_source"}),
              on="other")
        .filter(pl.col("other_source") < pl.col("source_name"))
        .group_by("article_id")
        .agg(pl.col("near_duplicate_of").sort_by("other_source").first())
    )


def link_near_duplicates(articles: pl.LazyFrame) -> pl.LazyFrame:
    """Add `near_duplicate_of`: the article (first by source_name) whose paragraphs this one mostly repeats."""
    links = near_duplicate_links(paragraph_keys(articles), articles.select("article_id", "source_name"))
    return articles.join(links, on="article_id", how="left", maintain_order="left")
