-- Which process ran an import: a run whose process was killed (SIGKILL, a power cut) never wrote
-- how it ended and stayed 'running'. The next import on the same machine finds such runs (their
-- process gone) and marks them 'interrupted' (extractor/store/runs.py). A table of its own, so
-- the migration can run again on a database that has it.
CREATE TABLE IF NOT EXISTS import_run_processes (
    run_id INTEGER PRIMARY KEY REFERENCES import_runs(id),
    host   TEXT    NOT NULL,
    pid    INTEGER NOT NULL
);
