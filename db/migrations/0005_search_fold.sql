-- Search without accents: "hoc tap" finds "học tập", "don vi" finds "đơn vị". The full-text
-- indexes hold folded words: the tokenizer removes every diacritic (remove_diacritics 2, also
-- from letters with two marks such as ậ, ộ, ữ), and đ, a letter of its own that no tokenizer
-- folds, is written as d by the triggers. The search page folds the query with normalize.fold,
-- which gives the same words (tests/test_web.py checks every Vietnamese letter).
-- The tables keep their content in documents/activities ("external content"): snippets and
-- highlights are cut from the original, accented text, at the positions of the folded words
-- (folding keeps every letter a letter, so the words stay where they were).
-- Replaces the indexes and triggers of earlier databases (unicode61, no folding of ộ or đ) and
-- indexes what they hold. Plain SQL, so any program that writes these tables keeps them current.

DROP TRIGGER IF EXISTS documents_ai;
DROP TRIGGER IF EXISTS documents_ad;
DROP TRIGGER IF EXISTS documents_au;
DROP TABLE IF EXISTS documents_fts;
CREATE VIRTUAL TABLE documents_fts USING fts5 (unit_name, full_text,
    tokenize='unicode61 remove_diacritics 2', content="documents");
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
  INSERT INTO documents_fts (rowid, unit_name, full_text) VALUES (new.rowid,
    replace(replace(new.unit_name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(new.full_text, 'đ', 'd'), 'Đ', 'd'));
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, unit_name, full_text) VALUES ('delete', old.rowid,
    replace(replace(old.unit_name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.full_text, 'đ', 'd'), 'Đ', 'd'));
END;
CREATE TRIGGER documents_au AFTER UPDATE OF unit_name, full_text ON documents BEGIN
  INSERT INTO documents_fts (documents_fts, rowid, unit_name, full_text) VALUES ('delete', old.rowid,
    replace(replace(old.unit_name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.full_text, 'đ', 'd'), 'Đ', 'd'));
  INSERT INTO documents_fts (rowid, unit_name, full_text) VALUES (new.rowid,
    replace(replace(new.unit_name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(new.full_text, 'đ', 'd'), 'Đ', 'd'));
END;
INSERT INTO documents_fts (rowid, unit_name, full_text) SELECT rowid,
    replace(replace(unit_name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(full_text, 'đ', 'd'), 'Đ', 'd') FROM documents;

DROP TRIGGER IF EXISTS activities_ai;
DROP TRIGGER IF EXISTS activities_ad;
DROP TRIGGER IF EXISTS activities_au;
DROP TABLE IF EXISTS activities_fts;
CREATE VIRTUAL TABLE activities_fts USING fts5 (name, host, partners,
    tokenize='unicode61 remove_diacritics 2', content="activities");
CREATE TRIGGER activities_ai AFTER INSERT ON activities BEGIN
  INSERT INTO activities_fts (rowid, name, host, partners) VALUES (new.rowid,
    replace(replace(new.name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(new.host, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(new.partners, 'đ', 'd'), 'Đ', 'd'));
END;
CREATE TRIGGER activities_ad AFTER DELETE ON activities BEGIN
  INSERT INTO activities_fts (activities_fts, rowid, name, host, partners) VALUES ('delete', old.rowid,
    replace(replace(old.name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.host, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.partners, 'đ', 'd'), 'Đ', 'd'));
END;
CREATE TRIGGER activities_au AFTER UPDATE OF name, host, partners ON activities BEGIN
  INSERT INTO activities_fts (activities_fts, rowid, name, host, partners) VALUES ('delete', old.rowid,
    replace(replace(old.name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.host, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(old.partners, 'đ', 'd'), 'Đ', 'd'));
  INSERT INTO activities_fts (rowid, name, host, partners) VALUES (new.rowid,
    replace(replace(new.name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(new.host, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(new.partners, 'đ', 'd'), 'Đ', 'd'));
END;
INSERT INTO activities_fts (rowid, name, host, partners) SELECT rowid,
    replace(replace(name, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(host, 'đ', 'd'), 'Đ', 'd'),
    replace(replace(partners, 'đ', 'd'), 'Đ', 'd') FROM activities;
