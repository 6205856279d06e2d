"""The two extraction stages of a run, as lazy frames.

`extract_per_article` reads each new or changed article on its own: its fields and publication
date, person mentions resolved within the article, quotes and events attributed to the article's
own spelling of each person, and dated expressions. `resolve_across_articles` then works on every
article of the warehouse at once: it clusters people across articles, gives mentions, quotes and
events the canonical names, links re-posted copies of a story, and links events into stories.
Re-resolving rows that were already resolved gives the same answer, so an incremental run equals
a full rebuild.
"""

import polars as pl

from transforms import people
from transforms.articles import parse_articles
from transforms.duplicates import link_near_duplicates
from transforms.events import extract_events, link_story_events
from transforms.pubdate import find_published_date
from transforms.quotes import extract_quotes
from transforms.temporal import infer_dates

PER_ARTICLE_TABLES = ("articles", "mentions", "quotes", "temporal_expressions", "events")

ARTICLE_COLUMNS = [
    "article_id", "source_name", "title", "body", "outlet", "byline", "published_date", "published_date_source",
    "published_date_confidence", "inferred_date", "inferred_date_method", "body_chars", "content_hash",
    "encoding", "input_format", "size_bytes",
]


def read_articles(files: pl.LazyFrame) -> pl.LazyFrame:
    """files -> articles with title, body, byline, outlet and stated publication date."""
    return files.pipe(parse_articles).pipe(find_published_date)


def extract_per_article(
    articles: pl.LazyFrame, mentions: pl.LazyFrame, temporal: pl.LazyFrame
) -> dict[str, pl.LazyFrame]:
    """Parsed articles + their mentions and dated expressions -> per-article tables.

    Collect `people.extract_mentions` and `extract_temporal_expressions` once before: several
    outputs read them, and polars does not share the work between the plans of `collect_all`.
    """
    return {
        "articles": infer_dates(articles, temporal).select(ARTICLE_COLUMNS),
        "mentions": mentions,
        "quotes": extract_quotes(articles, mentions=mentions),
        "temporal_expressions": temporal,
        "events": extract_events(articles, temporal, mentions),
    }


def canonical_actors(events: pl.LazyFrame, names: pl.LazyFrame) -> pl.LazyFrame:
    """Events whose person actor gets its canonical name (organisations are left as they are)."""
    return (
        events.join(names.rename({"person_name": "actor"}), on=["article_id", "actor"], how="left")
        .with_columns(pl.coalesce("canonical_name", "actor").alias("actor"))
        .drop("canonical_name", "link")
    )


def resolve_across_articles(per_article: dict[str, pl.LazyFrame], names: pl.LazyFrame) -> dict[str, pl.LazyFrame]:
    """Per-article tables of the whole warehouse + `people.person_names` of their mentions (collected once:
    every output uses it) -> final tables with canonical people and story links."""
    mentions = people.canonical_mentions(per_article["mentions"], names)
    articles = per_article["articles"].pipe(link_near_duplicates)
    return {
        "articles": articles,
        "mentions": mentions,
        "quotes": people.canonical_quotes(per_article["quotes"], names),
        "temporal_expressions": per_article["temporal_expressions"],
        "events": per_article["events"].pipe(canonical_actors, names).pipe(link_story_events),
        "people": people.build_people(mentions, articles),
        "person_aliases": people.build_person_aliases(mentions),
    }
