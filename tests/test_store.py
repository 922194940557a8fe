"""The archive: idempotent import, versions, bad input, kills at any moment."""

import copy
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES, sample

from extractor import store
from extractor.extract import extract_file
from extractor.importer import import_paths, reextract
from extractor.query import export_documents

SMALL = ["BC ket qua TLHTSD ChanSon 2021.docx", "BC ket qua TLHTSD ChanSon 2023.docx",
         "Bao cao tuan le hoc tap suot doi 2019 - ChanSon.txt", "BC_DeAn1373_BachThong_2023.docx",
         "BC_SoKet_HK1_DakSMar_2017.txt", "TongKet_XDXHHT_BacHa_2017.docx"]


@pytest.fixture
def folder(tmp_path):
    src = tmp_path / "reports"
    src.mkdir()
    for name in SMALL:
        shutil.copy(sample(name), src / name)
    return src


def snapshot(db) -> dict:
    """Everything that matters in a database, independent of row ids and timestamps."""
    conn = sqlite3.connect(db)
    docs = {r[0]: r[1:] for r in conn.execute(
        "SELECT id, sha256, report_type, unit_name, year, superseded_by IS NULL FROM documents")}
    out = {
        "documents": sorted(docs.values()),
        "paths": sorted((docs[d][0], p) for d, p in conn.execute("SELECT document_id, path FROM "
                                                                 "document_paths")),
        "observations": sorted((docs[r[0]][0], *r[1:]) for r in conn.execute(
            "SELECT document_id, code, kind, value_num, value_text, location FROM observations")),
        "activities": sorted((docs[r[0]][0], *r[1:]) for r in conn.execute(
            "SELECT document_id, seq, name, participants FROM activities")),
        "review": sorted((docs[r[0]][0], *r[1:]) for r in conn.execute(
            "SELECT document_id, kind, reason FROM review_items")),
        "units": sorted(conn.execute("SELECT key FROM units").fetchall()),
    }
    conn.close()
    return out


def test_import_then_reimport_is_a_no_op(folder, tmp_path):
    db = tmp_path / "a.db"
    first = import_paths(db, [folder], workers=1)
    assert (first.imported, first.unchanged, first.failed) == (len(SMALL), 0, [])
    before = snapshot(db)
    again = import_paths(db, [folder], workers=2)
    assert (again.imported, again.unchanged) == (0, len(SMALL))
    assert snapshot(db) == before
    conn = store.connect(db, readonly=True)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == len(SMALL)
    assert conn.execute("SELECT COUNT(*) FROM observations").fetchone()[0] > 50
    # provenance of every value: file, sha256, location, raw label, raw value, score
    row = conn.execute("SELECT p.path, d.sha256, o.location, o.raw_label, o.raw_value, o.score FROM "
                       "observations o JOIN documents d ON d.id = o.document_id JOIN document_paths p ON "
                       "p.document_id = d.id LIMIT 1").fetchone()
    assert all(row)


def test_same_file_new_path_and_changed_file_supersedes(folder, tmp_path):
    db = tmp_path / "a.db"
    import_paths(db, [folder], workers=1)
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(folder / SMALL[0], copy / "renamed.docx")
    result = import_paths(db, [copy], workers=1)
    assert (result.imported, result.unchanged) == (0, 1)
    conn = store.connect(db, readonly=True)
    assert conn.execute("SELECT COUNT(*) FROM document_paths").fetchone()[0] == len(SMALL) + 1
    # the file at a known path changes: a new version, the old one kept and marked superseded
    edited = folder / SMALL[2]
    old_sha = store_sha(conn, edited)
    edited.write_text(edited.read_text(encoding="utf-8") + "\nGhi chú: bản sửa.\n", encoding="utf-8")
    result = import_paths(db, [edited], workers=1)
    assert result.imported == 1
    new_id, = conn.execute("SELECT id FROM documents WHERE superseded_by IS NULL AND id = "
                           "(SELECT MAX(id) FROM documents)").fetchone()
    assert conn.execute("SELECT superseded_by FROM documents WHERE sha256 = ?",
                        (old_sha,)).fetchone()[0] == new_id
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == len(SMALL) + 1
    current = conn.execute("SELECT COUNT(*) FROM documents WHERE superseded_by IS NULL").fetchone()[0]
    assert current == len(SMALL)


def store_sha(conn, path):
    return conn.execute("SELECT d.sha256 FROM documents d JOIN document_paths p ON p.document_id = d.id "
                        "WHERE p.path = ?", (str(path.resolve()),)).fetchone()[0]


def test_export_is_the_extract_contract(folder, tmp_path):
    from extractor.extract import extract_file

    db = tmp_path / "a.db"
    import_paths(db, [folder], workers=1)
    exported = {d["source"]["sha256"]: d for d in export_documents(store.connect(db, readonly=True))}
    for name in SMALL:
        direct = extract_file(folder / name)
        stored = exported[direct["source"]["sha256"]]
        assert stored["document"] == direct["document"]
        assert [(i["code"], i["kind"], i["value"]) for i in stored["indicators"]] == \
               [(i["code"], i["kind"], i["value"]) for i in direct["indicators"]]
        assert [(a["name"], a["participants"]) for a in stored["activities"]] == \
               [(a["name"], a["participants"]) for a in direct["activities"]]
        assert len(stored["unmatched"]) == len(direct["unmatched"])


def test_reextract_keeps_history(folder, tmp_path):
    db = tmp_path / "a.db"
    import_paths(db, [folder], workers=1)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE documents SET patterns_version = 'old'")
        conn.execute("UPDATE observations SET value_num = value_num + 1 WHERE id = 1")
    summary = reextract(db, workers=1)
    assert summary.reextracted == len(SMALL)
    changes = conn.execute("SELECT changes FROM extraction_history WHERE changes != '[]'").fetchall()
    assert len(changes) == 1 and '"code"' in changes[0][0]
    assert reextract(db, workers=1).reextracted == 0  # nothing stale any more


def bad_inputs(folder):
    """The bad-input set: every kind of broken file an archive holds."""
    (folder / "empty.docx").write_bytes(b"")
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04" + os.urandom(2000))
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 200)
    shutil.copy(sample("BC_DeAn1373_MDrak_2025.pdf"),
                folder / "pdf_named.docx")  # wrong extension: still read
    (folder / "really_zip.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(500))
    with zipfile.ZipFile(folder / "bomb.docx", "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>")
        with z.open("word/media/big.bin", "w", force_zip64=True) as big:
            for _ in range(320):
                big.write(bytes(1024 * 1024))
    entities = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
                '"&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><w:document '
                'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>')
    with zipfile.ZipFile(folder / "entities.docx", "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                                          'xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("word/document.xml", entities)
    _encrypted_pdf(folder / "encrypted.pdf")
    (folder / "notes.pptx").write_bytes(b"not ours")  # unsupported: skipped, not an error


def _encrypted_pdf(path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as fh:
        writer.write(fh)


def test_bad_inputs_each_get_one_error_row_and_the_batch_completes(folder, tmp_path):
    bad_inputs(folder)
    db = tmp_path / "a.db"
    summary = import_paths(db, [folder], workers=2)
    failed = dict(summary.failed)
    names = {os.path.basename(p) for p in failed}
    assert names == {"empty.docx", "corrupt.docx", "binary.txt", "really_zip.pdf", "bomb.docx",
                     "entities.docx", "encrypted.pdf"}
    for reason in failed.values():
        assert reason and "\n" not in reason
    assert "encrypted" in failed[str((folder / "encrypted.pdf").resolve())]
    assert "zip bomb" in failed[str((folder / "bomb.docx").resolve())]
    assert summary.imported == len(SMALL) + 1  # the PDF named .docx is read as what it is
    assert [os.path.basename(p) for p, _ in summary.skipped] == ["notes.pptx"]
    conn = store.connect(db, readonly=True)
    assert conn.execute("SELECT COUNT(*) FROM import_errors").fetchone()[0] == 7
    # a second run tries the broken files again, without duplicating their error rows
    import_paths(db, [folder], workers=1)
    assert tuple(conn.execute("SELECT COUNT(*), MAX(attempts) FROM import_errors").fetchone()) == (7, 2)


def _import_process(db, folder):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "extractor", "import", str(folder), "--db", str(db),
                             "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def _documents(db) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("kill_after", [0, 1, 3, 5])
def test_sigkill_at_any_point_then_rerun_gives_the_uninterrupted_database(folder, tmp_path, kill_after):
    reference = tmp_path / "reference.db"
    import_paths(reference, [folder], workers=1)
    db = tmp_path / "killed.db"
    process = _import_process(db, folder)
    deadline = time.time() + 60
    while _documents(db) < kill_after and process.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = _documents(db)
    assert stored < len(SMALL) or kill_after >= len(SMALL) - 1  # it really stopped mid-run
    rerun = subprocess.run([sys.executable, "-m", "extractor", "import", str(folder), "--db", str(db)],
                           capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot(db) == snapshot(reference)
    runs = [r[0] for r in sqlite3.connect(db).execute("SELECT status FROM import_runs ORDER BY id")]
    assert runs[-1] == "done" and set(runs[:-1]) <= {"interrupted"}  # the killed run is not left running


def test_a_run_whose_process_is_gone_is_marked_interrupted_by_the_next(tmp_path):
    """Only runs of this machine whose process no longer exists: a live one (this process) and
    one of another machine (which cannot be asked) stay 'running'."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    conn = store.connect(tmp_path / "runs.db")
    host = socket.gethostname()
    runs = [(host, gone.pid), (host, os.getpid()), ("another-machine", gone.pid)]
    for run_id, (machine, pid) in enumerate(runs, 1):
        conn.execute("INSERT INTO import_runs (id, started_at, command) VALUES (?, 't', 'import')", (run_id,))
        conn.execute("INSERT INTO import_run_processes (run_id, host, pid) VALUES (?, ?, ?)",
                     (run_id, machine, pid))
    store.start_run(conn, "import")
    assert [tuple(r) for r in conn.execute("SELECT p.host, r.status FROM import_runs r JOIN "
                                           "import_run_processes p ON p.run_id = r.id ORDER BY r.id")] == [
        (host, "interrupted"), (host, "running"), ("another-machine", "running"), (host, "running")]


def test_samples_folder_imports_cleanly(tmp_path, samples):
    summary = import_paths(tmp_path / "s.db", [samples], workers=2)
    assert summary.failed == [] and summary.imported == len(list(samples.iterdir()))


def _children(pid: int) -> set[int]:
    """Live processes whose parent is `pid` (read from /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
def test_workers_end_when_the_importer_is_killed(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    import docx

    for k in range(60):  # distinct content, so every file is real work
        report = docx.Document(str(sample("BC_TuanLe_HTSD_2023_LiemPhu.docx")))
        report.add_paragraph(f"Bản sao {k}")
        report.save(str(folder / f"r{k:03d}.docx"))
    process = subprocess.Popen([sys.executable, "-m", "extractor", "import", str(folder), "--db",
                                str(tmp_path / "k.db"), "--workers", "2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    workers: set[int] = set()
    while len(workers) < 2 and time.time() < deadline and process.poll() is None:
        workers = _children(process.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the import never started its workers"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.time() + 5
    while any(_alive(pid) for pid in workers) and time.time() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)], "workers outlived the importer"


def _pivot_rows(conn) -> dict:
    """pivot_rows read back as {(code, unit): {(year, kind): (value, document)}}."""
    from extractor.query import pivot_cells

    out = {}
    for code, unit, *lists in conn.execute("SELECT code, unit_id, years, kinds, nums, texts, documents FROM "
                                           "pivot_rows"):
        values, sources = pivot_cells(*lists, True, None, None, {})
        out[code, unit] = {k: (v, sources[k]) for k, v in values.items()}
    return out


def test_pivot_series_splits_a_row_by_kind_as_pivot_cells_reads_it():
    """What the checks read of a pivot row (a series per kind) is what compare reads of it."""
    from extractor.query import pivot_cells, pivot_series

    row = ("2020\x1f2020\x1f2021", "actual\x1ftarget\x1factual", "5\x1f\x1f7.5", "\x1fđạt\x1f",
           "11\x1f11\x1f12")
    series = pivot_series(*row)
    assert series == {"actual": ([2020, 2021], [5.0, 7.5], [11, 12]), "target": ([2020], ["đạt"], [11])}
    values, sources = pivot_cells(*row, True, None, None, {})
    assert {(y, kind): (v, d) for kind, (years, vs, ds) in series.items()
            for y, v, d in zip(years, vs, ds, strict=True)} == {k: (v, sources[k]) for k, v in values.items()}
    assert pivot_series("2019\x1f2020", "actual\x1factual", "3\x1f4", None, "1\x1f2") == {
        "actual": ([2019, 2020], [3.0, 4.0], [1, 2])}


def test_pivot_series_of_rows_sharing_their_years_are_each_their_own():
    """Rows with the same years and documents (a unit's indicators) share their conversion, not
    their lists: a caller that changes one series changes no other."""
    from extractor.query import pivot_series

    first = pivot_series("2019\x1f2020", "actual\x1factual", "3\x1f4", None, "1\x1f2")["actual"]
    first[0].append(2021), first[2].clear()
    assert pivot_series("2019\x1f2020", "actual\x1factual", "5\x1f6", None, "1\x1f2") == {
        "actual": ([2019, 2020], [5.0, 6.0], [1, 2])}


def test_pivot_kept_by_the_import_equals_a_full_rebuild(folder, tmp_path):
    db = tmp_path / "p.db"
    import_paths(db, [folder], workers=1)
    changed = folder / SMALL[0]
    shutil.copy(SAMPLES / "BC_TuanLe_HTSD_2021_LiemPhu.docx",
                changed)  # new content at a known path: supersedes
    import_paths(db, [folder], workers=1)
    reextract(db, workers=1, force=True)
    conn = store.connect(db)
    kept = sorted(tuple(r) for r in conn.execute("SELECT * FROM pivot_values"))
    kept_rows = _pivot_rows(conn)
    store.rebuild_pivot(conn)
    assert kept and sorted(tuple(r) for r in conn.execute("SELECT * FROM pivot_values")) == kept
    # pivot_rows holds exactly pivot_values, unit by unit, whether kept by the import or rebuilt
    assert _pivot_rows(conn) == kept_rows
    assert kept_rows == {(code, unit): {(year, kind): (value_num if value_num is not None else value_text,
                                                       doc)
                                        for c, u, year, kind, value_num, value_text,
                                        doc in kept if (c, u) == (code, unit)}
                         for code, unit, *_ in kept}
    superseded = conn.execute("SELECT COUNT(*) FROM pivot_values p JOIN documents d ON d.id = p.document_id "
                              "WHERE d.superseded_by IS NOT NULL").fetchone()[0]
    assert superseded == 0


def test_an_archive_of_the_previous_schema_is_upgraded_with_its_pivot_by_unit(folder, tmp_path):
    """A database made before pivot_rows existed gets it, filled from pivot_values, on opening."""
    from extractor.query import compare

    db = tmp_path / "old.db"
    import_paths(db, [folder], workers=1)
    conn = store.connect(db)
    code = conn.execute("SELECT code FROM pivot_values GROUP BY code ORDER BY COUNT(*) DESC").fetchone()[0]
    before = compare(conn, code)
    kept = _pivot_rows(conn)
    conn.execute("DROP TABLE pivot_rows")
    conn.execute("PRAGMA user_version = 3")
    conn.close()

    conn = store.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.migrations()[-1][0]
    assert _pivot_rows(conn) == kept and kept
    assert compare(conn, code) == before and before.rows


def test_the_pivot_refresh_reads_only_the_documents_of_its_cell(folder, tmp_path):
    """Import time must not grow with the archive: refreshing one (unit, year) cell looks up
    that cell's documents and their observations by index, never scanning all observations."""
    db = tmp_path / "plan.db"
    import_paths(db, [folder], workers=1)
    conn = store.connect(db)
    unit, year = conn.execute("SELECT unit_id, year FROM documents WHERE unit_id IS NOT NULL AND year IS "
                              "NOT NULL").fetchone()
    fill = store.cell_fill(codes=True)
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + fill,
                                           {"unit": unit, "year": year, "codes": "[]"})]
    assert any(step.startswith("SEARCH documents USING INDEX documents_unit_year") for step in plan), plan
    assert any(step.startswith("SEARCH o USING") for step in plan), plan
    assert not any(step.startswith("SCAN o") or "effective_observations" in step for step in plan), plan


def test_a_report_added_to_a_unit_year_takes_the_pivot_only_if_issued_later(tmp_path):
    """Three versions of one report for one unit and year, imported out of date order, each from
    its own path (none supersedes another): compare shows the latest issued, and the pivot kept
    one document at a time equals a full rebuild."""
    from extractor.query import compare

    source = SAMPLES / "Bao cao tuan le hoc tap suot doi 2019 - ChanSon.txt"
    text = source.read_text(encoding="utf-8")
    versions = {"b.txt": ("ngày 20 tháng 10 năm 2019", "Số lớp XMC: 07"),   # issued last: shown
                "a.txt": ("ngày 14 tháng 10 năm 2019", "Số lớp XMC: 05"),
                "c.txt": ("ngày 02 tháng 10 năm 2019", "Số lớp XMC: 03")}
    for name, (date, classes) in versions.items():
        (tmp_path / name).write_text(text.replace("ngày 14 tháng 10 năm 2019", date)
                                     .replace("Số lớp XMC: 01", classes), encoding="utf-8")
    db = tmp_path / "order.db"
    for name in versions:  # one import each: the cell grows one document at a time
        assert import_paths(db, [tmp_path / name], workers=1).imported == 1
    conn = store.connect(db)
    pivot = compare(conn, "tuanle.lop.xoa_mu_chu.so_lop")
    assert [values[2019, "actual"] for _, values in pivot.rows] == [7]
    kept, rows = sorted(tuple(r) for r in conn.execute("SELECT * FROM pivot_values")), _pivot_rows(conn)
    store.rebuild_pivot(conn)
    assert sorted(tuple(r) for r in conn.execute("SELECT * FROM pivot_values")) == kept
    assert _pivot_rows(conn) == rows


def test_pivot_rows_kept_cell_by_cell_are_byte_for_byte_a_regrouping(tmp_path):
    """A new document's cells are put into its unit's pivot_rows in place, not regrouped from
    pivot_values: in any order of years and of issue dates, with whole, fractional, zero, huge,
    negative and text values, the rows are the very strings a full rebuild writes."""
    import random

    base = extract_file(sample("BC_TuanLe_HTSD_2023_LiemPhu.docx"), with_text=False)
    figures = [o for o in base["indicators"] if not isinstance(o["value"], str)][:6]
    values = [7, 12.5, 0, 0.1, -3, 2e15, 1234567, 3.0, "không có"]
    conn = store.connect(tmp_path / "splice.db")
    rng = random.Random(21)
    for k in range(240):
        result = copy.deepcopy(base)
        year = rng.choice(range(2015, 2025))
        result["source"] |= {"sha256": f"{k:064x}", "path": f"/a/{k}.docx"}
        result["document"] |= {"unit_name": f"Xã {rng.randrange(4)}", "district": "Huyện A", "year": year,
                               "period": str(year),
                               "issued_date": rng.choice([None, f"{year}-{rng.randrange(1, 13):02d}-15"])}
        result["indicators"] = [o | {"value": rng.choice(values[:-1] if rng.random() < 0.9 else values),
                                     "kind": rng.choice(["actual", "actual", "target"])}
                                for o in rng.sample(figures, rng.randrange(1, len(figures)))]
        result["checks"], result["review"] = [], []
        assert store.save(conn, result, f"/a/{k}.docx")[0] == "imported"
    kept = conn.execute("SELECT * FROM pivot_rows ORDER BY unit_id, code").fetchall()
    assert any(r["texts"] for r in kept) and any(r["texts"] is None for r in kept)
    store.rebuild_pivot(conn)
    assert [tuple(r) for r in conn.execute("SELECT * FROM pivot_rows ORDER BY unit_id, code")] == \
        [tuple(r) for r in kept]


def _fail_storing(monkeypatch, victim: str) -> None:
    """Make storing the document read from `victim` fail once its rows are written, as a
    duplicate (code, kind) did in store.insert_children."""
    real = store.insert_children

    def insert_then_fail(conn, doc_id, result, item_ids=None):
        real(conn, doc_id, result, item_ids)
        if result["source"]["path"] == victim:
            raise sqlite3.IntegrityError("UNIQUE constraint failed: observations.document_id, "
                                         "observations.code")

    monkeypatch.setattr(store.documents, "insert_children", insert_then_fail)


def _orphans(db) -> dict:
    """Rows that belong to no stored document (what a half-written document would leave)."""
    conn = sqlite3.connect(db)
    out = {table: conn.execute(f"SELECT COUNT(*) FROM {table} WHERE document_id NOT IN (SELECT id FROM "
                               "documents)"
                               ).fetchone()[0]
           for table in ("observations", "activities", "review_items", "document_paths", "pivot_values")}
    out["units"] = conn.execute("SELECT COUNT(*) FROM units WHERE id NOT IN (SELECT unit_id FROM documents "
                                "WHERE unit_id IS NOT NULL)").fetchone()[0]
    conn.close()
    return out


def test_a_document_that_cannot_be_stored_fails_alone_and_the_batch_goes_on(folder, tmp_path, monkeypatch):
    from extractor.extract import sha256_of

    reference = tmp_path / "reference.db"
    import_paths(reference, [folder], workers=1)
    victim = folder / "BC_DeAn1373_BachThong_2023.docx"
    key = str(victim.resolve())
    _fail_storing(monkeypatch, key)
    db = tmp_path / "a.db"
    summary = import_paths(db, [folder], workers=2)
    assert summary.imported == len(SMALL) - 1 and [p for p, _ in summary.failed] == [key]
    reason = summary.failed[0][1]
    assert "IntegrityError" in reason and "\n" not in reason
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM documents WHERE sha256 = ?",
                        (sha256_of(victim),)).fetchone()[0] == 0
    assert set(_orphans(db).values()) == {0}
    assert conn.execute("SELECT path, error FROM import_errors").fetchall() == [(key, reason)]
    again = import_paths(db, [folder], workers=1)  # the same command again goes past that file
    assert (again.unchanged, len(again.failed)) == (len(SMALL) - 1, 1)
    assert conn.execute("SELECT attempts FROM import_errors").fetchone()[0] == 2
    monkeypatch.undo()  # the cause is gone: the next run stores it, as if nothing had failed
    assert import_paths(db, [folder], workers=1).imported == 1
    assert conn.execute("SELECT COUNT(*) FROM import_errors").fetchone()[0] == 0
    assert snapshot(db) == snapshot(reference)


def test_a_reextraction_that_cannot_be_stored_keeps_the_document_as_it_was(folder, tmp_path, monkeypatch):
    db = tmp_path / "a.db"
    import_paths(db, [folder], workers=1)
    before = snapshot(db)
    victim = str((folder / "TongKet_XDXHHT_BacHa_2017.docx").resolve())
    _fail_storing(monkeypatch, victim)
    summary = reextract(db, workers=1, force=True)
    assert summary.reextracted == len(SMALL) - 1 and [p for p, _ in summary.failed] == [victim]
    assert snapshot(db) == before and set(_orphans(db).values()) == {0}


def test_one_reading_found_twice_is_stored_once_and_two_readings_refuse_the_document(tmp_path):
    from extractor.extract import extract_file

    result = extract_file(sample("BC ket qua TLHTSD ChanSon 2021.docx"), with_text=True)
    first = result["indicators"][0]
    result["indicators"].append({**first, "location": f"{first['location']}, at 33", "method": "prose"})
    conn = store.connect(tmp_path / "a.db")
    outcome, doc_id = store.save(conn, result, "a.docx")
    stored = conn.execute("SELECT value_num, value_text, location FROM observations WHERE document_id = ? "
                          "AND code = ? AND kind = ?", (doc_id, first["code"], first["kind"])).fetchall()
    assert outcome == "imported" and [r[2] for r in stored] == [first["location"]]
    result["source"] = {**result["source"], "sha256": "0" * 64}
    result["indicators"][-1]["value"] = 999999
    with pytest.raises(store.StoreError, match=f"{first['code']} .* 999999 at {first['location']}, at 33"):
        store.save(conn, result, "b.docx")
    assert store.document_id(conn, "0" * 64) is None and not conn.in_transaction


def test_corrections_of_a_schema_4_archive_are_all_kept_on_upgrade(tmp_path, monkeypatch):
    """An archive made before corrections had uids: its corrections (two of one value within one
    second among them, as that schema allowed) all survive the upgrade, in the same order and
    state, and a correction made after them is later than all of them. A unit an earlier pick
    left with no document is removed."""
    from extractor.corrections import Who, correct, history
    from extractor.query import compare

    db = tmp_path / "old.db"
    every = store.migrations()
    monkeypatch.setattr(store.connection, "migrations", lambda: [m for m in every if m[0] <= 4])
    from extractor.checks import results  # the code of schema 4 kept no check results (migration 7)

    monkeypatch.setattr(store.documents, "store_report_checks", lambda *args, **kwargs: None)
    monkeypatch.setattr(results, "run", lambda *args: None)
    monkeypatch.setattr(store, "file_documents", lambda conn, sha: None)  # nor parts (migration 8)
    monkeypatch.setattr(store, "annex_reports", lambda conn: {})  # nor annexes' reports (migration 11)
    monkeypatch.setattr(store.documents, "record_report_beside", lambda *args, **kwargs: None)
    monkeypatch.setattr(store, "start_run", lambda conn, command: conn.execute(  # nor processes (migr. 15)
        "INSERT INTO import_runs (started_at, command) VALUES ('2025-03-01', ?)", (command,)).lastrowid)
    monkeypatch.setattr(store.connection, "waiting_for_search", lambda conn: False)  # indexed at once (16)
    import_paths(db, [sample("BC_TuanLe_HTSD_2021_LiemPhu.docx")], workers=1)
    conn = store.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    sha = conn.execute("SELECT sha256 FROM documents").fetchone()[0]
    code = "tuanle.thong_tin.bai_bao"
    old = [(sha, "value", "set", code, "actual", 191, None, None, "a", "2025-03-01T08:00:00+00:00", 0),
           (sha, "value", "set", code, "actual", 192, None, None, "a", "2025-03-01T08:00:00+00:00", 1),
           (sha, "review", "reject", None, None, None, None, "k1", "b", "2025-03-01T08:00:01+00:00", 1)]
    conn.executemany("INSERT INTO corrections (sha256, target, action, code, kind, value_num, value_text, "
                     "item_key, author, created_at, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", old)
    conn.execute("INSERT INTO units (key, name) VALUES ('xa|an phu||', 'An Phú')")  # left empty by a pick
    store.rebuild_pivot(conn)
    conn.close()
    monkeypatch.undo()

    conn = store.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.migrations()[-1][0]
    kept = history(conn)
    assert [(c["value"], c["item_key"], c["active"]) for c in kept] == [(191, None, False), (192, None, True),
                                                                         (None, "k1", True)]
    assert len({c["uid"] for c in kept}) == 3 and kept[0]["at"] == "2025-03-01T08:00:00.000000+00:00"
    assert compare(conn, code).rows[0][1][2021, "actual"] == 192
    assert conn.execute("SELECT COUNT(*) FROM units").fetchone()[0] == 1
    made = correct(conn, sha, code, "193", Who("c"))
    assert made["at"] > kept[-1]["at"] and compare(conn, code).rows[0][1][2021, "actual"] == 193


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _scans(conn: sqlite3.Connection, sql: str, tables: set[str]) -> list[str]:
    """The steps of `sql`'s plan that read a whole table of the archive (by name or by the alias
    the statement gives it); scans of a CTE, a subquery or json_each read what the statement made."""
    import re

    aliases = {alias for table, alias in re.findall(r"(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)", sql)
               if table in tables}
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    return [step for step in plan if step.startswith("SCAN ")
            and step.split()[1] in tables | aliases]


def test_storing_a_document_reads_the_archive_only_by_index(tmp_path):
    """Import time must not grow with the archive: every statement `store.save` runs for one new
    document — a new unit, a unit without its province, a report that supersedes another, its
    pivot cells — searches an index, never scans a table (issue #21; bench_archive.py times it)."""
    db = tmp_path / "plans.db"
    import_paths(db, [sample("BC ket qua TLHTSD ChanSon 2023.docx")], workers=1)
    conn = store.connect(db)
    stored = conn.execute("SELECT id FROM documents").fetchone()[0]
    base = extract_file(sample("BC ket qua TLHTSD ChanSon 2023.docx"), with_text=True)
    same_path = conn.execute("SELECT path FROM document_paths").fetchone()[0]
    results = []
    for k, (path, document) in enumerate([
            (same_path, {}),  # new content at a known path: supersedes the stored report
            ("/a/new.docx", {"unit_name": "Đơn_vị mới", "province": "Tỉnh mới"}),  # a new unit
            ("/a/short.docx", {"unit_name": "Đơn_vị mới", "province": None})]):  # its province left out
        result = copy.deepcopy(base)
        result["source"] |= {"sha256": f"{k:064x}", "path": path}
        result["document"] |= document
        results.append((path, result))
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    for path, result in results:
        assert store.save(conn, result, path)[0] == "imported"
    conn.set_trace_callback(None)
    assert conn.execute("SELECT superseded_by FROM documents WHERE id = ?", (stored,)).fetchone()[0]
    tables = _tables(conn) - {"search_pending"}  # only the open transaction's new rows (migration 0016)
    run = [s for s in statements if not s.startswith("--") and s.split()[0].upper() not in
           ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")]  # "--": a trigger's statements (full-text index)
    assert any(s.startswith("INSERT INTO documents_fts") for s in run)
    assert any("pivot_values" in s for s in run) and any("FROM units" in s for s in run)
    scans = {s: _scans(conn, s, tables) for s in run}
    assert not {s: steps for s, steps in scans.items() if steps}


def test_the_export_streams_documents_and_the_writer_checkpoints_seldom(tmp_path):
    """`xhht export` holds one document at a time, whatever the archive's size (#21 item 5): its
    first document comes before the others' text is read. A writer checkpoints its WAL every
    CHECKPOINT_PAGES pages, not every 1,000 (a stored document changes about 180)."""
    import tracemalloc

    db = tmp_path / "big-text.db"
    conn = store.connect(db)
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == store.connection.CHECKPOINT_PAGES > 1000
    base = extract_file(sample("BC ket qua TLHTSD ChanSon 2023.docx"), with_text=True)
    text = base["text"] * 100  # about 400 KB of text a document
    for k in range(40):
        result = copy.deepcopy(base)
        result["source"] |= {"sha256": f"{k:064x}", "path": f"/a/{k}.docx"}
        result["text"] = text
        store.save(conn, result, f"/a/{k}.docx")
    tracemalloc.start()
    first = next(export_documents(store.connect(db, readonly=True)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert first["source"]["path"] == "/a/0.docx"
    assert peak < 5 * len(text.encode()), peak  # all 40 texts would be 40 times one


def _ready(folder: Path) -> list[tuple[str, list[dict], None]]:
    """The samples' extraction results as workers give them, all ready at once."""
    return [(str(path.resolve()), [extract_file(path, with_text=True)], None)
            for path in sorted(folder.iterdir())]


def test_results_ready_together_are_one_commit_and_a_document_still_fails_alone(folder, tmp_path,
                                                                                 monkeypatch):
    """A group is stored under one commit, each document in a savepoint: the one that cannot be
    stored leaves nothing, the others are stored, and no document is announced before the commit
    that holds it (a reader sees every document the moment it is announced)."""
    from extractor import importer

    ready = _ready(folder)
    victim = ready[2][0]
    _fail_storing(monkeypatch, victim)
    db = tmp_path / "g.db"
    conn = store.connect(db)
    reader = sqlite3.connect(db)
    commits, seen = [], []
    conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)

    def announce(kind, path, detail):
        stored = reader.execute("SELECT COUNT(*) FROM document_paths WHERE path = ?", (path,)).fetchone()[0]
        seen.append((kind, path, stored))

    summary = importer.ImportSummary()
    importer.store_results(conn, [ready], summary, announce)
    assert len(commits) == 1
    assert summary.imported == len(ready) - 1 and [p for p, _ in summary.failed] == [victim]
    assert [(kind, path) for kind, path, _ in seen] == [("failed" if p == victim else "imported", p)
                                                        for p, _, _ in ready]
    assert all(stored == (kind == "imported") for kind, _, stored in seen)
    assert set(_orphans(db).values()) == {0}
    assert reader.execute("SELECT path FROM import_errors").fetchall() == [(victim,)]


def test_a_group_whose_transaction_sqlite_ended_is_stored_again_one_by_one(folder, tmp_path, monkeypatch):
    """SQLite rolls a whole transaction back by itself on a full disk or an I/O error: the group's
    documents stored before it are then lost, so the group is stored again one document at a time,
    and the summary counts each document once, as stored."""
    from extractor import importer

    ready = _ready(folder)
    real = store.documents.record_report_beside
    victim, struck = ready[3][0], []

    def strike_once(conn, doc_id, result, **kwargs):
        real(conn, doc_id, result, **kwargs)
        if result["source"]["path"] == victim and not struck:
            struck.append(doc_id)
            conn.execute("ROLLBACK")  # what SQLite does by itself on SQLITE_FULL
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store.documents, "record_report_beside", strike_once)
    db = tmp_path / "lost.db"
    conn = store.connect(db)
    events = []
    summary = importer.ImportSummary()
    importer.store_results(conn, [ready], summary, lambda kind, path, _: events.append((kind, path)))
    assert struck and (summary.imported, summary.unchanged, summary.failed) == (len(ready), 0, [])
    assert events == [("imported", p) for p, _, _ in ready]
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == len(ready)
    assert snapshot(db)


def test_a_stored_document_writes_the_pages_of_its_unit_not_of_every_indicator(tmp_path):
    """The pivot is kept in unit order (migration 0012): a document added to a unit's history
    writes a few pages of its unit's runs, where keyed by indicator first its forty values wrote
    forty places of each pivot table (on a large archive, most of a document's cost). The pages a
    document writes are read from the WAL and named by SQLite's dbstat table."""
    import struct

    base = extract_file(sample("BC_TuanLe_HTSD_2023_LiemPhu.docx"), with_text=False)
    db = tmp_path / "pages.db"
    conn = store.connect(db)
    try:
        conn.execute("SELECT 1 FROM dbstat LIMIT 1")
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table to name the pages written")

    def save(k: int, unit: int, year: int) -> None:
        result = copy.deepcopy(base)
        result["source"] |= {"sha256": f"{k:064x}", "path": f"/a/{k}.docx"}
        result["document"] |= {"unit_name": f"Xã {unit}", "district": "Huyện A", "year": year,
                               "period": str(year)}
        assert store.save(conn, result, f"/a/{k}.docx")[0] == "imported"

    for unit in range(400):
        save(unit, unit, 2020)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    save(1000, 200, 2021)  # a unit in the middle of the archive, another year
    wal = db.with_name(db.name + "-wal").read_bytes()
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    written = {struct.unpack(">I", wal[at:at + 4])[0] for at in range(32, len(wal) - size, size + 24)}
    names = dict(conn.execute("SELECT pageno, name FROM dbstat"))
    pivot = [page for page in written if names.get(page, "").startswith("pivot_")]
    codes = len(base["indicators"])
    assert codes >= 30 and 0 < len(pivot) < codes // 2, (len(pivot), codes)


def _found(conn: sqlite3.Connection, table: str, query: str) -> set[int]:
    """The rows the full-text index `table` gives for `query` (from the index itself: an external
    content table read without MATCH reads its content table instead)."""
    from extractor.normalize import fold

    return {r[0] for r in conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (fold(query),))}


def test_a_group_is_indexed_for_search_at_its_commit_and_a_failed_document_not_at_all(folder, tmp_path,
                                                                                       monkeypatch):
    """FTS5 writes a segment of its index at every savepoint: the rows of a group's documents (each
    in its savepoint) are indexed together as the group commits (migration 0016), where indexed one
    by one each document was a segment, merged again and again (bench_archive.py). Every stored
    document is found, the one that failed is not, and nothing is left noted."""
    from extractor import importer

    ready = _ready(folder)
    victim = ready[1][0]
    _fail_storing(monkeypatch, victim)
    db = tmp_path / "search.db"
    conn = store.connect(db)
    statements = []
    conn.set_trace_callback(statements.append)
    importer.store_results(conn, [ready], importer.ImportSummary(), lambda *a: None)
    conn.set_trace_callback(None)
    indexing = [s for s in statements if s.startswith("INSERT INTO documents_fts")]
    assert len(indexing) == 1 and statements.index(indexing[0]) < statements.index("COMMIT")
    stored = {r[0] for r in conn.execute("SELECT rowid FROM documents")}
    assert len(stored) == len(ready) - 1
    assert _found(conn, "documents_fts", "báo cáo") == stored  # every report says it
    named = {r[0] for r in conn.execute("SELECT rowid FROM documents WHERE unit_name IS NOT NULL")}
    assert set().union(*(_found(conn, "documents_fts", f'unit_name : "{name}"') for name in
                         {r[0] for r in conn.execute("SELECT unit_name FROM documents")} if name)) == named
    activities = {r[0] for r in conn.execute("SELECT rowid FROM activities WHERE name IS NOT NULL")}
    assert activities and set().union(*(_found(conn, "activities_fts", f'name : "{name}"') for (name,) in
                                        conn.execute("SELECT DISTINCT name FROM activities"))) >= activities
    assert conn.execute("SELECT COUNT(*) FROM search_pending").fetchone()[0] == 0
    conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")


def _bare_document(conn: sqlite3.Connection, sha: str, unit_name: str, text: str) -> int:
    return conn.execute(
        "INSERT INTO documents (sha256, format, size, imported_at, extracted_at, report_type, unit_name, "
        "extractor_version, patterns_version, full_text) VALUES (?, 'txt', 1, '', '', 'tuanle', ?, '', '', "
        "?)",
        (sha, unit_name, text)).lastrowid


def test_a_row_changed_or_deleted_before_its_commit_is_indexed_as_committed(tmp_path):
    """A row still waiting for its commit's indexing is not in the index: changed, it is indexed
    as it is at the commit; deleted, not at all; and a row indexed before is taken out and put
    back as the triggers always did. Rows another program stored (no `transaction`) are indexed
    when the archive is next opened for writing."""
    db = tmp_path / "pending.db"
    conn = store.connect(db)
    with store.transaction(conn):
        kept = _bare_document(conn, "a", "Xã Đông", "kế hoạch năm")
    with store.transaction(conn):
        changed = _bare_document(conn, "b", "Xã Tây", "học tập suốt đời")
        dropped = _bare_document(conn, "c", "Xã Nam", "học tập suốt đời")
        conn.execute("UPDATE documents SET unit_name = 'Xã Bắc', full_text = 'khuyến học' WHERE id = ?",
                     (changed,))
        conn.execute("DELETE FROM documents WHERE id = ?", (dropped,))
        conn.execute("UPDATE documents SET full_text = 'khuyến học, kế hoạch' WHERE id = ?", (kept,))
    assert _found(conn, "documents_fts", "khuyến") == {changed, kept}
    assert _found(conn, "documents_fts", "học tập") == set()
    assert _found(conn, "documents_fts", "Bắc") == {changed} and _found(conn, "documents_fts", "Tây") == set()
    assert _found(conn, "documents_fts", "Đông") == {kept}
    conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")
    conn.close()
    other = sqlite3.connect(db)  # another program, autocommit
    outside = _bare_document(other, "d", "Xã Trung", "xóa mù chữ")
    other.commit()
    other.close()
    conn = store.connect(db)
    assert _found(conn, "documents_fts", "xóa mù chữ") == {outside}
    assert conn.execute("SELECT COUNT(*) FROM search_pending").fetchone()[0] == 0


def test_opening_the_archive_while_an_import_writes_takes_no_write_lock(tmp_path):
    """Opening the archive for writing indexes what another program left noted, and only then takes
    the write lock: the web server or a second command opening it while an import holds a
    transaction goes on at once instead of waiting for that transaction."""
    db = tmp_path / "busy.db"
    writer = store.connect(db)
    writer.execute("BEGIN IMMEDIATE")
    started = time.perf_counter()
    store.connect(db).close()
    assert time.perf_counter() - started < 5
    writer.execute("ROLLBACK")
