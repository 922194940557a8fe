-- Observations are found by their document (the table's UNIQUE (document_id, code, kind)), and
-- what reads one indicator across the archive reads the pivot (db/migrations/0002, 0004), so
-- the index on observations(code, kind) served no statement of the store, the checks or the
-- views. It cost every document stored forty entries in the middle of the index, one at the end
-- of each indicator's range, each a page of its own to change and to split
-- (benchmarks/bench_archive.py: about a seventh of a document's store). The catalogue's count
-- of observations (`xhht indicators`) reads each current document's observations by their
-- document instead.
DROP INDEX IF EXISTS observations_code;
