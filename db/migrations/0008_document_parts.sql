-- Bound volumes (issue 19): a PDF holding several reports is stored as one document per report.
-- `documents.sha256` stays each document's identity, the key corrections and review answers are
-- kept by: the file's sha256 for a file that is one document, "<file sha256>:p<first>-<last>"
-- for a part of a volume. A part's row here keeps the file's own sha256, its pages and how many
-- parts the file holds, so a re-import finds every part of a volume it stored (and only then
-- skips the file). A file that is one document has no row. IF NOT EXISTS throughout: an archive
-- set back to an earlier version runs the migrations after it again.

CREATE TABLE IF NOT EXISTS document_parts (
    document_id INTEGER PRIMARY KEY REFERENCES documents(id),
    file_sha256 TEXT NOT NULL,                 -- the sha256 of the volume the part is in
    first_page  INTEGER NOT NULL,              -- its pages in the volume, counted from 1
    last_page   INTEGER NOT NULL,
    parts       INTEGER NOT NULL               -- how many documents the volume was split into
);

CREATE INDEX IF NOT EXISTS document_parts_file ON document_parts(file_sha256);
