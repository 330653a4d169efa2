-- schema_version: 7
-- The one DDL of the facts database, applied idempotently on every connect.
-- No PRIMARY KEY/UNIQUE constraints: ids are content hashes deduplicated in
-- Python, and DuckDB's WAL replay has failed on delete+reinsert of an indexed
-- key after a crash (duckdb issue 15836). Offsets: start_char/end_char index
-- articles.clean_text, raw_start/raw_end index articles.raw_text.

CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    status VARCHAR,            -- running | complete | interrupted | failed
    paths VARCHAR[],
    n_new INTEGER,
    n_unchanged INTEGER,
    n_replaced INTEGER,
    n_rejected INTEGER,
    n_failed INTEGER,          -- inputs the code failed on (a bug in facts, not the input)
    rows_written JSON,
    settings JSON,
    facts_version VARCHAR,
    interrupted_seen_at TIMESTAMP  -- when a later run found it still `running` (its process died)
);
-- Version 2 added interrupted_seen_at and n_failed; a version-1 database gets them here.
ALTER TABLE runs ADD COLUMN IF NOT EXISTS interrupted_seen_at TIMESTAMP;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS n_failed INTEGER;

CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR,        -- sha256 of the decoded raw text, 16 hex chars
    source_id VARCHAR,         -- the JSON record's own id, else NULL
    source_key VARCHAR,        -- path, or path#id for a JSON record: a new version replaces the old
    path VARCHAR,
    title VARCHAR,
    outlet VARCHAR,
    author VARCHAR,
    published DATE,
    updated DATE,
    language VARCHAR,             -- ISO 639-1 of the body, NULL when unsure
    url VARCHAR,
    format VARCHAR,            -- txt | html | json
    encoding VARCHAR,
    raw_text VARCHAR,
    clean_text VARCHAR,
    n_chars INTEGER,
    n_words INTEGER,              -- CJK characters count one word each
    status VARCHAR,
    run_id VARCHAR,
    ingested_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS sections (
    section_id VARCHAR,
    article_id VARCHAR,
    kind VARCHAR,              -- header | title | byline | meta | summary | ui | qa | related | social | attribution | foreign | page
    label VARCHAR,
    text VARCHAR,
    raw_start INTEGER,
    raw_end INTEGER,
    run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS entities (
    entity_id VARCHAR,
    name VARCHAR,
    type VARCHAR,
    aliases VARCHAR[],
    n_mentions INTEGER,
    n_articles INTEGER
);

CREATE TABLE IF NOT EXISTS mentions (
    mention_id VARCHAR,
    article_id VARCHAR,
    entity_id VARCHAR,         -- the corpus-level entity (see entities)
    article_entity_id VARCHAR, -- the entity as resolved inside its article
    entity_name VARCHAR,       -- the article-level canonical name
    entity_type VARCHAR,       -- the article-level type vote
    text VARCHAR,
    label VARCHAR,             -- the label this one mention got
    start_char INTEGER,
    end_char INTEGER,
    raw_start INTEGER,
    raw_end INTEGER,
    run_id VARCHAR
);

-- How an article's entity joined another article's (pipeline/reconcile/entities.py): method is
-- alias, short_form, acronym or spelling; shared = other entities of the article that the
-- target's articles name too; confidence = shared / the article's other entities.
CREATE TABLE IF NOT EXISTS entity_links (
    article_id VARCHAR,
    article_entity_id VARCHAR,
    entity_id VARCHAR,
    method VARCHAR,
    shared INTEGER,
    confidence DOUBLE
);

CREATE TABLE IF NOT EXISTS quantities (
    quantity_id VARCHAR,
    article_id VARCHAR,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER,
    raw_start INTEGER,
    raw_end INTEGER,
    value DOUBLE,
    low DOUBLE,
    high DOUBLE,
    qualifier VARCHAR,
    change VARCHAR,
    unit VARCHAR,
    unit_family VARCHAR,
    per_unit VARCHAR,
    scale VARCHAR,
    subject VARCHAR,
    subject_entity_id VARCHAR,          -- the corpus entity, as linked (kept current by linking)
    time_scope VARCHAR,
    measure VARCHAR,           -- the measured noun phrase, without its entity
    sentence VARCHAR,
    run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS times (
    time_id VARCHAR,
    article_id VARCHAR,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER,
    raw_start INTEGER,
    raw_end INTEGER,
    type VARCHAR,              -- DATE | TIME | DURATION | SET
    value VARCHAR,             -- TimeML value: 2026-04-06, 2026-Q1, P2Y, PRESENT_REF ...
    start_date DATE,
    end_date DATE,             -- exclusive
    granularity VARCHAR,
    anchored BOOLEAN,
    run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR,
    article_id VARCHAR,
    text VARCHAR,
    start_char INTEGER,
    end_char INTEGER,
    raw_start INTEGER,
    raw_end INTEGER,
    trigger VARCHAR,
    date VARCHAR,
    start_date DATE,
    end_date DATE,
    actors JSON,                        -- as the article resolved them: {"id", "name", ...}
    actor_entity_ids VARCHAR[],         -- the actors' corpus entities, as linked (kept current by linking)
    quantities VARCHAR[],
    status VARCHAR,
    run_id VARCHAR
);

CREATE TABLE IF NOT EXISTS facts (
    fact_id VARCHAR,
    kind VARCHAR,              -- quantity | event
    subject_entity_id VARCHAR,
    measure VARCHAR,
    value DOUBLE,
    low DOUBLE,
    high DOUBLE,
    unit VARCHAR,
    time_scope VARCHAR,
    n_sources INTEGER,
    n_independent_sources INTEGER
);

CREATE TABLE IF NOT EXISTS fact_sources (
    fact_id VARCHAR,
    article_id VARCHAR,
    item_id VARCHAR,
    quote VARCHAR,
    start_char INTEGER,
    end_char INTEGER
);

CREATE TABLE IF NOT EXISTS conflicts (
    conflict_id VARCHAR,
    fact_id_a VARCHAR,
    fact_id_b VARCHAR,
    reason VARCHAR,
    quote_a VARCHAR,
    quote_b VARCHAR
);

CREATE TABLE IF NOT EXISTS article_links (
    article_id_a VARCHAR,
    article_id_b VARCHAR,
    kind VARCHAR,              -- duplicate | translation | related
    similarity DOUBLE
);

-- Stories: the articles that report one happening (pipeline/reconcile/stories.py). story_id is
-- the content id of its first article; label = its most telling entities.
CREATE TABLE IF NOT EXISTS stories (
    story_id VARCHAR,
    label VARCHAR,
    first_published DATE,
    last_published DATE,
    n_articles INTEGER,
    n_independent_sources INTEGER  -- copies and translations of one text count once
);

CREATE TABLE IF NOT EXISTS story_articles (
    story_id VARCHAR,
    article_id VARCHAR
);

-- What reconciliation last saw (pipeline/reconcile/regions.py), so a batch redoes only the
-- regions it touches: each article's signature (its id and its corpus entity ids) and region,
-- and each article's story features (the inverted index that finds an article's neighbours).
CREATE TABLE IF NOT EXISTS reconcile_articles (
    article_id VARCHAR,
    signature VARCHAR,
    region_id VARCHAR
);

CREATE TABLE IF NOT EXISTS story_postings (
    feature VARCHAR,
    article_id VARCHAR
);

-- The name index cross-article linking keeps (pipeline/reconcile/entity_index.py), so a batch
-- redoes only the link decisions its names can change: per article entity, its keys (kind
-- 'key'), the keys it is a longer form of ('long') and its spelling block ('sp', with the key).
CREATE TABLE IF NOT EXISTS link_keys (
    article_id VARCHAR,
    article_entity_id VARCHAR,
    kind VARCHAR,
    value VARCHAR,
    key VARCHAR
);

CREATE TABLE IF NOT EXISTS ingest_errors (
    run_id VARCHAR,
    path VARCHAR,
    line INTEGER,
    error VARCHAR,             -- empty | binary | too_large | unreadable | bad_json | no_text | ...
                               -- or, for a bug in facts: read_failed | normalize_failed | extract_failed
    message VARCHAR,
    recorded_at TIMESTAMP,
    traceback VARCHAR          -- set for a bug only
);
-- Version 2 added the traceback of a failure.
ALTER TABLE ingest_errors ADD COLUMN IF NOT EXISTS traceback VARCHAR;
-- Version 3 added where an event's trigger word is (clean-text offsets).
ALTER TABLE events ADD COLUMN IF NOT EXISTS trigger_start INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS trigger_end INTEGER;
ALTER TABLE events ADD COLUMN IF NOT EXISTS date_stated BOOLEAN;
ALTER TABLE events ADD COLUMN IF NOT EXISTS theme VARCHAR;
-- Version 3 also says why two facts conflict: a sentence, and the two values in one unit.
ALTER TABLE conflicts ADD COLUMN IF NOT EXISTS detail VARCHAR;
ALTER TABLE conflicts ADD COLUMN IF NOT EXISTS value_a DOUBLE;
ALTER TABLE conflicts ADD COLUMN IF NOT EXISTS value_b DOUBLE;
ALTER TABLE conflicts ADD COLUMN IF NOT EXISTS compared_unit VARCHAR;
-- Version 6: facts are frames. A quantity keeps its clause's verb; a fact says its story, and
-- a conflict its kind (contradiction, update, rounding).
ALTER TABLE quantities ADD COLUMN IF NOT EXISTS verb VARCHAR;
ALTER TABLE facts ADD COLUMN IF NOT EXISTS story_id VARCHAR;
ALTER TABLE conflicts ADD COLUMN IF NOT EXISTS kind VARCHAR;
-- Version 7: a quantity's subject and an event's actors are their corpus entities (what facts
-- compare; events.actor_entity_ids), kept current by linking; the entity as its article resolved it moves to subject_article_entity_id. Older rows
-- held the article's id in subject_entity_id: it moves, and the next run relinks every article.
ALTER TABLE quantities ADD COLUMN IF NOT EXISTS subject_article_entity_id VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS actor_entity_ids VARCHAR[];
UPDATE quantities SET subject_article_entity_id = subject_entity_id
    WHERE subject_article_entity_id IS NULL AND subject_entity_id IS NOT NULL;
DELETE FROM meta WHERE key = 'link_settings';  -- (this file runs only on a new or older database)

CREATE OR REPLACE VIEW v_facts AS
SELECT f.*, e.name AS subject_name, e.type AS subject_type
FROM facts f LEFT JOIN entities e ON e.entity_id = f.subject_entity_id;

CREATE OR REPLACE VIEW v_timeline AS
SELECT ev.start_date, ev.end_date, ev.date, ev.trigger, ev.actors, ev.status, ev.text,
       a.title, a.outlet, ev.article_id, ev.event_id, ev.start_char, ev.end_char
FROM events ev JOIN articles a USING (article_id)
WHERE ev.start_date IS NOT NULL
ORDER BY ev.start_date, ev.end_date, ev.event_id;

CREATE OR REPLACE VIEW v_conflicts AS
SELECT c.conflict_id, c.reason, c.kind, c.detail, fa.story_id,
       fa.measure AS measure, ea.name AS subject_name, fa.time_scope,
       fa.value AS value_a, fa.unit AS unit_a, c.quote_a,
       fb.value AS value_b, fb.unit AS unit_b, c.quote_b,
       c.value_a AS compared_a, c.value_b AS compared_b, c.compared_unit,
       c.fact_id_a, c.fact_id_b
FROM conflicts c
LEFT JOIN facts fa ON fa.fact_id = c.fact_id_a
LEFT JOIN facts fb ON fb.fact_id = c.fact_id_b
LEFT JOIN entities ea ON ea.entity_id = fa.subject_entity_id;
