"""Research across the 2025 merger (issue 20): units as of 2025, roll-ups by district and
province, change columns, the server-side sort, the tidy panel — on commune reports of real
communes of the register, imported end to end, against figures computed by hand."""

from __future__ import annotations

import csv
import io
import re
import sqlite3

import pytest
from click.testing import CliRunner

from extractor import store
from extractor.cli import main
from extractor.importer import import_paths
from extractor.normalize import words
from extractor.output import FLAG_COLUMN
from extractor.patterns import PatternError, load
from extractor.query import QueryError
from extractor.register import candidates, merged_unit, predecessor_count, split_level, units
from extractor.research import PANEL_COLUMNS, panel_rows, research, written_2025

REPORT = """UBND HUYỆN TRỰC NINH
ỦY BAN NHÂN DÂN {level} {name}
Số: 12/BC-UBND
{title}, ngày 13 tháng 12 năm {year}

BÁO CÁO
Tổng kết công tác Xây dựng xã hội học tập năm {year}

- Số người được huy động học xóa mù chữ: {people} người
- Tỉ lệ cán bộ xã, thị trấn học tin học: {computing} %

4.1.1. Đối với những người trong độ tuổi 15-60:
- Tổng dân số độ tuổi từ 15-60: {population} người
- Miễn giảm: {exempt} người
- Số người còn mù chữ: {illiterate} người
- Số người biết chữ độ tuổi từ 15-60: {literate} người
- Đạt tỉ lệ: {rate} %
"""

DISTRICT = """UBND TỈNH NAM ĐỊNH
ỦY BAN NHÂN DÂN HUYỆN TRỰC NINH
Số: 15/BC-UBND
Trực Ninh, ngày 20 tháng 12 năm {year}

BÁO CÁO
Tổng kết công tác Xây dựng xã hội học tập năm {year}

- Số người được huy động học xóa mù chữ: {people} người
"""

ENROLLED = "xmc.huy_dong_hoc"
RATE = "xmc.15_60.ty_le_biet_chu"


def dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def successor_with_three() -> tuple[str, list[tuple[str, str]]]:
    """A 2025 commune of Trực Ninh's that three communes became: (its name, [(level, name)…])."""
    found: dict[tuple, list] = {}
    for entries in units().values():
        for u in entries:
            if u["era"] == "old" and u["level"] in ("xã", "thị trấn") and u["district"] and words(
                    u["district"]) == "truc ninh":
                merged = merged_unit(u["name"], u["level"], u["district"], u["province"])
                if merged:
                    found.setdefault(merged, []).append((u["level"], u["name"]))
    merged, members = sorted((k, sorted(v)) for k, v in found.items() if len(v) == 3
                             and predecessor_count(*k) == 3)[0]
    return f"{written_2025(merged[0])} ({merged[1]})", members


# (people enrolled, population, exempt, literate) of each predecessor by year; None: no report.
FIGURES = {
    0: {2022: (100, 1000, 10, 970), 2023: (110, 1100, 20, 1050)},
    1: {2022: (200, 2000, 40, 1940), 2023: None},
    2: {2022: (300, 3000, 60, 2880), 2023: (330, 3300, 30, 3200)},
}


def write_report(folder, level: str, name: str, year: int, figures) -> None:
    people, population, exempt, literate = figures
    rate = f"{literate / (population - exempt) * 100:.2f}".replace(".", ",")
    text = REPORT.format(level=level.upper(), name=name.upper(), title=name, year=year,
                         people=dotted(people), population=dotted(population), exempt=dotted(exempt),
                         illiterate=dotted(population - exempt - literate), literate=dotted(literate),
                         rate=rate, computing=people % 97)
    (folder / f"{words(name).replace(' ', '_')}_{year}.txt").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def merger(tmp_path_factory):
    """Three communes that became one in 2025 (the second did not report in 2023), the district's
    own reports, and one commune whose successor the register does not give."""
    folder = tmp_path_factory.mktemp("merger")
    successor, members = successor_with_three()
    for k, (level, name) in enumerate(members):
        for year, figures in FIGURES[k].items():
            if figures:
                write_report(folder, level, name, year, figures)
    for year, people in ((2022, 650), (2023, 400)):
        (folder / f"district_{year}.txt").write_text(DISTRICT.format(year=year, people=dotted(people)),
                                                     encoding="utf-8")
    db = folder / "m.db"
    assert import_paths(db, [folder], workers=1).imported == 7
    return db, successor, members


def test_as_of_2025_sums_counts_over_the_predecessors_that_reported_with_coverage(merger):
    db, successor, _ = merger
    view = research(store.connect(db, readonly=True), ENROLLED, as_of=2025)
    [(name, values)] = view.pivot.rows
    assert name == successor
    assert values == {(2022, "actual"): 600, (2023, "actual"): 440}  # 100+200+300; 110+330
    assert view.coverage == [{(2022, "actual"): (3, 3), (2023, "actual"): (2, 3)}]
    assert [row[0] for row in view.apart] == ["huyện Trực Ninh (Nam Định)"]  # listed apart, not dropped


def test_a_rate_is_recomputed_from_its_summed_parts_never_averaged(merger):
    db, _, _ = merger
    view = research(store.connect(db, readonly=True), RATE, as_of=2025)
    [(_, values)] = view.pivot.rows
    # 2022: (970 + 1940 + 2880) / (6000 − 110) = 98.30 %; 2023: (1050 + 3200) / (4400 − 50) = 97.70 %
    assert values == {(2022, "actual"): round(5790 / 5890 * 100, 2),
                      (2023, "actual"): round(4250 / 4350 * 100, 2)}
    assert view.coverage[0][(2023, "actual")] == (2, 3)


def test_a_rate_without_declared_parts_is_shown_per_predecessor_never_summed(merger):
    db, successor, members = merger
    view = research(store.connect(db, readonly=True), "cbcc.xa.ty_le_tin_hoc", as_of=2025)
    assert not view.summed and not view.coverage and len(view.pivot.rows) == 3
    assert all(name.startswith(successor + " ← ") for name, _ in view.pivot.rows)
    assert sorted(v for _, values in view.pivot.rows for v in values.values()) == sorted(
        p % 97 for k in FIGURES for f in FIGURES[k].values() if f for p in f[:1])  # as each reported


def test_a_predecessor_without_a_known_successor_is_listed_apart(merger, tmp_path):
    db, _, members = merger
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE units SET merged_into = NULL WHERE name = ?", (members[0][1],))
    conn.commit()
    view = research(store.connect(copy, readonly=True), ENROLLED, as_of=2025)
    assert view.pivot.rows[0][1] == {(2022, "actual"): 500, (2023, "actual"): 330}
    assert sorted(row[0].split(" (")[0] for row in view.apart) == sorted(
        [f"{members[0][0]} {members[0][1]}", "huyện Trực Ninh"])


def test_roll_up_by_district_sums_communes_beside_the_districts_own_figure(merger):
    db, _, _ = merger
    view = research(store.connect(db, readonly=True), ENROLLED, by="district")
    [(name, values)] = view.pivot.rows
    assert name == "Trực Ninh, Nam Định" and values == {(2022, "actual"): 600, (2023, "actual"): 440}
    assert view.own == [{(2022, "actual"): 650, (2023, "actual"): 400}]
    reported, total = view.coverage[0][(2022, "actual")]
    assert reported == 3 and total >= 19  # the register's count of the district's communes


def test_a_district_whose_communes_gave_no_figure_keeps_its_own(merger):
    db, _, _ = merger
    view = research(store.connect(db, readonly=True), ENROLLED, unit="Trực Ninh", year_from=2022,
                    year_to=2022, by="district")  # the district alone
    assert view.pivot.rows == [("Trực Ninh, Nam Định", {})] and view.own == [{(2022, "actual"): 650}]
    assert view.pivot.years == [2022]


def test_roll_up_as_of_2025_by_province_and_refusals(merger):
    db, _, _ = merger
    conn = store.connect(db, readonly=True)
    view = research(conn, ENROLLED, as_of=2025, by="province")
    assert [row[0] for row in view.pivot.rows] == ["Ninh Bình"]
    with pytest.raises(QueryError, match="abolished"):
        research(conn, ENROLLED, as_of=2025, by="district")
    with pytest.raises(QueryError, match="2024"):
        research(conn, ENROLLED, as_of=2024)


def test_change_against_the_previous_reported_year_and_sort(merger):
    db, _, members = merger
    conn = store.connect(db, readonly=True)
    view = research(conn, ENROLLED, change=True, sort="2023:actual:change", descending=True)
    changes = {name.split(" (")[0]: change for (name, _), change in zip(view.pivot.rows, view.changes,
                                                                         strict=True)}
    assert changes[f"{members[0][0]} {members[0][1]}"] == {(2023, "actual"): (10, 10.0)}
    assert changes["huyện Trực Ninh"] == {(2023, "actual"): (-250, round(-250 / 650 * 100, 1))}
    assert changes[f"{members[1][0]} {members[1][1]}"] == {}  # no 2023: nothing to compare
    ordered = [view.changes[k].get((2023, "actual"), (None,))[0] for k in range(len(view.changes))]
    assert ordered == [30, 10, -250, None]  # descending, the empty cell last
    with pytest.raises(QueryError, match="no column"):
        research(conn, ENROLLED, sort="1999:actual:value")


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_compare_as_of_and_by_with_coverage_columns(merger):
    db, successor, _ = merger
    out = run_cli("compare", ENROLLED, "--db", db, "--as-of", "2025", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.output)))
    assert rows[0][:5] == ["Đơn vị", "2022", "2022 đơn vị báo cáo", "2023", "2023 đơn vị báo cáo"]
    assert rows[1][:5] == [successor, "600", "3 trên 3", "440", "2 trên 3"]  # text to a spreadsheet
    assert rows[2][0].startswith("huyện Trực Ninh") and "2025" in rows[2][0]  # apart, marked
    table = run_cli("compare", ENROLLED, "--db", db, "--by", "district", "--change")
    assert table.exit_code == 0 and "650" in table.output and "3/" in table.output
    assert "160" not in table.output  # 440 − 600 compares three communes with two: no change shown
    assert "1 change cells left empty" in " ".join(table.output.split())
    bad = run_cli("compare", ENROLLED, "--db", db, "--as-of", "2025", "--by", "district")
    assert bad.exit_code == 1 and "abolished" in bad.output
    unknown = run_cli("compare", "xmc.huy_dong", "--db", db, "--as-of", "2025")
    assert unknown.exit_code == 1 and "unknown indicator code 'xmc.huy_dong'" in unknown.output
    assert run_cli("compare", ENROLLED, "--db", db, "--sort", "2022:actual:own").exit_code == 1  # no own


def test_a_flagged_figure_keeps_its_mark_in_the_sum(merger, tmp_path):
    db, successor, members = merger
    copy = tmp_path / "flag.db"
    copy.write_bytes(db.read_bytes())
    conn = store.connect(copy)
    unit = conn.execute("SELECT id FROM units WHERE name = ?", (members[2][1],)).fetchone()[0]
    doc = conn.execute("SELECT document_id FROM pivot_values WHERE unit_id = ? AND year = 2022 AND code = ?",
                       (unit, ENROLLED)).fetchone()[0]
    with store.transaction(conn):
        result = conn.execute(
            "INSERT INTO check_results (check_id, kind, subject, document_id, unit_id, year, codes, status, "
            "seen, message, message_vi, created_at, updated_at) VALUES ('lich_su', 'history', 's', ?, ?, "
            "2022, '[]', 'open', '{}', 'out of line', 'bất thường', '', '')", (doc, unit)).lastrowid
        conn.execute("INSERT INTO check_cells VALUES (?, ?, 2022, 'actual', ?, ?)",
                     (ENROLLED, unit, result, doc))
    rows = list(csv.reader(io.StringIO(run_cli("compare", ENROLLED, "--db", copy, "--as-of", "2025",
                                               "--format", "csv").output)))
    assert rows[0][-1] == FLAG_COLUMN and rows[1][-1].startswith("2022: out of line")
    table = run_cli("compare", ENROLLED, "--db", copy, "--by", "province", "--change").output
    assert "600 ⚠1" in table and "⚠1 Nam Định, 2022: out of line" in " ".join(table.split())


def test_rates_are_declared_as_data_and_validated(tmp_path):
    import shutil

    from extractor.resources import data_dir

    assert load().indicator(RATE).rate.denominator == ("xmc.15_60.dan_so",)
    folder = tmp_path / "patterns"
    shutil.copytree(data_dir("patterns"), folder)
    path = folder / "tongket_xhht.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("denominator: [xmc.15_60.dan_so]",
                                                             "denominator: [xmc.15_60.ty_le_biet_chu]"),
                    encoding="utf-8")
    with pytest.raises(PatternError, match="not a count"):
        load(folder)


def test_panel_has_one_row_per_value_with_its_2025_unit(merger):
    db, successor, _ = merger
    rows = [dict(zip(PANEL_COLUMNS, r, strict=True)) for r in panel_rows(store.connect(db, readonly=True))]
    enrolled = [r for r in rows if r["code"] == ENROLLED]
    assert len(enrolled) == 7 and all(isinstance(r["value"], int) for r in enrolled)
    commune = [r for r in enrolled if r["level"] != "huyện"][0]
    assert f"{commune['level_2025']} {commune['unit_2025']} ({commune['province_2025']})" == successor
    name, province = successor.split(" (")
    assert commune["unit_2025_key"] == f"{words(name).replace(' ', '|', 1)}||{words(province)}"
    assert {r["corrected"] for r in rows} == {0} and len({r["document_sha256"] for r in rows}) == 7


def test_panel_holds_what_the_corrections_say(merger, tmp_path):
    db, _, members = merger
    copy = tmp_path / "fixes.db"
    copy.write_bytes(db.read_bytes())
    report = db.parent / f"{words(members[1][1]).replace(' ', '_')}_2022.txt"
    assert run_cli("correct", report, ENROLLED, "0", "--delete", "--db", copy).exit_code == 0
    assert run_cli("correct", report, "xmc.hoan_thanh_chuong_trinh", "12", "--db", copy).exit_code == 0
    conn = store.connect(copy, readonly=True)
    rows = [dict(zip(PANEL_COLUMNS, r, strict=True)) for r in panel_rows(conn)]
    view = conn.execute("SELECT v.code, v.kind, coalesce(v.value_num, v.value_text), d.sha256 FROM "
                        "effective_observations v JOIN documents d ON d.id = v.document_id").fetchall()
    assert sorted((r["code"], r["kind"], r["value"] if r["value"] is not None else r["value_text"],
                   r["document_sha256"]) for r in rows) == sorted(tuple(v) for v in view)
    [added] = [r for r in rows if r["code"] == "xmc.hoan_thanh_chuong_trinh"]
    assert (added["value"], added["corrected"], added["name"]) == (12, 1, members[1][1])


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_panel_export_loads_back_with_pandas_and_pivots(merger, tmp_path, suffix):
    pd = pytest.importorskip("pandas")
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    db, successor, members = merger
    copy = tmp_path / "panel.db"
    copy.write_bytes(db.read_bytes())
    name = words(members[0][1]).replace(" ", "_")
    assert run_cli("correct", db.parent / f"{name}_2022.txt", ENROLLED, "105", "--db", copy).exit_code == 0
    path = tmp_path / f"panel{suffix}"
    result = run_cli("export", "--format", "panel", "--db", copy, "-o", path)
    assert result.exit_code == 0, result.output
    panel = pd.read_parquet(path) if suffix == ".parquet" else pd.read_csv(path, encoding="utf-8-sig")
    assert list(panel.columns) == list(PANEL_COLUMNS)
    wide = panel[panel.code == ENROLLED].pivot_table(index="unit_2025_key", columns="year", values="value",
                                                    aggfunc="sum")
    [key] = wide.index
    assert wide.loc[key, 2022] == 605 and wide.loc[key, 2023] == 440
    assert panel[panel.corrected == 1].value.tolist() == [105]


# ---- the web compare page --------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_web_page_as_of_by_change_and_sort_on_the_server(merger):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    db, successor, _ = merger
    site = make_app(db)
    page = await site.client.get(f"/-/compare?code={ENROLLED}&as_of=2025")
    assert page.status_code == 200 and 'id="as-of" checked' in page.text
    assert successor in page.text and "3/3" in page.text and "2/3" in page.text
    assert 'id="apart"' in page.text and "huyện Trực Ninh" in page.text
    page = await site.client.get(f"/-/compare?code={ENROLLED}&by=district&change=1")
    assert "Trực Ninh, Nam Định" in page.text and ">650<" in page.text and "-160" not in page.text
    assert "the units reporting differ between the two years" in page.text  # why the change is empty
    asc = await site.client.get(f"/-/compare?code={ENROLLED}&sort=2022:actual:value")
    desc = await site.client.get(f"/-/compare?code={ENROLLED}&sort=2022:actual:value&desc=1")
    order = [re.findall(r'<tr><td><a href="/-/unit/(\d+)"', p.text) for p in (asc, desc)]
    assert order[0] and order[1] == order[0][::-1]  # every row has a 2022 figure: exactly reversed
    assert "sort=2022%3Aactual%3Avalue&amp;desc=1" in asc.text  # the header sorts the other way next
    data = (await site.client.get(f"/-/compare.json?code={ENROLLED}&as_of=2025")).json()
    assert data["as_of"] == 2025 and data["rows"][0]["2023 đơn vị báo cáo"] == "2 trên 3"
    bad = await site.client.get(f"/-/compare?code={ENROLLED}&as_of=2025&by=district")
    assert bad.status_code == 200 and "abolished" in bad.text


# ---- a 2025 unit's own reports, years only a unit set apart has, coverage, sort (trial findings) -----------
OWN = """UBND TỈNH {province}
ỦY BAN NHÂN DÂN {level} {name}
Số: 07/BC-UBND
{title}, ngày 15 tháng 12 năm {year}

BÁO CÁO
Tổng kết công tác Xây dựng xã hội học tập năm {year}

- Số người được huy động học xóa mù chữ: {people} người
"""


def new_unit_of_two() -> tuple[str, str, list[dict]]:
    """A 2025 xã that two xã of one huyện became, of a name no commune of its province had before
    2025 (so a report naming it without a district is that 2025 unit's): (written name, province,
    its predecessors as the register has them)."""
    found: dict[tuple, list] = {}
    for entries in units().values():
        for u in entries:
            if u["era"] == "old" and u["level"] == "xã" and u["district"]:
                merged = merged_unit(u["name"], u["level"], u["district"], u["province"])
                if merged:
                    found.setdefault(merged, []).append(u)
    for (new, province), members in sorted(found.items()):
        level, name = split_level(new)
        if level == "xã" and name.replace(" ", "").isalpha() and len(members) == 2 == predecessor_count(
                new, province) and len({(m["district"], m["province"]) for m in members}) == 1 and candidates(
                members[0]["district"], "huyện") and not any(
                c["era"] == "old" and words(c["province"]) == words(province) for c in candidates(name)):
            return f"xã {name}", province, members
    raise AssertionError("the register has no such unit")


def write_own(folder, level: str, name: str, province: str, year: int, people: int, stem: str) -> None:
    (folder / f"{stem}_{year}.txt").write_text(OWN.format(
        province=province.upper(), level=level.upper(), name=name.upper(), title=name, year=year,
        people=dotted(people)), encoding="utf-8")


@pytest.fixture(scope="module")
def own_2025(tmp_path_factory):
    """Two communes that became one in 2025 (the first reported 2023 and 2024, the second 2024),
    the 2025 unit's own report of 2025, and their district's own report of 2021 only."""
    folder = tmp_path_factory.mktemp("own2025")
    new, province, members = new_unit_of_two()
    first, second = members
    for k, (member, year, people) in enumerate(((first, 2023, 45), (first, 2024, 40), (second, 2024, 60))):
        text = OWN.replace("UBND TỈNH {province}", f"UBND HUYỆN {member['district'].upper()}")
        (folder / f"p{k}_{year}.txt").write_text(text.format(
            level="XÃ", name=member["name"].upper(), title=member["name"], year=year, people=dotted(people)),
            encoding="utf-8")
    write_own(folder, "xã", new.split(" ", 1)[1], province, 2025, 70, "new")
    write_own(folder, "huyện", first["district"], first["province"], 2021, 500, "district")
    db = folder / "o.db"
    assert import_paths(db, [folder], workers=1).imported == 5
    return db, new, province, members


def test_a_2025_units_own_report_is_that_units_row(own_2025):
    db, new, province, members = own_2025
    conn = store.connect(db, readonly=True)
    assert tuple(conn.execute("SELECT district, merged_into FROM units WHERE name = ?",
                              (new.split(" ", 1)[1],)).fetchone()) == (None, None)  # as read: a unit of 2025
    view = research(conn, ENROLLED, as_of=2025, change=True)
    assert view.pivot.rows == [(f"{new} ({province})", {(2023, "actual"): 45, (2024, "actual"): 100,
                                                        (2025, "actual"): 70})]
    assert view.coverage == [{(2023, "actual"): (1, 2), (2024, "actual"): (2, 2), (2025, "actual"): None}]
    # 2024: both communes, 2025: the unit they became — the same ground; 2023 → 2024: one commune, then two
    assert view.changes == [{(2024, "actual"): None, (2025, "actual"): (-30, -30.0)}]
    rows = list(csv.reader(io.StringIO(run_cli("compare", ENROLLED, "--db", db, "--as-of", "2025",
                                               "--format", "csv").output)))
    assert rows[1][:7] == [f"{new} ({province})", "", "", "45", "1 trên 2", "100", "2 trên 2"]
    assert rows[1][7:9] == ["70", "tự báo cáo"]


def test_a_unit_set_apart_keeps_the_years_no_sum_has(own_2025):
    db, _new, _province, members = own_2025
    view = research(store.connect(db, readonly=True), ENROLLED, as_of=2025)
    assert view.pivot.years == [2021, 2023, 2024, 2025]
    assert view.apart == [(f"huyện {members[0]['district']} ({members[0]['province']})",
                           {(2021, "actual"): 500})]
    rows = list(csv.reader(io.StringIO(run_cli("compare", ENROLLED, "--db", db, "--as-of", "2025",
                                               "--format", "csv").output)))
    assert rows[0][1] == "2021" and rows[2][1] == "500"


def test_the_panel_gives_a_2025_units_own_reports_itself_under_a_unique_key(own_2025):
    pd = pytest.importorskip("pandas")
    db, new, province, _members = own_2025
    rows = [dict(zip(PANEL_COLUMNS, r, strict=True)) for r in panel_rows(store.connect(db, readonly=True))]
    enrolled = [r for r in rows if r["code"] == ENROLLED]
    [own] = [r for r in enrolled if r["year"] == 2025]
    assert (own["level_2025"], own["unit_2025"], own["province_2025"]) == (
        "xã", new.split(" ", 1)[1], province)
    key = f"xa|{words(new.split(' ', 1)[1])}||{words(province)}"
    assert {r["unit_2025_key"] for r in enrolled if r["level"] == "xã"} == {key}
    wide = pd.DataFrame(enrolled).pivot_table(index="unit_2025_key", columns="year", values="value",
                                              aggfunc="sum")
    assert wide.loc[key].to_dict() == {2023: 45, 2024: 100, 2025: 70}


def test_a_change_of_a_sum_is_shown_when_the_same_units_reported_both_years(merger):
    db, _, members = merger
    conn = store.connect(db, readonly=True)
    # the first and third commune reported both years: 100 → 110 for the first alone
    view = research(conn, ENROLLED, unit=members[0][1], by="district", change=True)
    assert view.changes == [{(2023, "actual"): (10, 10.0)}]
    view = research(conn, ENROLLED, by="district", change=True)  # three communes in 2022, two in 2023
    assert view.changes == [{(2023, "actual"): None}]


def test_province_coverage_counts_the_registers_communes_like_a_districts(merger):
    db, _, _ = merger
    conn = store.connect(db, readonly=True)
    communes = [u for entries in units().values() for u in entries
                if u["era"] == "old" and u["level"] in ("xã", "phường", "thị trấn") and u["district"]]
    before = len({(u["level"], u["name"], u["district"]) for u in communes if u["province"] == "Nam Định"})
    after = len({(u["level"], u["name"], u["district"], u["province"]) for u in communes
                 if (merged_unit(u["name"], u["level"], u["district"], u["province"]) or ("", ""))[1]
                 == "Ninh Bình"})
    assert research(conn, ENROLLED, by="province").coverage[0][(2022, "actual")] == (3, before)
    assert research(conn, ENROLLED, by="province", as_of=2025).coverage[0][(2022, "actual")] == (3, after)


def test_sort_by_unit_follows_the_vietnamese_alphabet_on_the_bare_name():
    from extractor.query import Pivot
    from extractor.research import View, sort_view

    names = ["xã Đắk Sơn", "phường Bình An", "xã Bắc Sơn", "thị trấn Dĩ An", "xã Bình An"]
    view = View(Pivot(ENROLLED, "", None, ["actual"], [2024], [(n, {}) for n in names], [1, 2, 3, 4, 5], []),
                [{}] * 5)
    sort_view(view, "unit")
    assert [n for n, _ in view.pivot.rows] == ["xã Bắc Sơn", "phường Bình An", "xã Bình An", "thị trấn Dĩ An",
                                               "xã Đắk Sơn"]


def test_desc_without_sort_is_refused(merger):
    db, _, _ = merger
    result = run_cli("compare", ENROLLED, "--db", db, "--desc")
    assert result.exit_code == 1 and "--sort" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.asyncio
async def test_units_page_lists_provinces_in_the_vietnamese_alphabet(merger, tmp_path):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    db, _, _ = merger
    copy = tmp_path / "order.db"
    copy.write_bytes(db.read_bytes())
    conn = sqlite3.connect(copy)
    ids = [r[0] for r in conn.execute("SELECT id FROM units ORDER BY id")]
    for unit_id, province in zip(ids, ["Đắk Lắk", "Bình Định", "Bắc Kạn", "Đà Nẵng"], strict=True):
        conn.execute("UPDATE units SET province = ? WHERE id = ?", (province, unit_id))
    conn.commit()
    conn.close()
    page = (await make_app(copy).client.get("/-/units")).text
    shown = [p for p in re.findall(r"Bắc Kạn|Bình Định|Đà Nẵng|Đắk Lắk", page)]
    assert list(dict.fromkeys(shown)) == ["Bắc Kạn", "Bình Định", "Đà Nẵng", "Đắk Lắk"]


@pytest.mark.asyncio
async def test_home_page_lists_provinces_of_equal_counts_in_the_vietnamese_alphabet(merger, tmp_path):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    db, _, _ = merger
    copy = tmp_path / "home.db"
    copy.write_bytes(db.read_bytes())
    conn = sqlite3.connect(copy)
    ids = [r[0] for r in conn.execute("SELECT id FROM units ORDER BY id")]
    for unit_id, province in zip(ids, ["Đắk Lắk", "Bình Định", "Đắk Lắk", "Bắc Kạn"], strict=True):
        conn.execute("UPDATE units SET province = ? WHERE id = ?", (province, unit_id))
    conn.commit()
    conn.close()
    page = (await make_app(copy).client.get("/")).text
    shown = re.findall(r"Bắc Kạn|Bình Định|Đắk Lắk", page.split("/-/units?", 1)[1])
    assert list(dict.fromkeys(shown)) == ["Đắk Lắk", "Bắc Kạn", "Bình Định"]  # two units, then one each


@pytest.mark.asyncio
async def test_the_web_refuses_districts_as_of_2025_in_its_own_words_and_keeps_the_indicator(merger):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    db, _, _ = merger
    site = make_app(db)
    query = f"code={ENROLLED}&as_of=2025&by=district&change=1"
    page = (await site.client.get(f"/-/compare?{query}")).text
    error = re.search(r'<p class="xhht-error">(.*?)</p>', page).group(1)
    assert "--" not in error and "2025" in error  # no CLI option names on the web
    label = re.search(r'id="indicator-search"[^>]*value="([^"]*)"', page).group(1)
    assert label and f'id="indicator-code" value="{ENROLLED}"' in page  # the form still names the indicator
    text = (await site.client.get(f"/-/compare.csv?{query}")).text
    assert "--" not in text and "2025" in text
    cli = run_cli("compare", ENROLLED, "--db", db, "--as-of", "2025", "--by", "district")
    assert "--by province" in cli.output  # the CLI names its own options


@pytest.mark.asyncio
async def test_years_only_units_set_apart_reported_stay_in_the_apart_table(merger, tmp_path):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    db, _, _ = merger
    copy = tmp_path / "apart.db"
    copy.write_bytes(db.read_bytes())
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "district_2019.txt").write_text(DISTRICT.format(year=2019, people=dotted(520)),
                                                       encoding="utf-8")
    assert import_paths(copy, [tmp_path / "in"], workers=1).imported == 1
    page = (await make_app(copy).client.get(f"/-/compare?code={ENROLLED}&as_of=2025")).text
    main, apart = page.split('id="pivot"', 1)[1].split('id="apart"', 1)
    def heads(table: str) -> list[str]:
        return re.findall(r"<th[^>]*>(?:<a[^>]*>)?(\d{4})<", table.split("</thead>", 1)[0])

    assert heads(main) == ["2022", "2023"]  # the district's 2019 is not an empty column here
    assert heads(apart) == ["2019", "2022", "2023"]
    axis = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert ">2019<" not in axis and ">2022<" in axis  # nor a stretch of the chart's time axis


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_panel_marks_the_value_compare_shows_so_a_report_stored_twice_counts_once(merger, tmp_path,
                                                                                    suffix):
    pd = pytest.importorskip("pandas")
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    db, _, members = merger
    copy = tmp_path / "twice.db"
    copy.write_bytes(db.read_bytes())
    name = words(members[0][1]).replace(" ", "_")
    again = tmp_path / "again"
    again.mkdir()
    text = (db.parent / f"{name}_2022.txt").read_text(encoding="utf-8")
    (again / f"copy_of_{name}_2022.txt").write_text(text + "\nNơi nhận: như trên.\n", encoding="utf-8")
    assert import_paths(copy, [again], workers=1).imported == 1  # other bytes, the same unit and year
    path = tmp_path / f"panel{suffix}"
    assert run_cli("export", "--format", "panel", "--db", copy, "-o", path).exit_code == 0
    panel = pd.read_parquet(path) if suffix == ".parquet" else pd.read_csv(path, encoding="utf-8-sig")
    enrolled = panel[panel.code == ENROLLED]
    assert len(enrolled[enrolled.year == 2022]) == 5  # the panel keeps one row per stored value
    shown = enrolled[enrolled.in_compare == 1].pivot_table(index="unit_2025_key", columns="year",
                                                             values="value", aggfunc="sum")
    view = research(store.connect(copy, readonly=True), ENROLLED, as_of=2025)
    [(_, figures)] = view.pivot.rows
    assert {year: shown.iloc[0][year] for year in (2022, 2023)} == {
        year: figures[(year, "actual")] for year in (2022, 2023)} == {2022: 600, 2023: 440}
    [left_out] = panel[panel.in_compare == 0].document_sha256.unique()  # one of the two copies, whole
    assert (panel.in_compare == 0).sum() == (panel.document_sha256 == left_out).sum()


@pytest.mark.asyncio
async def test_a_cell_whose_current_documents_disagree_is_marked(merger, tmp_path):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    db, successor, members = merger
    copy = tmp_path / "disagree.db"
    copy.write_bytes(db.read_bytes())
    name = words(members[0][1]).replace(" ", "_")
    other = tmp_path / "other"
    other.mkdir()
    text = (db.parent / f"{name}_2022.txt").read_text(encoding="utf-8")
    assert ": 100 người" in text
    (other / f"annex_{name}_2022.txt").write_text(text.replace(": 100 người", ": 130 người"),
                                                  encoding="utf-8")
    assert import_paths(copy, [other], workers=1).imported == 1
    conn = store.connect(copy, readonly=True)
    plain = research(conn, ENROLLED)
    marked = [(name, cells) for (name, _), flags in zip(plain.pivot.rows, plain.flags, strict=True)
              for cells in [{c: [f["message"] for f in fs] for c, fs in flags.items()}] if cells]
    assert len(marked) == 1 and list(marked[0][1]) == [(2022, "actual")]  # that cell only
    assert "100, 130" in marked[0][1][(2022, "actual")][0]
    gathered = research(conn, ENROLLED, as_of=2025)
    assert list(gathered.flags[0]) == [(2022, "actual")]  # the sum carries the mark
    csv_text = run_cli("compare", ENROLLED, "--db", copy, "--as-of", "2025", "--format", "csv").output
    assert "100, 130" in csv_text
    page = (await make_app(copy).client.get(f"/-/compare?code={ENROLLED}&as_of=2025")).text
    assert page.count('class="check-mark"') == 1 and "100, 130" in page
