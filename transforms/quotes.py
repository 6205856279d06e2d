"""Quotes frame: direct quotes (speech in quote marks) and indirect (reported) speech, with speakers.

Call order (all lazy frames):
    # per article: needs only the articles being extracted
    mentions = people.extract_mentions(articles, registry=registry)
    quotes = extract_quotes(articles, mentions=mentions)
    # across articles: over every article in the warehouse (new and carried over)
    mentions, quotes = people.resolve_people(mentions, quotes, registry=registry)
    people_table = people.build_people(mentions, articles)
    person_aliases = people.build_person_aliases(mentions)

Until `resolve_people` runs, speakers carry each article's own spelling of the name.
"""

import polars as pl

from transforms.attribution import SENTENCE_END, VERB_PATTERN, attribute_article
from transforms.people import MENTION_COLUMNS, extract_mentions
from transforms.quotemarks import quote_spans
from transforms.textspans import regex_spans, stable_id

QUOTE_COLUMNS = [
    "quote_id", "article_id", "quote_text", "kind", "speaker", "speaker_raw", "speaker_org",
    "attribution_rule", "resolution", "confidence", "start_char", "end_char", "evidence",
]
QUOTE_STRUCT = pl.Struct({
    "quote_text": pl.String, "kind": pl.String, "speaker": pl.String, "speaker_raw": pl.String,
    "speaker_org": pl.String, "attribution_rule": pl.String, "resolution": pl.String,
    "confidence": pl.Float64, "start_char": pl.Int64, "end_char": pl.Int64, "evidence": pl.String,
})


def speech_spans(articles: pl.LazyFrame) -> pl.LazyFrame:
    """Per article, the quoted spans that hold speech (scare quotes and titles left out)."""
    return (
        quote_spans(articles)
        .filter(pl.col("span_kind") == "speech")
        .group_by("article_id")
        .agg(pl.struct("start_char", "end_char").sort_by("start_char").alias("spans"))
    )


def spans_by_article(articles: pl.LazyFrame, pattern: str, name: str) -> pl.LazyFrame:
    """Per article, the matches of `pattern` (start_char, end_char, match) as one list column."""
    return (
        regex_spans(articles, pattern)
        .group_by("article_id")
        .agg(pl.struct("start_char", "end_char", "match").sort_by("start_char").alias(name))
    )


def mentions_by_article(mentions: pl.LazyFrame) -> pl.LazyFrame:
    """Per article, its person mentions (canonical names) for `attribute_article`."""
    return mentions.group_by("article_id").agg(
        pl.struct([c for c in MENTION_COLUMNS if c != "article_id"]).sort_by("start_char").alias("mentions")
    )


def attribute(articles: pl.LazyFrame, spans: pl.LazyFrame, mentions: pl.LazyFrame) -> pl.LazyFrame:
    """Run `attribute_article` once per article -> one row per direct or indirect quote.

    The regex work (speech verbs, sentence ends) is done here by polars, over all articles at once.
    """
    return (
        articles.select("article_id", "body")
        .join(spans, on="article_id", how="left")
        .join(mentions, on="article_id", how="left")
        .join(spans_by_article(articles, VERB_PATTERN, "verbs"), on="article_id", how="left")
        .join(spans_by_article(articles, SENTENCE_END, "ends"), on="article_id", how="left")
        .select(
            "article_id",
            pl.struct("body", "spans", "mentions", "verbs", "ends")
            .map_elements(attribute_article, return_dtype=pl.List(QUOTE_STRUCT))
            .alias("q"),
        )
        .explode("q")
        .filter(pl.col("q").is_not_null())
        .unnest("q")
    )


def extract_quotes(
    articles: pl.LazyFrame,
    *,
    mentions: pl.LazyFrame | None = None,
    registry: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """articles(article_id, body) -> quotes (see QUOTE_COLUMNS), speakers named as their article names them.

    Pass the `mentions` frame from `extract_mentions` to reuse it; otherwise it is built here
    (with `registry`, the optional people registry). `people.resolve_people` then makes the
    speakers canonical across articles.
    """
    if mentions is None:
        mentions = extract_mentions(articles, registry=registry)
    return (
        attribute(articles, speech_spans(articles), mentions_by_article(mentions))
        .with_columns(
            stable_id(pl.col("article_id"), pl.col("start_char"), pl.col("end_char"), pl.col("kind"))
            .alias("quote_id")
        )
        .select(QUOTE_COLUMNS)
        .sort("article_id", "start_char", "kind")
    )
