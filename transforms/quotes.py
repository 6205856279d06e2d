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

from itertools import repeat

import polars as pl

from transforms.attribution import QUOTE_FIELDS, SENTENCE_END, VERB_PATTERN, Mention, attribute_article
from transforms.people import extract_mentions
from transforms.quotemarks import speech_spans
from transforms.textspans import stable_id
from transforms.udf import gc_paused

QUOTE_COLUMNS = [
    "quote_id", "article_id", "quote_text", "kind", "speaker", "speaker_raw", "speaker_org",
    "attribution_rule", "resolution", "confidence", "start_char", "end_char", "evidence",
]
QUOTE_TYPES = {
    "quote_text": pl.String, "kind": pl.String, "speaker": pl.String, "speaker_raw": pl.String,
    "speaker_org": pl.String, "attribution_rule": pl.String, "resolution": pl.String,
    "confidence": pl.Float64, "start_char": pl.Int64, "end_char": pl.Int64, "evidence": pl.String,
}
# `attribution.Mention` fields and the mentions frame's columns they come from.
MENTION_FIELDS = {
    "text": "mention_text", "start": "start_char", "end": "end_char", "person": "person_name",
    "role": "role", "resolution": "resolution",
}
ATTRIBUTED_SCHEMA = pl.Schema({"article_id": pl.String} | {f: QUOTE_TYPES[f] for f in QUOTE_FIELDS})


def mentions_by_article(mentions: pl.LazyFrame) -> pl.LazyFrame:
    """Per article, its person mentions in text order, one list per `Mention` field."""
    return (
        mentions.sort("start_char")
        .group_by("article_id")
        .agg(pl.col(column).alias(f"mention_{field}") for field, column in MENTION_FIELDS.items())
    )


def attribute(articles: pl.LazyFrame, spans: pl.LazyFrame, mentions: pl.LazyFrame) -> pl.LazyFrame:
    """Run `attribute_article` once per article -> one row per direct or indirect quote.

    The regex work (speech verbs, sentence ends) is done here by polars, over all articles at once;
    the Python work runs over the whole frame in one batch, which spares per-row conversions.
    """
    return (
        articles.select(
            "article_id",
            pl.col("body").fill_null(""),
            pl.col("body").str.extract_all(VERB_PATTERN).alias("verbs"),
            pl.col("body").str.extract_all(SENTENCE_END).alias("ends"),
        )
        .join(spans, on="article_id", how="left")
        .join(mentions, on="article_id", how="left")
        .select(
            "article_id", "body", "span_starts", "span_ends", *(f"mention_{f}" for f in MENTION_FIELDS),
            "verbs", "ends",
        )
        .map_batches(attribute_batch, schema=ATTRIBUTED_SCHEMA)
    )


def attribute_batch(frame: pl.DataFrame) -> pl.DataFrame:
    """`attribute_article` over each row of the frame `attribute` gathers."""
    # attribution allocates (and frees, by reference counting) lots of small objects per article;
    # the collector's passes over them and the accumulated rows would cost ~10% of the batch
    with gc_paused():
        article_ids, rows = [], []
        for article_id, body, span_starts, span_ends, *mention_fields, verbs, ends in zip(
            *(column.to_list() for column in frame.iter_columns()), strict=True
        ):
            spans = list(zip(span_starts or [], span_ends or [], strict=True))
            # tuple.__new__ builds the named tuples in C (Mention's own __new__ is Python code)
            mention_rows = zip(*mention_fields, strict=True) if mention_fields[0] else ()
            mentions = list(map(tuple.__new__, repeat(Mention), mention_rows))
            found = attribute_article(body, spans, mentions, verbs or [], ends or [])
            article_ids += [article_id] * len(found)
            rows += found
        columns = [article_ids, *zip(*rows, strict=True)] if rows else [()] * len(ATTRIBUTED_SCHEMA)
        attributed = pl.DataFrame([
            pl.Series(name, values, dtype=dtype)
            for (name, dtype), values in zip(ATTRIBUTED_SCHEMA.items(), columns, strict=True)
        ])
        del rows, columns  # freed now, the collector never has to walk them
    return attributed


def extract_quotes(
    articles: pl.LazyFrame,
    *,
    mentions: pl.LazyFrame | None = None,
    registry: pl.LazyFrame | None = None,
    speech: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """articles(article_id, body) -> quotes (see QUOTE_COLUMNS), speakers named as their article names them.

    Pass the `mentions` frame from `extract_mentions` to reuse it; otherwise it is built here
    (with `registry`, the optional people registry), and the `quotemarks.speech_spans` of the articles
    to reuse them too. `people.resolve_people` then makes the speakers canonical across articles.
    """
    if speech is None:
        speech = speech_spans(articles)
    if mentions is None:
        mentions = extract_mentions(articles, registry=registry, speech=speech)
    return (
        attribute(articles, speech, mentions_by_article(mentions))
        .with_columns(
            stable_id(pl.col("article_id"), pl.col("start_char"), pl.col("end_char"), pl.col("kind"))
            .alias("quote_id")
        )
        .select(QUOTE_COLUMNS)
        .sort("article_id", "start_char", "kind")
    )
