"""Follow-ups of a new user's trial of the command line, end to end with click's CliRunner."""

import re

import pytest
from click.testing import CliRunner

from extractor.cli import main


@pytest.fixture
def empty_db(tmp_path):
    """A database with the schema and nothing imported."""
    from extractor.store import connect

    path = tmp_path / "e.db"
    connect(path).close()
    return str(path)


# ---- the error line follows --lang ------------------------------------------------------------------------------
@pytest.mark.parametrize(("environment", "option", "prefix", "other"),
                         [("vi", "en", "Error: SQL error:", "Lỗi"), ("en", "vi", "Lỗi: lỗi SQL:", "Error")])
def test_the_error_prefix_follows_lang_not_the_environment(empty_db, monkeypatch, environment, option, prefix,
                                                          other):
    monkeypatch.setenv("XHHT_LANG", environment)
    result = CliRunner().invoke(main, ["--lang", option, "sql", "select x", "--db", empty_db])
    assert result.exit_code == 1 and result.output.startswith(prefix) and other not in result.output


# ---- the spot-check summary and the import's closing line ------------------------------------------------------
def test_extract_summary_shows_a_dash_for_fields_the_document_does_not_give(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("BÁO CÁO\nKết quả tổ chức Tuần lễ hưởng ứng học tập suốt đời\n"
                      "Số lớp xóa mù chữ: 3 lớp\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "extract", str(report)])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "issued:" in line)
    assert "None" not in result.output and "issued: —" in line and "number: —" in line


def test_import_closing_line_writes_seconds_the_language_s_way():
    from extractor import i18n
    from extractor.importer import ImportSummary
    from extractor.progress import ProgressReporter

    reporter = ProgressReporter()
    reporter.started -= 5.25
    try:
        i18n.set_language("vi")
        vietnamese = reporter.closing(ImportSummary(imported=2), "x.db")
        i18n.set_language("en")
        english = reporter.closing(ImportSummary(imported=2), "x.db")
    finally:
        i18n.set_language(None)
    assert re.search(r"\(5,\d giây\)", vietnamese) and re.search(r"\(5\.\ds\)", english)
