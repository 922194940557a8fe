"""The robustness harness's transforms, applied to the sample reports: nothing may change.

The full harness (benchmarks/robustness.py) scores the shared dev corpus; this keeps its text
transforms honest on the samples every checkout has, so a regression shows without ../shared.
"""

import importlib.util
import sys

import pytest
from conftest import ROOT, SAMPLES

from extractor.extract import extract_document
from extractor.readers import read_document

spec = importlib.util.spec_from_file_location("robustness", ROOT / "benchmarks" / "robustness.py")
robustness = importlib.util.module_from_spec(spec)
sys.modules["robustness"] = robustness
spec.loader.exec_module(robustness)

FILES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".docx", ".txt"))


def _read(document, catalogue) -> tuple:
    out = extract_document(document, catalogue)
    return out["document"], sorted((o["code"], o["kind"], o["value"]) for o in out["indicators"])


@pytest.mark.parametrize("name", ["nfd", "old_tone", "invisible", "colon_la"])
def test_text_variants_change_no_value(name, catalogue):
    for path in FILES:
        plain = _read(read_document(path), catalogue)
        varied = _read(robustness.map_text(robustness.TEXT_TRANSFORMS[name])(read_document(path)), catalogue)
        assert varied == plain, f"{name} changed {path.name}"


def test_rows_rewritten_as_sentences_keep_their_values(catalogue):
    path = SAMPLES / "BC_TuanLe_HTSD_2023_LiemPhu.docx"
    document = read_document(path)
    plain = robustness.contract(path, read_document(path))
    prose = robustness.sentences(document, plain)
    assert not any(b.__class__.__name__ == "Table" and len(b.rows) > 2 for b in prose.blocks)
    got = {(o["code"], o["kind"]): o["value"] for o in extract_document(prose, catalogue)["indicators"]}
    want = {(o["code"], o["kind"]): o["value"] for o in plain["indicators"]}
    assert {k: v for k, v in got.items() if k in want and want[k] != v} == {}  # nothing read wrong
    assert len(got) >= 0.9 * len(want)


def test_old_tone_transform_moves_the_mark():
    assert robustness.old_tone("Hòa Bình, Thủy, quý") == "Hoà Bình, Thuỷ, qúy"
    assert robustness.no_diacritics("Đạt tỉ lệ") == "Dat ti le"
