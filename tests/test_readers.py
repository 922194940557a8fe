import re
import zipfile

import pytest
from conftest import sample

from extractor.model import Table
from extractor.readers import ReadError, read_document
from extractor.readers.txt_reader import decode


def test_docx_body_order_and_multiline_cells():
    doc = read_document(sample("BC ket qua TLHTSD ChanSon 2023.docx"))
    tables = doc.tables()
    week = tables[1]
    assert week.rows[0].cells[1].text == "Nội dung hoạt động"
    label_cell = week.rows[1].cells[1]
    assert len(label_cell.lines) == 3 and label_cell.lines[1].text == "+ Cấp huyện:"
    assert label_cell.lines[1].location == "table 2, row 2, cell 2, line 2"


def test_pdf_tables_join_across_pages():
    doc = read_document(sample("BC_DeAn1373_MDrak_2025.pdf"))
    annex = [t for t in doc.tables() if "Nội dung chỉ tiêu" in t.rows[0].cells[1].text]
    assert annex and annex[0].page == 2
    assert doc.pages == 5


def test_txt_cells_style():
    doc = read_document(sample("BC_SoKet_HK1_DakSMar_2017.txt"))
    assert any(isinstance(b, Table) and len(b.rows) > 3 for b in doc.blocks)


def test_decode_encodings():
    text = "Số liệu báo cáo"
    assert decode(text.encode("utf-8"))[0] == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"))[0] == text
    assert decode(text.encode("utf-16"))[0] == text
    assert decode("Báo cáo hàng năm".encode("cp1258")) == ("Báo cáo hàng năm", "cp1258")


def test_bad_inputs_fail_with_one_line_reason(tmp_path):
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.docx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a zip")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    notword = tmp_path / "other.docx"
    with zipfile.ZipFile(notword, "w") as z:
        z.writestr("hello.txt", "hi")
    for path in (empty, corrupt, binary, notword):
        with pytest.raises(ReadError) as err:
            read_document(path)
        assert "\n" not in str(err.value) and str(err.value)


def test_decode_utf16_without_bom_either_byte_order_and_cp1258():
    text = "Ủy ban nhân dân xã Chân Sơn: 12 người"
    assert decode(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode(text.encode("utf-16-be")) == (text, "utf-16-be")
    assert decode(text.encode("utf-16"))[0] == text
    # cp1258 writes tones as combining marks after the base letter; normalisation recomposes them
    from extractor.normalize import clean

    raw = "Hiê\u0300n Ha\u0300o, ngươ\u0300i".encode("cp1258")
    assert clean(decode(raw)[0]) == "Hiền Hào, người"


def test_pdf_words_broken_in_narrow_cells_are_joined_again():
    doc = read_document(sample("BC_SoKet_HK1_AnBinh_2023_cot_hep.pdf"))
    table = doc.tables()[0]
    cells = [c.text for row in table.rows for c in row.cells]
    assert "TTHTCĐ, Hội Phụ nữ xã" in cells  # written "TTHTC" / "Đ, Hội …" in the too-narrow column
    assert "Trạm Khuyến nông huyện" in cells  # two words on two lines stay two words


def test_a_pdf_of_more_than_500_pages_is_read_not_refused(tmp_path):
    """A bound volume is read however many pages it has (it was refused over 500 pages)."""
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(format=(120, 60))
    pdf.set_font("helvetica", size=10)
    for number in range(1, 502):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {number} of a bound volume of reports")
    pdf.output(str(tmp_path / "volume.pdf"))
    document = read_document(tmp_path / "volume.pdf")
    assert document.pages == 501 and document.method == "text"
    assert document.blocks[-1].text == "Page 501 of a bound volume of reports"
    assert document.blocks[-1].location == "page 501, line 1"


def test_a_text_export_beyond_the_size_limit_is_refused(tmp_path, monkeypatch):
    import extractor.readers as readers

    monkeypatch.setattr(readers, "MAX_TEXT_BYTES", 1024)
    (tmp_path / "dump.txt").write_text("Báo cáo\n" * 400, encoding="utf-8")
    with pytest.raises(ReadError, match="text export too large"):
        read_document(tmp_path / "dump.txt")


def test_a_word_file_whose_text_is_beyond_the_size_limit_is_refused(tmp_path, monkeypatch):
    from extractor.readers import docx_reader

    monkeypatch.setattr(docx_reader, "MAX_BODY_XML", 4096)
    with pytest.raises(ReadError, match="of XML, over the 0 MiB limit"):
        read_document(sample("BC_TuanLe_HTSD_2022_LiemPhu.docx"))


def _repacked(tmp_path, name: str, change) -> str:
    """A copy of a sample .docx whose zip entries `change` rewrites ({name: bytes} → same)."""
    with zipfile.ZipFile(sample("BC ket qua TLHTSD ChanSon 2023.docx")) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    target = tmp_path / name
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry, data in change(entries).items():
            out.writestr(entry, data)
    return str(target)


def test_docx_macro_document_is_refused_by_its_content_type(tmp_path):
    macro = "application/vnd.ms-word.document.macroEnabled.main+xml"
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    path = _repacked(tmp_path, "macro.docx", lambda e: {
        **e, "[Content_Types].xml": e["[Content_Types].xml"].replace(word.encode(), macro.encode())})
    with pytest.raises(ReadError, match="not a Word file, content type is 'application/vnd.ms-word"):
        read_document(path)


def test_docx_without_styles_part_and_with_a_moved_main_part_reads_the_same(tmp_path):
    """The main part is found through the package's relationships, wherever it is; a document
    without a styles part takes the default styles, as Word does."""
    def moved(entries: dict) -> dict:
        out = {k.replace("word/", "wd/"): v.replace(b"/word/document.xml", b"/wd/document.xml")
               .replace(b'Target="word/document.xml"', b'Target="wd/document.xml"')
               for k, v in entries.items()}
        out["wd/_rels/document.xml.rels"] = re.sub(rb"<Relationship [^>]*Target=\"styles.xml\"/>", b"",
                                                   out["wd/_rels/document.xml.rels"])
        del out["wd/styles.xml"]
        out["word/document.xml"] = b"<not-read/>"  # the zip's plain name is not what Word reads
        return out

    original = read_document(sample("BC ket qua TLHTSD ChanSon 2023.docx"))
    repacked = read_document(_repacked(tmp_path, "moved.docx", moved))
    assert [b.text if hasattr(b, "text") else b.rows[0].cells[1].text for b in repacked.blocks] == \
        [b.text if hasattr(b, "text") else b.rows[0].cells[1].text for b in original.blocks]


def _ruled_pages(path) -> None:
    """Two pages with a ruled table (fpdf): the first's MediaBox moved off 0,0, the second turned."""
    fpdf = pytest.importorskip("fpdf")
    pypdf = pytest.importorskip("pypdf")
    pdf = fpdf.FPDF(format=(148, 210))
    pdf.set_font("helvetica", size=10)
    for _ in range(2):
        pdf.add_page()
        pdf.cell(0, 8, "Report of the learning week", new_x="LMARGIN", new_y="NEXT")
        for label, value in (("Classes opened", "12"), ("Learners", "345")):
            pdf.cell(60, 8, label, border=1)
            pdf.cell(30, 8, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    writer = pypdf.PdfWriter(clone_from=str(path))
    box = writer.pages[0].mediabox
    writer.pages[0].mediabox = pypdf.generic.RectangleObject((20, 30, box.right + 20, box.top + 30))
    writer.pages[1].rotate(90)
    writer.write(str(path))


def test_glyph_pages_give_pdfplumbers_own_chars_words_and_tables(tmp_path):
    """The reader's pages copy only a glyph's text, box and uprightness: those keep pdfplumber's own
    values (a MediaBox off 0,0 and a turned page too), so words and ruled tables are as before."""
    import pdfplumber

    from extractor.readers.pdf_reader import TABLE_SETTINGS, glyph_pages

    def tables(page) -> list:
        return [(t.bbox, [r.cells for r in t.rows]) for t in page.find_tables(TABLE_SETTINGS)]

    _ruled_pages(tmp_path / "ruled.pdf")
    for path in (tmp_path / "ruled.pdf", sample("BC_DeAn1373_MDrak_2025.pdf")):
        with pdfplumber.open(str(path)) as plain, pdfplumber.open(str(path)) as lean:
            for page, glyphs in zip(plain.pages, glyph_pages(lean), strict=True):
                kept = set(glyphs.chars[0])
                assert [{k: c[k] for k in kept} for c in page.chars] == glyphs.chars
                assert glyphs.extract_words() == page.extract_words() != []
                assert tables(glyphs) == tables(page)
                assert tables(page) or path.name != "ruled.pdf"  # each page of it has its table


def test_reading_a_typed_pdf_copies_no_glyph_in_full(monkeypatch):
    """pdfplumber's full copy of each glyph (every attribute, each resolved) was a third of the time
    to read a typed report: the reader's pages skip it for glyphs, and only glyphs."""
    from pdfplumber.page import Page

    converted: list[str] = []
    full = Page.process_object

    def counted(self, obj):
        converted.append(type(obj).__name__)
        return full(self, obj)

    monkeypatch.setattr(Page, "process_object", counted)
    document = read_document(sample("BC_DeAn1373_MDrak_2025.pdf"))
    assert document.tables() and "LTLine" in converted and "LTChar" not in converted
