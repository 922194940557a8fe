"""The compare page as a researcher on a laptop reads it: the table with change and roll-up columns
scrolls in its own box (never the page), its unit column stays legible, columns empty in every row
are left out of the page (not of the downloads); the chart's note says why units are not drawn; a
chart of targets shows every unit's point and says in words which mark is a target; the units list
has its own heading."""

import re
import subprocess
import sys
from html import unescape
from itertools import pairwise

import pytest
from conftest import CHROMEDRIVER, CHROMIUM, needs_chromium
from test_browser import free_port, wait_for
from test_research import DISTRICT, ENROLLED, dotted, successor_with_three, write_report

from extractor.importer import import_paths
from extractor.query import Pivot

YEARS = range(2016, 2024)


@pytest.fixture(scope="module")
def decade(tmp_path_factory):
    """Three communes that became one in 2025, reporting for eight years (one skips a year), their
    district's own reports, and a second district that only reported itself (its communes never did)."""
    folder = tmp_path_factory.mktemp("decade")
    successor, members = successor_with_three()
    for k, (level, name) in enumerate(members):
        for year in YEARS:
            if (k, year) != (1, 2019):
                people = 100 * (k + 1) + 7 * (year - 2015)
                write_report(folder, level, name, year, (people, 1000 * (k + 1), 10, 950 * (k + 1)))
    for year in (2017, 2020):
        text = DISTRICT.format(year=year, people=dotted(900 + year % 10))
        (folder / f"district_{year}.txt").write_text(text, encoding="utf-8")
    alone = DISTRICT.replace("TRỰC NINH", "HẢI HẬU").replace("Trực Ninh", "Hải Hậu")
    (folder / "alone_2018.txt").write_text(alone.format(year=2018, people=dotted(777)), encoding="utf-8")
    db = folder / "d.db"
    assert import_paths(db, [folder], workers=1).imported == 3 * len(YEARS) - 1 + 3
    return db, successor


def _heads(page: str, table: str = "pivot") -> list[str]:
    head = page.split(f'id="{table}"', 1)[1].split("</thead>", 1)[0]
    cells = re.findall(r"<th[^>]*>(.*?)</th>", head)
    return [unescape(re.sub(r"<[^>]+>|[▲▼]", "", th)).strip() for th in cells]


# ---- columns empty in every row are left out of the page, kept in the downloads ----------------------------
@pytest.mark.asyncio
async def test_the_first_years_change_and_own_figures_nobody_reported_are_not_on_the_page(decade):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    db, _ = decade
    site = make_app(db)
    first, second = YEARS[0], YEARS[1]
    page = (await site.client.get(f"/-/compare?code={ENROLLED}&as_of=2025&change=1")).text
    heads = _heads(page)
    assert f"{first} change" not in heads and f"{first} change %" not in heads  # nothing before it
    assert f"{second} change" in heads and f"{first} units reporting" in heads
    csv = (await site.client.get(f"/-/compare.csv?code={ENROLLED}&as_of=2025&change=1")).text
    assert f"{first} thay đổi," in csv  # the download keeps every column

    page = (await site.client.get(f"/-/compare?code={ENROLLED}&as_of=2025&by=province")).text
    assert not [h for h in _heads(page) if h.endswith("own report")]  # no province reported itself
    csv = (await site.client.get(f"/-/compare.csv?code={ENROLLED}&as_of=2025&by=province")).text
    assert "tự báo cáo" in csv
    page = (await site.client.get(f"/-/compare?code={ENROLLED}&by=district")).text
    owns = [h for h in _heads(page) if h.endswith("own report")]
    assert owns == ["2017 own report", "2018 own report", "2020 own report"]  # the years a district did


# ---- the chart's note says why units are not drawn ---------------------------------------------------------
@pytest.mark.asyncio
async def test_the_note_says_a_district_is_not_drawn_for_having_no_sum(decade):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    page = (await make_app(decade[0]).client.get(f"/-/compare?code={ENROLLED}&by=district")).text
    note = unescape(page.split('id="chart-note">', 1)[1].split("</p>", 1)[0])
    assert note.startswith("The chart shows 1 of 2 units.")
    assert "Not drawn: 1 with no sum (none of their communes reported a number)." in note
    assert "largest" not in note and "ranked" not in note  # no unit was left out by the ranking


def test_the_note_counts_each_reason_a_unit_is_left_out(monkeypatch):
    from extractor.web import chart

    monkeypatch.setattr(chart, "MAX_LINES", 2)
    rows = [("a", {(2024, "actual"): 9}), ("b", {(2024, "actual"): 8}), ("c", {(2024, "actual"): 7}),
            ("d", {(2023, "actual"): 50}), ("e", {(2024, "actual"): "Đạt"})]
    pivot = Pivot("c", "l", None, ["actual"], [2023, 2024], rows)
    note = chart.note(pivot)
    assert note.startswith("The chart shows 2 of 5 units, ranked by their latest value")
    assert ("Not drawn: 1 with a smaller value in 2024, 1 with no value in 2024, "
            "1 with no number to draw (values in words).") in note
    assert "no sum" in chart.note(pivot, summed=True)


def test_the_note_says_units_without_the_newest_year_were_ranked_out_when_drawn_ones_lack_it_too(monkeypatch):
    """Drawn units without a value in the newest year either: those left out were not left out for
    lacking that year, but for an older or smaller latest value (the ranking under the cap)."""
    from extractor.web import chart

    monkeypatch.setattr(chart, "MAX_LINES", 2)
    rows = [("a", {(2024, "actual"): 9}), ("d", {(2023, "actual"): 50}), ("f", {(2023, "actual"): 10})]
    note = chart.note(Pivot("c", "l", None, ["actual"], [2023, 2024], rows))
    assert ("Not drawn: 1 with no value in 2024 and an older or smaller latest value than the units "
            "drawn.") in note


# ---- targets of several units at one point stay visible, and the key says what a mark is -------------------
def _targets_at_one_point() -> Pivot:
    """Three communes with the same 90 % target in 2024 (results in words), one unit elsewhere."""
    rows = [(f"xã {name}", {(2024, "target"): 90.0, (2024, "actual"): "Đạt"}) for name in ("A", "B", "C")]
    rows.append(("huyện D", {(2023, "target"): 100.0}))
    return Pivot("c", "l", "%", ["target", "actual"], [2023, 2024], rows)


def test_units_with_the_same_target_in_the_same_year_are_set_side_by_side():
    from extractor.web import chart

    drawn = chart.layout(_targets_at_one_point())
    ticks = {year: x for x, year, _ in drawn.x_ticks}
    shared = sorted(x for s in drawn.series for year, _, x, _ in s.points if year == 2024)
    assert len(shared) == 3 and all(b - a >= 2 * chart.RADIUS["target"] for a, b in pairwise(shared))
    assert sum(shared) / 3 == pytest.approx(ticks[2024])  # centred on their year
    [alone] = [x for s in drawn.series if s.name == "huyện D" for _, _, x, _ in s.points]
    assert alone == ticks[2023]  # a point that hides nothing stays on its year
    assert all(drawn.plot[0] < x < drawn.plot[2] for x in shared)


def test_results_are_drawn_over_larger_hollow_targets():
    from extractor.web import chart

    rows = [("xã A", {(2023, "target"): 90.0, (2023, "actual"): 90.0, (2024, "actual"): 95.0})]
    markup = chart.svg(Pivot("c", "l", "%", ["target", "actual"], [2023, 2024], rows))
    assert markup.index('class="series target"') < markup.index('class="series actual"')
    target = re.search(r'class="series target">.*?<circle [^>]*r="([\d.]+)" fill="none"', markup)
    result = re.search(r'class="series actual">.*?<circle [^>]*r="([\d.]+)" fill="#', markup)
    assert float(target.group(1)) > float(result.group(1))


def test_a_chart_of_targets_says_in_words_which_mark_is_a_target(monkeypatch):
    from extractor import i18n
    from extractor.web import chart

    monkeypatch.setenv("XHHT_LANG", "vi")
    legend = chart.svg(_targets_at_one_point()).split('<g class="legend">', 1)[1]
    words = re.findall(r'font-size="11">([^<]+)</text>', legend)
    assert words[:2] == ["đường liền, chấm đặc: kết quả", "đường nét đứt, chấm rỗng: chỉ tiêu"]
    assert words[2:] == ["xã A", "xã B", "xã C", "huyện D"]
    i18n.set_language("en")
    try:
        words = re.findall(r'font-size="11">([^<]+)</text>', chart.svg(_targets_at_one_point()))
        assert "dashed line, hollow dot: target" in words and "solid line, filled dot: actual" in words
    finally:
        i18n.set_language(None)


# ---- the units list ----------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_the_units_list_has_its_own_heading_with_the_province_after(decade, monkeypatch):
    pytest.importorskip("datasette")
    from extractor.serve import make_app

    site = make_app(decade[0])
    monkeypatch.setenv("XHHT_LANG", "vi")
    heading = re.compile(r"<h1>(.*?)</h1>")
    assert heading.search((await site.client.get("/-/units")).text).group(1) == "Đơn vị báo cáo"
    page = (await site.client.get("/-/units", params={"province": "Nam Định"})).text
    assert heading.search(page).group(1) == "Đơn vị báo cáo: Nam Định"
    assert "<th>Số đơn vị</th>" in (await site.client.get("/")).text  # the home page's count keeps its word
    monkeypatch.setenv("XHHT_LANG", "en")
    page = (await site.client.get("/-/units", params={"province": "Nam Định"})).text
    assert heading.search(page).group(1) == "Reporting units: Nam Định"


# ---- in a browser at 1,366 × 768 ---------------------------------------------------------------------------
LAYOUT = """const box = document.getElementById('pivot').parentElement, cells = [...document.querySelectorAll(
  '#pivot tbody td:first-child')];
const lines = td => { const r = document.createRange(); r.selectNodeContents(td);
  return new Set([...r.getClientRects()].filter(c => c.width > 0).map(c => Math.round(c.top))).size; };
const before = cells.map(td => td.getBoundingClientRect().left);
box.scrollLeft = box.scrollWidth;
return {page: document.documentElement.scrollWidth, window: window.innerWidth, box: box.clientWidth,
  table: box.scrollWidth, lines: cells.map(lines), moved: cells.map((td, k) =>
  td.getBoundingClientRect().left - before[k]), names: cells.map(td => td.textContent.trim())};"""


@pytest.fixture(scope="module")
def browser(decade):
    pytest.importorskip("datasette")
    webdriver = pytest.importorskip("selenium.webdriver")
    import urllib.request

    from selenium.webdriver.chrome.service import Service

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "extractor", "serve", "--db", str(decade[0]), "--port",
                               str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _answers(urllib.request, url), timeout=20)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_window_size(1366, 768)
    yield driver, url
    driver.quit()
    server.terminate()
    server.wait(timeout=10)


def _answers(request, url: str) -> bool:
    try:
        request.urlopen(url + "/", timeout=1)
        return True
    except OSError:
        return False


@needs_chromium
@pytest.mark.slow
@pytest.mark.parametrize("view", ["as_of=2025&change=1", "by=district&change=1"])
def test_a_wide_comparison_scrolls_in_its_box_with_the_unit_column_legible(browser, view):
    driver, url = browser
    driver.get(f"{url}/-/compare?code={ENROLLED}&{view}")
    found = driver.execute_script(LAYOUT)
    assert found["table"] > found["box"]  # wider than the window: the case that matters
    assert found["page"] <= found["window"]  # the page itself never scrolls sideways
    assert found["names"] and max(found["lines"]) <= 2, found
    assert all(abs(moved) <= 1 for moved in found["moved"])  # the unit column stays while figures scroll



# The scroll box's left strip, as drawn, once the table is scrolled to its right end: the sticky unit
# cells cover it, so no text of the figures scrolled underneath shows through (a dark pixel left of
# the unit names' own padding).
EDGE = """const box = document.getElementById('pivot').parentElement; box.scrollIntoView();
box.scrollLeft = box.scrollWidth; const cell = document.querySelector('#pivot th:first-child');
const b = box.getBoundingClientRect(), c = cell.getBoundingClientRect();
return {left: c.left - b.left, pad: parseFloat(getComputedStyle(cell).paddingLeft), height: c.height};"""


@needs_chromium
@pytest.mark.slow
def test_figures_scrolled_under_the_sticky_unit_column_do_not_show_through(browser):
    from io import BytesIO

    image_module = pytest.importorskip("PIL.Image")
    driver, url = browser
    driver.get(f"{url}/-/compare?code={ENROLLED}&by=district&change=1")
    edge = driver.execute_script(EDGE)
    shot = image_module.open(BytesIO(driver.find_element("css selector", ".xhht-scroll").screenshot_as_png))
    strip = shot.convert("L").crop((0, 0, int(edge["left"] + edge["pad"]) - 1, int(edge["height"])))
    assert min(strip.getdata()) > 150, edge  # background and borders only, no glyph


def test_the_note_of_a_chart_of_one_unit_says_the_only_unit():
    from extractor.web import chart

    note = chart.note(Pivot("c", "l", None, ["actual"], [2024], [("a", {(2024, "actual"): 9})]))
    assert note.startswith("The chart shows the only unit.") and "all 1" not in note


def test_the_note_says_results_in_words_are_not_drawn():
    """Targets in numbers, results in words (Đạt): the targets are drawn and the key names both
    marks, so the note says the results are not on the chart."""
    from extractor.web import chart

    note = chart.note(_targets_at_one_point())
    assert "Results written in words (Đạt, Chưa đạt) are not drawn; they are in the table." in note
    rows = [("a", {(2024, "actual"): 9})]
    assert "in words" not in chart.note(Pivot("c", "l", None, ["actual"], [2024], rows))
