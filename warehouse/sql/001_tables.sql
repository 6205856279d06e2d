-- wirehouse schema. Re-runnable: every statement is CREATE ... IF NOT EXISTS.
-- Parents before children so the foreign keys resolve.

CREATE TABLE IF NOT EXISTS articles (
    article_id                VARCHAR PRIMARY KEY,       -- first 16 hex of content_hash: same text, same id
    source_name               VARCHAR NOT NULL,          -- path relative to the input folder
    title                     VARCHAR,
    body                      VARCHAR,                   -- cleaned text; all offsets point into it
    outlet                    VARCHAR,
    byline                    VARCHAR,
    published_date            DATE,                      -- only when the text states it
    published_date_source     VARCHAR,                   -- the evidence text
    published_date_confidence DOUBLE,
    inferred_date             DATE,                      -- a best guess when nothing states the date
    inferred_date_method      VARCHAR,
    body_chars                INTEGER,
    content_hash              VARCHAR NOT NULL UNIQUE,
    encoding                  VARCHAR,
    input_format              VARCHAR,
    size_bytes                BIGINT,
    near_duplicate_of         VARCHAR                    -- the first copy of a re-posted story
);

CREATE TABLE IF NOT EXISTS article_sources (
    source_name  VARCHAR PRIMARY KEY,                    -- every input file holding an article's text
    article_id   VARCHAR NOT NULL REFERENCES articles (article_id),
    is_primary   BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS people (
    person_id       VARCHAR PRIMARY KEY,
    canonical_name  VARCHAR NOT NULL UNIQUE,
    aliases         VARCHAR[],
    roles           VARCHAR[],
    mention_count   INTEGER,
    article_count   INTEGER,
    first_seen      DATE,
    last_seen       DATE
);

CREATE TABLE IF NOT EXISTS person_aliases (
    alias           VARCHAR PRIMARY KEY,
    canonical_name  VARCHAR NOT NULL REFERENCES people (canonical_name),
    mention_count   INTEGER,
    resolution      VARCHAR,
    article_ids     VARCHAR[]
);

CREATE TABLE IF NOT EXISTS mentions (
    article_id    VARCHAR NOT NULL REFERENCES articles (article_id),
    mention_text  VARCHAR NOT NULL,
    start_char    INTEGER NOT NULL,
    end_char      INTEGER NOT NULL,
    person_name   VARCHAR,
    role          VARCHAR,
    resolution    VARCHAR,
    local_name        VARCHAR,                           -- the article's own name for the person
    local_resolution  VARCHAR,
    PRIMARY KEY (article_id, start_char)
);

CREATE TABLE IF NOT EXISTS quotes (
    quote_id          VARCHAR PRIMARY KEY,
    article_id        VARCHAR NOT NULL REFERENCES articles (article_id),
    quote_text        VARCHAR NOT NULL,                  -- the words inside the marks, verbatim
    kind              VARCHAR NOT NULL CHECK (kind IN ('direct', 'indirect')),
    speaker           VARCHAR,                           -- canonical person name; NULL if unknown or not a person
    speaker_raw       VARCHAR,
    speaker_org       VARCHAR,
    attribution_rule  VARCHAR,
    resolution        VARCHAR,
    confidence        DOUBLE,
    start_char        INTEGER NOT NULL,
    end_char          INTEGER NOT NULL,
    evidence          VARCHAR,
    local_speaker     VARCHAR,                           -- the article's own name for the speaker
    local_resolution  VARCHAR
);

CREATE TABLE IF NOT EXISTS temporal_expressions (
    article_id   VARCHAR NOT NULL REFERENCES articles (article_id),
    expression   VARCHAR NOT NULL,
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    value        VARCHAR,                                -- ISO partial: YYYY, YYYY-MM or YYYY-MM-DD
    date_value   DATE,
    precision    VARCHAR,
    part         VARCHAR,
    anchor_date  DATE,
    reason       VARCHAR,                                -- why value is NULL
    PRIMARY KEY (article_id, start_char)
);

CREATE TABLE IF NOT EXISTS events (
    event_id        VARCHAR PRIMARY KEY,
    article_id      VARCHAR NOT NULL REFERENCES articles (article_id),
    event_date      VARCHAR,
    date_value      DATE,
    date_precision  VARCHAR,
    actor           VARCHAR,
    action          VARCHAR,
    object          VARCHAR,
    counterpart     VARCHAR,
    location        VARCHAR,
    evidence        VARCHAR,
    start_char      INTEGER,
    end_char        INTEGER,
    confidence      DOUBLE,
    story_event_id  VARCHAR,
    local_actor     VARCHAR                              -- the article's own name for the actor
);

CREATE TABLE IF NOT EXISTS file_state (
    source_name     VARCHAR PRIMARY KEY,                 -- every file seen under the input folder
    content_hash    VARCHAR,
    article_id      VARCHAR,
    status          VARCHAR NOT NULL,                    -- loaded | duplicate | quarantined | removed
    size_bytes      BIGINT,
    mtime           TIMESTAMP,
    last_run_id     VARCHAR
);

CREATE TABLE IF NOT EXISTS quarantine (
    source_name  VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    detail       VARCHAR,
    table_name   VARCHAR,                                -- 'files' for whole inputs, else the table a row was refused from
    row_key      VARCHAR,
    run_id       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
    run_id              VARCHAR PRIMARY KEY,
    started_at          TIMESTAMP NOT NULL,
    finished_at         TIMESTAMP,
    status              VARCHAR NOT NULL,                -- completed | failed
    files_seen          INTEGER,
    files_processed     INTEGER,
    articles_loaded     INTEGER,
    files_quarantined   INTEGER,
    stage_seconds       JSON,
    validation_success  BOOLEAN,
    message             VARCHAR,
    registry_digest     VARCHAR                          -- the people registry the run used
);

CREATE TABLE IF NOT EXISTS validations (
    run_id             VARCHAR NOT NULL,
    suite              VARCHAR NOT NULL,
    expectation        VARCHAR NOT NULL,
    severity           VARCHAR,
    success            BOOLEAN NOT NULL,
    unexpected_count   INTEGER,
    unexpected_sample  VARCHAR
);
