import json

from click.testing import CliRunner
from conftest import SAMPLES, sample

from extractor.cli import main


def test_extract_json_contract():
    result = CliRunner().invoke(main, ["extract", str(sample("BC ket qua TLHTSD ChanSon 2021.docx")), "--format", "json"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output)
    for key in ("source", "document", "indicators", "activities", "unmatched", "warnings"):
        assert key in obj
    assert obj["source"]["format"] == "docx" and len(obj["source"]["sha256"]) == 64


def test_extract_folder_jsonl_and_summary():
    runner = CliRunner()
    result = runner.invoke(main, ["extract", str(SAMPLES), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == len(list(SAMPLES.iterdir()))
    summary = runner.invoke(main, ["extract", str(sample("BC_DeAn1373_MDrak_2025.pdf"))])
    assert "dean.xmc.muc_do_2" in summary.output and "dean_1373" in summary.output


def test_bad_file_one_line_error_and_batch_goes_on(tmp_path):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04garbage")
    good = tmp_path / "good.docx"
    good.write_bytes(sample("BC ket qua TLHTSD ChanSon 2021.docx").read_bytes())
    result = CliRunner().invoke(main, ["extract", str(tmp_path), "--format", "jsonl"])
    assert result.exit_code == 1
    assert len(result.stdout.strip().splitlines()) == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "broken.docx" in errors[0]
