-- extraction_history by document. A new document is inserted by a statement that also fires
-- triggers (the full-text index), and SQLite then plans, for each table that refers to documents,
-- a look-up of the rows that refer to the new one (it runs only while deferred foreign key
-- violations are pending). Without this index that look-up is a scan of every re-extraction ever
-- kept: with the index each statement that stores a document reads the archive by index only
-- (tests/test_store.py), and deleting a document's rows no longer scans the history either.
CREATE INDEX IF NOT EXISTS extraction_history_document ON extraction_history(document_id);
