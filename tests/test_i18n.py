"""The interface in the users' language: Vietnamese by default (from the locale), English on
request; the catalogue complete and compiled; numbers written the Vietnamese way for people and
plainly for programs; report types, review categories, statuses and reasons shown by name while
the data keeps its codes."""

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLES

from extractor.cli import main

PO = ROOT / "extractor" / "locale" / "vi" / "LC_MESSAGES" / "xhht.po"
MO = PO.with_suffix(".mo")
LEAFLETS = "tuanle.tuyen_truyen.to_roi"  # "Số lượng tờ rơi đã phát hành", a count
LITERACY = "xmc.15_60.ty_le_biet_chu"  # a rate (%)
LOCALE_VARIABLES = ("XHHT_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def run(*args, ok: bool = True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Three reports that need no system tool: one with review items of three kinds and a count
    made large (4.000.000 leaflets), and a district report with rates (99,37 %)."""
    folder = tmp_path_factory.mktemp("i18n")
    files = folder / "files"
    files.mkdir()
    text = (SAMPLES / "BC_TuanLe_2024_XaPhuocHung_can_xem_lai.txt").read_text(encoding="utf-8")
    assert "phát hành: 450 tờ" in text
    (files / "tuanle.txt").write_text(text.replace("phát hành: 450 tờ", "phát hành: 4.000.000 tờ"),
                                      encoding="utf-8")
    for name in ("TongKet_XDXHHT_BacHa_2017.docx", "BC_DeAn1373_BachThong_2023.docx"):
        shutil.copy(SAMPLES / name, files / name)
    db = folder / "i18n.db"
    run("import", files, "--db", db, "--workers", "1")
    return db


@pytest.fixture
def vietnamese(monkeypatch):
    monkeypatch.setenv("XHHT_LANG", "vi")


# ---- the language ---------------------------------------------------------------------------------
@pytest.mark.parametrize("environment, expected", [
    ({}, "vi"),
    ({"LANG": "C"}, "vi"),
    ({"LC_ALL": "POSIX"}, "vi"),
    ({"LANG": "C.UTF-8"}, "vi"),
    ({"LANG": "vi_VN.UTF-8"}, "vi"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANGUAGE": "en_GB:en", "LANG": "vi_VN.UTF-8"}, "en"),
    ({"LC_ALL": "vi_VN.UTF-8", "LANG": "en_US.UTF-8"}, "vi"),
    ({"LC_MESSAGES": "en_AU.UTF-8", "LANG": "C"}, "en"),
    ({"XHHT_LANG": "vi", "LANG": "en_US.UTF-8"}, "vi"),
    ({"XHHT_LANG": "en", "LANG": "vi_VN.UTF-8"}, "en"),
])
def test_the_language_comes_from_xhht_lang_then_the_locale(monkeypatch, environment, expected):
    from extractor import i18n

    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert i18n.language() == expected


def test_lang_option_wins_over_the_environment_and_lasts_one_run(archive, monkeypatch):
    monkeypatch.setenv("XHHT_LANG", "vi")
    assert "conflicting values" in run("--lang", "en", "review", "list", "--db", archive).output
    assert "giá trị mâu thuẫn" in run("review", "list", "--db", archive).output  # the option did not stick
    monkeypatch.setenv("XHHT_LANG", "en")
    assert "giá trị mâu thuẫn" in run("--lang", "vi", "review", "list", "--db", archive).output
    assert run("--lang", "fr", "review", "list", ok=False).exit_code == 2


# ---- the command line in Vietnamese ---------------------------------------------------------------------
def test_review_list_in_vietnamese_keeps_codes_in_json(archive, vietnamese):
    table = run("review", "list", "--db", archive)
    text = table.output
    for shown in ("chưa xử lý", "giá trị chưa rõ", "nhãn không khớp danh mục",
                  "giá trị mâu thuẫn",  # status, kinds
                  "số có lẫn chữ", "khớp yếu", "bảng 1, hàng 2, ô 3", "mã số",
                  "lý do"):  # reasons, places, columns
        assert shown in text, shown
    for english in ("unclear_value", "conflict ", "weak match", "number with extra text", "table 1"):
        assert english not in text, english
    assert "mục" in table.stderr
    items = json.loads(run("review", "list", "--db", archive, "--format", "json").output)
    assert {"unclear_value", "unmatched_label", "conflict"} <= {i["category"] for i in items}
    assert {i["status"] for i in items} == {"open"}
    assert any(i["reason"].startswith("number with extra text") for i in items)  # stored as written


def test_messages_and_errors_in_vietnamese(archive, tmp_path, vietnamese):
    missing = run("review", "list", "--db", tmp_path / "none.db", ok=False)
    assert missing.exit_code == 1 and missing.output.startswith("Lỗi: chưa có cơ sở dữ "
                                                                "liệu tại")  # not click's "Error:"
    summary = run("extract", SAMPLES / "BC_TuanLe_2024_XaPhuocHung_can_xem_lai.txt").output
    assert "loại: Tuần lễ học tập suốt đời (tuanle)" in summary
    assert "cần xem lại: 2 nhãn, 1 cảnh báo" in summary
    assert "đọc được các giá trị khác nhau (02 lớp tại dòng 17, ký tự 22; 03 lớp tại dòng 34" in summary
    assert "(gần nhất: tuanle.tuyen_truyen.sach_tai_lieu)" in summary  # a value unclear: no score to show
    imported = run("import", SAMPLES / "BC_SoKet_HK1_DakSMar_2017.txt", "--db", tmp_path / "one.db",
                   "--workers", "1")
    assert "đã nhập 1" in imported.output and "lỗi 0" in imported.output


def test_refusals_of_corrections_and_queries_in_vietnamese(archive, vietnamese):
    tuanle = archive.parent / "files" / "tuanle.txt"
    catalogue = json.loads(run("indicators", "--db", archive, "--format", "json").output)
    foreign = next(i["code"] for i in catalogue if i["report_type"] == "dean_1373")
    refused = run("correct", tuanle, foreign, "5", "--db", archive, ok=False)
    assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1
    assert (f"{foreign} là chỉ tiêu của báo cáo Đề án 1373 (dean_1373), còn văn bản này là báo cáo Tuần lễ "
            "học tập suốt đời (tuanle): nếu vẫn muốn ghi, hãy thêm --force") in refused.output
    missing = run("review", "show", "987654", "--db", archive, ok=False)
    assert "không có mục cần xem lại nào mang mã số 987654 (xem `xhht review list --all`)" in missing.output
    unknown = run("correct", tuanle, "tuanle.no.such", "5", "--db", archive, ok=False)
    assert "'tuanle.no.such' không có trong danh mục chỉ tiêu" in unknown.output
    attach = run("sql", f"ATTACH '{archive.parent / 'x.db'}' AS x", "--db", archive, ok=False)
    assert "từ chối câu lệnh SQL: lệnh này sẽ mở tệp" in attach.output
    place = run("compare", LEAFLETS, "--province", "Bắc Kạnn", "--db", archive, ok=False)
    assert "cơ sở dữ liệu không có tỉnh nào tên 'Bắc Kạnn'; có phải là: Bắc Kạn?" in place.output


def test_unreadable_files_are_stored_in_english_and_told_in_vietnamese(tmp_path, vietnamese):
    """Why a file was not imported is stored as the reader said it (the same in every database),
    and the person running the command reads it in the interface's language."""
    import sqlite3
    import zipfile

    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    with zipfile.ZipFile(folder / "not_word.docx", "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    extracted = run("extract", folder / "empty.txt", ok=False)
    assert extracted.exit_code == 1 and f"lỗi: {folder / 'empty.txt'}: tệp rỗng (0 byte)" in extracted.output
    db = tmp_path / "bad.db"
    imported = run("import", folder, "--db", db, "--workers", "1", ok=False)
    assert imported.exit_code == 1
    assert "bỏ qua (loại tệp không hỗ trợ): " in imported.output
    assert ": không phải văn bản Word (tệp zip không có word/document.xml)" in imported.output
    assert "tệp rỗng (0 byte)" in imported.output and "lỗi 2" in imported.output
    stored = {row[0] for row in sqlite3.connect(db).execute("SELECT error FROM import_errors")}
    assert stored == {"empty file (0 bytes)", "not a Word document (zip without word/document.xml)"}


def test_compare_numbers_vietnamese_for_people_plain_for_programs(archive, tmp_path, vietnamese):
    table = run("compare", LEAFLETS, "--db", archive).output
    assert "4.000.000" in table and "Đơn vị" in table
    rows = list(csv.reader(io.StringIO(run("compare", LEAFLETS, "--db", archive, "--format", "csv").output)))
    assert rows[0][0] == "Đơn vị" and "4000000" in {cell for row in rows for cell in row}
    data = json.loads(run("compare", LEAFLETS, "--db", archive, "--format", "json").output)
    assert 4000000 in [v for row in data for v in row.values()]
    rates = json.loads(run("compare", LITERACY, "--db", archive, "--format", "json").output)
    assert 99.37 in [v for row in rates for v in row.values()]
    target = tmp_path / "leaflets.csv"
    run("compare", LEAFLETS, "--db", archive, "--format", "csv", "-o", target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_xlsx_cells_stay_numbers_with_grouped_formats(archive, tmp_path, vietnamese):
    from openpyxl import load_workbook

    counts, rates = tmp_path / "counts.xlsx", tmp_path / "rates.xlsx"
    run("compare", LEAFLETS, "--db", archive, "--format", "xlsx", "-o", counts)
    run("compare", LITERACY, "--db", archive, "--format", "xlsx", "-o", rates)
    cells = [c for row in load_workbook(counts).active.iter_rows(min_row=4) for c in row[1:]
             if c.value is not None]
    big = [c for c in cells if c.value == 4000000]
    assert big and isinstance(big[0].value, int) and big[0].number_format == "#,##0"
    assert all(isinstance(c.value, int) for c in cells)  # counts are integers, not 450.0
    cells = [c for row in load_workbook(rates).active.iter_rows(min_row=4) for c in row[1:]
             if c.value is not None]
    rate = [c for c in cells if c.value == 99.37][0]
    assert rate.number_format == '#,##0.0# "%"' and rate.data_type == "n"


def test_exports_write_counts_as_integers_and_csv_files_start_with_a_bom(archive, tmp_path):
    rows = list(csv.DictReader(io.StringIO(run("export", "--db", archive, "--format", "csv").output)))
    leaflets = [r for r in rows if r["code"] == LEAFLETS]
    assert leaflets[0]["value"] == "4000000" and leaflets[0]["extracted_value"] == "4000000"
    assert all(not r["value"].endswith(".0") for r in rows if r["unit"] != "%")
    assert [r["value"] for r in rows if r["code"] == LITERACY] == ["99.37"]
    target = tmp_path / "all.csv"
    run("export", "--db", archive, "--format", "csv", "-o", target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and target.read_text(
        encoding="utf-8-sig").startswith("code,")
    docs = [json.loads(line) for line in run("export", "--db", archive).output.splitlines()]
    values = [i["value"] for d in docs for i in d["indicators"] if i["code"] == LEAFLETS]
    assert values == [4000000] and isinstance(values[0], int)


# ---- the web view
# -------------------------------------------------------------------------------------------
def site(archive, review=False):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    return make_app(archive, review=review)


@pytest.mark.asyncio
async def test_web_pages_in_vietnamese_with_report_types_by_name(archive, vietnamese):
    web = site(archive, review=True)
    home = (await web.client.get("/")).text
    for name in ("Tuần lễ học tập suốt đời", "Tổng kết xây dựng xã hội học tập", "Đề án 1373", "Trang chủ",
                 "Văn bản theo loại báo cáo và năm"):
        assert name in home, name
    for code in (">tuanle<", ">tongket_xhht<", ">dean_1373<"):
        assert code not in home, code
    compare = (await web.client.get(f"/-/compare?code={LEAFLETS}")).text
    assert ">4.000.000<" in compare and "Tải về" in compare
    catalogue = json.loads(compare.split('id="catalogue">', 1)[1].split("</script>", 1)[0])
    assert {i["report_type_name"] for i in catalogue} >= {"Tuần lễ học tập suốt đời", "Đề án 1373",
                                                          "Tổng kết xây dựng xã hội học tập"}
    assert "report_type_name" in (ROOT / "extractor" / "web" / "static" / "compare.js").read_text(
        encoding="utf-8")
    rates = (await web.client.get(f"/-/compare?code={LITERACY}")).text
    assert ">99,37 %<" in rates
    found = (await web.client.get("/-/search?q=tờ rơi")).text
    assert "Tuần lễ học tập suốt đời" in found and "— tuanle" not in found
    queue = (await web.client.get("/-/review")).text
    assert "giá trị mâu thuẫn" in queue and "khớp yếu" in queue and "Danh sách cần xem lại" in queue
    item_id = queue.split('class="review-item" href="/-/review/', 1)[1].split('"', 1)[0]
    item = (await web.client.get(f"/-/review/{item_id}")).text
    assert "Quyết định" in item and "Không ghi gì" in item


@pytest.mark.asyncio
async def test_web_downloads_machine_readable_csv_with_bom(archive, vietnamese):
    web = site(archive)
    response = await web.client.get(f"/-/compare.csv?code={LEAFLETS}")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Đơn vị" and "4000000" in {cell for row in rows for cell in row}
    data = (await web.client.get(f"/-/compare.json?code={LEAFLETS}")).json()
    assert 4000000 in [v for row in data["rows"] for v in row.values()]


@pytest.mark.asyncio
async def test_web_refusals_in_vietnamese(archive, vietnamese):
    from extractor.serve import make_app

    site = make_app(archive, port=8001)
    rebound = await site.client.get("/", headers={"host": "evil.example:8001"})
    assert rebound.status_code == 400 and "máy chủ này chỉ trả lời các địa chỉ" in rebound.text
    local = {"host": "127.0.0.1:8001"}
    posted = await site.client.post("/-/review/1/reject", headers={**local, "origin": "http://evil.example"})
    assert posted.status_code == 403 and "từ chối yêu cầu ghi gửi từ trang khác" in posted.text
    read_only = await site.client.post("/-/review/1/reject", headers=local)
    assert read_only.status_code == 403 and "máy chủ này chỉ cho xem" in read_only.text
    nothing = await site.client.get("/-/search?q=%22", headers=local)
    assert "Không có từ nào để tìm: hãy gõ chữ hoặc số." in nothing.text


# ---- the catalogue
# ---------------------------------------------------------------------------------------------
def extracted_messages() -> set:
    """Every msgid in the code and the templates, found by pybabel's own extraction (babel.cfg)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    return {message if isinstance(message, str) else tuple(message)
            for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options_map, keywords=keywords)}


def test_every_message_has_a_vietnamese_translation():
    import re

    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert not message.fuzzy, key
        assert all(strings), f"untranslated: {key}"
        translated[key] = strings
    missing = extracted_messages() - set(translated)
    assert not missing, f"not in xhht.po (run the pybabel commands in README): {sorted(map(str, missing))}"
    for key, strings in translated.items():  # the facts a message carries survive its translation
        ids = [key] if isinstance(key, str) else list(key)
        wanted = set(re.findall(r"\{\w+\}|%\(\w+\)s", ids[0]))
        assert all(wanted <= set(re.findall(r"\{\w+\}|%\(\w+\)s", s)) for s in strings), key


def test_the_compiled_catalogue_is_the_po():
    import gettext

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)._catalog
    with MO.open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)._catalog
    assert shipped == expected, "xhht.mo is stale: pybabel compile -D xhht -d extractor/locale"


def test_names_cover_every_code():
    from extractor import i18n
    from extractor.patterns import REPORT_TYPES
    from extractor.review import CATEGORIES

    assert set(i18n.REPORT_TYPE_NAMES) == set(REPORT_TYPES)
    assert set(i18n.CATEGORY_NAMES) == set(CATEGORIES)


def test_stored_reasons_are_shown_translated(monkeypatch):
    from extractor import i18n

    monkeypatch.setenv("XHHT_LANG", "vi")
    facts = {"location": "table 2, row 3, cell 1", "where": "line 17, at 22", "code": "tuanle.x.y",
             "kind": "actual", "value": "02 lớp", "other": "03 lớp", "method": "table", "labels": "3 labels",
             "values": "1 value", "readings": "02 lớp at line 17, at 22; 03 lớp at table 1, row 2, cell 2",
             "raw": "1.2OO", "name": "Tân Phú", "level": "xã", "count": "2", "places": "A, B",
             "role": "target", "confidence": "41", "minimum": "60", "file": "BC_TuanLe_2024_XaA.docx",
             "missing": "unit", "path": "vol3/Tap_2023.pdf", "old": "2", "new": "3"}
    shown_facts = {**facts, "location": "bảng 2, hàng 3, ô 1", "where": "dòng 17, ký tự 22",
                   "kind": "kết quả", "method": "bảng", "labels": "3 nhãn", "values": "1 giá trị",
                   "readings": "02 lớp tại dòng 17, ký tự 22; 03 lớp tại bảng 1, hàng 2, ô 2"}
    for template in i18n.REASONS:
        english = template.format(**facts)
        shown = i18n.reason(english)
        assert shown != english and shown == i18n.gettext(template).format(**shown_facts), template
    singular = i18n.reason("table 1, row 2: 1 label but 2 values; left "
                           "for review")  # wording.count's agreement
    assert singular == "bảng 1, hàng 2: có 1 nhãn nhưng 2 giá trị; để xem lại"
    assert i18n.reason("something new the extractor says") == "something new the extractor says"
    monkeypatch.setenv("XHHT_LANG", "en")
    assert i18n.reason("weak match") == "weak match" and i18n.location("table 1, row 2") == "table 1, row 2"


def test_workbook_locations_are_shown_translated_with_the_sheet_name_as_written(monkeypatch):
    from extractor import i18n

    monkeypatch.setenv("XHHT_LANG", "vi")
    assert i18n.location("sheet 'Biểu 1', row 5, cell C") == "trang tính 'Biểu 1', hàng 5, ô C"
    assert i18n.location("sheet 'row 2 cell A', row 5, cell AB, line 2") == \
        "trang tính 'row 2 cell A', hàng 5, ô AB, dòng 2"
    shown = i18n.reason("sheet 'Biểu 1', row 5: 2 labels but 1 value; left for review")
    assert shown == "trang tính 'Biểu 1', hàng 5: có 2 nhãn nhưng 1 giá trị; để xem lại"


def test_stored_notes_and_import_errors_are_shown_translated(monkeypatch):
    """Reader notes and why a file was not imported are stored in English like review reasons,
    and shown in the interface's language (an error inside an error too)."""
    from extractor import i18n

    monkeypatch.setenv("XHHT_LANG", "vi")
    facts = {"encoding": "TCVN3", "runs": "12 runs", "tables": "1 table", "language": "vie", "dpi": "300",
             "size": "60", "limit": "50", "detail": "File is not a zip file", "format": "docx",
             "pages": "900", "problem": "the Word stream is empty", "magic": "0x0000", "share": "73%",
             "seconds": "120", "page": "2", "code": "tuanle.x.y", "kind": "target", "value": "3",
             "where": "line 4", "other": "5", "elsewhere": "page 1, line 22, at 33", "sheet": "Biểu 1",
             "fields": "unit_name, year", "file": "BC_TuanLe_2024_XaA.docx", "first": "6", "last": "10",
             "cells": "D4, C5"}
    shown_facts = {**facts, "runs": "12 đoạn chữ", "tables": "1 bảng", "problem": "luồng Word rỗng",
                   "kind": "chỉ tiêu", "where": "dòng 4", "elsewhere": "trang 1, dòng 22, ký tự 33"}
    for templates, show in ((i18n.NOTES, i18n.note), (i18n.ERRORS, i18n.error)):
        for template in templates:
            english = template.format(**facts)
            assert show(english) != english and show(english) == i18n.gettext(template).format(
                **shown_facts), template
    nested = i18n.error("not stored: tuanle.x.y (actual) read twice with different values: 3 at line 4, 5 "
                        "at line 9")
    assert nested == ("không ghi được vào cơ sở dữ liệu: tuanle.x.y (kết quả) đọc được hai lần với hai "
                      "giá trị khác nhau: 3 tại dòng 4, 5 tại dòng 9")
    assert i18n.note("converted from .doc with "
                     "LibreOffice") == "đã chuyển từ .doc bằng LibreOffice"  # not "from {encoding}"
    assert i18n.error("ValueError: something broke") == "ValueError: something broke"


def test_the_compiled_catalogue_is_not_ignored_by_git_so_the_wheel_carries_it():
    """The wheel takes the `extractor` package as git sees it (hatch honours .gitignore)."""
    import subprocess

    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a checkout")
    ignored = subprocess.run([git, "check-ignore", str(MO), str(PO)], cwd=ROOT, check=False)
    assert ignored.returncode == 1  # 1: none of them is ignored
    assert MO.is_file() and MO.stat().st_size > 1000


def test_numbers_are_written_as_babel_writes_them():
    import random

    from babel.numbers import format_decimal

    from extractor.i18n import number, set_language

    rng = random.Random(3)
    values = [0, 7, -160, 999, 1000, 4_000_000, -1234567, 0.5, 57.4, 99.22, -3.75, 1234.5, 0.01, 123456789.12]
    values += [rng.randrange(-10 ** 9, 10 ** 9) for _ in range(300)]
    values += [round(rng.uniform(-10 ** 6, 10 ** 6), rng.randrange(0, 3)) for _ in range(300)]
    try:
        for lang in ("vi", "en"):
            set_language(lang)
            for value in values:
                plain = int(value) if float(value).is_integer() else round(value, 2)
                expected = format_decimal(plain, locale=lang, group_separator=True)
                assert number(value) == expected, (lang, value)
    finally:
        set_language(None)


# ---- the help pages --------------------------------------------------------------------------------------
def words(text: str) -> str:
    """A help page's text without the line breaks click wraps it with."""
    return " ".join(text.split())


def help_words(*args) -> str:
    return words(run(*args, "--help").output)


@pytest.fixture
def locale_unset(monkeypatch):
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_help_pages_are_vietnamese_by_default(locale_unset):
    group = help_words()
    for shown in ("Cách dùng:", "Tùy chọn:", "Lệnh:", "Hiện trang trợ giúp này rồi thoát.",
                  "ngôn ngữ của thông báo, bảng và trang trợ giúp",  # an option
                  "import Nhập các tệp và thư mục (cả thư mục con) vào cơ sở dữ liệu.",  # the command list
                  "review Danh sách cần xem lại"):  # a subgroup's line
        assert shown in group, shown
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Import files"):
        assert english not in group, english
    page = help_words("import")
    assert page.startswith("Cách dùng: ") and "[OPTIONS] [PATHS]..." in page  # click's metavars
    assert "Nhập các tệp và thư mục (cả thư mục con) vào cơ sở dữ liệu. Có thể dừng và chạy lại" in page
    assert ("-w, --workers INTEGER RANGE số tiến trình đọc tệp (mặc định: bằng số nhân CPU của máy) "
            "[1<=x<=64]") in page  # the range as click writes it
    assert "--cluster-files [send|shared] send: gửi nội dung từng tệp" in page and "[default: send]" in page
    assert "Safe to stop" not in page and "extraction processes" not in page
    assert "Chọn phương án số NUMBER (đếm từ 1)" in help_words("review", "pick")  # a subgroup's command


@pytest.mark.parametrize("args, environment", [
    (["--lang", "en"], {"XHHT_LANG": "vi"}),
    ([], {"XHHT_LANG": "en"}),
    ([], {"LANG": "en_US.UTF-8"}),
])
def test_help_pages_are_english_with_lang_en_or_an_english_environment(locale_unset, args, environment):
    for name, value in environment.items():
        locale_unset.setenv(name, value)
    group = help_words(*args)  # `xhht --lang en --help`: --lang is read before the eager --help
    for shown in ("Usage:", "Options:", "Commands:", "-h, --help Show this message and exit.",
                  "import Import files and folders (recursively) into the database."):
        assert shown in group, shown
    page = help_words(*args, "import")
    assert "Safe to stop and to repeat" in page
    assert "extraction processes (default: the machine's cores)" in page
    assert "Cách dùng" not in group + page and "tiến trình" not in page


def test_the_program_alone_shows_its_help_page_with_or_without_a_language(locale_unset):
    """`xhht` alone and `xhht --lang en` alone show the help page (the second said "Missing command")."""
    for args, start in (([], "Cách dùng:"), (["--lang", "en"], "Usage:"), (["--lang", "vi"], "Cách dùng:")):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0 and result.output.startswith(start), (args, result.output)


def test_the_language_of_a_help_page_lasts_its_run(locale_unset):
    """`--help` ends the run while click parses (no context closes): the choice must end all the same,
    and a choice made before the run (a program's, a test's) is back after it."""
    from extractor import i18n

    assert help_words("--lang", "en").startswith("Usage:")
    assert help_words().startswith("Cách dùng:")
    assert help_words("--lang", "en", "review", "list").startswith("Usage:")
    assert help_words("review", "list").startswith("Cách dùng:")
    i18n.set_language("en")
    try:
        assert help_words("--lang", "vi").startswith("Cách dùng:")
        assert i18n.language() == "en"
    finally:
        i18n.set_language(None)


def command_pages(group, path=()):
    """(the words before --help, the command) for the group and every command under it."""
    import click

    yield path, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from command_pages(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_help_text_of_the_command_line_is_translated(locale_unset):
    """Each command's docstring and each option's help: shown through `cli_help` (a plain
    click.option would stay English), in the catalogue with a Vietnamese translation, found by
    pybabel (else `pybabel update --ignore-obsolete` drops it), and on the page in Vietnamese."""
    from babel.messages.pofile import read_po

    from extractor import cli_help

    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    extracted = extracted_messages()
    frame = [cli_help.HELP_LINE, cli_help.USAGE, *cli_help.HEADINGS]
    assert all(catalogue.get(text) and catalogue.get(text).string for text in frame)
    paths = set()
    for path, command in command_pages(main):
        assert isinstance(command, cli_help.Translated), path
        helped = [command, *(p for p in command.params if p.help)]
        assert all(isinstance(p, cli_help.Translated) for p in helped), path
        page = help_words(*path)
        for item in helped:
            message = catalogue.get(item.msgid)
            assert message is not None and message.string and not message.fuzzy, item.msgid
            assert item.msgid in extracted, item.msgid
            assert words(message.string) in page, (path, message.string)
        paths.add(path)
    assert {(), ("import",), ("review",), ("review", "pair"), ("corrections", "import")} <= paths


@pytest.mark.parametrize("args, vietnamese, english", [
    (["compare"], "Lỗi: Thiếu đối số 'CODE'.", "Error: Missing argument 'CODE'."),
    (["import", ".", "--workers", "0"],
     "Lỗi: Giá trị không hợp lệ cho '--workers' / '-w': 0 nằm ngoài khoảng 1<=x<=64.",
     "Error: Invalid value for '--workers' / '-w': 0 is not in the range 1<=x<=64."),
    (["units", "--format", "xml"], "Lỗi: Giá trị không hợp lệ cho '--format': 'xml' không thuộc các giá trị "
     "'table', 'csv', 'json'.", "Error: Invalid value for '--format': 'xml' is not one of 'table', 'csv', "
     "'json'."),
    (["imprt"], "Lỗi: Không có lệnh 'imprt'. Có phải ý bạn là 'import'?",
     "Error: No such command 'imprt'. Did you mean 'import'?"),
    (["compare", "x", "--from", "abc"], "'abc' không phải số nguyên.", "'abc' is not a whole number."),
    (["units", "extra"], "Lỗi: Thừa đối số: extra", "Error: Unexpected extra argument: extra"),
    (["review", "pick"], "Lỗi: Thiếu đối số 'ITEM_ID'.", "Error: Missing argument 'ITEM_ID'."),
])
def test_usage_errors_are_in_the_runs_language(locale_unset, args, vietnamese, english):
    """click writes a usage error in English; the archivist reads it in Vietnamese, frame and message,
    and with --lang en reads it in English (exit code 2 as click gives it)."""
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and vietnamese in result.output, result.output
    assert "Xem trợ giúp: '" in result.output
    assert "Error" not in result.output and "Try '" not in result.output
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    assert result.exit_code == 2 and english in result.output and "Try '" in result.output, result.output


def test_lang_after_the_command_is_answered_with_where_it_goes(locale_unset):
    """The quick-start's `--lang` goes before the command; written after it, the error says so."""
    result = CliRunner().invoke(main, ["import", ".", "--lang", "en"])
    assert result.exit_code == 2
    assert "Không có tùy chọn '--lang'. --lang phải đặt trước tên lệnh: " in result.output
    assert "--lang vi|en import …" in result.output


@pytest.mark.parametrize("args", [
    ["compare", "x", "-o", "{missing}/x.csv"], ["compare", "x", "--plot", "{missing}/x.png"],
    ["export", "-o", "{missing}/x.csv"], ["corrections", "export", "-o", "{missing}/x.jsonl"],
    ["extract", ".", "-o", "{missing}/x.json"],
])
def test_an_output_in_a_folder_that_is_not_there_is_refused_before_any_work(locale_unset, tmp_path, args):
    """A traceback (compare, export) or click's English "Could not open file" (corrections export,
    extract) at the end of the work before: now a usage error naming the folder, first."""
    missing = tmp_path / "no" / "such"
    result = CliRunner().invoke(main, [a.format(missing=missing) for a in args])
    assert result.exit_code == 2 and f"thư mục {missing} không tồn tại" in result.output, result.output
    assert "Traceback" not in result.output and not missing.exists()


def test_lang_after_a_subcommand_names_the_whole_command(locale_unset):
    result = CliRunner().invoke(main, ["review", "list", "--lang", "en"])
    assert "--lang vi|en review list …" in result.output and "Có phải ý bạn" not in result.output


def test_a_group_without_its_command_shows_its_help_page_not_an_error(locale_unset):
    result = CliRunner().invoke(main, ["review"])
    assert "Lệnh:" in result.output and "Lỗi" not in result.output
