-- Bound volumes (issue 19): a PDF holding several reports is stored as one document per report.
-- `documents.sha256` stays each document's identity, the key corrections and review answers are
-- kept by: the file's sha256 for a file that is one document, "<file sha256>:p<first>-<last>"
-- for a part of a volume. The file's own sha256 and the part's pages are kept beside it, so a
-- re-import finds every part of a volume it stored (and only then skips the file).

ALTER TABLE documents ADD COLUMN file_sha256 TEXT;     -- the sha256 of the file the document is in
ALTER TABLE documents ADD COLUMN first_page INTEGER;   -- a part of a volume: its pages in the file
ALTER TABLE documents ADD COLUMN last_page INTEGER;
ALTER TABLE documents ADD COLUMN parts INTEGER;        -- how many documents the file was split into

UPDATE documents SET file_sha256 = sha256 WHERE file_sha256 IS NULL;

CREATE INDEX IF NOT EXISTS documents_file ON documents(file_sha256);
