"""Bound volumes (issue 19 item 2): a PDF holding several reports is split where a report opens,
each part stored as a document of its own with its pages; the spot-check lists the parts.

The volumes are built here from the sample reports (born-digital PDFs joined with pypdf; the
scanned one from a scan and a born-digital page rendered to an image)."""

import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import needs_tesseract, sample

from extractor.cli import main
from extractor.extract import extract_file, extract_parts
from extractor.readers import read_document

pypdf = pytest.importorskip("pypdf")

# Four reports of four units and three report types, 14 pages in all.
PARTS = [("BC ket qua TLHTSD ChanSon 2022.pdf", (1, 5), "tuanle", "Chân Sơn"),
         ("BC_DeAn1373_MDrak_2025.pdf", (6, 10), "dean_1373", "M'Đrắk"),
         ("Bao cao so ket TTHTCD AnPhu 2023.pdf", (11, 13), "soket_tthtcd", "An Phú"),
         ("BC_SoKet_HK1_AnBinh_2023_cot_hep.pdf", (14, 14), "soket_tthtcd", "An Bình")]


def bind(target, *pdfs) -> None:
    writer = pypdf.PdfWriter()
    for pdf in pdfs:
        writer.append(str(pdf))
    with open(target, "wb") as fh:
        writer.write(fh)


@pytest.fixture(scope="module")
def volume(tmp_path_factory):
    path = tmp_path_factory.mktemp("volume") / "Tap_bao_cao_2023.pdf"
    bind(path, *[sample(name) for name, *_ in PARTS])
    return path


@pytest.fixture(scope="module")
def parts(volume):
    return extract_parts(volume)


def test_each_report_of_a_volume_is_a_part_with_its_pages(parts):
    assert [(tuple(p["source"]["pages"]), p["source"]["part"], p["source"]["parts"]) for p in parts] == [
        (pages, k, 4) for k, (_, pages, *_) in enumerate(PARTS, 1)]
    for part, (name, (first, last), report_type, unit) in zip(parts, PARTS, strict=True):
        alone = extract_file(sample(name))
        assert (part["document"]["report_type"], part["document"]["unit_name"]) == (report_type, unit)
        assert part["document"] == alone["document"]  # number, dates, period: as the report read alone
        assert part["reader"]["pages"] == last - first + 1
        assert f"pages {first}-{last} of a bound volume of 14 pages" in part["reader"]["notes"]


def in_report(location: str, first: int) -> str:
    """A location in the volume ("page 12, table 1, …") as it reads in the report alone."""
    return re.sub(r"^page (\d+)", lambda m: f"page {int(m.group(1)) - first + 1}", location)


def test_a_parts_values_are_those_of_its_report_with_pages_counted_in_the_volume(parts):
    for part, (name, (first, _), *_) in zip(parts, PARTS, strict=True):
        alone = extract_file(sample(name))
        assert [(o["code"], o["kind"], o["value"]) for o in part["indicators"]] == [
            (o["code"], o["kind"], o["value"]) for o in alone["indicators"]]
        assert [a["name"] for a in part["activities"]] == [a["name"] for a in alone["activities"]]
        assert [in_report(o["location"], first) for o in part["indicators"]] == [
            o["location"] for o in alone["indicators"]]
    assert parts[1]["indicators"] and parts[2]["activities"]


def test_a_single_report_is_one_document_without_pages_in_its_source():
    (only,) = extract_parts(sample("BC ket qua TLHTSD ChanSon 2022.pdf"))
    assert "pages" not in only["source"]
    assert only == extract_file(sample("BC ket qua TLHTSD ChanSon 2022.pdf"))


def test_the_spot_check_prints_one_contract_object_per_part(volume):
    out = CliRunner().invoke(main, ["extract", str(volume), "--format", "json"])
    assert out.exit_code == 0, out.output
    listed = json.loads(out.output)
    assert [p["source"]["pages"] for p in listed] == [list(pages) for _, pages, *_ in PARTS]
    assert {"source", "document", "indicators", "activities", "unmatched", "warnings"} <= set(listed[0])
    single = CliRunner().invoke(main, ["extract", str(sample(PARTS[0][0])), "--format", "json"])
    assert json.loads(single.output)["source"]["path"].endswith(PARTS[0][0])  # one object, not a list
    summary = CliRunner().invoke(main, ["extract", str(volume)])
    assert "part 3 of 4: pages 11-13" in summary.output


def _documents(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT d.sha256, p.file_sha256, p.first_page, p.last_page, p.parts, "
                            "d.unit_name, d.superseded_by FROM documents d LEFT JOIN document_parts p ON "
                            "p.document_id = d.id ORDER BY d.id").fetchall()


def test_a_volume_is_stored_one_document_per_part_and_reimported_as_it_is(volume, parts, tmp_path):
    db = str(tmp_path / "x.db")
    first = CliRunner().invoke(main, ["import", str(volume), "--db", db])
    assert first.exit_code == 0 and "imported 4" in first.output, first.output
    assert "[1/1] imported " in first.output and "(part 2 of 4, pages 6-10)" in first.output
    assert "[0/1]" not in first.output  # the counter counts the file from its first part on
    assert "1 file read, 4 documents — imported 4, unchanged 0" in first.output
    stored = _documents(db)
    sha = parts[0]["source"]["sha256"]
    assert [row[0] for row in stored] == [f"{sha}:p{a}-{b}" for _, (a, b), *_ in PARTS]
    assert [row[1:6] for row in stored] == [(sha, a, b, 4, unit) for _, (a, b), _, unit in PARTS]
    again = CliRunner().invoke(main, ["import", str(volume), "--db", db])
    assert "imported 0, unchanged 4" in again.output, again.output
    assert _documents(db) == stored


def test_an_interrupted_volume_import_stores_the_parts_it_lacks(volume, tmp_path):
    db = str(tmp_path / "x.db")
    CliRunner().invoke(main, ["import", str(volume), "--db", db])
    with sqlite3.connect(db) as conn:  # as if the import had stopped after its second part
        conn.execute("PRAGMA foreign_keys = ON")
        ids = [r[0] for r in conn.execute("SELECT document_id FROM document_parts WHERE first_page > 6")]
        gone = f"({', '.join(map(str, ids))})"
        for table in ("observations", "activities", "review_items", "document_paths", "pivot_values",
                      "check_results", "check_pending", "document_parts"):
            conn.execute(f"DELETE FROM {table} WHERE document_id IN {gone}")
        conn.execute(f"DELETE FROM documents WHERE id IN {gone}")
    again = CliRunner().invoke(main, ["import", str(volume), "--db", db])
    assert "imported 2, unchanged 2" in again.output, again.output
    assert [row[2] for row in _documents(db)] == [1, 6, 11, 14]


def test_a_corrected_value_of_a_part_survives_reimport_and_reextraction(volume, parts, tmp_path):
    db = str(tmp_path / "x.db")
    CliRunner().invoke(main, ["import", str(volume), "--db", db])
    target = parts[1]
    code, kind = target["indicators"][0]["code"], target["indicators"][0]["kind"]
    fixed = CliRunner().invoke(main, ["correct", f"{volume}:p6-10", code, "4321", "--kind", kind, "--db", db])
    assert fixed.exit_code == 0, fixed.output
    ambiguous = CliRunner().invoke(main, ["correct", str(volume), code, "1", "--db", db])
    assert ambiguous.exit_code != 0 and "bound volume of 4 documents" in ambiguous.output
    assert f"{volume}:p1-5" in ambiguous.output
    not_a_part = CliRunner().invoke(main, ["correct", f"{volume}:p6-9", code, "1", "--db", db])
    assert not_a_part.exit_code != 0 and "file's content is not in the database" not in not_a_part.output
    assert (f"{volume}:p6-9: pages 6-9 are not one of this volume's documents; its parts are p1-5, p6-10, "
            "p11-13, p14-14") in not_a_part.output, not_a_part.output
    by_identity = CliRunner().invoke(main, ["correct", f"{target['source']['sha256']}:p6-10", code, "4321",
                                            "--kind", kind, "--db", db])
    assert by_identity.exit_code == 0, by_identity.output

    def value() -> list:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT p.first_page, e.value_num FROM effective_observations e JOIN "
                                "document_parts p ON p.document_id = e.document_id WHERE e.code = ? AND "
                                "e.kind = ? ORDER BY p.document_id", (code, kind)).fetchall()

    assert value() == [(6, 4321)]
    CliRunner().invoke(main, ["import", str(volume), "--db", db])
    redone = CliRunner().invoke(main, ["import", "--reextract", "--force", "--db", db])
    assert "re-extracted 4" in redone.output, redone.output
    assert value() == [(6, 4321)]
    assert len(_documents(db)) == 4


def test_a_changed_volume_supersedes_each_part_by_the_same_report_and_carries_its_corrections(
        volume, parts, tmp_path):
    """Bound again with its first two reports swapped and the others left out: each old part is
    superseded by the part holding the same report, the reports no longer there stay current with
    a review item, a correction moves with its report where the value read is the same and goes to
    review where it changed."""
    db = str(tmp_path / "x.db")
    path = tmp_path / "volume.pdf"
    path.write_bytes(volume.read_bytes())
    CliRunner().invoke(main, ["import", str(path), "--db", db])
    (same, changed) = parts[1]["indicators"][:2]
    for obs, value in ((same, "4321"), (changed, "77")):
        fixed = CliRunner().invoke(main, ["correct", f"{path}:p6-10", obs["code"], value,
                                          "--kind", obs["kind"], "--db", db])
        assert fixed.exit_code == 0, fixed.output
    with sqlite3.connect(db) as conn:  # as if the old volume had read another value there
        conn.execute("UPDATE observations SET value_num = -1, value_text = NULL WHERE code = ? AND "
                     "kind = ? AND document_id = (SELECT document_id FROM document_parts "
                     "WHERE first_page = 6)",
                     (changed["code"], changed["kind"]))
    bind(path, sample(PARTS[1][0]), sample(PARTS[0][0]))
    CliRunner().invoke(main, ["import", str(path), "--db", db])
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT d.id, d.unit_name, p.first_page, n.unit_name, d.superseded_by IS NULL "
                            "FROM documents d JOIN document_parts p ON p.document_id = d.id "
                            "LEFT JOIN documents n ON n.id = d.superseded_by ORDER BY d.id").fetchall()
        assert [r[1:] for r in rows] == [
            ("Chân Sơn", 1, "Chân Sơn", 0), ("M'Đrắk", 6, "M'Đrắk", 0), ("An Phú", 11, None, 1),
            ("An Bình", 14, None, 1), ("M'Đrắk", 1, None, 1), ("Chân Sơn", 6, None, 1)]
        gone = conn.execute("SELECT document_id, reason FROM review_items WHERE item_key LIKE 'gone-from:%'")
        assert sorted(r[0] for r in gone) == [rows[2][0], rows[3][0]]
        shown = conn.execute("SELECT e.value_num FROM effective_observations e WHERE e.document_id = ? AND "
                             "e.code = ? AND e.kind = ?", (rows[4][0], same["code"], same["kind"])).fetchone()
        assert shown == (4321,)
        items = conn.execute("SELECT reason FROM review_items WHERE document_id = ? AND item_key LIKE "
                             "'correction-not-carried:%'", (rows[4][0],)).fetchall()
    assert len(items) == 1 and items[0][0].startswith("correction not applied: the value read changed (")
    assert f"{changed['code']} {changed['kind']}: read -1 before" in items[0][0]


@needs_tesseract
def test_a_scanned_volume_is_split_and_its_pages_cached_one_by_one(tmp_path, monkeypatch):
    """A scan (three pages) bound with a report rendered to an image: two parts. The OCR cache
    holds each page on its own, so a volume read again (or resumed) OCRs no page twice."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", str(sample(PARTS[3][0])), str(tmp_path / "p")],
                   check=True)
    (image,) = [Image.open(p) for p in sorted(tmp_path.glob("p*.png"))]
    image.save(tmp_path / "image.pdf", resolution=200)
    path = tmp_path / "scanned_volume.pdf"
    bind(path, sample("Bao cao so ket TTHTCD ThuongNinh 2024.pdf"), tmp_path / "image.pdf")
    alone = extract_file(sample("Bao cao so ket TTHTCD ThuongNinh 2024.pdf"))  # the usual cache
    monkeypatch.setenv("XHHT_CACHE_DIR", str(tmp_path / "cache"))
    parts = extract_parts(path)
    assert [(p["source"]["pages"], p["source"]["format"]) for p in parts] == [([1, 3], "scan"),
                                                                               ([4, 4], "scan")]
    assert parts[0]["document"] == alone["document"]
    assert [(a["name"], a["participants"]) for a in parts[0]["activities"]] == [
        (a["name"], a["participants"]) for a in alone["activities"]]
    assert len(parts[0]["activities"]) == 8 and len(parts[1]["activities"]) == 3
    assert (parts[1]["document"]["unit_name"], parts[1]["document"]["report_type"]) == ("An Bình",
                                                                                       "soket_tthtcd")
    entries = sorted(p.name for p in (tmp_path / "cache" / "ocr").iterdir())
    assert len(entries) == 4 and all(name.endswith(f"-p{k}.json") for k, name in enumerate(entries, 1))


@pytest.mark.asyncio
async def test_a_parts_document_page_shows_its_pages_and_serves_the_volume(volume, tmp_path):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    db = tmp_path / "x.db"
    CliRunner().invoke(main, ["import", str(volume), "--db", str(db)])
    site = make_app(db)
    page = await site.client.get("/-/document/3")
    assert page.status_code == 200
    assert "pages 11-13 of a bound volume of 4 documents" in page.text
    assert 'href="/-/document/3/file#page=11"' in page.text
    original = await site.client.get("/-/document/3/file")
    assert original.status_code == 200 and original.content == volume.read_bytes()


@needs_tesseract
def test_a_scan_cached_whole_by_an_earlier_version_is_read_from_that_entry(tmp_path, monkeypatch):
    """An archive's OCR cache made before pages were cached one by one is still read: no page of
    that scan is OCR'd again (the entry's words come back; no page entry is written)."""
    from PIL import Image

    from extractor.cache import file_digest
    from extractor.readers import read_document
    from extractor.readers.scan.ocr import ocr_key

    monkeypatch.setenv("XHHT_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "blank_scan.pdf"
    Image.new("L", (850, 1100), 255).save(path, resolution=100)
    words = [["Entry", 100, 100, 220, 130, 96.0, "1.1.1"], ["cached", 240, 100, 380, 130, 95.0, "1.1.1"],
             ["whole", 400, 100, 520, 130, 95.0, "1.1.1"]]
    (tmp_path / "cache" / "ocr").mkdir(parents=True)
    entry = tmp_path / "cache" / "ocr" / f"{ocr_key(file_digest(path))}.json"
    entry.write_text(json.dumps([{"words": words, "skew": 0}]), encoding="utf-8")
    document = read_document(path)
    assert document.method == "ocr" and [b.text for b in document.blocks] == ["Entry cached whole"]
    assert sorted(p.name for p in entry.parent.iterdir()) == [entry.name]



@needs_tesseract
def test_a_volume_of_typed_and_scanned_reports_ocrs_the_scanned_pages_in_their_place(tmp_path, monkeypatch):
    """A typed report bound before a scanned one: the scan's pages have no text layer and are OCR'd
    each in its place, so the volume splits into both reports (the whole file's characters a page
    once made it read as typed, and the scanned report was lost)."""
    typed, scanned = "BC_SoKet_HK1_AnBinh_2023_cot_hep.pdf", "Bao cao so ket TTHTCD ThuongNinh 2024.pdf"
    alone = [extract_file(sample(name)) for name in (typed, scanned)]  # the usual cache
    path = tmp_path / "Tap_tron.pdf"
    bind(path, sample(typed), sample(scanned))
    monkeypatch.setenv("XHHT_CACHE_DIR", str(tmp_path / "cache"))
    parts = extract_parts(path)
    assert [(p["source"]["pages"], p["source"]["format"]) for p in parts] == [([1, 1], "pdf"),
                                                                               ([2, 4], "scan")]
    for part, report in zip(parts, alone, strict=True):
        assert part["document"] == report["document"]
        assert [(a["name"], a["participants"]) for a in part["activities"]] == [
            (a["name"], a["participants"]) for a in report["activities"]]
    assert len(parts[1]["activities"]) == 8
    note = "OCR (tesseract vie, 300 dpi) of the pages without a text layer: 2, 3, 4"
    assert note in parts[1]["reader"]["notes"]
    assert not any(n.startswith("OCR") for n in parts[0]["reader"]["notes"])  # the typed part OCR'd none
    entries = sorted(p.name.rsplit("-", 1)[1] for p in (tmp_path / "cache" / "ocr").iterdir())
    assert entries == ["p2.json", "p3.json", "p4.json"]  # the typed page is never OCR'd


@needs_tesseract
def test_a_typed_report_with_one_scanned_page_is_a_pdf_whose_note_names_that_page(tmp_path, monkeypatch):
    """A five-page typed report with a scanned page bound at its end (no opening: one document):
    most of its pages are typed, so it reads as a PDF, not a scan; the OCR note names page 6."""
    monkeypatch.setenv("XHHT_CACHE_DIR", str(tmp_path / "cache"))
    writer = pypdf.PdfWriter()
    writer.append(str(sample(PARTS[0][0])))
    writer.append(str(sample("Bao cao so ket TTHTCD ThuongNinh 2024.pdf")), pages=(2, 3))
    path = tmp_path / "typed_with_a_scan.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    [part] = extract_parts(path)
    assert part["source"]["format"] == "pdf" and part["reader"]["method"] == "text"
    assert "OCR (tesseract vie, 300 dpi) of the pages without a text layer: 6" in part["reader"]["notes"]


def test_a_typed_page_that_says_little_is_read_from_its_text_not_ocrd(tmp_path):
    """Only a page with no text layer that is an image goes to OCR: a typed signature page with a
    few words stays text (no OCR tools are needed to read it)."""
    fpdf = pytest.importorskip("fpdf")
    fonts = sorted(Path("/usr/share/fonts").rglob("DejaVuSans.ttf"))
    if not fonts:
        pytest.skip("needs a Unicode TrueType font (fonts-dejavu-core)")
    pdf = fpdf.FPDF(format="A4")
    pdf.add_font("body", "", str(fonts[0]))
    pdf.set_font("body", size=11)
    pdf.add_page()
    for k in range(30):
        pdf.cell(0, 8, f"Dòng {k + 1} của báo cáo tổng kết năm học", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.cell(0, 8, "Ký tên")
    path = tmp_path / "ngan.pdf"
    pdf.output(str(path))
    document = read_document(path)
    assert (document.method, document.ocr_pages, document.notes) == ("text", (), [])
    assert (document.blocks[-1].text, document.blocks[-1].location) == ("Ký tên", "page 2, line 1")


def test_reextract_with_a_path_rereads_only_documents_under_it_and_counts_files(volume, tmp_path):
    """`import --reextract --force PATH` re-reads the documents found under PATH only, and its
    counter counts the volume as one file (its four parts are documents)."""
    db = str(tmp_path / "x.db")
    other = tmp_path / "other"
    other.mkdir()
    single = other / "single.pdf"
    single.write_bytes(sample(PARTS[2][0]).read_bytes())
    CliRunner().invoke(main, ["import", str(volume), str(single), "--db", db])
    redone = CliRunner().invoke(main, ["import", "--reextract", "--force", str(volume), "--db", db])
    assert redone.exit_code == 0, redone.output
    assert "1 file to import" in redone.output and "[1/1] re-extracted" in redone.output, redone.output
    assert "(part 4 of 4, pages 14-14)" in redone.output and "[2/" not in redone.output
    assert "1 file read, 4 documents" in redone.output and "re-extracted 4" in redone.output
    everything = CliRunner().invoke(main, ["import", "--reextract", "--force", "--db", db])
    assert "2 files read, 5 documents" in everything.output, everything.output
