-- pivot_values keyed by unit, then year: a (unit, year) cell is one range of the table. What a
-- document's import reads and writes of the pivot is its cell (its forty values, written
-- together; the district's own figures of that year and its communes' figures of that year, which
-- the rollup check adds up), and keyed by unit then indicator each of those was forty places of
-- the unit's run, read through a second index on (unit, year) that held no indicator: the
-- rollup's sum of a district's communes looked each of their values up again in the table
-- (benchmarks/bench_archive.py: most of the checks' cost once every unit has its years). That
-- index goes: the table's own key serves every search it served, and each document stored
-- writes forty entries fewer. A unit is still one range (the unit page, a pivot row regrouped:
-- store/pivot.py orders its cells by indicator, year and kind before grouping them).
CREATE TABLE pivot_values_by_year (
    code        TEXT    NOT NULL,
    unit_id     INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    value_num   REAL,
    value_text  TEXT,
    document_id INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year, code, kind)
) WITHOUT ROWID;

INSERT INTO pivot_values_by_year (code, unit_id, year, kind, value_num, value_text, document_id)
SELECT code, unit_id, year, kind, value_num, value_text, document_id FROM pivot_values
ORDER BY unit_id, year, code, kind;

DROP TABLE pivot_values;

ALTER TABLE pivot_values_by_year RENAME TO pivot_values;
