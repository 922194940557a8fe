-- compare's pivot, kept ready by the import: for each indicator, unit, year and kind, the value
-- the pivot shows — the one of the current documents that comes last in the order undated
-- documents last, then by issue date, then by id (the rule `compare` has always applied).
-- Clustered on its key, so one indicator's pivot is one range scan, whatever the archive's size.
CREATE TABLE pivot_values (
    code        TEXT    NOT NULL,
    unit_id     INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    value_num   REAL,
    value_text  TEXT,
    document_id INTEGER NOT NULL,
    PRIMARY KEY (code, unit_id, year, kind)
) WITHOUT ROWID;

CREATE INDEX pivot_values_unit_year ON pivot_values(unit_id, year);

INSERT INTO pivot_values (code, unit_id, year, kind, value_num, value_text, document_id)
SELECT code, unit_id, year, kind, value_num, value_text, document_id FROM (
    SELECT o.code, d.unit_id, d.year, o.kind, o.value_num, o.value_text, o.document_id,
           ROW_NUMBER() OVER (PARTITION BY o.code, d.unit_id, d.year, o.kind
                              ORDER BY d.issued_date IS NULL DESC, d.issued_date DESC, d.id DESC) AS rank
    FROM observations o JOIN documents d ON d.id = o.document_id
    WHERE d.superseded_by IS NULL AND d.year IS NOT NULL AND d.unit_id IS NOT NULL)
WHERE rank = 1;
