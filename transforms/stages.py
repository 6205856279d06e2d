"""The two extraction stages of a run, as lazy frames.

`extract_per_article` reads each new or changed article on its own: its fields, person mentions
under the article's own spelling (`local_name`), quotes and events attributed to those local names,
and dated expressions. `resolve_across_articles` then works on every article in the warehouse at
once: it clusters the local names into people, gives quotes and events the canonical names, and
links events into stories. Keeping the two apart is what makes incremental runs equal full ones.
"""

import polars as pl

from transforms import people
from transforms.articles import parse_articles
from transforms.events import extract_events, link_story_events
from transforms.pubdate import find_published_date
from transforms.quotemarks import quote_spans
from transforms.quotes import extract_quotes
from transforms.temporal import extract_temporal_expressions, infer_dates

PER_ARTICLE_TABLES = ("articles", "mentions", "quotes", "temporal_expressions", "events")

ARTICLE_COLUMNS = [
    "article_id", "source_name", "title", "body", "outlet", "byline", "published_date", "published_date_source",
    "published_date_confidence", "inferred_date", "inferred_date_method", "body_chars", "content_hash",
    "encoding", "input_format", "size_bytes",
]
LINKED_MENTION_COLUMNS = ["article_id", "mention_text", "start_char", "end_char", "local_name", "role",
                          "local_resolution"]


def link_article_mentions(articles: pl.LazyFrame, seeds: pl.LazyFrame) -> pl.LazyFrame:
    """Person mentions of each article linked within the article (surnames, roles, pronouns -> local name)."""
    names = people.confirm_people(
        people.name_candidates(articles).pipe(people.describe_candidates), people.registry_name_keys(seeds)
    )
    roles = people.role_candidates(articles).pipe(people.describe_candidates)
    candidates = pl.concat([names, roles, people.pronoun_candidates(articles)], how="diagonal_relaxed")
    return (
        people.link_mentions(candidates, articles, quote_spans(articles))
        .rename({"resolution": "local_resolution"})
        .with_columns(pl.col("start_char", "end_char").cast(pl.Int64))
        .select(LINKED_MENTION_COLUMNS)
    )


def as_local_people(linked: pl.LazyFrame) -> pl.LazyFrame:
    """Mentions in the shape quote and event extraction read, named by their article's spelling."""
    return linked.select(
        "article_id", "mention_text", "start_char", "end_char", pl.col("local_name").alias("person_name"), "role",
        pl.col("local_resolution").alias("resolution"),
    )


def extract_per_article(files: pl.LazyFrame, *, registry: pl.LazyFrame | None = None) -> dict[str, pl.LazyFrame]:
    """files -> the per-article tables, with speakers and actors under each article's own spelling."""
    seeds = people.registry_people(registry)
    articles = files.pipe(parse_articles).pipe(find_published_date)
    linked = link_article_mentions(articles, seeds)
    local = as_local_people(linked)
    temporal = extract_temporal_expressions(articles)
    articles = infer_dates(articles, temporal)
    quotes = extract_quotes(articles, mentions=local).rename({"speaker": "speaker_local"})
    events = extract_events(articles, temporal, local).rename({"actor": "actor_local"})
    return {
        "articles": articles.select(ARTICLE_COLUMNS),
        "mentions": linked,
        "quotes": quotes,
        "temporal_expressions": temporal,
        "events": events,
    }


def resolve_across_articles(
    per_article: dict[str, pl.LazyFrame], *, registry: pl.LazyFrame | None = None
) -> dict[str, pl.LazyFrame]:
    """Per-article tables of the whole warehouse -> final tables with canonical people and story links."""
    seeds = people.registry_people(registry)
    linked = per_article["mentions"]
    canon = people.cluster_mentions(linked.rename({"local_resolution": "resolution"}), seeds)
    by_local = canon.select("article_id", "local_name", "canonical_name")
    mentions = linked.join(canon, on=["article_id", "local_name"], how="left").with_columns(
        pl.coalesce("canonical_name", "local_name").alias("person_name"),
        people.resolution_of(
            pl.col("local_resolution"), pl.col("link"), pl.col("mention_text"), pl.col("canonical_name")
        ).alias("resolution"),
    )
    quotes = per_article["quotes"].join(
        by_local, left_on=["article_id", "speaker_local"], right_on=["article_id", "local_name"], how="left"
    ).with_columns(pl.coalesce("canonical_name", "speaker_local").alias("speaker")).drop("canonical_name")
    events = per_article["events"].join(
        by_local, left_on=["article_id", "actor_local"], right_on=["article_id", "local_name"], how="left"
    ).with_columns(pl.coalesce("canonical_name", "actor_local").alias("actor")).drop("canonical_name")
    articles = per_article["articles"]
    final_mentions = mentions.select(*people.MENTION_COLUMNS, "local_name", "local_resolution")
    return {
        "articles": articles,
        "mentions": final_mentions,
        "quotes": quotes,
        "temporal_expressions": per_article["temporal_expressions"],
        "events": events.pipe(link_story_events),
        "people": people.build_people(final_mentions, articles),
        "person_aliases": people.build_person_aliases(final_mentions),
    }
