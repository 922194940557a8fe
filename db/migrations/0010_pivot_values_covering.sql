-- A district's rollup check reads its communes' values of one year (checks/results.py,
-- CHILD_VALUES: unit_id IN (…) AND year = ? AND value_num IS NOT NULL). Through the index on
-- (unit_id, year) alone each of those rows was a second look-up in pivot_values' own b-tree, keyed
-- by indicator first: on a large archive the rollup's reads were the largest part of the checks
-- run after an import (benchmarks/bench_archive.py). With the value and its document in the index
-- the read is one range of it. Every other use of the old index (a cell's rows by unit and year)
-- uses the same leading columns.
DROP INDEX IF EXISTS pivot_values_unit_year;
CREATE INDEX IF NOT EXISTS pivot_values_unit_year_values ON pivot_values(unit_id, year, value_num, document_id);
