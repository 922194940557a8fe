-- Which process ran an import: a run whose process was killed (SIGKILL, a power cut) never wrote
-- how it ended and stayed 'running'. The next import on the same machine finds such runs (their
-- process gone) and marks them 'interrupted' (extractor/store/runs.py).
ALTER TABLE import_runs ADD COLUMN host TEXT;
ALTER TABLE import_runs ADD COLUMN pid INTEGER;
