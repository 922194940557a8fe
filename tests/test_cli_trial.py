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


# ---- the error line follows --lang -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("environment", "option", "prefix", "other"),
    [("vi", "en", "Error: SQL error:", "Lỗi"), ("en", "vi", "Lỗi: lỗi SQL:", "Error")],
)
def test_the_error_prefix_follows_lang_not_the_environment(
    empty_db, monkeypatch, environment, option, prefix, other
):
    monkeypatch.setenv("XHHT_LANG", environment)
    result = CliRunner().invoke(main, ["--lang", option, "sql", "select x", "--db", empty_db])
    assert result.exit_code == 1 and result.output.startswith(prefix) and other not in result.output


# ---- the spot-check summary and the import's closing line --------------------------------------------------
def test_extract_summary_shows_a_dash_for_fields_the_document_does_not_give(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text(
        "BÁO CÁO\nKết quả tổ chức Tuần lễ hưởng ứng học tập suốt đời\nSố lớp xóa mù chữ: 3 lớp\n",
        encoding="utf-8",
    )
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


# ---- counts as integers in the JSON of corrections ---------------------------------------------------------
def test_corrections_write_counts_as_integers_and_rates_as_stored(tmp_path):
    import json
    import shutil
    import sqlite3

    from conftest import SAMPLES

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("BC_TuanLe_HTSD_2022_LiemPhu.docx", "BC tong ket XHHT 2014 BacHa.docx"):
        shutil.copy(SAMPLES / name, folder / name)
    db = str(tmp_path / "c.db")
    assert CliRunner().invoke(main, ["import", str(folder), "--db", db, "--workers", "1"]).exit_code == 0
    conn = sqlite3.connect(db)
    item_id, stored = conn.execute(
        "SELECT q.id, o.value_num FROM review_queue q JOIN observations o ON o.document_id = q.document_id "
        "AND o.code = json_extract(q.suggestion, '$.code') JOIN indicators i ON i.code = o.code "
        "WHERE i.value_type = 'count' AND json_extract(q.suggestion, '$.value') IS NOT NULL ORDER BY q.id"
    ).fetchone()
    rate_doc, rate_code, rate = conn.execute(
        "SELECT d.sha256, o.code, o.value_num FROM observations o JOIN documents d ON d.id = o.document_id "
        "JOIN indicators i ON i.code = o.code WHERE i.value_type = 'percent' "
        "AND o.value_num = CAST(o.value_num "
        "AS INTEGER) ORDER BY o.id"
    ).fetchone()
    assert isinstance(stored, float) and isinstance(rate, float)

    def run(*args) -> str:
        result = CliRunner().invoke(main, [*map(str, args), "--db", db])
        assert result.exit_code == 0, result.output
        return result.output

    accepted = run("review", "accept", item_id, "--replace")
    assert f'"old_value": {int(stored)},' in accepted and json.loads(accepted)["old_value"] == stored
    fixed = json.loads(run("correct", rate_doc, rate_code, "12,5"))
    assert fixed["old_value"] == rate and isinstance(fixed["old_value"], float)
    resolution = json.loads(run("review", "show", item_id))["resolution"]
    assert type(resolution["old_value"]) is int
    exported = [json.loads(line) for line in run("corrections", "export").splitlines()[1:]]
    by_code = {record["code"]: record for record in exported}
    assert type(by_code[rate_code]["old_value"]) is float and type(by_code[rate_code]["value"]) is float
    counts = [record for code, record in by_code.items() if code != rate_code]
    assert counts and all(type(r["old_value"]) is int and type(r["value"]) is int for r in counts)
    assert (
        conn.execute("SELECT typeof(value_num) FROM corrections WHERE code != ?", (rate_code,)).fetchone()[0]
        == "real"
    )


# ---- xhht sql: a time limit, and PRAGMAs that only read ----------------------------------------------------
ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


def test_sql_stops_a_query_at_its_time_limit_in_one_line(empty_db):
    import time

    started = time.monotonic()
    result = CliRunner().invoke(main, ["--lang", "en", "sql", ENDLESS, "--db", empty_db, "--timeout", "0.5"])
    assert time.monotonic() - started < 20
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert "time limit of 0.5 s" in result.output and "--timeout" in result.output
    quick = CliRunner().invoke(main, ["sql", "SELECT 1 AS one", "--db", empty_db, "--format", "csv"])
    assert quick.exit_code == 0 and quick.output.split() == ["one", "1"]
    assert CliRunner().invoke(main, ["sql", "SELECT 1", "--db", empty_db, "--timeout", "0"]).exit_code == 2


@pytest.mark.parametrize(
    "query",
    [
        "PRAGMA journal_mode=DELETE",
        "PRAGMA journal_mode",
        "PRAGMA user_version = 99",
        "PRAGMA query_only = 0",
        "SELECT * FROM pragma_journal_mode",
        "PRAGMA main.user_version = 99",
    ],
)
def test_sql_refuses_pragmas_that_are_not_schema_reads_in_one_line(empty_db, query):
    import sqlite3

    result = CliRunner().invoke(main, ["--lang", "en", "sql", query, "--db", empty_db])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
    assert "PRAGMA" in result.output and "only reads" in result.output and "disk I/O" not in result.output
    conn = sqlite3.connect(empty_db)
    assert (
        conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        and conn.execute("PRAGMA user_version").fetchone()[0] != 99
    )


@pytest.mark.parametrize(
    "query",
    [
        "PRAGMA table_info(units)",
        "PRAGMA user_version",
        "PRAGMA index_list(documents)",
        "SELECT name FROM pragma_table_info('units')",
        "PRAGMA foreign_key_list(observations)",
        "PRAGMA table_list",
    ],
)
def test_sql_answers_pragmas_that_read_the_schema(empty_db, query):
    result = CliRunner().invoke(main, ["sql", query, "--db", empty_db, "--format", "json"])
    assert result.exit_code == 0, result.output


# ---- review list: text from the left, reasons cut between words --------------------------------------------
def test_review_list_aligns_text_left_and_cuts_reasons_between_words(tmp_path):
    import json
    import shutil

    from conftest import SAMPLES

    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLES / "BC_TuanLe_2024_XaPhuocHung_can_xem_lai.txt", tmp_path / "in" / "r.txt")
    db = str(tmp_path / "r.db")
    assert (
        CliRunner().invoke(main, ["import", str(tmp_path / "in"), "--db", db, "--workers", "1"]).exit_code
        == 0
    )
    items = json.loads(CliRunner().invoke(main, ["review", "list", "--db", db, "--format", "json"]).output)
    table = CliRunner().invoke(main, ["--lang", "en", "review", "list", "--db", db]).output
    tokens = set(re.split(r"[\s│┃]+", table))
    long = [
        i["reason"]
        for i in items
        if len(i["reason"]) > 70 and i["reason"][69:71].strip() == i["reason"][69:71]
    ]
    assert long  # a reason whose 70th character falls inside a word
    for reason in long:
        cut = reason[:70].split()[-1]
        assert cut not in set(reason.split()) and cut not in tokens, cut  # no word shown cut short
    for item in items:
        for text in (category_in_english(item["category"]), item["unit_name"]):
            assert re.search(rf"│ {re.escape(text)} +│", table), text  # text begins at the left of its cell
    assert re.search(r"│ +\d{4} │", table)  # a year (a number) stays right-aligned


def category_in_english(code: str) -> str:
    from extractor import i18n

    i18n.set_language("en")
    try:
        return i18n.category_name(code)
    finally:
        i18n.set_language(None)


# ---- the files SQLite leaves beside a database are not for git ---------------------------------------------
def test_sqlite_side_files_beside_a_database_are_ignored_by_git():
    import shutil
    import subprocess

    from conftest import ROOT

    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a checkout")
    for name in ("xhht.db", "xhht.db-wal", "xhht.db-shm", "tep.db-journal"):
        assert subprocess.run([git, "check-ignore", "-q", name], cwd=ROOT, check=False).returncode == 0, name


# ---- CSV and JSON keep their column names and keys in both languages ---------------------------------------
def test_csv_and_json_headers_are_the_same_in_both_languages(tmp_path):
    import json
    import shutil

    from conftest import SAMPLES

    (tmp_path / "in").mkdir()
    for name in ("BC_TuanLe_2024_XaPhuocHung_can_xem_lai.txt", "BC_DeAn1373_BachThong_2023.docx"):
        shutil.copy(SAMPLES / name, tmp_path / "in" / name)
    db = str(tmp_path / "h.db")
    assert (
        CliRunner().invoke(main, ["import", str(tmp_path / "in"), "--db", db, "--workers", "1"]).exit_code
        == 0
    )
    code = "tuanle.tuyen_truyen.to_roi"
    dean = json.loads(
        CliRunner()
        .invoke(
            main,
            [
                "sql",
                "SELECT code FROM pivot_rows WHERE code LIKE 'dean%' LIMIT 1",
                "--db",
                db,
                "--format",
                "json",
            ],
        )
        .output
    )[0]["code"]
    commands = [
        ["compare", code, "--format", "csv"],
        ["compare", dean, "--format", "json"],
        ["indicators", "--format", "csv"],
        ["units", "--format", "json"],
        ["export", "--format", "csv"],
        ["review", "list", "--format", "json"],
    ]
    for command in commands:
        heads = []
        for lang in ("vi", "en"):
            output = CliRunner().invoke(main, ["--lang", lang, *command, "--db", db]).output
            heads.append(
                output.splitlines()[0]
                if "csv" in command
                else sorted({key for row in json.loads(output) for key in row})
            )
        assert heads[0] == heads[1] and heads[0], command


def test_a_copy_read_in_the_same_run_is_the_same_content_as_its_first_path(tmp_path):
    """Two byte-identical files in one import: the second is said to hold the same content as the
    first (nothing was stored before the run, so "unchanged" would be untrue); counted unchanged."""
    from conftest import sample

    folder = tmp_path / "in"
    folder.mkdir()
    data = sample("BC_TuanLe_HTSD_2021_LiemPhu.docx").read_bytes()
    (folder / "a.docx").write_bytes(data)
    (folder / "b.docx").write_bytes(data)
    result = CliRunner().invoke(main, ["import", str(folder), "--db", str(tmp_path / "x.db"), "-w", "1"])
    assert result.exit_code == 0, result.output
    assert f"{folder / 'b.docx'}: same content as {folder / 'a.docx'}" in result.output, result.output
    assert "unchanged " + str(folder) not in result.output and "imported 1, unchanged 1" in result.output
