"""Legacy inputs end to end: a Word 97 .doc typed in TCVN3 fonts, and a scanned PDF (OCR).

They need LibreOffice and Tesseract (vie); CI installs both, elsewhere they skip with the reason.
"""

import shutil
import time

import pytest
from conftest import sample

from extractor.extract import extract_file

needs_soffice = pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                                   reason="needs LibreOffice (apt-get install libreoffice-writer-nogui)")
needs_tesseract = pytest.mark.skipif(not (shutil.which("tesseract") and shutil.which("pdftoppm")),
                                     reason="needs Tesseract and poppler (apt-get install tesseract-ocr "
                                            "tesseract-ocr-vie poppler-utils)")


@needs_soffice
def test_word97_doc_in_tcvn3_fonts():
    result = extract_file(sample("TongKet_XDXHHT_BacHa_2016.doc"))
    doc = result["document"]
    assert (doc["report_type"], doc["unit_name"], doc["province"], doc["year"]) == ("tongket_xhht", "Bắc Hà", "Lào Cai", 2016)
    values = {i["code"]: i["value"] for i in result["indicators"]}
    assert values["xmc.15_60.dan_so"] == 51665  # "51.665 người": TCVN3's ư (0xAD) survives conversion
    assert values["xmc.15_60.biet_chu"] == 51043
    assert result["source"]["format"] == "doc"
    assert any("legacy fonts" in note for note in result["reader"]["notes"])


@needs_tesseract
def test_scanned_pdf_tables_rebuilt_and_ocr_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("XHHT_CACHE_DIR", str(tmp_path / "cache"))
    start = time.perf_counter()
    first = extract_file(sample("Bao cao so ket TTHTCD ThuongNinh 2024.pdf"))
    cold = time.perf_counter() - start
    assert first["source"]["format"] == "scan" and first["reader"]["method"] == "ocr"
    doc = first["document"]
    assert (doc["report_type"], doc["unit_name"], doc["unit_level"]) == ("soket_tthtcd", "Thượng Ninh", "xã")
    # the activity table is rebuilt from the ruling lines: names, participants, hosts
    activities = first["activities"]
    assert len(activities) >= 6
    assert any(a["name"].startswith("Trợ giúp pháp lý") and a["participants"] == 111 for a in activities)
    start = time.perf_counter()
    second = extract_file(sample("Bao cao so ket TTHTCD ThuongNinh 2024.pdf"))
    warm = time.perf_counter() - start
    assert second["activities"] == activities
    assert warm * 5 < cold  # the cache spares the OCR
