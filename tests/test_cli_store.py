"""The archive commands end to end: import, compare, indicators, units, export, sql, serve."""

import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from extractor.cli import main


@pytest.fixture(scope="module")
def db(tmp_path_factory, samples):
    path = tmp_path_factory.mktemp("cli") / "x.db"
    result = CliRunner().invoke(main, ["import", str(samples), "--db", str(path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return str(path)


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_import_reports_and_default_db_from_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XHHT_DB", str(tmp_path / "env.db"))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes((SAMPLES / "BC_SoKet_HK1_DakSMar_2017.txt").read_bytes())
    (tmp_path / "in" / "b.txt").write_bytes(b"")
    (tmp_path / "in" / "c.png").write_bytes(b"\x89PNG")
    result = run("import", str(tmp_path / "in"))
    assert result.exit_code == 1  # one file failed
    assert "imported 1" in result.output and "skipped 1" in result.output and "failed 1" in result.output
    assert "b.txt: empty file" in result.output
    assert (tmp_path / "env.db").exists()


def test_compare_table_csv_json_xlsx_and_plot(db, tmp_path):
    result = run("compare", "tuanle.lop.xoa_mu_chu.so_luot", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Chân Sơn" in result.output and "2019" in result.output and "2023" in result.output
    result = run("compare", "tuanle.lop.xoa_mu_chu.so_luot", "--db", db, "--unit", "chan son", "--format",
                 "csv")
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0][0] == "Đơn vị" and len(rows) == 2 and rows[1][0].startswith("xã Chân Sơn")
    result = run("compare", "tuanle.lop.xoa_mu_chu.so_luot", "--db", db, "--from", "2021", "--to", "2022",
                 "--format", "json")
    assert all(set(r) <= {"Đơn vị", "2021", "2022", "kiểm tra"} for r in json.loads(result.output))
    xlsx, png = tmp_path / "c.xlsx", tmp_path / "c.png"
    result = run("compare", "tuanle.khen_thuong.kinh_phi", "--db", db, "--format", "xlsx", "-o", str(xlsx),
                 "--plot", str(png))
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert sheet.cell(row=3, column=1).value == "Unit"  # for people: in the interface's language
    from PIL import Image

    with Image.open(png) as image:
        assert image.format == "PNG" and image.size == (1200, 700)
        assert len(image.convert("L").getcolors(maxcolors=1 << 16)) > 10  # something was drawn


def test_compare_dean_shows_targets_and_results(db):
    result = run("compare", "dean.xmc.muc_do_2", "--db", db, "--format", "json")
    rows = json.loads(result.output)
    assert any("chỉ tiêu" in key for key in rows[0]) and any("kết quả" in key for key in rows[0])


def test_compare_suggests_when_nothing_matches(db):
    result = run("compare", "tuanle.lop.xoa_mu_chu.so_luot", "--db", db, "--unit", "Chan Sonn")
    assert result.exit_code != 0 and "did you mean: Chân Sơn" in result.output
    result = run("compare", "tuanle.lop.xoa_mu_chu.so_lot", "--db", db)
    assert result.exit_code != 0 and "tuanle.lop.xoa_mu_chu.so_luot" in result.output


def test_reextract_with_nothing_to_read_again_says_why(tmp_path, samples):
    db = str(tmp_path / "r.db")
    run("import", str(samples / "BC_SoKet_HK1_DakSMar_2017.txt"), "--db", db, "--workers", "1")
    result = run("import", "--reextract", "--db", db)
    assert result.exit_code == 0 and "1 stored document was already read by this version" in result.output
    assert "--force reads every document again" in result.output
    forced = run("import", "--reextract", "--force", "--db", db)
    assert forced.exit_code == 0 and "already read" not in forced.output and "re-extracted 1" in forced.output


def test_indicators_and_units(db):
    result = run("indicators", "--db", db, "--format", "json")
    listed = {r["code"]: r for r in json.loads(result.output)}
    assert listed["tuanle.lop.xoa_mu_chu.so_luot"]["observations"] >= 3
    conn = sqlite3.connect(db)  # each code's observations of the current documents, every code listed
    counted = dict(conn.execute("SELECT code, count(*) FROM observations WHERE document_id IN "
                                "(SELECT id FROM documents WHERE superseded_by IS NULL) GROUP BY code"))
    assert {code: row["observations"] for code, row in listed.items()} == {
        code: counted.get(code, 0) for (code,) in conn.execute("SELECT code FROM indicators")}
    result = run("units", "--db", db, "--format", "json")
    chan_son = next(u for u in json.loads(result.output) if u["name"] == "Chân Sơn")
    assert chan_son["years"] == "2019, 2021, 2022, 2023" and chan_son["district"] == "Yên Sơn"


def test_export_jsonl_and_csv(db, samples):
    result = run("export", "--db", db)
    docs = [json.loads(line) for line in result.output.splitlines()]
    assert len(docs) == len(list(samples.iterdir()))
    assert all({"source", "document", "indicators", "activities", "unmatched", "warnings"} <= set(d)
               for d in docs)
    result = run("export", "--db", db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and {"code", "value", "unit_name", "year", "path", "raw_label", "location"} <= set(rows[0])


def test_sql_reads_and_refuses_writes(db, samples):
    result = run("sql", "SELECT COUNT(*) AS n FROM documents", "--db", db, "--format", "json")
    assert json.loads(result.output) == [{"n": len(list(samples.iterdir()))}]
    for statement in ("DELETE FROM documents", "INSERT INTO units (key, name) VALUES ('x', 'y')",
                      "DROP TABLE observations"):
        result = run("sql", statement, "--db", db)
        assert result.exit_code != 0 and "readonly" in result.output.replace("-", "").lower()
    assert json.loads(run("sql", "SELECT COUNT(*) AS n FROM documents", "--db", db, "--format",
                          "json").output)[0]["n"]


def test_sql_opens_no_other_file(tmp_path):
    db = tmp_path / "s.db"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes((SAMPLES / "BC_SoKet_HK1_DakSMar_2017.txt").read_bytes())
    assert run("import", str(tmp_path / "in"), "--db", str(db)).exit_code == 0
    for statement, target in (("ATTACH '{}' AS other", "attached.db"), ("VACUUM INTO '{}'", "copy.db")):
        result = run("sql", statement.format(tmp_path / target), "--db", str(db))
        assert result.exit_code == 1 and "only reads this database" in result.output, statement
        assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / target).exists()


def test_fts_over_text_and_activities(db):
    result = run("sql", "SELECT COUNT(*) AS n FROM documents_fts WHERE documents_fts MATCH 'mù'", "--db", db,
                 "--format", "json")
    assert json.loads(result.output)[0]["n"] > 0
    result = run("sql", "SELECT COUNT(*) AS n FROM activities_fts WHERE activities_fts MATCH 'pháp'", "--db",
                 db, "--format", "json")
    assert json.loads(result.output)[0]["n"] > 0


def test_missing_database_is_a_clear_error(tmp_path):
    result = run("units", "--db", str(tmp_path / "none.db"))
    assert result.exit_code != 0 and "xhht import" in result.output


@pytest.mark.asyncio
async def test_datasette_web_view(db):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    app = make_app(db)
    response = await app.client.get("/x.json")
    assert response.status_code == 200
    tables = {t["name"] for t in response.json()["tables"]}
    assert {"documents", "observations", "units"} <= tables
    response = await app.client.get(
        "/x/so_sanh_chi_tieu.json?code=tuanle.lop.xoa_mu_chu.so_luot&unit=&_shape=array")
    assert response.status_code == 200 and len(response.json()) >= 3
    response = await app.client.get("/x.json?sql=DELETE+FROM+documents")
    assert response.status_code == 400
    response = await app.client.get("/-/metadata.json")
    assert "Learning-society" in response.json()["title"]
