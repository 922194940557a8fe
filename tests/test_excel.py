"""Excel annexes: the workbook reader on .xlsx, .xls and .ods, and an annex's metadata taken from
the report beside it, up to an import and a comparison."""

import datetime as dt
import json
import shutil
import sqlite3
import zipfile

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, sample
from workbooks import Formula, Pct, Sheet, write_ods, write_xls, write_xlsx

from extractor.annex import report_beside, report_stem
from extractor.cli import main
from extractor.extract import extract_file
from extractor.model import Paragraph, Table
from extractor.readers import ReadError, excel_reader, read_document, sniff
from extractor.readers.excel_reader import cell_text, column_letters, is_percent_format
from extractor.values import Parsed, parse_value

DEAN_ANNEX = "BC_DeAn1373_BacYen_2024_PhuLuc.xlsx"
TUANLE_ANNEX = "BC_TuanLe_2024_XaTaXua_PhuLuc.xlsx"
TUANLE_REPORT = "BC_TuanLe_2024_XaTaXua.docx"


def _xls(path, sheets):
    pytest.importorskip("xlwt", reason="writing .xls needs xlwt (pip install '.[test]')")
    return write_xls(path, sheets)


WRITERS = {"xlsx": write_xlsx, "ods": write_ods, "xls": _xls}

ROWS = [
    ["UBND XÃ PHIÊNG BAN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["Biểu tổng hợp", None, None, None],
    ["TT", "Chỉ tiêu", "Kế hoạch", "Kết quả"],
    [1, "Tỷ lệ gia đình học tập", Pct(0.8), Pct(0.9729)],
    [2, "Số lượt người tham gia", 1234.0, Formula("C5*2", 2468.0)],
    [3, "Ngày tổng kết", dt.date(2024, 10, 21), 1234567],
    ["II", "Các mô hình", None, None],
    [None, "Kinh phí\nhỗ trợ", 0.1 + 0.2, 99.89],
]
MERGES = ["A2:D2", "B7:D7", "A7:A8"]


@pytest.fixture(params=sorted(WRITERS))
def workbook(request, tmp_path):
    kind = request.param
    path = tmp_path / f"book.{kind}"
    WRITERS[kind](path, [Sheet("Biểu 1", ROWS, merges=MERGES),
                         Sheet("Nháp", [["Số lượt người tham gia", 999]], hidden=True)])
    return kind, path


def _cells(table: Table) -> list[list[tuple[int, str]]]:
    return [[(c.col, c.text) for c in row.cells] for row in table.rows]


def test_each_format_reads_as_the_same_document(workbook):
    kind, path = workbook
    assert sniff(path) == kind
    document = read_document(path)
    assert document.format == kind
    assert document.notes == ["hidden sheet 'Nháp' skipped"]  # and nothing of it is read
    assert "999" not in document.full_text()
    letterhead, title, table = document.blocks
    assert isinstance(letterhead, Table) and letterhead.location == "sheet 'Biểu 1', row 1"
    assert [c.text for c in letterhead.rows[0].cells if c.text] == ["UBND XÃ PHIÊNG BAN",
                                                                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert isinstance(title, Paragraph) and title.text == "Biểu tổng hợp"
    assert title.location == "sheet 'Biểu 1', row 2, cell A"  # a merged title is one paragraph
    assert _cells(table) == [
        [(0, "TT"), (1, "Chỉ tiêu"), (2, "Kế hoạch"), (3, "Kết quả")],
        [(0, "1"), (1, "Tỷ lệ gia đình học tập"), (2, "80 %"), (3, "97,29 %")],  # percent cells
        [(0, "2"), (1, "Số lượt người tham gia"), (2, "1234"), (3, "2468")],  # the formula's cached value
        [(0, "3"), (1, "Ngày tổng kết"), (2, "2024-10-21"), (3, "1234567")],  # dates in ISO, no separators
        [(0, "II"), (1, "Các mô hình")],  # merged B:D is read once, at column B
        [(0, ""), (1, "Kinh phí\nhỗ trợ"), (2, "0,3"),
         (3, "99,89")],  # A7:A8 continues empty; no 0.30000000000000004
    ]
    cell = table.rows[1].cells[3]
    assert cell.location == "sheet 'Biểu 1', row 4, cell D"
    assert [ln.location for ln in table.rows[5].cells[1].lines] == ["sheet 'Biểu 1', row 8, cell B, line 1",
                                                                  "sheet 'Biểu 1', row 8, cell B, line 2"]


def test_cell_values_are_written_as_the_value_parser_reads_them():
    assert cell_text(1234.0) == "1234" and cell_text(1234567) == "1234567"
    assert cell_text(0.9729, percent=True) == "97,29 %"
    assert parse_value(cell_text(0.9729, percent=True), "percent") == Parsed(97.29, "%")
    assert cell_text(97.28999999999999) == "97,29" and cell_text(0.1 + 0.2) == "0,3"
    assert parse_value(cell_text(2810770.0), "money") == Parsed(2810770)
    assert parse_value(cell_text(99.89), "percent") == Parsed(99.89)
    assert cell_text(1e-05, percent=True) == "0,001 %" and cell_text(1.5e16) == "15000000000000000"
    assert cell_text(dt.datetime(2024, 10, 21)) == "2024-10-21"
    assert cell_text(dt.datetime(2024, 10, 21, 8, 30)) == "2024-10-21T08:30"
    assert cell_text(None) == "" and cell_text(True) == "TRUE"
    assert [column_letters(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_percent_formats_are_told_by_a_percent_sign_outside_quoted_text():
    assert is_percent_format("0.00%") and is_percent_format("[Red]0%") and is_percent_format("0%;-0%")
    assert not is_percent_format('0.00" %"') and not is_percent_format("0\\%") and not is_percent_format(
        "#,##0")
    assert not is_percent_format(None) and not is_percent_format("General")


def test_a_workbook_without_percent_styles_reads_its_fractions_as_written(tmp_path):
    path = write_xlsx(tmp_path / "b.xlsx", [Sheet("S", [["TT", "Chỉ tiêu", "Kết quả"],
                                                        [1, "Tỷ lệ", 0.9729]])])
    assert _cells(read_document(path).blocks[-1])[1][2] == (2, "0,9729")


def test_a_workbook_is_told_by_its_content_not_its_name(tmp_path):
    renamed = shutil.copy(sample(DEAN_ANNEX), tmp_path / "bieu.docx")
    assert sniff(renamed) == "xlsx" and read_document(renamed).format == "xlsx"
    assert sniff(sample("BC_DeAn1373_BachThong_2023.docx")) == "docx"


@pytest.mark.parametrize(("kind", "renamed"), [("xlsx", "xls"), ("xlsx", "ods"), ("ods", "xlsx"),
                                               ("ods", "xls"), ("xls", "xlsx"), ("xls", "ods")])
def test_a_workbook_under_another_workbook_extension_is_read_by_its_content(kind, renamed, tmp_path):
    original = WRITERS[kind](tmp_path / f"book.{kind}", [Sheet("Biểu 1", ROWS, merges=MERGES)])
    copy = shutil.copy(original, tmp_path / f"copy.{renamed}")
    assert sniff(copy) == kind
    document = read_document(copy)
    assert document.format == kind
    assert [_cells(t) for t in document.tables()] == [_cells(t) for t in read_document(original).tables()]


def test_formulas_without_a_saved_value_are_named_in_a_reader_note(tmp_path):
    """A workbook written by a program that does not compute (openpyxl) has formulas and no values:
    the cells read as empty, and the spot-check says which, instead of nothing."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Biểu 1"
    for row in ROWS[2:5]:
        sheet.append([v.value if isinstance(v, Pct) else v.cached if isinstance(v, Formula) else v
                      for v in row])
    sheet["D4"], sheet["C5"] = "=C4*2", "=SUM(C3:C4)"
    book.save(tmp_path / "tinh.xlsx")
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "tinh.xlsx")])
    note = "formulas without a saved value, read as empty: sheet 'Biểu 1' D4, C5"
    assert note in result.output, result.output
    assert read_document(sample(DEAN_ANNEX)).notes == ["hidden sheet 'Số liệu gốc' skipped"]  # values saved


def test_bad_workbooks_are_refused_with_their_reason(tmp_path, monkeypatch):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(ReadError, match="corrupt workbook"):
        read_document(broken)
    monkeypatch.setattr(excel_reader, "MAX_CELLS", 20)
    with pytest.raises(ReadError, match="over 20 cells"):
        read_document(sample(DEAN_ANNEX))


def test_an_encrypted_office_file_is_refused_as_such(tmp_path):
    import olefile

    source = tmp_path / "plain.xls"
    pytest.importorskip("xlwt")
    write_xls(source, [Sheet("S", [["a"]])])
    data = bytearray(source.read_bytes())
    with olefile.OleFileIO(str(source)) as ole:  # rename the workbook stream as an encrypted package's
        entry = ole.direntries[[e.name if e else None for e in ole.direntries].index("Workbook")]
        offset = (ole.sectorsize * (1 + ole.first_dir_sector)) + 128 * entry.sid
    name = "EncryptedPackage".encode("utf-16-le") + b"\x00\x00"
    data[offset:offset + 64] = name.ljust(64, b"\x00")
    data[offset + 64:offset + 66] = len(name).to_bytes(2, "little")
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="encrypted Office file"):
        read_document(locked)


def test_the_dean_annex_reads_targets_and_results_with_its_own_letterhead():
    result = extract_file(sample(DEAN_ANNEX))
    meta = result["document"]
    assert (meta["report_type"], meta["unit_name"], meta["unit_level"], meta["province"], meta["year"]) == \
        ("dean_1373", "Bắc Yên", "huyện", "Sơn La", 2024)
    assert result["metadata_from"] is None and result["warnings"] == [] and result["unmatched"] == []
    values = {(o["code"], o["kind"]): o["value"] for o in result["indicators"]}
    assert values[("dean.co_so.moi_truong_so", "actual")] == 97.29
    assert values[("dean.co_so.moi_truong_so", "target")] == 80
    assert values[("dean.pcgd.thcs_muc_do_3", "actual")] == "Chưa đạt"
    assert len(values) == 34
    found = next(o for o in result["indicators"] if o["code"] == "dean.mo_hinh.gia_dinh_hoc_tap"
                 and o["kind"] == "actual")
    assert found["location"] == "sheet 'Biểu 01', row 25, cell E" and found["raw_value"] == "85,26 %"


def test_the_tuanle_annex_takes_unit_and_year_from_its_report():
    result = extract_file(sample(TUANLE_ANNEX))
    meta = result["document"]
    assert (meta["report_type"], meta["unit_name"], meta["district"], meta["province"], meta["year"]) == \
        ("tuanle", "Tà Xùa", "Bắc Yên", "Sơn La", 2024)
    assert meta["doc_number"] is None  # the report's number is the report's, not the annex's
    assert result["metadata_from"] == {"file": TUANLE_REPORT, "fields": [
        "unit_name", "unit_level", "district", "province", "year", "period", "report_type"]}
    assert result["reader"]["notes"] == ["metadata (unit_name, unit_level, district, province, year, "
                                         "period, "
                                         f"report_type) taken from the report beside it: {TUANLE_REPORT}"]
    values = {o["code"]: o["value"] for o in result["indicators"]}
    assert len(values) == 40 and result["warnings"] == [] and result["unmatched"] == []
    assert values["tuanle.lop.xoa_mu_chu.so_luot"] == 27 and values["tuanle.khen_thuong.kinh_phi"] == 3450000


def test_an_annex_alone_leaves_its_metadata_for_review(tmp_path):
    alone = shutil.copy(sample(TUANLE_ANNEX), tmp_path / TUANLE_ANNEX)
    result = extract_file(alone)
    assert result["document"]["unit_name"] is None and result["document"]["report_type"] == "unknown"
    assert result["metadata_from"] is None and result["indicators"] == []
    [item] = [i for i in result["review"] if "annex" in i["reason"]]
    assert item["category"] == "unknown_unit" and "no report of the same name beside it" in item["reason"]


def test_a_report_without_the_unit_leaves_what_it_lacks_for_review(tmp_path):
    shutil.copy(sample(TUANLE_ANNEX), tmp_path / TUANLE_ANNEX)
    (tmp_path / "BC_TuanLe_2024_XaTaXua.txt").write_text(
        "BÁO CÁO\nKết quả tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024\n", encoding="utf-8")
    result = extract_file(tmp_path / TUANLE_ANNEX)
    assert result["document"]["report_type"] == "tuanle" and result["document"]["year"] == 2024
    assert result["metadata_from"]["fields"] == ["year", "period", "report_type"]
    assert any("does not give its unit either" in w for w in result["warnings"])


def test_the_report_an_annex_belongs_to_is_found_by_its_name(tmp_path, catalogue):
    assert report_stem("BC_TuanLe_2023_XaA_PhuLuc", catalogue) == "bc tuanle 2023 xaa"
    assert report_stem("BC_TuanLe_2023_XaAPhuLuc2", catalogue) == "bc tuanle 2023 xaa"
    assert report_stem("BC TuanLe 2023 - Phụ lục 1", catalogue) == "bc tuanle 2023"
    assert report_stem("BC_X_Bieu mau", catalogue) == "bc x" and report_stem(
        "BC_X_Annex", catalogue) == "bc x"
    assert report_stem("Kehoachphuluc", catalogue) is None  # not an ending standing apart
    assert report_stem("PhuLuc", catalogue) is None and report_stem("BC_TuanLe_2023", catalogue) is None
    for name in ("BC_X_2023.pdf", "BC_X_2023.docx", "BC_X_2023_PhuLuc.xlsx", "BC_X_2023.xlsx", "BC_Y.docx"):
        (tmp_path / name).write_bytes(b"x")
    assert report_beside(tmp_path / "BC_X_2023_PhuLuc.xlsx", catalogue, "xlsx").name == "BC_X_2023.docx"
    assert report_beside(tmp_path / "BC_X_2023.xlsx", catalogue, "xlsx").name == "BC_X_2023.docx"
    assert report_beside(tmp_path / "BC_Y_Phụ lục.docx", catalogue, "docx").name == "BC_Y.docx"
    assert report_beside(tmp_path / "BC_Y.docx", catalogue, "docx") is None  # a report is no annex


def _folder(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    for name in (DEAN_ANNEX, TUANLE_ANNEX, TUANLE_REPORT):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def test_extract_of_a_folder_gives_the_annex_its_report_metadata(tmp_path):
    result = CliRunner().invoke(main, ["extract", str(_folder(tmp_path)), "--format", "json"])
    assert result.exit_code == 0, result.output
    by_name = {r["source"]["path"].rsplit("/", 1)[-1]: r for r in json.loads(result.output)}
    assert by_name[TUANLE_ANNEX]["document"]["unit_name"] == "Tà Xùa"
    assert by_name[TUANLE_ANNEX]["source"]["format"] == "xlsx"
    assert by_name[TUANLE_REPORT]["document"]["unit_name"] == "Tà Xùa"


def test_import_with_workers_and_compare_read_annexes_like_word_tables(tmp_path):
    db = str(tmp_path / "x.db")
    result = CliRunner().invoke(main, ["import", str(_folder(tmp_path)), "--db", db, "--workers", "2"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["compare", "tuanle.lop.xoa_mu_chu.so_luot", "--db", db, "--format",
                                       "json"])
    [row] = json.loads(result.output)
    assert "xã Tà Xùa (Bắc Yên, Sơn La)" in row.values() and row["2024"] == 27
    result = CliRunner().invoke(main, ["compare", "dean.co_so.moi_truong_so", "--db", db, "--format", "json"])
    [row] = json.loads(result.output)
    assert 97.29 in row.values() and 80 in row.values()
    notes = CliRunner().invoke(main, ["sql", "SELECT reader_notes FROM documents WHERE format = 'xlsx' "
                                             "ORDER BY reader_notes", "--db", db])
    assert TUANLE_REPORT in notes.output and "Số liệu gốc" in notes.output


def _annex_row(db: str) -> tuple:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT d.unit_name, d.year, d.report_type, count(o.id) FROM documents d "
                            "LEFT JOIN observations o ON o.document_id = d.id WHERE d.format = 'xlsx' "
                            "AND d.superseded_by IS NULL GROUP BY d.id").fetchone()


def _import(*args: str):
    result = CliRunner().invoke(main, ["import", *args])
    assert result.exit_code == 0, result.output
    return result


def test_an_annex_imported_before_its_report_is_read_again_when_the_report_appears(tmp_path):
    """The annex's bytes are unchanged, but the report beside it is new: the import reads the annex
    again (before, it stayed "unchanged", its unit and year empty, until --reextract --force)."""
    folder, db = tmp_path / "archive", str(tmp_path / "x.db")
    folder.mkdir()
    shutil.copy(sample(TUANLE_ANNEX), folder / TUANLE_ANNEX)
    _import(str(folder), "--db", db)
    assert _annex_row(db) == (None, None, "unknown", 0)
    shutil.copy(sample(TUANLE_REPORT), folder / TUANLE_REPORT)
    again = _import(str(folder), "--db", db)
    assert "re-extracted 1" in again.output, again.output
    assert _annex_row(db) == ("Tà Xùa", 2024, "tuanle", 40)
    assert "re-extracted 0" in _import(str(folder), "--db", db).output  # now it is unchanged


def test_the_same_annex_bytes_at_two_paths_take_the_report_where_there_is_one(tmp_path):
    bare, beside, db = tmp_path / "bare", tmp_path / "beside", str(tmp_path / "x.db")
    for folder in (bare, beside):
        folder.mkdir()
        shutil.copy(sample(TUANLE_ANNEX), folder / TUANLE_ANNEX)
    shutil.copy(sample(TUANLE_REPORT), beside / TUANLE_REPORT)
    _import(str(bare), "--db", db)
    _import(str(beside), "--db", db)
    assert _annex_row(db) == ("Tà Xùa", 2024, "tuanle", 40)
    _import(str(bare), "--db", db)  # a folder without the report does not undo it
    assert _annex_row(db) == ("Tà Xùa", 2024, "tuanle", 40)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM document_paths p JOIN documents d ON d.id = p.document_id "
                            "WHERE d.format = 'xlsx'").fetchone() == (2,)


def test_the_samples_generator_writes_what_is_committed(tmp_path):
    from make_annex_samples import main as make

    make(tmp_path)
    for name in (DEAN_ANNEX, TUANLE_ANNEX):
        made, kept = read_document(tmp_path / name), read_document(sample(name))
        assert made.full_text() == kept.full_text()
    with zipfile.ZipFile(sample(TUANLE_ANNEX)) as archive:
        assert b"<f>1500000+1950000</f><v>3450000.0</v>" in archive.read("xl/worksheets/sheet1.xml")


ACTIVITY_ROWS = [
    ["TRUNG TÂM HỌC TẬP CỘNG ĐỒNG XÃ PHIÊNG BAN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["Số: 08/BC-TTHTCĐ", None, None, "Phiêng Ban, ngày 15 tháng 1 năm 2024"],
    ["BÁO CÁO", None, None, None],
    ["Sơ kết hoạt động Trung tâm học tập cộng đồng học kỳ I năm học 2023 - 2024", None, None, None],
    ["TT", "Nội dung hoạt động", "Số người tham gia", "Đơn vị chủ trì", "Đơn vị phối hợp"],
    [1, "Tập huấn kỹ thuật chăn nuôi gà thả vườn", 52.0, "TTHTCĐ xã", "Hội Nông dân xã"],
    [2, "Nói chuyện chuyên đề phòng chống ma túy", 130, "Công an xã", "Đoàn Thanh niên"],
    [3, "Lớp tin học cơ bản cho cán bộ thôn", Formula("C6/2", 26.0), "TTHTCĐ xã", None],
]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_an_activity_sheet_gives_activities_with_participants_host_and_partners(kind, tmp_path):
    """A workbook whose sheet is a report's activity table reads as a Word report's would: each
    row an activity with its participants (a number written 52.0, a formula's saved value) and
    the units that host it and take part, the report's metadata from the rows above it."""
    path = WRITERS[kind](tmp_path / f"SoKet_HK1_PhiengBan.{kind}",
                         [Sheet("Hoạt động", ACTIVITY_ROWS, merges=["A3:E3", "A4:E4"])])
    result = extract_file(path)
    assert (result["document"]["report_type"], result["document"]["unit_name"],
            result["document"]["period"]) == ("soket_tthtcd", "Phiêng Ban", "HK1 2023-2024")
    assert [(a["name"], a["participants"], a["host"], a["partners"]) for a in result["activities"]] == [
        ("Tập huấn kỹ thuật chăn nuôi gà thả vườn", 52, "TTHTCĐ xã", "Hội Nông dân xã"),
        ("Nói chuyện chuyên đề phòng chống ma túy", 130, "Công an xã", "Đoàn Thanh niên"),
        ("Lớp tin học cơ bản cho cán bộ thôn", 26, "TTHTCĐ xã", None)]
    assert result["activities"][1]["location"].startswith("sheet 'Hoạt động', row 7")


def test_an_annex_named_with_a_leading_annex_word_or_as_a_browser_copy_finds_its_report(
        tmp_path, catalogue):
    """"PhuLuc_BC_…", "PL01_BC_…" and a copy saved twice ("… (1)", "… - Copy") belong to the report
    of the name without them; a word that only starts like one ("Plan_…") is no annex."""
    assert report_stem("PhuLuc_BC_TuanLe_2023_XaA", catalogue) == "bc tuanle 2023 xaa"
    assert report_stem("PL01_BC_TuanLe_2023_XaA", catalogue) == "bc tuanle 2023 xaa"
    assert report_stem("BC_TuanLe_2023_XaA_PhuLuc (1)", catalogue) == "bc tuanle 2023 xaa"
    assert report_stem("Plan_BC_X", catalogue) is None and report_stem("PhuLuc (1)", catalogue) is None
    (tmp_path / "BC_X_2023.docx").write_bytes(b"x")
    for name in ("PhuLuc_BC_X_2023.xlsx", "PL01_BC_X_2023.xlsx", "BC_X_2023 (1).xlsx",
                 "BC_X_2023 - Copy.xlsx", "BC_X_2023_PhuLuc (2).docx"):
        (tmp_path / name).write_bytes(b"x")
        assert report_beside(tmp_path / name, catalogue).name == "BC_X_2023.docx", name
