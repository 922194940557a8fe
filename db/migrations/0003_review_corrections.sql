-- Review items that carry what a person needs to decide, and corrections that survive
-- re-extraction. Corrections are keyed by the document's content (sha256) and the indicator
-- code (or the review item's key), never by row ids, which a re-extraction changes. The raw
-- extraction in `observations` is never overwritten: the researcher's views read
-- `effective_observations`, where a correction in force replaces (or removes, or adds) a value.

ALTER TABLE review_items ADD COLUMN category TEXT;     -- see extractor/review.py CATEGORIES
ALTER TABLE review_items ADD COLUMN item_key TEXT;     -- identity across re-extractions
ALTER TABLE review_items ADD COLUMN context TEXT;      -- JSON: row, cell, line, paragraphs around
ALTER TABLE review_items ADD COLUMN suggestion TEXT;   -- JSON: {code, kind, value, score}
ALTER TABLE review_items ADD COLUMN candidates TEXT;   -- JSON list: units of an ambiguous name, readings of a conflict
ALTER TABLE review_items ADD COLUMN details TEXT;      -- JSON: labels and values of an ambiguous cell, …
ALTER TABLE review_items ADD COLUMN page INTEGER;
ALTER TABLE review_items ADD COLUMN box TEXT;          -- JSON [left, top, right, bottom] on the OCR'd page
ALTER TABLE review_items ADD COLUMN crop BLOB;         -- PNG of that region of the scanned page

CREATE INDEX review_items_key ON review_items(item_key);

CREATE TABLE corrections (
    id          INTEGER PRIMARY KEY,
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
    created_at  TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,    -- 0 once a later correction of the same thing replaced it
    history     TEXT NOT NULL DEFAULT '[]',    -- JSON events: replaced, the extraction now agrees, …
    UNIQUE (sha256, target, action, code, kind, item_key, created_at, author)
);
CREATE INDEX corrections_value ON corrections(sha256, code, kind) WHERE active = 1;
CREATE INDEX corrections_item ON corrections(item_key) WHERE active = 1;

-- Every stored value as the researcher should see it: the extraction, unless a correction in
-- force says otherwise (source = 'correction', with the extracted value beside it).
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

DROP VIEW latest_values;
DROP VIEW indicator_values;
DROP VIEW review_queue;

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
