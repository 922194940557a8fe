-- xhht-extractor database, version 1.
-- One row per distinct file content (sha256) in `documents`; everything read from a document
-- hangs off it and is replaced together, in one transaction, when the document is re-extracted.

CREATE TABLE units (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,      -- folded "level|name|district|province": one identity across years
    level         TEXT,                      -- xã, phường, thị trấn, huyện, quận, thị xã, thành phố, tỉnh
    name          TEXT NOT NULL,
    district      TEXT,
    province      TEXT,
    merged_into   TEXT,                      -- the unit it became in the 2025 merger (underthesea.address)
    merged_province TEXT
);

CREATE TABLE documents (
    id                INTEGER PRIMARY KEY,
    sha256            TEXT NOT NULL UNIQUE,
    format            TEXT NOT NULL,         -- docx, pdf, txt, doc, scan
    size              INTEGER NOT NULL,
    pages             INTEGER,
    imported_at       TEXT NOT NULL,
    extracted_at      TEXT NOT NULL,
    report_type       TEXT NOT NULL,
    unit_id           INTEGER REFERENCES units(id),
    unit_name         TEXT,
    unit_level        TEXT,
    district          TEXT,
    province          TEXT,
    year              INTEGER,
    period            TEXT,
    issued_date       TEXT,
    doc_number        TEXT,
    reader_method     TEXT,                  -- text, converted, ocr
    reader_notes      TEXT,                  -- JSON list
    extractor_version TEXT NOT NULL,
    patterns_version  TEXT NOT NULL,
    superseded_by     INTEGER REFERENCES documents(id),   -- a newer version of the same file path
    full_text         TEXT
);

-- Every path a document's content was found at (the same file may sit in several folders).
CREATE TABLE document_paths (
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    path         TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    PRIMARY KEY (document_id, path)
);
CREATE INDEX document_paths_path ON document_paths(path);

CREATE TABLE indicators (
    code         TEXT PRIMARY KEY,
    report_type  TEXT NOT NULL,
    grp          TEXT,
    label        TEXT NOT NULL,
    unit         TEXT,
    value_type   TEXT NOT NULL
);

CREATE TABLE observations (
    id             INTEGER PRIMARY KEY,
    document_id    INTEGER NOT NULL REFERENCES documents(id),
    code           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('target', 'actual')),
    value_num      REAL,
    value_text     TEXT,
    unit           TEXT,
    raw_label      TEXT,
    raw_value      TEXT,
    location       TEXT,
    score          REAL,
    method         TEXT,                     -- table, inline, narrative, prose, ocr
    ocr_confidence REAL,
    UNIQUE (document_id, code, kind)
);
CREATE INDEX observations_code ON observations(code, kind);

CREATE TABLE activities (
    id               INTEGER PRIMARY KEY,
    document_id      INTEGER NOT NULL REFERENCES documents(id),
    seq              INTEGER NOT NULL,
    name             TEXT NOT NULL,
    participants     INTEGER,
    raw_participants TEXT,
    host             TEXT,
    partners         TEXT,
    location         TEXT
);
CREATE INDEX activities_document ON activities(document_id);

-- What a person should look at: unmatched labels, ambiguous cells, unclear values, weak matches.
CREATE TABLE review_items (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id),
    kind         TEXT NOT NULL,              -- unmatched or warning
    label        TEXT,
    raw_value    TEXT,
    location     TEXT,
    reason       TEXT NOT NULL,
    best_code    TEXT,
    score        REAL
);
CREATE INDEX review_items_document ON review_items(document_id);

CREATE TABLE import_errors (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL,
    sha256       TEXT,
    error        TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (path, sha256)
);

CREATE TABLE import_runs (
    id           INTEGER PRIMARY KEY,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    command      TEXT,
    imported     INTEGER DEFAULT 0,
    unchanged    INTEGER DEFAULT 0,
    skipped      INTEGER DEFAULT 0,
    failed       INTEGER DEFAULT 0,
    reextracted  INTEGER DEFAULT 0,
    status       TEXT NOT NULL DEFAULT 'running'   -- running, done, interrupted
);

-- What changed when a document was re-extracted after patterns/ or the extractor changed.
CREATE TABLE extraction_history (
    id                INTEGER PRIMARY KEY,
    document_id       INTEGER NOT NULL REFERENCES documents(id),
    extracted_at      TEXT NOT NULL,
    old_extractor     TEXT,
    old_patterns      TEXT,
    new_extractor     TEXT,
    new_patterns      TEXT,
    changes           TEXT NOT NULL          -- JSON list of {code, kind, old, new}
);

CREATE INDEX documents_unit_year ON documents(unit_id, year);
CREATE INDEX documents_current ON documents(superseded_by);

-- The researcher's views. Only current documents (not superseded by a newer file version).
CREATE VIEW indicator_values AS
SELECT o.code, i.label AS indicator, o.kind, COALESCE(o.value_num, o.value_text) AS value, o.unit,
       u.id AS unit_id, u.level AS unit_level, u.name AS unit_name, u.district, u.province,
       d.year, d.period, d.issued_date, d.report_type, d.id AS document_id, d.sha256,
       o.raw_label, o.raw_value, o.location, o.score, o.method
FROM observations o
JOIN documents d ON d.id = o.document_id AND d.superseded_by IS NULL
LEFT JOIN units u ON u.id = d.unit_id
LEFT JOIN indicators i ON i.code = o.code;

-- One value per unit, indicator, kind and period: when a unit reported twice for one period,
-- the latest issued (then latest imported) document wins.
CREATE VIEW latest_values AS
SELECT * FROM (
    SELECT v.*, ROW_NUMBER() OVER (
        PARTITION BY v.unit_id, v.code, v.kind, v.period
        ORDER BY v.issued_date DESC NULLS LAST, v.document_id DESC) AS rank
    FROM indicator_values v
) WHERE rank = 1;

CREATE VIEW review_queue AS
SELECT r.id, p.path, d.unit_name, d.year, d.report_type, r.kind, r.label, r.raw_value, r.location,
       r.reason, r.best_code, r.score
FROM review_items r
JOIN documents d ON d.id = r.document_id AND d.superseded_by IS NULL
LEFT JOIN (SELECT document_id, MAX(path) AS path FROM document_paths GROUP BY document_id) p
       ON p.document_id = d.id;
