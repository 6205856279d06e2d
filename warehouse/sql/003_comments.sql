-- Descriptions of every table, view and column, shown by BI tools. Re-runnable.

COMMENT ON TABLE articles IS 'One row per loaded article (exact duplicates are loaded once)';
COMMENT ON COLUMN articles.article_id IS 'Article key: first 16 hex characters of content_hash (same text, same id)';
COMMENT ON COLUMN articles.source_name IS 'Input file path relative to the input folder';
COMMENT ON COLUMN articles.title IS 'Headline, or the lead''s first sentence when the page has none';
COMMENT ON COLUMN articles.body IS 'Cleaned text (boilerplate lines removed); every offset points into it';
COMMENT ON COLUMN articles.outlet IS 'Publisher when the text states it (byline e-mail domain, wire dateline, copyright line)';
COMMENT ON COLUMN articles.byline IS 'Author as stated';
COMMENT ON COLUMN articles.published_date IS 'Publication date stated by the text (NULL when it states none)';
COMMENT ON COLUMN articles.published_date_source IS 'The text the publication date was read from';
COMMENT ON COLUMN articles.published_date_confidence IS 'Confidence of published_date, 0 to 1';
COMMENT ON COLUMN articles.inferred_date IS 'Best guess of the date when none is stated (never copied into published_date)';
COMMENT ON COLUMN articles.inferred_date_method IS 'How inferred_date was guessed';
COMMENT ON COLUMN articles.body_chars IS 'Length of body in characters';
COMMENT ON COLUMN articles.content_hash IS 'sha256 of the decoded text';
COMMENT ON COLUMN articles.encoding IS 'Encoding the file was decoded from';
COMMENT ON COLUMN articles.input_format IS 'text or html';
COMMENT ON COLUMN articles.size_bytes IS 'File size on disk';
COMMENT ON COLUMN articles.near_duplicate_of IS 'For a re-posted copy of a story (most paragraphs the same): the article_id of its first copy';

COMMENT ON TABLE article_sources IS 'Every input file that holds an article''s text';
COMMENT ON COLUMN article_sources.source_name IS 'Input file path relative to the input folder';
COMMENT ON COLUMN article_sources.article_id IS 'Article key: first 16 hex characters of content_hash (same text, same id)';
COMMENT ON COLUMN article_sources.is_primary IS 'True for the file the article was loaded from; false for exact duplicates';

COMMENT ON TABLE people IS 'One row per person, under one canonical name across spellings and outlets';
COMMENT ON COLUMN people.person_id IS 'Person key';
COMMENT ON COLUMN people.canonical_name IS 'Best-supported spelling of the name';
COMMENT ON COLUMN people.aliases IS 'Every spelling seen for this person';
COMMENT ON COLUMN people.roles IS 'Titles and roles seen (e.g. Commerce Secretary)';
COMMENT ON COLUMN people.mention_count IS 'Mentions across all articles';
COMMENT ON COLUMN people.article_count IS 'Articles mentioning the person';
COMMENT ON COLUMN people.first_seen IS 'Earliest article date mentioning the person';
COMMENT ON COLUMN people.last_seen IS 'Latest article date mentioning the person';

COMMENT ON TABLE person_aliases IS 'Every spelling of a person''s name seen, mapped to the canonical name';
COMMENT ON COLUMN person_aliases.alias IS 'The spelling as written';
COMMENT ON COLUMN person_aliases.canonical_name IS 'The person it refers to (people.canonical_name)';
COMMENT ON COLUMN person_aliases.mention_count IS 'How often this spelling was seen';
COMMENT ON COLUMN person_aliases.resolution IS 'How it was linked: exact, registry, phonetic, fuzzy, role, surname';
COMMENT ON COLUMN person_aliases.article_ids IS 'Articles where the spelling appears';

COMMENT ON TABLE mentions IS 'One row per person mention in an article body';
COMMENT ON COLUMN mentions.article_id IS 'Article key: first 16 hex characters of content_hash (same text, same id)';
COMMENT ON COLUMN mentions.mention_text IS 'The mention as written';
COMMENT ON COLUMN mentions.start_char IS 'Start offset (Python characters, 0-based) into articles.body';
COMMENT ON COLUMN mentions.end_char IS 'End offset (exclusive) into articles.body';
COMMENT ON COLUMN mentions.person_name IS 'Canonical name of the person meant';
COMMENT ON COLUMN mentions.role IS 'Role or title in apposition';
COMMENT ON COLUMN mentions.resolution IS 'How the mention was resolved';

COMMENT ON TABLE quotes IS 'One row per quote: who said what, verbatim';
COMMENT ON COLUMN quotes.quote_id IS 'Quote key (stable for the same article and offsets)';
COMMENT ON COLUMN quotes.article_id IS 'Article key: first 16 hex characters of content_hash (same text, same id)';
COMMENT ON COLUMN quotes.quote_text IS 'The words inside the quote marks (direct) or the reported clause (indirect), verbatim';
COMMENT ON COLUMN quotes.kind IS 'direct or indirect';
COMMENT ON COLUMN quotes.speaker IS 'Canonical name of the person quoted; NULL when unknown or not a person';
COMMENT ON COLUMN quotes.speaker_raw IS 'The speaker as written (e.g. ''Secretary Besant'', ''he'')';
COMMENT ON COLUMN quotes.speaker_org IS 'Organisation or unnamed source quoted (e.g. ''Trump administration'')';
COMMENT ON COLUMN quotes.attribution_rule IS 'The rule that attributed the quote';
COMMENT ON COLUMN quotes.resolution IS 'How the speaker name was resolved';
COMMENT ON COLUMN quotes.confidence IS 'Extraction confidence, 0 to 1';
COMMENT ON COLUMN quotes.start_char IS 'Start offset (Python characters, 0-based) into articles.body';
COMMENT ON COLUMN quotes.end_char IS 'End offset (exclusive) into articles.body';
COMMENT ON COLUMN quotes.evidence IS 'The sentence the row was read from';

COMMENT ON TABLE temporal_expressions IS 'One row per date expression found in a body';
COMMENT ON COLUMN temporal_expressions.article_id IS 'Article key: first 16 hex characters of content_hash (same text, same id)';
COMMENT ON COLUMN temporal_expressions.expression IS 'The expression as written';
COMMENT ON COLUMN temporal_expressions.start_char IS 'Start offset (Python characters, 0-based) into articles.body';
COMMENT ON COLUMN temporal_expressions.end_char IS 'End offset (exclusive) into articles.body';
COMMENT ON COLUMN temporal_expressions.value IS 'Resolved ISO value: YYYY, YYYY-MM or YYYY-MM-DD (NULL if unresolvable)';
COMMENT ON COLUMN temporal_expressions.date_value IS 'First day of the resolved period';
COMMENT ON COLUMN temporal_expressions.precision IS 'day, part_of_month, month, season or year';
COMMENT ON COLUMN temporal_expressions.part IS 'Part of the period when stated: early, mid, late, or the season name';
COMMENT ON COLUMN temporal_expressions.anchor_date IS 'Date relative expressions were resolved against (the stated publication date)';
COMMENT ON COLUMN temporal_expressions.reason IS 'Why value is NULL';

COMMENT ON TABLE events IS 'One row per dated or attributed event sentence';
COMMENT ON COLUMN events.event_id IS 'Event key';
COMMENT ON COLUMN events.article_id IS 'Article key: first 16 hex characters of content_hash (same text, same id)';
COMMENT ON COLUMN events.event_date IS 'ISO value of the event date (YYYY, YYYY-MM or YYYY-MM-DD)';
COMMENT ON COLUMN events.date_value IS 'First day of the event date';
COMMENT ON COLUMN events.date_precision IS 'Precision of event_date';
COMMENT ON COLUMN events.actor IS 'Who acted (canonical person or organisation)';
COMMENT ON COLUMN events.action IS 'Normalised action (say, allow, ban, meet, ...)';
COMMENT ON COLUMN events.object IS 'What the action was about (e.g. H20 chips)';
COMMENT ON COLUMN events.counterpart IS 'Target or counterpart (e.g. China)';
COMMENT ON COLUMN events.location IS 'Where, when stated';
COMMENT ON COLUMN events.evidence IS 'The sentence the row was read from';
COMMENT ON COLUMN events.start_char IS 'Start offset (Python characters, 0-based) into articles.body';
COMMENT ON COLUMN events.end_char IS 'End offset (exclusive) into articles.body';
COMMENT ON COLUMN events.confidence IS 'Extraction confidence, 0 to 1';
COMMENT ON COLUMN events.story_event_id IS 'Same real-world event across articles shares this id';

COMMENT ON TABLE file_state IS 'One row per file seen under the input folder: the accounting of the last run';
COMMENT ON COLUMN file_state.source_name IS 'Input file path relative to the input folder';
COMMENT ON COLUMN file_state.content_hash IS 'sha256 of the decoded text';
COMMENT ON COLUMN file_state.article_id IS 'Article loaded from the file, or the one it duplicates';
COMMENT ON COLUMN file_state.status IS 'loaded, duplicate, quarantined or removed';
COMMENT ON COLUMN file_state.size_bytes IS 'File size on disk';
COMMENT ON COLUMN file_state.mtime IS 'Modification time on disk';
COMMENT ON COLUMN file_state.last_run_id IS 'Last run that saw the file';

COMMENT ON TABLE quarantine IS 'Files and rows refused by the last run, with a specific reason';
COMMENT ON COLUMN quarantine.source_name IS 'Input file path relative to the input folder';
COMMENT ON COLUMN quarantine.reason IS 'Why: empty, binary, undecodable, too_large, duplicate_of:<id>, validation:<expectation>, ...';
COMMENT ON COLUMN quarantine.detail IS 'A readable explanation';
COMMENT ON COLUMN quarantine.table_name IS '''files'' for whole inputs, else the table a row was refused from';
COMMENT ON COLUMN quarantine.row_key IS 'Key of the refused row';
COMMENT ON COLUMN quarantine.run_id IS 'The flow run that wrote the row';

COMMENT ON TABLE runs IS 'One row per flow run, failed ones included';
COMMENT ON COLUMN runs.run_id IS 'The flow run that wrote the row';
COMMENT ON COLUMN runs.started_at IS 'Start (UTC)';
COMMENT ON COLUMN runs.finished_at IS 'End (UTC)';
COMMENT ON COLUMN runs.status IS 'completed or failed';
COMMENT ON COLUMN runs.files_seen IS 'Files found under the input folder';
COMMENT ON COLUMN runs.files_processed IS 'New or changed files extracted';
COMMENT ON COLUMN runs.articles_loaded IS 'Articles in the warehouse after the run';
COMMENT ON COLUMN runs.files_quarantined IS 'Files refused';
COMMENT ON COLUMN runs.stage_seconds IS 'Seconds per stage (JSON)';
COMMENT ON COLUMN runs.validation_success IS 'Whether every critical expectation passed';
COMMENT ON COLUMN runs.message IS 'Why a run failed';

COMMENT ON TABLE validations IS 'One row per expectation checked in a run';
COMMENT ON COLUMN validations.run_id IS 'The flow run that wrote the row';
COMMENT ON COLUMN validations.suite IS 'Great Expectations suite (one per table)';
COMMENT ON COLUMN validations.expectation IS 'Expectation name';
COMMENT ON COLUMN validations.severity IS 'critical (stops the publish) or row (offending rows quarantined)';
COMMENT ON COLUMN validations.success IS 'Whether it passed';
COMMENT ON COLUMN validations.unexpected_count IS 'Rows that failed it';
COMMENT ON COLUMN validations.unexpected_sample IS 'A sample of failing values (JSON)';

COMMENT ON VIEW quotes_with_context IS 'Quotes with their speaker, article, outlet and date: the main BI view';
COMMENT ON COLUMN quotes_with_context.quote_id IS 'Quote key';
COMMENT ON COLUMN quotes_with_context.speaker IS 'Canonical person name (NULL when not a person)';
COMMENT ON COLUMN quotes_with_context.said_by IS 'Speaker, else the organisation, else the speaker as written';
COMMENT ON COLUMN quotes_with_context.kind IS 'direct or indirect';
COMMENT ON COLUMN quotes_with_context.quote_text IS 'The quote, verbatim';
COMMENT ON COLUMN quotes_with_context.title IS 'Article title';
COMMENT ON COLUMN quotes_with_context.outlet IS 'Outlet, else the source file';
COMMENT ON COLUMN quotes_with_context.source_name IS 'Input file';
COMMENT ON COLUMN quotes_with_context.article_date IS 'Published date, else inferred date';
COMMENT ON COLUMN quotes_with_context.date_is_stated IS 'True when article_date is the stated publication date';
COMMENT ON COLUMN quotes_with_context.from_repost IS 'True when the article re-posts an earlier copy of the story (filter it out to count each quote once)';
COMMENT ON COLUMN quotes_with_context.evidence IS 'The sentence quoted from';
COMMENT ON COLUMN quotes_with_context.article_id IS 'Article key';

COMMENT ON VIEW event_timeline IS 'A timeline of events, one row per story event with its sources';
COMMENT ON COLUMN event_timeline.story_event_id IS 'Story event key';
COMMENT ON COLUMN event_timeline.event_date IS 'Earliest date reported';
COMMENT ON COLUMN event_timeline.date_precision IS 'Precision of the date';
COMMENT ON COLUMN event_timeline.actor IS 'Who acted';
COMMENT ON COLUMN event_timeline.action IS 'Normalised action';
COMMENT ON COLUMN event_timeline.object IS 'What it was about';
COMMENT ON COLUMN event_timeline.counterpart IS 'Target or counterpart';
COMMENT ON COLUMN event_timeline.location IS 'Where';
COMMENT ON COLUMN event_timeline.source_count IS 'Articles reporting it';
COMMENT ON COLUMN event_timeline.sources IS 'Input files reporting it';
COMMENT ON COLUMN event_timeline.evidence IS 'An evidence sentence';

COMMENT ON VIEW speaker_outlet_counts IS 'How often each person is quoted, by outlet (re-posted copies of a story not counted)';
COMMENT ON COLUMN speaker_outlet_counts.speaker IS 'Canonical person name';
COMMENT ON COLUMN speaker_outlet_counts.outlet IS 'Outlet, else the source file';
COMMENT ON COLUMN speaker_outlet_counts.direct_quotes IS 'Direct quotes';
COMMENT ON COLUMN speaker_outlet_counts.indirect_quotes IS 'Indirect quotes';
COMMENT ON COLUMN speaker_outlet_counts.articles IS 'Articles quoting the person';
