-- Views for BI tools. Re-runnable: CREATE OR REPLACE.

CREATE OR REPLACE VIEW quotes_with_context AS
SELECT
    q.quote_id,
    q.speaker,
    coalesce(q.speaker, q.speaker_org, q.speaker_raw) AS said_by,
    q.kind,
    q.quote_text,
    a.title,
    coalesce(a.outlet, a.source_name) AS outlet,
    a.source_name,
    coalesce(a.published_date, a.inferred_date) AS article_date,
    a.published_date IS NOT NULL AS date_is_stated,
    a.near_duplicate_of IS NOT NULL AS from_repost,
    q.evidence,
    q.article_id
FROM quotes q
JOIN articles a USING (article_id);

CREATE OR REPLACE VIEW event_timeline AS
SELECT
    coalesce(e.story_event_id, e.event_id) AS story_event_id,
    min(e.date_value) AS event_date,
    any_value(e.date_precision) AS date_precision,
    any_value(e.actor) AS actor,
    any_value(e.action) AS action,
    any_value(e.object) AS object,
    any_value(e.counterpart) AS counterpart,
    any_value(e.location) AS location,
    count(DISTINCT e.article_id) AS source_count,
    list(DISTINCT a.source_name ORDER BY a.source_name) AS sources,
    any_value(e.evidence) AS evidence
FROM events e
JOIN articles a USING (article_id)
GROUP BY 1;

CREATE OR REPLACE VIEW speaker_outlet_counts AS
SELECT
    q.speaker,
    coalesce(a.outlet, a.source_name) AS outlet,
    count(*) FILTER (WHERE q.kind = 'direct') AS direct_quotes,
    count(*) FILTER (WHERE q.kind = 'indirect') AS indirect_quotes,
    count(DISTINCT q.article_id) AS articles
FROM quotes q
JOIN articles a USING (article_id)
WHERE q.speaker IS NOT NULL
  AND a.near_duplicate_of IS NULL  -- a re-posted copy of a story does not count its quotes twice
GROUP BY 1, 2;
