"""The web view readable at scale (#20 item 5): the chart's geometry with many units, the pages that
say what is shown, the unit page's headings and units of measure, the home page's links."""

import math
import re
import sqlite3
from html import unescape
from itertools import pairwise

import pytest
from click.testing import CliRunner

from extractor.cli import main
from extractor.query import Pivot

pytest.importorskip("datasette")
COUNT_CODE = "tuanle.lop.xoa_mu_chu.so_luot"  # a count (no target column)
PERCENT_CODE = "dean.mo_hinh.gia_dinh_hoc_tap"  # a percentage with target and result


@pytest.fixture
def vietnamese():
    from extractor import i18n

    i18n.set_language("vi")
    yield
    i18n.set_language(None)


def many_units(db, units: int = 60, years=(2019, 2021, 2022, 2024)) -> None:
    """A database of `units` units over uneven years: a count of each, and a percentage with targets."""
    from extractor import store
    from extractor.patterns import default_catalogue

    conn = store.connect(db)
    store.sync_catalogue(conn, default_catalogue())
    with store.transaction(conn):
        for u in range(units):
            place = (f"Xã Số {u:02d}", f"Huyện {u // 20}", "Tỉnh Một")
            unit_id = conn.execute(
                "INSERT INTO units (key, level, name, district, province) VALUES (?, 'xã', ?, ?, ?)",
                (store.unit_key("xã", *place), *place),
            ).lastrowid
            for year in years:
                doc = conn.execute(
                    "INSERT INTO documents (sha256, format, size, imported_at, extracted_at, report_type, "
                    "unit_id, unit_name, unit_level, year, issued_date, extractor_version, patterns_version) "
                    "VALUES (?, 'txt', 1, '', '', 'tuanle', ?, ?, 'xã', ?, ?, 't', 't')",
                    (f"{u}-{year}", unit_id, place[0], year, f"{year}-10-{1 + u % 28:02d}"),
                ).lastrowid
                rows = [
                    (COUNT_CODE, "actual", 1000 * (u + 1) + 37 * year % 900),
                    (PERCENT_CODE, "target", 50 + u % 40),
                    (PERCENT_CODE, "actual", 45.5 + (u + year) % 50),
                ]
                conn.executemany(
                    "INSERT INTO observations (document_id, code, kind, value_num, unit, raw_label, "
                    "raw_value, location, score, method) VALUES (?, ?, ?, ?, '', '', '', 'table 1', "
                    "100, 'table')",
                    [(doc, *row) for row in rows],
                )
    store.rebuild_pivot(conn)
    conn.close()


def pivot_of(db, code: str) -> Pivot:
    from extractor import store
    from extractor.query import compare

    return compare(store.connect(db, readonly=True), code)


@pytest.fixture
def crowded(tmp_path):
    db = tmp_path / "many.db"
    many_units(db)
    return db


# ---- the chart's geometry ---------------------------------------------------------------------------------
def test_years_sit_on_a_true_time_axis():
    from extractor.web import chart

    pivot = Pivot(
        "c",
        "l",
        None,
        ["actual"],
        [2019, 2021, 2022],
        [("a", {(2019, "actual"): 1, (2021, "actual"): 2, (2022, "actual"): 3})],
    )
    x = {year: px for year, _, px, _ in chart.layout(pivot).series[0].points}
    assert x[2021] - x[2019] == pytest.approx(2 * (x[2022] - x[2021]))
    ticks = {year: px for px, year, _ in chart.layout(pivot).x_ticks}
    assert ticks == pytest.approx(x)


def test_many_years_are_labelled_without_running_into_each_other():
    from extractor.web import chart

    years = list(range(1995, 2026))
    pivot = Pivot("c", "l", None, ["actual"], years, [("a", {(y, "actual"): y - 1990 for y in years})])
    ticks = chart.layout(pivot).x_ticks
    labelled = [px for px, _, shown in ticks if shown]
    assert len(ticks) == len(years) and ticks[-1][2] and 2 < len(labelled) < len(years)
    assert all(b - a >= chart.YEAR_LABEL_GAP for a, b in pairwise(labelled))


@pytest.mark.parametrize(
    ("low", "high", "whole"),
    [
        (0, 47_123, True),
        (0, 7, True),
        (0, 87.4, False),
        (0, 0.42, False),
        (0, 1_234_567, True),
        (-3, 17, True),
    ],
)
def test_value_ticks_are_round_and_cover_the_values(low, high, whole):
    from extractor.web import chart

    ticks = chart.round_ticks(low, high, whole)
    step = ticks[1] - ticks[0]
    assert ticks[0] <= low and ticks[-1] >= high and 3 <= len(ticks) <= 7
    assert all(b - a == pytest.approx(step) for a, b in pairwise(ticks))
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 2.5, 5)
    if whole:
        assert all(float(t).is_integer() for t in ticks)


def test_count_ticks_are_whole_numbers_with_the_page_languages_thousands_separator(crowded, vietnamese):
    from extractor import i18n
    from extractor.web import chart

    pivot = pivot_of(crowded, COUNT_CODE)
    labels = [label for _, label in chart.layout(pivot).y_ticks]
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*", label) for label in labels), labels
    assert any("." in label for label in labels)  # 20.000 in Vietnamese
    i18n.set_language("en")
    labels = [label for _, label in chart.layout(pivot).y_ticks]
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", label) for label in labels) and any("," in x for x in labels)


def test_targets_are_dashed_and_results_solid_with_a_key(crowded):
    from extractor.i18n import kind_name
    from extractor.web import chart

    pivot = pivot_of(crowded, PERCENT_CODE)
    drawn = chart.layout(pivot)
    assert {s.kind for s in drawn.series} == {"target", "actual"}
    assert all(s.dashed == (s.kind == "target") for s in drawn.series)
    key = {text.rsplit(": ", 1)[1]: (dashed, sample) for _, text, _, dashed, sample in drawn.legend[:2]}
    assert key == {kind_name("actual"): (False, True), kind_name("target"): (True, True)}
    markup = chart.svg(pivot)
    targets = re.findall(r'<g class="series target"><polyline([^>]*)>', markup)
    results = re.findall(r'<g class="series actual"><polyline([^>]*)>', markup)
    assert targets and results
    assert all("stroke-dasharray" in t for t in targets) and not any("stroke-dasharray" in r for r in results)


def test_no_point_lies_under_the_legend_and_at_most_max_lines_units_are_drawn(crowded):
    from extractor.web import chart

    for code in (COUNT_CODE, PERCENT_CODE):
        drawn = chart.layout(pivot_of(crowded, code))
        left, top, right, bottom = drawn.legend_box
        names = {s.name for s in drawn.series}
        assert len(names) == chart.MAX_LINES
        points = [(x, y) for s in drawn.series for _, _, x, y in s.points]
        assert not [p for p in points if left - 4 <= p[0] <= right and top - 4 <= p[1] <= bottom + 4]
        assert all(
            drawn.plot[0] < x < drawn.plot[2] and drawn.plot[1] <= y <= drawn.plot[3] for x, y in points
        )
        assert bottom <= drawn.height and right <= drawn.width


# ---- the compare page says which units and years are drawn ---------------------------------------------
@pytest.mark.asyncio
async def test_compare_page_says_the_top_units_and_years_in_the_page_language(crowded, vietnamese):
    from extractor.serve import make_app

    page = (await make_app(crowded).client.get("/-/compare", params={"code": COUNT_CODE})).text
    note = unescape(page.split('id="chart-note">', 1)[1].split("</p>", 1)[0])
    assert note.startswith("Biểu đồ vẽ 10 trong 60 đơn vị") and "Bảng có đủ mọi đơn vị" in note
    assert "Các năm trên biểu đồ: 2019, 2021, 2022, 2024." in note
    legend = page.split('<g class="legend">', 1)[1].split("</g>", 1)[0]
    assert re.findall(r"Xã Số (\d+)", legend) == [f"{u}" for u in range(59, 49, -1)]  # the largest latest


# ---- unit page, home page, units list --------------------------------------------------------------------
@pytest.fixture(scope="module")
def archive(tmp_path_factory, samples):
    db = tmp_path_factory.mktemp("scale") / "s.db"
    assert (
        CliRunner().invoke(main, ["import", str(samples), "--db", str(db), "--workers", "1"]).exit_code == 0
    )
    return db


@pytest.mark.asyncio
async def test_unit_page_shows_each_indicators_group_and_unit_of_measure(archive):
    from extractor.i18n import report_type_name
    from extractor.patterns import default_catalogue
    from extractor.serve import make_app

    conn = sqlite3.connect(archive)
    unit_id = conn.execute(
        "SELECT unit_id FROM pivot_values GROUP BY unit_id ORDER BY COUNT(*) DESC, unit_id LIMIT 1"
    ).fetchone()[0]
    known = {
        code: (rtype, grp, label, unit)
        for code, rtype, grp, label, unit in conn.execute(
            "SELECT code, report_type, grp, label, unit FROM indicators"
        )
    }
    catalogue = default_catalogue()
    page = (await make_app(archive).client.get(f"/-/unit/{unit_id}")).text
    table = page.split('id="indicators"', 1)[1].split("</table>", 1)[0]
    heading, rows = None, 0
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        if "colspan" in row or row.startswith("<th"):
            heading = unescape(re.sub(r"<[^>]+>", "", row)).strip()
            continue
        code = re.search(r"code=([\w.]+)", row).group(1)
        rtype, grp, label, unit = known[code]
        title = next(g.title for g in catalogue.reports[rtype].groups if g.id == grp)
        assert heading == f"{report_type_name(rtype)} — {title}", (code, heading)
        measure = unescape(re.search(r'<td class="measure">(.*?)</td>', row).group(1))
        assert measure == (unit or "")
        rows += 1
    assert rows >= 5 and any(unit for *_, unit in known.values())


@pytest.mark.asyncio
async def test_home_page_links_to_the_units_and_the_latest_documents(archive):
    from extractor.serve import make_app
    from extractor.web import pages

    site = make_app(archive)
    conn = sqlite3.connect(archive)
    newest = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM documents WHERE superseded_by IS NULL ORDER BY "
            "COALESCE(issued_date, year) DESC, id DESC"
        )
    ]
    page = (await site.client.get("/")).text
    latest = page.split('id="latest"', 1)[1].split("</table>", 1)[0]
    assert [int(d) for d in re.findall(r'href="/-/document/(\d+)"', latest)] == newest[
        : pages.LATEST_DOCUMENTS
    ]
    assert 'href="/-/units"' in page
    province, count = conn.execute(
        "SELECT province, COUNT(*) FROM units WHERE province IS NOT NULL "
        "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
    ).fetchone()
    link = re.search(r'href="(/-/units\?province=[^"]+)">' + re.escape(str(province)) + "<", page).group(1)
    listed = (await site.client.get(unescape(link))).text
    ids = {int(i) for i in re.findall(r'href="/-/unit/(\d+)"', listed.split('id="units"', 1)[1])}
    assert ids == {r[0] for r in conn.execute("SELECT id FROM units WHERE province = ?", (province,))}
    everyone = (await site.client.get("/-/units")).text
    assert (
        len(re.findall(r'href="/-/unit/\d+"', everyone))
        == conn.execute("SELECT COUNT(*) FROM units").fetchone()[0]
    )
    # the whole list is ordered by province: each province heads its units, once
    headings = re.findall(r'<tr class="xhht-group"><th colspan="5" scope="colgroup">([^<]*)</th>', everyone)
    assert len(headings) == len(set(headings)) > 1 and str(province) in headings
    assert '<tr class="xhht-group">' not in listed  # one province asked: no heading needed


@pytest.mark.asyncio
async def test_units_list_pages_through_many_units(crowded, monkeypatch):
    from extractor.serve import make_app
    from extractor.web import pages

    monkeypatch.setattr(pages, "UNIT_ROWS", 25)
    site = make_app(crowded)
    seen = []
    for page in (1, 2, 3):
        text = (await site.client.get("/-/units", params={"province": "Tỉnh Một", "page": str(page)})).text
        seen += re.findall(r'href="/-/unit/(\d+)"', text)
        assert ('id="next-page"' in text) == (page < 3)
    assert len(seen) == len(set(seen)) == 60
