-- Warehouse DDL: the one place the schema is written down. English snake_case names; Khmer lives in values.
-- Built fresh into a new file on every ingest and published by atomic rename (see etl/ingest.py).

-- One row per source document (an article file, or one row of a jsonl/csv export).
-- documents, doc_records and evidence have no key constraints: etl/load.py inserts each document once
-- (its first copy) with its record and evidence; keys made the bulk load several times slower.
CREATE TABLE IF NOT EXISTS documents (
    doc_id        VARCHAR NOT NULL,         -- sha256 of the document text, 16 hex chars; unique
    source        VARCHAR NOT NULL,         -- path, or path#row for rows of exports
    url           VARCHAR,
    title         VARCHAR,
    published     DATE,
    file_hash     VARCHAR,                  -- hash of the file bytes, for skipping unchanged files
    ingested_at   TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL,         -- 'meeting' | 'not_meeting'
    text          VARCHAR NOT NULL,         -- text as read (page chrome removed); evidence offsets point here
    -- normalised text for search (no ZWSP, Arabic digits, folded spellings); stored uncompressed: FSST
    -- cost the load ~3 CPU-s per 100k articles (~35%) for ~1.2 KB per article, and searches skip decoding it
    text_norm     VARCHAR NOT NULL USING COMPRESSION uncompressed
);

-- One row per meeting. Several documents about the same meeting are merged into one row.
CREATE TABLE IF NOT EXISTS meetings (
    meeting_id          VARCHAR NOT NULL,     -- stable: derived from the first document that reported it; unique
    title               VARCHAR,
    meeting_date        DATE,
    date_year_inferred  BOOLEAN NOT NULL DEFAULT FALSE,
    date_text           VARCHAR,
    date_precision      VARCHAR NOT NULL,     -- 'day' | 'day_month' (no year) | 'none'
    province            VARCHAR,              -- English name
    province_code       VARCHAR,              -- KH-1 .. KH-25
    lead_ministry       VARCHAR,              -- official English name
    organizer           VARCHAR,
    chair               VARCHAR,              -- Khmer personal name
    chair_title         VARCHAR,
    semester            VARCHAR,              -- YYYY-S1 | YYYY-S2
    period              VARCHAR,              -- YYYY | YYYY-Qn | YYYY-MM
    meeting_type        VARCHAR,
    online              BOOLEAN NOT NULL DEFAULT FALSE,
    participants        INTEGER,
    confidence          DOUBLE NOT NULL,
    n_sources           INTEGER NOT NULL,
    corrected_fields    VARCHAR[]             -- fields whose value comes from data/corrections.csv
);

CREATE TABLE IF NOT EXISTS meeting_ministries (
    meeting_id  VARCHAR NOT NULL,
    ministry    VARCHAR NOT NULL,             -- official English name (see ministries)
    is_lead     BOOLEAN NOT NULL              -- one row per (meeting_id, ministry)
);

CREATE TABLE IF NOT EXISTS meeting_partners (
    meeting_id    VARCHAR NOT NULL,
    partner       VARCHAR NOT NULL,           -- canonical short name (see partners)
    partner_kind  VARCHAR NOT NULL            -- 'un_agency' | ... | 'other'; one row per (meeting_id, partner)
);

CREATE TABLE IF NOT EXISTS meeting_sources (
    meeting_id  VARCHAR NOT NULL,
    doc_id      VARCHAR NOT NULL              -- one row per meeting document
);

-- Where each extracted field came from: offsets into documents.text.
CREATE TABLE IF NOT EXISTS evidence (
    doc_id      VARCHAR NOT NULL,
    field       VARCHAR NOT NULL,
    snippet     VARCHAR NOT NULL,
    start_pos   INTEGER NOT NULL,
    end_pos     INTEGER NOT NULL          -- one row per (doc_id, field)
);

-- Corrections from data/corrections.csv as applied in the last ingest (applied on every ingest).
CREATE TABLE IF NOT EXISTS corrections (
    target_id   VARCHAR NOT NULL,             -- meeting_id or doc_id
    field       VARCHAR NOT NULL,
    value       VARCHAR,
    note        VARCHAR,
    author      VARCHAR,
    corrected_on DATE,
    applied     BOOLEAN NOT NULL,             -- false when the target no longer exists
    meeting_id  VARCHAR,                      -- the meeting it was applied to
    problem     VARCHAR                       -- why it was not applied (unknown target/field, bad value)
);

CREATE TABLE IF NOT EXISTS ingest_runs (
    run_id            INTEGER PRIMARY KEY,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    inputs            VARCHAR,                -- the paths given
    files_seen        INTEGER,
    files_new         INTEGER,
    files_changed     INTEGER,
    files_unchanged   INTEGER,
    files_rejected    INTEGER,
    meetings_added    INTEGER,
    meetings_updated  INTEGER,
    meetings_merged   INTEGER
);

CREATE TABLE IF NOT EXISTS rejected_inputs (
    source      VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,
    file_hash   VARCHAR,
    run_id      INTEGER,
    seen_at     TIMESTAMP NOT NULL
);

-- Dimension tables filled from the gazetteers in etl/data, so pages can show both scripts.
CREATE TABLE IF NOT EXISTS dim_ministries (
    ministry  VARCHAR PRIMARY KEY,            -- official English name
    name_km   VARCHAR NOT NULL,
    short_en  VARCHAR                         -- e.g. MoH
);

CREATE TABLE IF NOT EXISTS dim_provinces (
    province_code  VARCHAR PRIMARY KEY,       -- KH-1 .. KH-25
    province       VARCHAR NOT NULL,          -- English
    name_km        VARCHAR NOT NULL,
    lat            DOUBLE NOT NULL,
    lon            DOUBLE NOT NULL
);

CREATE TABLE IF NOT EXISTS dim_partners (
    partner       VARCHAR PRIMARY KEY,
    partner_kind  VARCHAR NOT NULL,
    name_km       VARCHAR
);

-- Fields on which the sources of a merged meeting disagree (the meeting row holds the best-evidenced value).
CREATE TABLE IF NOT EXISTS meeting_conflicts (
    meeting_id  VARCHAR NOT NULL,
    field       VARCHAR NOT NULL,             -- meeting_date | province | lead_ministry | organizer | chair
    values_seen VARCHAR[] NOT NULL            -- the distinct values the sources give; one row per (meeting_id, field)
);

-- The extractor's record for every document, as extracted (before dedup and corrections).
-- Meetings are rebuilt from these rows on every ingest, so an unchanged file is never re-read.
CREATE TABLE IF NOT EXISTS doc_records (
    doc_id              VARCHAR NOT NULL,     -- unique
    is_meeting          BOOLEAN NOT NULL,
    confidence          DOUBLE NOT NULL,
    meeting_date        DATE,
    date_year_inferred  BOOLEAN NOT NULL,
    date_text           VARCHAR,
    province            VARCHAR,
    province_code       VARCHAR,
    lead_ministry       VARCHAR,
    ministries          VARCHAR[] NOT NULL,
    organizer           VARCHAR,
    chair               VARCHAR,
    chair_title         VARCHAR,
    partners            VARCHAR[] NOT NULL,
    semester            VARCHAR,
    period              VARCHAR,
    meeting_type        VARCHAR,
    online              BOOLEAN NOT NULL,
    participants        INTEGER
);

-- Every input file seen, so unchanged files are skipped (same size and mtime, or same content hash).
CREATE TABLE IF NOT EXISTS source_files (
    path        VARCHAR PRIMARY KEY,          -- as given on the command line, resolved to absolute
    file_hash   VARCHAR,                      -- sha256 of the bytes (NULL when too large to read)
    size        BIGINT NOT NULL,
    mtime_ns    BIGINT NOT NULL,
    status      VARCHAR NOT NULL,             -- 'loaded' | 'rejected'
    n_docs      INTEGER NOT NULL,             -- documents loaded from it (rows of jsonl/csv exports)
    doc_ids     VARCHAR[] NOT NULL,           -- those documents (a changed file replaces exactly these)
    run_id      INTEGER NOT NULL              -- the ingest run that last read it
);

-- Meetings with their lists flattened, for tables and exports.
CREATE OR REPLACE VIEW meetings_flat AS
SELECT m.*,
       coalesce((SELECT list(mm.ministry ORDER BY mm.ministry) FROM meeting_ministries mm
                 WHERE mm.meeting_id = m.meeting_id), []) AS ministries,
       coalesce((SELECT list(mp.partner ORDER BY mp.partner) FROM meeting_partners mp
                 WHERE mp.meeting_id = m.meeting_id), []) AS partners,
       coalesce((SELECT list(ms.doc_id ORDER BY ms.doc_id) FROM meeting_sources ms
                 WHERE ms.meeting_id = m.meeting_id), []) AS doc_ids
FROM meetings m;

-- Meetings a person should look at: missing key fields, low confidence, or sources that disagree.
CREATE OR REPLACE VIEW review_queue AS
SELECT m.meeting_id, m.title, m.meeting_date, m.province, m.lead_ministry, m.organizer, m.confidence,
       m.n_sources,
       concat_ws('; ',
           CASE WHEN m.meeting_date IS NULL THEN 'no date' END,
           CASE WHEN m.province IS NULL THEN 'no province' END,
           CASE WHEN m.lead_ministry IS NULL AND m.organizer IS NULL THEN 'no organiser' END,
           CASE WHEN m.confidence < 0.6 THEN 'low confidence' END,
           CASE WHEN c.fields IS NOT NULL THEN 'sources disagree on ' || array_to_string(c.fields, ', ') END
       ) AS reasons
FROM meetings m
LEFT JOIN (SELECT meeting_id, list(field ORDER BY field) AS fields FROM meeting_conflicts
           GROUP BY meeting_id) c ON c.meeting_id = m.meeting_id
WHERE m.meeting_date IS NULL OR m.province IS NULL
   OR (m.lead_ministry IS NULL AND m.organizer IS NULL) OR m.confidence < 0.6 OR c.fields IS NOT NULL;

-- Facts about the warehouse itself, e.g. ('dataset', 'demo') for the synthetic demo warehouse.
CREATE TABLE IF NOT EXISTS warehouse_meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR
);

-- Read-side tables derived from the meeting tables at publish time (etl/aggregates.py rebuilds them;
-- warehouse_meta 'aggregates_corrections' says which applied corrections they include).
-- Facts: the meeting columns filters test, on every row, ordered by date (meeting_key follows the date).
CREATE TABLE IF NOT EXISTS meeting_facts (
    meeting_key     INTEGER NOT NULL,         -- 1.. in (meeting_date NULLS LAST, meeting_id) order
    meeting_id      VARCHAR NOT NULL,
    meeting_date    DATE,
    province        VARCHAR,
    lead_ministry   VARCHAR,
    organizer       VARCHAR,
    semester        VARCHAR,
    period          VARCHAR,
    meeting_type    VARCHAR,
    ministries      VARCHAR[] NOT NULL,       -- participating: listed ministries plus the lead, distinct
    partners        VARCHAR[] NOT NULL,
    partner_kinds   VARCHAR[] NOT NULL,
    has_ministries  BOOLEAN NOT NULL,         -- meeting_ministries lists at least one ministry
    has_partners    BOOLEAN NOT NULL,
    title           VARCHAR,                  -- the Explorer's columns, so its page needs no join
    chair           VARCHAR,
    province_code   VARCHAR,
    online          BOOLEAN NOT NULL,
    n_sources       INTEGER NOT NULL,
    date_year_inferred BOOLEAN NOT NULL,
    has_chair_title BOOLEAN NOT NULL,
    has_participants BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS partner_facts (    -- one row per (meeting, partner)
    meeting_key INTEGER NOT NULL, partner VARCHAR NOT NULL, partner_kind VARCHAR NOT NULL,
    meeting_id VARCHAR NOT NULL, meeting_date DATE, province VARCHAR, lead_ministry VARCHAR,
    organizer VARCHAR, semester VARCHAR, period VARCHAR, meeting_type VARCHAR,
    ministries VARCHAR[] NOT NULL, partners VARCHAR[] NOT NULL, partner_kinds VARCHAR[] NOT NULL
);

CREATE TABLE IF NOT EXISTS ministry_facts (   -- one row per (meeting, participating ministry)
    meeting_key INTEGER NOT NULL, ministry VARCHAR NOT NULL,
    meeting_id VARCHAR NOT NULL, meeting_date DATE, province VARCHAR, lead_ministry VARCHAR,
    organizer VARCHAR, semester VARCHAR, period VARCHAR, meeting_type VARCHAR,
    ministries VARCHAR[] NOT NULL, partners VARCHAR[] NOT NULL, partner_kinds VARCHAR[] NOT NULL
);

-- Counts over all meetings (pages opened without filters read these few thousand rows).
CREATE TABLE IF NOT EXISTS agg_days (
    day DATE, meetings BIGINT NOT NULL, semester_reviews BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS agg_month_groups (   -- grp_by: ministry | province | organizer | type
    grp_by VARCHAR NOT NULL, month DATE NOT NULL, grp VARCHAR, meetings BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS agg_values (         -- kind: province | meeting_type | semester | ministry
    kind VARCHAR NOT NULL, value VARCHAR, meetings BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS agg_partners (
    partner VARCHAR NOT NULL, partner_kind VARCHAR NOT NULL, lead_ministry VARCHAR, province VARCHAR,
    meetings BIGINT NOT NULL, first_seen DATE, last_seen DATE
);
CREATE TABLE IF NOT EXISTS agg_partner_months (
    month DATE NOT NULL, partner VARCHAR NOT NULL, meetings BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS agg_partner_ministries (
    partner VARCHAR NOT NULL, ministry VARCHAR NOT NULL, meetings BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS agg_partner_pairs (
    partner VARCHAR NOT NULL, other VARCHAR NOT NULL, meetings BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS agg_semesters (      -- grp_by: ministry | province | organizer
    grp_by VARCHAR NOT NULL, unit VARCHAR NOT NULL, semester VARCHAR NOT NULL, review_date DATE,
    reviews BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS agg_periodic (       -- annual, quarterly and monthly reviews per unit
    meeting_type VARCHAR NOT NULL, period VARCHAR, unit VARCHAR, meetings BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS agg_coverage (       -- field -> meetings that have it ('total': all meetings)
    field VARCHAR NOT NULL, meetings BIGINT NOT NULL
);
-- The review_queue view's rows with the filter columns of meeting_facts, in the page's order.
CREATE TABLE IF NOT EXISTS review_facts (
    queue_rank INTEGER NOT NULL,              -- 1.. in the page's order (lowest confidence first)
    meeting_id VARCHAR NOT NULL, title VARCHAR, meeting_date DATE, province VARCHAR, lead_ministry VARCHAR,
    organizer VARCHAR, confidence DOUBLE NOT NULL, n_sources INTEGER NOT NULL, reasons VARCHAR,
    semester VARCHAR, period VARCHAR, meeting_type VARCHAR,
    ministries VARCHAR[] NOT NULL, partners VARCHAR[] NOT NULL, partner_kinds VARCHAR[] NOT NULL
);
