"""The two extraction stages of a run, as lazy frames.

`extract_per_article` reads each new or changed article on its own: its fields and publication
date, person mentions resolved within the article, quotes and events attributed to the article's
own spelling of each person, and dated expressions. The cross-article step then works on every
article of the warehouse: `people.person_names`, `story_links` and `near_duplicate_links` compute small
maps over all articles (canonical names, story ids, re-posted copies), `resolve_batch` applies them to
one batch of articles at a time, so the big tables never need to be in memory at once, and
`people_tables` sums the resolved mentions up into people and their aliases.
`resolve_across_articles` does both on frames that fit in memory. Resolved rows keep their
per-article values (`LOCAL_COLUMNS`); rows carried over from the last warehouse are resolved again
from those, so an incremental run equals a full rebuild.
"""

import polars as pl

from transforms import people
from transforms.articles import parse_articles
from transforms.duplicates import near_duplicate_links, paragraph_keys
from transforms.events import STORY_DESCRIPTION, extract_events, story_ids, with_story_ids
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
    articles: pl.LazyFrame, mentions: pl.LazyFrame, temporal: pl.LazyFrame, speech: pl.LazyFrame | None = None
) -> dict[str, pl.LazyFrame]:
    """Parsed articles + their mentions, dated expressions and (optionally) speech spans -> per-article tables.

    Collect `quotemarks.speech_spans`, `people.extract_mentions` (given those spans) and
    `extract_temporal_expressions` once before: several outputs read them, and polars does not share
    the work between the plans of `collect_all`.
    """
    return {
        "articles": infer_dates(articles, temporal).select(ARTICLE_COLUMNS),
        "mentions": mentions,
        "quotes": extract_quotes(articles, mentions=mentions, speech=speech),
        "temporal_expressions": temporal,
        "events": extract_events(articles, temporal, mentions),
    }


LOCAL_COLUMNS = {
    "mentions": {"person_name": "local_name", "resolution": "local_resolution"},
    "quotes": {"speaker": "local_speaker", "resolution": "local_resolution"},
    "events": {"actor": "local_actor"},
}
"""The columns the cross-article step rewrites, and the column that keeps each one's per-article value:
rows carried over from the last warehouse are resolved again from those, as if just extracted."""


def canonical_actors(events: pl.LazyFrame, names: pl.LazyFrame) -> pl.LazyFrame:
    """Events whose person actor gets its canonical name (organisations are left as they are), followed by
    the article's own actor (local_actor)."""
    return (
        events.join(names.rename({"person_name": "actor"}), on=["article_id", "actor"], how="left",
                    maintain_order="left")
        .with_columns(pl.coalesce("canonical_name", "actor").alias("actor"), pl.col("actor").alias("local_actor"))
        .drop("canonical_name", "link")
    )


def people_tables(mentions: pl.LazyFrame, articles: pl.LazyFrame) -> dict[str, pl.LazyFrame]:
    """Canonical mentions of every article (`resolve_batch`) + articles(article_id, published_date) -> people
    and person_aliases."""
    return {
        "people": people.build_people(mentions, articles),
        "person_aliases": people.build_person_aliases(mentions),
    }


STORY_COLUMNS = ["event_id", "article_id", "action", "actor", "event_date", "object"]
"""What story linking reads of an event."""


def story_links(events: pl.LazyFrame, names: pl.LazyFrame) -> pl.LazyFrame:
    """Every event (`STORY_COLUMNS` suffice) + `people.person_names` -> `events.story_ids`: a small map
    from event descriptions (with canonical actors) to their story."""
    return story_descriptions(events, names).pipe(story_ids)


def story_descriptions(events: pl.LazyFrame, names: pl.LazyFrame) -> pl.LazyFrame:
    """Events (`STORY_COLUMNS` suffice) + `people.person_names` -> their distinct descriptions with canonical
    actors, each named by its first event_id: all `story_ids` needs, and it can be made one batch of
    articles at a time (wire copy repeats descriptions, so the batches' results are small)."""
    return (
        events.select(STORY_COLUMNS).pipe(canonical_actors, names_of_batch(names, events))
        .group_by(STORY_DESCRIPTION).agg(pl.col("event_id").min())
    )


def names_of_batch(names: pl.LazyFrame, rows: pl.LazyFrame) -> pl.LazyFrame:
    """The rows of `people.person_names` for the articles of a batch's `rows`: joining a batch to every
    article's names would build a hash table of all of them for each table of each batch."""
    return names.join(rows.select("article_id").unique(), on="article_id", how="semi")


def resolve_batch(per_article: dict[str, pl.LazyFrame], names: pl.LazyFrame, duplicates: pl.LazyFrame,
                  stories: pl.LazyFrame) -> dict[str, pl.LazyFrame]:
    """One batch of articles' rows + the maps computed over every article (`people.person_names`,
    `near_duplicate_links`, `story_links`) -> their final rows."""
    events = per_article["events"]
    names = names_of_batch(names, per_article["articles"])
    return {
        "articles": per_article["articles"].join(duplicates, on="article_id", how="left", maintain_order="left"),
        "mentions": people.canonical_mentions(per_article["mentions"], names),
        "quotes": people.canonical_quotes(per_article["quotes"], names),
        "temporal_expressions": per_article["temporal_expressions"],
        "events": events.pipe(canonical_actors, names).pipe(with_story_ids, stories)
        .select(*events.collect_schema().names(), "local_actor"),
    }


def resolve_across_articles(per_article: dict[str, pl.LazyFrame], names: pl.LazyFrame) -> dict[str, pl.LazyFrame]:
    """Per-article tables of the whole warehouse + `people.person_names` of their mentions (collected once:
    every output uses it) -> final tables with canonical people and story links."""
    articles = per_article["articles"]
    duplicates = near_duplicate_links(paragraph_keys(articles), articles.select("article_id", "source_name"))
    resolved = resolve_batch(per_article, names, duplicates, story_links(per_article["events"], names))
    return resolved | people_tables(resolved["mentions"], articles)
