-- Annexes (trial finding 5): an annex that lacks its unit, year or report type takes them from the
-- report beside it, found on disk when it is read. Which report that was (its file name and
-- sha256; both NULL when none was found) is kept here, so an import that finds the annex unchanged
-- but another report beside it (one added, or changed) reads the annex again. A document that
-- never looked for a report has no row. IF NOT EXISTS: migrations may run again.

CREATE TABLE IF NOT EXISTS annex_reports (
    document_id    INTEGER PRIMARY KEY REFERENCES documents(id),
    report_file    TEXT,                       -- the report's file name, or NULL: none beside it
    report_sha256  TEXT                        -- its sha256 when the annex was read, or NULL
);
