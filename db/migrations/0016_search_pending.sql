-- The full-text indexes take a transaction's new rows at its commit, not one by one. FTS5 writes
-- what it holds in memory as a new segment of its index at every savepoint, and the importer
-- stores each document of a group in a savepoint of its own (extractor/importer.py): each
-- document became a segment of its own, merged again and again into larger ones, and the merging
-- grew with the index (benchmarks/bench_archive.py: in a 20,000-document archive a document wrote
-- ten pages of the index instead of one). A new row is now noted in search_pending, in its
-- savepoint (so a document rolled back is not noted), and store/connection.py's `transaction`
-- indexes the rows noted, in one statement a table, just before it commits (a writable connection
-- does so as it opens too, for rows another program noted). A row still noted when it is changed
-- or deleted is not in the index yet: the index is left alone, and the row is indexed as it is
-- at the commit, or not at all.
CREATE TABLE IF NOT EXISTS search_pending (
    source TEXT    NOT NULL,  -- 'documents' or 'activities'
    row    INTEGER NOT NULL,  -- its rowid
    PRIMARY KEY (source, row)
) WITHOUT ROWID;

DROP TRIGGER IF EXISTS documents_ai;
DROP TRIGGER IF EXISTS documents_ad;
DROP TRIGGER IF EXISTS documents_au;
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
  INSERT OR IGNORE INTO search_pending (source, row) VALUES ('documents', new.rowid);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, unit_name, full_text) SELECT 'delete', old.rowid,
    replace(replace(old.unit_name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.full_text, 'đ', 'd'), 'Đ', 'd')
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE source = 'documents' AND row = old.rowid);
  DELETE FROM search_pending WHERE source = 'documents' AND row = old.rowid;
END;
CREATE TRIGGER documents_au AFTER UPDATE OF unit_name, full_text ON documents
  WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE source = 'documents' AND row = old.rowid) BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, unit_name, full_text) VALUES ('delete', old.rowid,
    replace(replace(old.unit_name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.full_text, 'đ', 'd'), 'Đ', 'd'));
  INSERT INTO documents_fts (rowid, unit_name, full_text) VALUES (new.rowid,
    replace(replace(new.unit_name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(new.full_text, 'đ', 'd'), 'Đ', 'd'));
END;

DROP TRIGGER IF EXISTS activities_ai;
DROP TRIGGER IF EXISTS activities_ad;
DROP TRIGGER IF EXISTS activities_au;
CREATE TRIGGER activities_ai AFTER INSERT ON activities BEGIN
  INSERT OR IGNORE INTO search_pending (source, row) VALUES ('activities', new.rowid);
END;
CREATE TRIGGER activities_ad AFTER DELETE ON activities BEGIN
  INSERT INTO activities_fts (activities_fts, rowid, name, host, partners) SELECT 'delete', old.rowid,
    replace(replace(old.name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.host, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.partners, 'đ', 'd'), 'Đ', 'd')
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE source = 'activities' AND row = old.rowid);
  DELETE FROM search_pending WHERE source = 'activities' AND row = old.rowid;
END;
CREATE TRIGGER activities_au AFTER UPDATE OF name, host, partners ON activities
  WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE source = 'activities' AND row = old.rowid) BEGIN
  INSERT INTO activities_fts (activities_fts, rowid, name, host, partners) VALUES ('delete', old.rowid,
    replace(replace(old.name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.host, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.partners, 'đ', 'd'), 'Đ', 'd'));
  INSERT INTO activities_fts (rowid, name, host, partners) VALUES (new.rowid,
    replace(replace(new.name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(new.host, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(new.partners, 'đ', 'd'), 'Đ', 'd'));
END;
