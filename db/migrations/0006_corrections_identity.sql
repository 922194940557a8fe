-- A correction's identity and order no longer hang on a timestamp's resolution. Corrections were
-- told apart by (what, created_at to the second, author): two decisions on one review item within
-- a second collided (IntegrityError), and two corrections of one value within a second, carried
-- to another database, were taken for one ("already present") so the later was lost. Now each
-- correction has its own id `uid`, which travels with it (a correction is present in a database
-- when its uid is), and `created_at` is UTC to the microsecond and never earlier than the
-- database's previous correction (extractor/corrections.py `_stamp`): (created_at, id) is the
-- order of decisions, the latest decision on a thing is in force, and an import replays a file
-- in that order. SQLite cannot drop a table constraint: the table is made again, and the views
-- that read it are dropped first and made again as they were (db/migrations/0003).

DROP VIEW review_queue;
DROP VIEW latest_values;
DROP VIEW indicator_values;
DROP VIEW effective_observations;

CREATE TABLE corrections_new (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,          -- this correction, in every database it is carried to
    sha256      TEXT NOT NULL,                 -- the document's content
    target      TEXT NOT NULL CHECK (target IN ('value', 'unit', 'review')),
    action      TEXT NOT NULL CHECK (action IN ('set', 'delete', 'pick', 'reject')),
    code        TEXT,                          -- value: the indicator
    kind        TEXT CHECK (kind IS NULL OR kind IN ('target', 'actual')),
    value_num   REAL,
    value_text  TEXT,
    unit        TEXT,                          -- JSON {unit_name, unit_level, district, province} for a pick
    old_value   TEXT,                          -- JSON: what the extraction said when the correction was made
    item_key    TEXT,                          -- the review item this resolves, if any
    note        TEXT,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,                 -- UTC, YYYY-MM-DDTHH:MM:SS.ffffff+00:00: sorts as it happened
    active      INTEGER NOT NULL DEFAULT 1,    -- 0 once a later correction of the same thing replaced it
    history     TEXT NOT NULL DEFAULT '[]'     -- JSON events: replaced, the extraction now agrees, …
);

-- Every correction kept, with its id; a time to the second becomes the same time to the microsecond.
INSERT INTO corrections_new (id, uid, sha256, target, action, code, kind, value_num, value_text, unit, old_value,
                             item_key, note, author, created_at, active, history)
SELECT id, lower(hex(randomblob(16))), sha256, target, action, code, kind, value_num, value_text, unit, old_value,
       item_key, note, author,
       CASE WHEN created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]+00:00'
            THEN substr(created_at, 1, 19) || '.000000+00:00' ELSE created_at END,
       active, history
FROM corrections;

DROP TABLE corrections;
ALTER TABLE corrections_new RENAME TO corrections;

CREATE INDEX corrections_value ON corrections(sha256, code, kind) WHERE active = 1;
CREATE INDEX corrections_item ON corrections(item_key) WHERE active = 1;
CREATE INDEX corrections_order ON corrections(created_at);

-- The views that read corrections, unchanged from 0003.
CREATE VIEW effective_observations AS
SELECT o.id AS observation_id, o.document_id, o.code, o.kind,
       CASE WHEN c.id IS NULL THEN o.value_num ELSE c.value_num END AS value_num,
       CASE WHEN c.id IS NULL THEN o.value_text ELSE c.value_text END AS value_text,
       o.unit, o.raw_label, o.raw_value, o.location, o.score, o.method, o.ocr_confidence,
       CASE WHEN c.id IS NULL THEN 'extraction' ELSE 'correction' END AS source,
       COALESCE(o.value_num, o.value_text) AS extracted_value, c.id AS correction_id
FROM observations o
JOIN documents d ON d.id = o.document_id
LEFT JOIN corrections c ON c.active = 1 AND c.target = 'value' AND c.sha256 = d.sha256
                        AND c.code = o.code AND c.kind = o.kind
WHERE c.action IS NULL OR c.action != 'delete'
UNION ALL
SELECT NULL, d.id, c.code, c.kind, c.value_num, c.value_text, i.unit, NULL, NULL, NULL, NULL, 'correction', NULL,
       'correction', NULL, c.id
FROM corrections c
JOIN documents d ON d.sha256 = c.sha256
LEFT JOIN indicators i ON i.code = c.code
WHERE c.active = 1 AND c.target = 'value' AND c.action = 'set'
  AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.document_id = d.id AND o.code = c.code AND o.kind = c.kind);

CREATE VIEW indicator_values AS
SELECT o.code, i.label AS indicator, o.kind, COALESCE(o.value_num, o.value_text) AS value, o.unit,
       u.id AS unit_id, u.level AS unit_level, u.name AS unit_name, u.district, u.province,
       d.year, d.period, d.issued_date, d.report_type, d.id AS document_id, d.sha256,
       o.raw_label, o.raw_value, o.location, o.score, o.method, o.source, o.extracted_value
FROM effective_observations o
JOIN documents d ON d.id = o.document_id AND d.superseded_by IS NULL
LEFT JOIN units u ON u.id = d.unit_id
LEFT JOIN indicators i ON i.code = o.code;

CREATE VIEW latest_values AS
SELECT * FROM (
    SELECT v.*, ROW_NUMBER() OVER (
        PARTITION BY v.unit_id, v.code, v.kind, v.period
        ORDER BY v.issued_date DESC NULLS LAST, v.document_id DESC) AS rank
    FROM indicator_values v
) WHERE rank = 1;

-- The queue: items of current documents, open unless a correction in force resolves them.
CREATE VIEW review_queue AS
SELECT r.id, p.path, d.id AS document_id, d.sha256, d.unit_name, d.year, d.report_type, r.kind, r.category,
       r.label, r.raw_value, r.location, r.reason, r.best_code, r.score, r.suggestion, r.item_key,
       CASE WHEN c.id IS NULL THEN 'open' ELSE c.action END AS status, c.id AS correction_id
FROM review_items r
JOIN documents d ON d.id = r.document_id AND d.superseded_by IS NULL
LEFT JOIN (SELECT document_id, MAX(path) AS path FROM document_paths GROUP BY document_id) p
       ON p.document_id = d.id
LEFT JOIN (SELECT sha256, item_key, MAX(id) AS id FROM corrections
           WHERE active = 1 AND item_key IS NOT NULL GROUP BY sha256, item_key) k
       ON k.item_key = r.item_key AND k.sha256 = d.sha256
LEFT JOIN corrections c ON c.id = k.id;

-- Units are made only with a document; one no document is left in (a `review pick` moved it away
-- before the store removed such units, extractor/store.py `_drop_empty_units`) is removed too.
DELETE FROM units WHERE NOT EXISTS (SELECT 1 FROM documents WHERE documents.unit_id = units.id);
