-- The pivot kept in unit order. Stored keyed by indicator first, one document's forty values
-- landed in forty places of pivot_values and of pivot_rows (and of their unit indexes), so each
-- stored document dirtied some 180 pages scattered over the file, and on a large archive the
-- writer spent most of its time reading and writing them back (benchmarks/bench_archive.py: the
-- last documents of 100,000 cost 2.5 times the first). Keyed by unit first, a document's values
-- fall in its unit's run of each b-tree: a few pages of pivot_values (unit, indicator, year, kind:
-- a unit's row of pivot_rows is still one range of it, in order), of its (unit, year) index, and
-- of pivot_rows. compare still reads one indicator in one range, of the index on pivot_rows(code),
-- which a document's import leaves alone once its unit has a row of that indicator (the row is
-- updated in place: store/pivot.py).
CREATE TABLE pivot_values_by_unit (
    code        TEXT    NOT NULL,
    unit_id     INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    value_num   REAL,
    value_text  TEXT,
    document_id INTEGER NOT NULL,
    PRIMARY KEY (unit_id, code, year, kind)
) WITHOUT ROWID;

INSERT INTO pivot_values_by_unit (code, unit_id, year, kind, value_num, value_text, document_id)
SELECT code, unit_id, year, kind, value_num, value_text, document_id FROM pivot_values
ORDER BY unit_id, code, year, kind;

DROP TABLE pivot_values;

ALTER TABLE pivot_values_by_unit RENAME TO pivot_values;

CREATE INDEX pivot_values_unit_year_values ON pivot_values(unit_id, year, value_num, document_id);

CREATE TABLE pivot_rows_by_unit (
    code      TEXT    NOT NULL,
    unit_id   INTEGER NOT NULL,
    years     TEXT    NOT NULL,
    kinds     TEXT    NOT NULL,
    nums      TEXT    NOT NULL,
    texts     TEXT,
    documents TEXT    NOT NULL,
    PRIMARY KEY (unit_id, code)
) WITHOUT ROWID;

INSERT INTO pivot_rows_by_unit (code, unit_id, years, kinds, nums, texts, documents)
SELECT code, unit_id, years, kinds, nums, texts, documents FROM pivot_rows ORDER BY unit_id, code;

DROP TABLE pivot_rows;

ALTER TABLE pivot_rows_by_unit RENAME TO pivot_rows;

CREATE INDEX pivot_rows_code ON pivot_rows(code);
