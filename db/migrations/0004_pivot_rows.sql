-- compare's pivot by unit: one row per indicator and unit that holds the unit's cells of
-- `pivot_values` as aligned lists separated by char(31) (years, kinds, values, documents).
-- A pivot of every unit of the country is then a few thousand rows, each split in C, instead
-- of one Python row per cell. Kept up to date by the import with `pivot_values`. xhht_real is
-- a function the store registers on its connections (SQLite's own printf does not round-trip).
CREATE TABLE pivot_rows (
    code      TEXT    NOT NULL,
    unit_id   INTEGER NOT NULL,
    years     TEXT    NOT NULL,
    kinds     TEXT    NOT NULL,
    nums      TEXT    NOT NULL,   -- value_num as Python's repr (exact on the way back), '' where it is NULL
    texts     TEXT,               -- value_text aligned with nums; NULL when every value is a number
    documents TEXT    NOT NULL,
    PRIMARY KEY (code, unit_id)
) WITHOUT ROWID;

CREATE INDEX pivot_rows_unit ON pivot_rows(unit_id);

INSERT INTO pivot_rows (code, unit_id, years, kinds, nums, texts, documents)
SELECT code, unit_id, group_concat(year, char(31)), group_concat(kind, char(31)),
       group_concat(xhht_real(value_num), char(31)),
       CASE WHEN count(value_text) > 0 THEN group_concat(coalesce(value_text, ''), char(31)) END,
       group_concat(document_id, char(31))
FROM pivot_values GROUP BY code, unit_id;
