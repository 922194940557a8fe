-- Consistency checks kept (issue 18; extractor/checks/results.py writes and reads these tables).
-- A check result is one check judged on one subject: a report's identity (its document and the
-- codes it ties), a unit's history of one indicator in one year, or a district's figure against
-- its communes' in one year. Status: open (it fails and nobody decided), ok (it holds now: a
-- correction or a new reading resolved it), accepted (a reviewer said the figures stand as printed).
-- A failing result has a review item of category 'inconsistent' (found by its item_key, as a
-- re-extraction makes the document's review items anew). IF NOT EXISTS throughout: an archive set
-- back to an earlier version runs the migrations after it again, this one included.

CREATE TABLE IF NOT EXISTS check_results (
    id          INTEGER PRIMARY KEY,
    check_id    TEXT NOT NULL,                 -- the id in patterns/checks.yaml
    kind        TEXT NOT NULL,                 -- sum, ratio, ordering, range, history, rollup
    subject     TEXT NOT NULL,                 -- what was judged: doc:ID:codes, or cell:UNIT:YEAR:code[@target]
    document_id INTEGER,                       -- the report (identity), the document of the flagged figure (history),
                                               -- or the district's own report (rollup)
    unit_id     INTEGER,
    year        INTEGER,
    codes       TEXT NOT NULL,                 -- JSON list of the terms it ties ("code" or "code@target")
    status      TEXT NOT NULL CHECK (status IN ('open', 'ok', 'accepted')),
    seen        TEXT NOT NULL,                 -- JSON: the values judged (and, history, what was expected)
    repair      TEXT,                          -- JSON: the one misreading that explains it {code, kind, value, was, ...}
    message     TEXT NOT NULL,                 -- English, as reasons are stored
    message_vi  TEXT NOT NULL,
    item_key    TEXT,                          -- its review item (category inconsistent)
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (check_id, subject)
);
CREATE INDEX IF NOT EXISTS check_results_document ON check_results(document_id, status);
CREATE INDEX IF NOT EXISTS check_results_unit ON check_results(unit_id, status);
CREATE INDEX IF NOT EXISTS check_results_item ON check_results(document_id, item_key);

-- The pivot cells a result flags: a report's figures, a year of a unit's series, a district and
-- its communes. compare reads them by code (one range scan per indicator) and marks a cell when
-- the flagged figure is the one it shows (same document).
CREATE TABLE IF NOT EXISTS check_cells (
    code        TEXT    NOT NULL,
    unit_id     INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    result_id   INTEGER NOT NULL REFERENCES check_results(id),
    document_id INTEGER,
    PRIMARY KEY (code, unit_id, year, kind, result_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS check_cells_result ON check_cells(result_id);

-- Documents stored (or read again) whose cells the history and rollup checks have not judged yet:
-- written with the document, in its transaction, and taken by the next run (at the end of the
-- import, or `xhht check`), so an interrupted import leaves nothing unjudged and nothing is judged twice.
CREATE TABLE IF NOT EXISTS check_pending (
    document_id INTEGER PRIMARY KEY
);

-- Each run of the history and rollup checks, for the record.
CREATE TABLE IF NOT EXISTS check_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    scope       TEXT NOT NULL,                 -- import, changed, all
    cells       INTEGER DEFAULT 0,             -- (unit, year, code) cells judged
    failed      INTEGER DEFAULT 0              -- results open after the run
);

-- What the runs look up: a commune's district and a
-- district's communes, a province's districts (by the names the units table keeps).
CREATE INDEX IF NOT EXISTS units_name ON units(name);
CREATE INDEX IF NOT EXISTS units_district ON units(district);
CREATE INDEX IF NOT EXISTS units_province ON units(province);

-- The queue: an inconsistent item whose check now holds is closed ('ok') without a person's decision.
DROP VIEW IF EXISTS review_queue;
CREATE VIEW review_queue AS
SELECT r.id, p.path, d.id AS document_id, d.sha256, d.unit_name, d.year, d.report_type, r.kind, r.category,
       r.label, r.raw_value, r.location, r.reason, r.best_code, r.score, r.suggestion, r.item_key,
       CASE WHEN c.id IS NOT NULL THEN c.action
            WHEN r.category = 'inconsistent' AND EXISTS (
                SELECT 1 FROM check_results x WHERE x.document_id = r.document_id AND x.item_key = r.item_key
                AND x.status = 'ok') AND NOT EXISTS (SELECT 1 FROM check_results y
                WHERE y.document_id = r.document_id AND y.item_key = r.item_key AND y.status = 'open')
            THEN 'ok' ELSE 'open' END AS status,
       c.id AS correction_id
FROM review_items r
JOIN documents d ON d.id = r.document_id AND d.superseded_by IS NULL
LEFT JOIN (SELECT document_id, MAX(path) AS path FROM document_paths GROUP BY document_id) p
       ON p.document_id = d.id
LEFT JOIN (SELECT sha256, item_key, MAX(id) AS id FROM corrections
           WHERE active = 1 AND item_key IS NOT NULL GROUP BY sha256, item_key) k
       ON k.item_key = r.item_key AND k.sha256 = d.sha256
LEFT JOIN corrections c ON c.id = k.id;
