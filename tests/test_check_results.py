"""Check results in the archive: report checks stored with their document, history and rollup
checks after an import for the cells it touched, `xhht check`, corrections closing what they
resolve, the review of an inconsistent figure, and the marks of compare (CLI, CSV, Excel)."""

import csv
import io
import json
import re
import sqlite3

import pytest
from click.testing import CliRunner

from extractor import store
from extractor.checks.results import QUERIES, run
from extractor.cli import main
from extractor.importer import import_paths
from extractor.normalize import words
from extractor.output import FLAG_COLUMN
from extractor.register import COMMUNE, units

TONGKET = """UBND TỈNH NAM ĐỊNH
ỦY BAN NHÂN DÂN HUYỆN TRỰC NINH
Số: 12/BC-UBND
Trực Ninh, ngày 13 tháng 12 năm 2023

BÁO CÁO
Tổng kết công tác Xây dựng xã hội học tập năm 2023

4.1.1. Đối với những người trong độ tuổi 15-60:
- Tổng dân số độ tuổi từ 15-60: 233.376 người
- Miễn giảm: 2.473 người
- Số người còn mù chữ: {illiterate} người
- Số người biết chữ độ tuổi từ 15-60: 229.814 người
- Đạt tỉ lệ: 99,53 %
"""

COMMUNE_REPORT = """UBND HUYỆN {district}
ỦY BAN NHÂN DÂN XÃ {name}
Số: 12/BC-UBND
{title}, ngày 13 tháng 12 năm {year}

BÁO CÁO
Tổng kết công tác Xây dựng xã hội học tập năm {year}

- Số người được huy động học xóa mù chữ: {people} người
"""

DISTRICT_REPORT = """UBND TỈNH NAM ĐỊNH
ỦY BAN NHÂN DÂN HUYỆN TRỰC NINH
Số: 15/BC-UBND
Trực Ninh, ngày 20 tháng 12 năm {year}

BÁO CÁO
Tổng kết công tác Xây dựng xã hội học tập năm {year}

- Số người được huy động học xóa mù chữ: {people} người
"""

ENROLLED = "xmc.huy_dong_hoc"


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def communes(district: str, count: int) -> list[str]:
    """Communes (level xã) of a district, as the register writes them."""
    names = sorted({u["name"] for entries in units().values() for u in entries if u["era"] == "old"
                    and u["level"] == "xã" and u["district"] and words(u["district"]) == words(district)})
    assert len(names) >= count and all(u for u in COMMUNE)
    return names[:count]


def commune_report(folder, name: str, year: int, people: int):
    path = folder / f"{words(name).replace(' ', '_')}_{year}.txt"
    path.write_text(COMMUNE_REPORT.format(district="TRỰC NINH", name=name.upper(), title=name, year=year,
                                          people=f"{people:,}".replace(",", ".")), encoding="utf-8")
    return path


@pytest.fixture
def inconsistent(tmp_path):
    """A district report whose literacy block fails one sum, by one misread digit (1.089 read 1.889)."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "tong_ket.txt"
    path.write_text(TONGKET.format(illiterate="1.889"), encoding="utf-8")
    db = tmp_path / "a.db"
    assert import_paths(db, [folder], workers=1).imported == 1
    return db, path


def results(db) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn.execute("SELECT * FROM check_results ORDER BY id").fetchall()


# ---- report checks stored with the document ----------------------------------------------------------------
def test_report_checks_are_stored_with_the_document_and_listed(inconsistent):
    db, _ = inconsistent
    [result] = results(db)
    assert (result["check_id"], result["kind"], result["status"]) == ("xmc.15_60.tong", "sum", "open")
    assert json.loads(result["repair"])["value"] == 1089 and json.loads(result["repair"])["was"] == 1889
    listed = json.loads(run_cli("review", "list", "--db", db, "--kind", "inconsistent", "--format",
                                "json").output)
    assert [i["details"]["check"] for i in listed] == ["xmc.15_60.tong"]
    table = run_cli("review", "list", "--db", db, "--kind", "inconsistent")
    assert table.exit_code == 0 and "inconsistent" in table.output


def test_accepting_the_repair_replaces_the_figure_it_names_and_closes_the_check(inconsistent):
    db, path = inconsistent
    [item] = json.loads(run_cli("review", "list", "--db", db, "--kind", "inconsistent", "--format",
                                "json").output)
    accepted = run_cli("review", "accept", item["id"], "--db",
                       db)  # no --replace: the item says what it replaces
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(accepted.output)["value"] == 1089
    [result] = results(db)
    assert result["status"] == "ok"
    assert json.loads(run_cli("review", "list", "--db", db, "--kind", "inconsistent", "--format",
                              "json").output) == []


def test_accept_still_refuses_over_a_value_the_item_does_not_name(inconsistent):
    db, path = inconsistent
    [item] = json.loads(run_cli("review", "list", "--db", db, "--kind", "inconsistent", "--format",
                                "json").output)
    assert run_cli("correct", path, "xmc.15_60.con_mu_chu", "1.500", "--db", db).exit_code == 0
    refused = run_cli("review", "accept", item["id"], "--db", db)
    assert refused.exit_code == 1 and "--replace" in refused.output


def test_a_correction_that_resolves_the_check_closes_it_and_its_item(inconsistent):
    db, path = inconsistent
    assert run_cli("correct", path, "xmc.15_60.con_mu_chu", "1.089", "--db", db).exit_code == 0
    [result] = results(db)
    assert result["status"] == "ok"
    [item] = json.loads(run_cli("review", "list", "--db", db, "--kind", "inconsistent", "--all", "--format",
                                "json").output)
    assert item["status"] == "ok"
    assert run_cli("correct", path, "xmc.15_60.con_mu_chu", "1.189", "--db",
                   db).exit_code == 0  # broken again
    assert [r["status"] for r in results(db)] == ["open"]


def test_nothing_to_record_lets_the_figures_stand(inconsistent):
    db, _ = inconsistent
    [item] = json.loads(run_cli("review", "list", "--db", db, "--kind", "inconsistent", "--format",
                                "json").output)
    assert run_cli("review", "reject", item["id"], "--db", db).exit_code == 0
    assert [r["status"] for r in results(db)] == ["accepted"]
    run(store.connect(db), "all", identity=True)  # judged again on the same figures: still accepted
    assert [r["status"] for r in results(db)] == ["accepted"]


# ---- history and rollup after an import
# --------------------------------------------------------------------------
@pytest.fixture
def series(tmp_path):
    """A commune's six years, one of them ten times the others (a doubled digit)."""
    folder = tmp_path / "series"
    folder.mkdir()
    name = communes("Trực Ninh", 1)[0]
    for year, people in zip(range(2016, 2022), (300, 320, 3400, 350, 360, 380), strict=True):
        commune_report(folder, name, year, people)
    db = tmp_path / "h.db"
    assert import_paths(db, [folder], workers=1).imported == 6
    return db, folder, name


def test_history_flags_the_year_out_of_line_after_the_import(series):
    db, folder, name = series
    [result] = [r for r in results(db) if r["kind"] == "history"]
    assert (result["status"], result["year"], json.loads(result["codes"])) == ("open", 2018, [ENROLLED])
    listed = json.loads(run_cli("review", "list", "--db", db, "--kind", "inconsistent", "--format",
                                "json").output)
    assert [(i["year"], i["details"]["check"]) for i in listed] == [(2018, "lich_su")]

    table = run_cli("compare", ENROLLED, "--db", db)
    assert "3,400 ⚠1" in table.output and f"⚠1 xã {name}" in table.output
    assert f"see `xhht review show {listed[0]['id']}`" in " ".join(table.output.split())
    rows = list(csv.reader(io.StringIO(run_cli("compare", ENROLLED, "--db", db, "--format", "csv").output)))
    assert rows[0][-1] == FLAG_COLUMN and rows[1][-1].startswith("2018: ") and "[lich_su]" in rows[1][-1]
    assert rows[1][rows[0].index("2018")] == "3400"  # the figure itself stays a number

    path = next(folder.glob("*2018.txt"))
    assert run_cli("correct", path, ENROLLED, "340", "--db", db).exit_code == 0
    assert [r["status"] for r in results(db) if r["kind"] == "history"] == ["ok"]
    assert "⚠" not in run_cli("compare", ENROLLED, "--db", db).output


def test_xlsx_and_json_carry_the_flag_column(series, tmp_path):
    from openpyxl import load_workbook

    db, _, _ = series
    target = tmp_path / "c.xlsx"
    assert run_cli("compare", ENROLLED, "--db", db, "--format", "xlsx", "-o", target).exit_code == 0
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[3]]
    assert header[-1] == "Failed checks" and sheet.cell(row=4, column=len(header)).value.startswith("2018: ")
    assert isinstance(sheet.cell(row=4, column=header.index("2018") + 1).value, int)
    data = json.loads(run_cli("compare", ENROLLED, "--db", db, "--format", "json").output)
    assert data[0][FLAG_COLUMN].startswith("2018: ")


def test_rollup_flags_a_district_against_its_communes(tmp_path):
    folder = tmp_path / "rollup"
    folder.mkdir()
    names = communes("Trực Ninh", 16)  # 16 of its 19 communes: enough reported to judge
    for k, name in enumerate(names):
        commune_report(folder, name, 2022, 100 + k)
    total = sum(100 + k for k in range(16))
    (folder / "district_2022.txt").write_text(DISTRICT_REPORT.format(year=2022, people=f"{total // 10:,}"
                                                                     .replace(",", ".")), encoding="utf-8")
    db = tmp_path / "r.db"
    assert import_paths(db, [folder], workers=1).imported == 17
    [result] = [r for r in results(db) if r["kind"] == "rollup"]
    assert result["status"] == "open" and json.loads(result["seen"])["children"] == total
    conn = sqlite3.connect(db)
    flagged = conn.execute("SELECT count(DISTINCT unit_id) FROM check_cells WHERE result_id = ?",
                           (result["id"],))
    assert flagged.fetchone()[0] == 17  # both sides: the district and each commune that reported

    (folder / "district_2022.txt").write_text(DISTRICT_REPORT.format(
        year=2022, people=f"{total:,}".replace(",", ".")),
                                              encoding="utf-8")
    import_paths(db, [folder], workers=1)  # a new version of the district's report: judged again
    assert [r["status"] for r in results(db) if r["kind"] == "rollup"] == ["ok"]


def test_rollup_adds_the_communes_up_only_for_a_year_the_district_has_figures_of(tmp_path):
    """A district is judged where it has its own figure: for a year it did not report (its
    communes' reports came first), its communes' figures are not even added up."""
    folder = tmp_path / "years"
    folder.mkdir()
    for name in communes("Trực Ninh", 3):
        for year in (2022, 2023):
            commune_report(folder, name, year, 100)
    district = DISTRICT_REPORT.format(year=2022, people="300")
    (folder / "district_2022.txt").write_text(district, encoding="utf-8")
    db = tmp_path / "y.db"
    assert import_paths(db, [folder], workers=1).imported == 7
    conn = store.connect(db)
    statements = []
    conn.set_trace_callback(statements.append)
    assert run(conn, "all").cells == 7
    summed = [s for s in statements if "total(value_num)" in s]
    assert len(summed) == 1 and "year = 2022" in summed[0], summed


def test_a_text_in_a_series_is_left_out_of_its_history(series):
    """A year whose figure is a text (a status) is not judged, nor judges the others: the year out
    of line after it is still found, at its own figure and document."""
    db, _, _ = series
    conn = store.connect(db)
    years, nums = conn.execute("SELECT years, nums FROM pivot_rows WHERE code = ?", (ENROLLED,)).fetchone()
    nums = nums.split("\x1f")
    texts = [""] * len(nums)
    at = years.split("\x1f").index("2017")
    nums[at], texts[at] = "", "Đạt"
    conn.execute("UPDATE pivot_rows SET nums = ?, texts = ? WHERE code = ?",
                 ("\x1f".join(nums), "\x1f".join(texts), ENROLLED))
    conn.execute("UPDATE pivot_values SET value_num = NULL, value_text = 'Đạt' WHERE code = ? "
                 "AND year = 2017", (ENROLLED,))
    assert run(conn, "all").failing == 1
    [(year, seen, document_year)] = conn.execute(
        "SELECT c.year, c.seen, d.year FROM check_results c JOIN documents d ON d.id = c.document_id "
        "WHERE c.kind = 'history' AND c.status = 'open'").fetchall()
    assert (year, json.loads(seen)["value"], document_year) == (2018, 3400, 2018)


def test_check_reruns_only_what_changed_unless_all(series):
    db, folder, _ = series
    quiet = run_cli("check", "--db", db)
    assert quiet.exit_code == 0 and "checked 0 cells and 0 documents" in quiet.output
    everything = run_cli("check", "--db", db, "--all")
    assert everything.exit_code == 0 and "checked 6 cells and 6 documents" in everything.output
    assert "1 open in all" in everything.output
    conn = store.connect(db)
    conn.execute("INSERT INTO check_pending (document_id) SELECT max(id) FROM "
                 "documents")  # an import cut short
    conn.close()
    after = run_cli("check", "--db", db)
    assert "checked 1 cells and 1 documents" in after.output and "1 open in all" in after.output


OUT_OF_LINE = {0: 2018, 2: 2016, 3: 2021, 4: 2017}  # commune → its year ten times its others


@pytest.mark.parametrize("batch", [1, 13, 100_000])  # a unit a pass; three units, then two; all in one
def test_units_judged_in_one_pass_each_get_their_own_findings(tmp_path, monkeypatch, batch):
    """The history of many units is judged in one numpy pass, a batch of units at a time: each
    finding goes back to its own unit, year, figure and document, wherever the batches are cut."""
    monkeypatch.setattr("extractor.checks.results.HISTORY_BATCH", batch)
    folder = tmp_path / "units"
    folder.mkdir()
    expected = set()
    for k, name in enumerate(communes("Trực Ninh", 5)):
        for year in range(2016, 2022):
            people = (200 + 40 * k + 3 * (year - 2016)) * (10 if OUT_OF_LINE.get(k) == year else 1)
            commune_report(folder, name, year, people)
            if OUT_OF_LINE.get(k) == year:
                expected.add((name, year, people))
    db = tmp_path / "u.db"
    assert import_paths(db, [folder], workers=1).imported == 30

    def flagged() -> set[tuple[str, int, float]]:
        conn = sqlite3.connect(db)
        rows = conn.execute(
            "SELECT u.name, c.year, c.seen, d.unit_id = c.unit_id AND d.year = c.year, k.unit_id = c.unit_id "
            "AND k.year = c.year AND k.document_id = c.document_id FROM check_results c "
            "JOIN units u ON u.id = c.unit_id JOIN documents d ON d.id = c.document_id "
            "JOIN check_cells k ON k.result_id = c.id WHERE c.kind = 'history' AND c.status = 'open'"
        ).fetchall()
        assert all(own_document and own_cell for *_, own_document, own_cell in rows), rows
        return {(name, year, json.loads(seen)["value"]) for name, year, seen, *_ in rows}

    assert flagged() == expected
    assert "4 open in all" in run_cli("check", "--db", db, "--all").output  # every cell again
    assert flagged() == expected


def test_the_runs_read_the_archive_by_index(series):
    """Post-import checks must not grow with the archive: every statement a run repeats per unit,
    cell or document is a search on an index, never a scan of a large table."""
    db, _, _ = series
    conn = store.connect(db)
    for name, (sql, args) in QUERIES.items():
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, args)]
        # a view's rows for one document; json_each: the statement's own list of ids
        inner = {s.split()[1] for s in plan if s.startswith("CO-ROUTINE")} | {"json_each"}
        assert not [s for s in plan if s.startswith("SCAN") and s.split()[1] not in inner], (name, plan)
        assert any("USING" in s for s in plan), (name, plan)
    children = QUERIES["children's sums"]  # the rollup adds its communes' values up: one range a commune
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + children[0], children[1])]
    assert plan == ["SEARCH pivot_values USING PRIMARY KEY (unit_id=? AND year=?)",
                    "USE TEMP B-TREE FOR GROUP BY"], plan
    figure = QUERIES["children's values"]  # each commune's, for a figure that fails: one look-up a commune
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + figure[0], figure[1])]
    assert plan == ["SEARCH pivot_values USING PRIMARY KEY (unit_id=? AND year=? AND code=? AND kind=?)"], \
        plan
    cell = QUERIES["figures of a cell"]  # the disagreement mark: the cell's documents, not the indicator's
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + cell[0], cell[1])]
    assert plan[0].startswith("SEARCH d USING INDEX documents_unit_year"), plan
    shared = QUERIES["shared years"]  # of the units a compare shows, not of the whole archive
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + shared[0], shared[1])]
    assert plan[0].startswith("SEARCH documents USING INDEX documents_unit_year (unit_id=?"), plan


# ---- a cell of several labels and values, settled in one step
# ------------------------------------------------
def test_pairing_keeps_order_and_follows_unit_words():
    from extractor.pairing import propose

    labels = ["Số lớp kỹ năng sống", "Số lượt người tham gia", "Số lớp tin học", "Số lượt người tham gia"]
    assert propose(labels, ["03 lớp", "200 lượt", "57"], ["count"] * 4) == [0, 1, 2, None]
    assert propose(labels, ["03 lớp", "57 lượt"], ["count"] * 4) == [0, 1, None, None]
    assert propose(labels, ["200 lượt"], ["count"] * 4) == [None, 0, None, None]  # not to a 'lớp' label
    assert propose(["Số lớp", "Tỉ lệ"], ["12", "12,5 %"], ["count", "percent"]) == [0, 1]


@pytest.fixture(scope="module")
def cell_db(tmp_path_factory, samples):
    db = tmp_path_factory.mktemp("cell") / "cell.db"
    import_paths(db, [samples], workers=1)
    items = json.loads(run_cli("review", "list", "--db", db, "--kind", "ambiguous_cell", "--format",
                               "json").output)
    item = next(i for i in items if len(i["details"]["labels"]) == 3 and len(i["details"]["values"]) == 2
                and all(i["details"]["codes"]))
    return db, item


def test_review_pair_shows_the_likeliest_pairing_then_records_it_in_one_step(cell_db):
    db, item = cell_db
    shown = run_cli("review", "pair", item["id"], "--db", db)
    assert shown.exit_code == 0 and "← [1]" in shown.output and "← [2]" in shown.output
    assert json.loads(run_cli("review", "show", item["id"], "--db", db).output)[
        "status"] == "open"  # nothing yet
    done = run_cli("review", "pair", item["id"], "1=2", "2=-", "3=1", "--db", db)
    assert done.exit_code == 0, done.output
    codes, values = item["details"]["codes"], item["details"]["values"]
    recorded = {c["code"]: c["value"] for c in json.loads(done.output)}
    assert set(recorded) == {codes[0], codes[2]} and recorded[codes[2]] == int(values[0])
    assert json.loads(run_cli("review", "show", item["id"], "--db", db).output)["status"] == "pick"
    again = run_cli("review", "pair", item["id"], "1=1", "--db",
                    db)  # a second answer for label 1 replaces the first
    assert again.exit_code == 0, again.output
    refused = run_cli("review", "pair", item["id"], "1=1", "3=1", "--db", db)
    assert refused.exit_code == 1 and "two labels" in refused.output


def test_review_pair_is_recorded_whole_or_not_at_all(cell_db, tmp_path):
    """A pairing that fails once some of its values are recorded (here SQLite refuses to close
    the item) leaves no correction behind: the cell is not half settled."""
    import shutil

    from extractor.corrections import Who, pair

    db, item = cell_db
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    conn = store.connect(copy)
    before = conn.execute("SELECT count(*) FROM corrections").fetchone()[0]
    conn.execute("CREATE TEMP TRIGGER refuse_closing BEFORE INSERT ON corrections WHEN NEW.target = 'review' "
                 "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    chosen, who = {1: 2, 2: None, 3: 1}, Who("tester", None)
    with pytest.raises(sqlite3.DatabaseError, match="disk I/O error"):
        pair(conn, item["id"], chosen, who, replace=True)
    assert conn.execute("SELECT count(*) FROM corrections").fetchone()[0] == before
    conn.execute("DROP TRIGGER refuse_closing")
    assert len(pair(conn, item["id"], chosen, who, replace=True)) == 2
    assert conn.execute("SELECT count(*) FROM corrections").fetchone()[0] == before + 3


def test_review_context_is_shown_in_nfc(cell_db):
    import unicodedata

    db, item = cell_db
    conn = sqlite3.connect(db)
    stored = json.dumps({"row": unicodedata.normalize("NFD", "Số lượt người tham gia")}, ensure_ascii=False)
    conn.execute("UPDATE review_items SET context = ? WHERE id = ?", (stored, item["id"]))
    conn.commit()
    shown = json.loads(run_cli("review", "show", item["id"], "--db", db).output)
    row = shown["context"]["row"]
    assert row == "Số lượt người tham gia" and unicodedata.is_normalized("NFC", row)


# ---- the web view
# -----------------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_web_marks_flagged_cells_lists_failed_checks_and_exports_the_flag(series):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    db, _, _ = series
    site = make_app(db, review=True)
    page = await site.client.get(f"/-/compare?code={ENROLLED}")
    assert page.status_code == 200
    [mark] = re.findall(r'<a class="check-mark" href="([^"]+)" title="([^"]+)"', page.text)
    assert mark[0].startswith("/-/review/") and "2018" in mark[1]
    item = await site.client.get(mark[0])
    assert item.status_code == 200 and "lich_su" in item.text
    doc = int(sqlite3.connect(db).execute("SELECT document_id FROM check_results").fetchone()[0])
    document = await site.client.get(f"/-/document/{doc}")
    assert 'id="failed-checks"' in document.text and "lich_su" in document.text
    readonly = make_app(db)
    page = await readonly.client.get(f"/-/compare?code={ENROLLED}")
    assert f'href="/-/document/{doc}#check-' in page.text  # without the review pages: the document's list
    data = (await readonly.client.get(f"/-/compare.json?code={ENROLLED}")).json()
    assert data["rows"][0][FLAG_COLUMN].startswith("2018: ")
    csv_text = (await readonly.client.get(f"/-/compare.csv?code={ENROLLED}")).text.lstrip("\ufeff")
    assert csv_text.splitlines()[0].endswith("," + FLAG_COLUMN)


@pytest.mark.asyncio
async def test_web_accepts_a_repair_and_pairs_a_cell(inconsistent, cell_db):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    db, _ = inconsistent
    site = make_app(db, review=True)
    [item] = json.loads(run_cli("review", "list", "--db", db, "--kind", "inconsistent", "--format",
                                "json").output)
    page = await site.client.get(f"/-/review/{item['id']}")
    assert 'id="replaces"' in page.text and 'id="check-figures"' in page.text
    token = page.cookies["ds_csrftoken"]
    done = await site.client.post(f"/-/review/{item['id']}/accept", data={"csrftoken": token},
                                  cookies={"ds_csrftoken": token})
    assert done.status_code == 302 and "error" not in done.headers["location"]
    assert [r["status"] for r in results(db)] == ["ok"]

    db, cell = cell_db
    site = make_app(db, review=True)
    page = await site.client.get(f"/-/review/{cell['id']}")
    assert 'id="pair-form"' in page.text and re.search(r'<option value="1" selected>', page.text)
    token = page.cookies["ds_csrftoken"]
    done = await site.client.post(f"/-/review/{cell['id']}/pair", data={"csrftoken": token, "label-1": "2",
                                  "label-2": "", "label-3": "1"}, cookies={"ds_csrftoken": token})
    assert done.status_code == 302 and "error" not in done.headers["location"], done.headers["location"]
    assert json.loads(run_cli("review", "show", cell["id"], "--db", db).output)["status"] == "pick"
