import io
import json
from pathlib import Path

from click.testing import CliRunner
from conftest import sample

from extractor.cli import main
from extractor.progress import ProgressReporter
from extractor.report import summary
from extractor.wording import count


def test_extract_json_contract():
    result = CliRunner().invoke(main, ["extract", str(sample("BC ket qua TLHTSD ChanSon 2021.docx")),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.output)
    for key in ("source", "document", "indicators", "activities", "unmatched", "warnings"):
        assert key in obj
    assert obj["source"]["format"] == "docx" and len(obj["source"]["sha256"]) == 64


def test_extract_folder_jsonl_and_summary(samples):
    runner = CliRunner()
    result = runner.invoke(main, ["extract", str(samples), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == len(list(samples.iterdir()))
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


def test_a_folder_with_nothing_readable_names_every_format_read_workbooks_included(tmp_path):
    (tmp_path / "notes.rtf").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "extract", str(tmp_path)])
    assert result.exit_code == 2
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: no supported files")
    assert all(kind in line for kind in (".docx", ".pdf", ".doc ", ".txt", ".xlsx", ".xls ", ".ods"))


def test_extract_json_of_several_files_is_one_array(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("BC ket qua TLHTSD ChanSon 2021.docx", "BC_SoKet_HK1_DakSMar_2017.txt"):
        (folder / name).write_bytes(sample(name).read_bytes())
    (folder / "broken.docx").write_bytes(b"PK\x03\x04garbage")
    runner = CliRunner()
    result = runner.invoke(main, ["extract", str(folder), "--format", "json"])
    assert result.exit_code == 1  # broken.docx failed; the others still form one JSON value
    docs = json.loads(result.stdout)
    assert isinstance(docs, list) and sorted(Path(d["source"]["path"]).name for d in docs) == sorted(
        p.name for p in folder.iterdir() if p.name != "broken.docx")
    two = [str(p) for p in sorted(folder.iterdir()) if p.name != "broken.docx"]
    result = runner.invoke(main, ["extract", *two, "--format", "json"])
    assert result.exit_code == 0 and [d["source"]["path"] for d in json.loads(result.stdout)] == two
    one = runner.invoke(main, ["extract", two[0], "--format", "json"])
    assert json.loads(one.stdout)["source"]["path"] == two[0]  # one file: one object, as the contract says


def odd_entries(folder: Path) -> dict[str, str]:
    """Entries a walk cannot read, each with the reason it must give: name → reason."""
    (folder / "unzipped.docx").mkdir()  # a folder named like a report
    (folder / "loop.docx").symlink_to("loop.docx")
    (folder / "gone.pdf").symlink_to("missing.pdf")
    (folder / "up").symlink_to("..")
    (folder / "notes.pptx").write_bytes(b"PK\x03\x04")
    return {"unzipped.docx": "folder named like a file", "loop.docx": "symbolic link loop",
            "gone.pdf": "broken link", "up": "link to a folder, not followed",
            "notes.pptx": "unsupported file type"}


def test_entries_that_are_not_read_are_counted_as_skipped_with_their_reason(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(sample("BC_SoKet_HK1_DakSMar_2017.txt").read_bytes())
    odd = odd_entries(folder)
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(folder), "--db", str(tmp_path / "x.db"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert f"imported 1, unchanged 0, re-extracted 0, skipped {len(odd)}, failed 0" in result.stderr
    lines = result.stderr.splitlines()
    for name, reason in odd.items():  # in the progress log and again in the closing summary
        assert sum(1 for line in lines if name in line and reason in line) == 2, (name, result.stderr)
    result = runner.invoke(main, ["extract", str(folder), "--format", "jsonl"])
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 1
    lines = result.stderr.splitlines()
    for name, reason in odd.items():
        assert any(line.startswith("skipped") and name in line and reason in line for line in lines), name


def test_file_names_are_printed_with_control_characters_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    forged = "r\nfailed: x.txt: forged\r\x1b[31m.txt"
    (folder / forged).write_bytes(sample("BC_SoKet_HK1_DakSMar_2017.txt").read_bytes())
    (folder / "empty\x1b[2J.txt").write_bytes(b"")
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(folder), "--db", str(tmp_path / "x.db"), "--workers", "1"])
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert not any(line.startswith("failed: x.txt") for line in result.stderr.splitlines())
    assert "imported " + str(folder / "r\\nfailed: x.txt: forged\\r\\x1b[31m.txt") in result.stderr
    assert "failed: " + str(folder / "empty\\x1b[2J.txt") + ": empty file" in result.stderr
    result = runner.invoke(main, ["extract", str(folder), "--format", "jsonl"])
    assert "error: " + str(folder / "empty\\x1b[2J.txt") + ": empty file" in result.stderr
    assert "\x1b" not in result.stderr


def test_a_failed_file_named_like_markup_on_the_progress_bar(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich draws the live bar as on a terminal
    stream = io.StringIO()
    reporter = ProgressReporter(stream=stream)
    assert reporter.live
    with reporter:
        reporter.event("start", "", 1)
        reporter.event("failed", "a[/b]\x1b[2Jc.txt", "empty file")
    assert "a[/b]\\x1b[2Jc.txt: empty file" in stream.getvalue() and "\x1b[2J" not in stream.getvalue()


def test_counts_agree_with_their_nouns(tmp_path):
    one = CliRunner().invoke(main, ["import", str(sample("BC_SoKet_HK1_DakSMar_2017.txt")), "--db",
                                    str(tmp_path / "x.db"), "--workers", "1"])
    assert "1 file to import" in one.stderr
    result = {"source": {"path": "r.txt", "format": "txt", "sha256": "0" * 64},
              "document": {"report_type": "tuanle"}, "indicators": [], "activities": [], "unmatched": [],
              "warnings": ["w1"]}
    assert "0 labels, 1 warning\n" in summary(result) + "\n"
    result["unmatched"] = [{"label": "x", "raw_value": "1", "location": "line 1", "reason": "weak match"}]
    result["warnings"].append("w2")
    assert "1 label, 2 warnings\n" in summary(result) + "\n"
    assert [count(n, "activity", "activities") for n in (0, 1, 2)] == ["0 activities", "1 activity",
                                                                       "2 activities"]


def test_version_names_the_code_it_runs(tmp_path, monkeypatch):
    """`--version` gives the code's digest beside the package's version (which not every change
    moves), so two machines of a cluster can be compared; a changed pattern file changes it."""
    import shutil

    from extractor import resources

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and f"(code {resources.code_digest()})" in result.output
    patterns = tmp_path / "patterns"
    shutil.copytree(resources.data_dir("patterns"), patterns)
    monkeypatch.setenv("XHHT_PATTERNS_DIR", str(patterns))
    resources.code_digest.cache_clear()
    same = resources.code_digest()
    with next(patterns.rglob("*.yaml")).open("a", encoding="utf-8") as catalogue:
        catalogue.write("\n# one more line\n")
    resources.code_digest.cache_clear()
    changed = resources.code_digest()
    resources.code_digest.cache_clear()
    assert len(same) == 12 and changed != same


def test_a_report_with_no_value_read_says_so():
    """A report whose figures are all in its annex: the spot-check says nothing was read (and where
    to look), not only its two header lines."""
    result = CliRunner().invoke(main, ["--lang", "en", "extract", str(sample("BC_TuanLe_2024_XaTaXua.docx"))])
    assert result.exit_code == 0 and "no indicator value read in this document" in result.output
    read = CliRunner().invoke(main, ["--lang", "en", "extract",
                                     str(sample("BC_TuanLe_HTSD_2021_LiemPhu.docx"))])
    assert "indicator values" in read.output and "no indicator value read" not in read.output
