"""Measured in a real headless browser at a 1366×768 window, in Vietnamese (the longest labels):
the document page's provenance table fits the screen, and the chart of 60 units is drawn legibly."""

import os
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner
from conftest import CHROMEDRIVER, CHROMIUM, SAMPLES, needs_chromium
from test_browser import free_port
from test_web_scale import COUNT_CODE, PERCENT_CODE, many_units

from extractor.cli import main

pytestmark = [needs_chromium, pytest.mark.slow]
SCANNED_LIKE = "BC_TuanLe_HTSD_2023_LiemPhu.docx"


def serve(db):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "extractor", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "XHHT_LANG": "vi"},
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail("the server did not start: " + server.stdout.read().decode(errors="replace"))


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """A document whose values were read badly (long runs without spaces, as OCR gives) and corrected,
    and a database of 60 units."""
    pytest.importorskip("datasette")
    folder = tmp_path_factory.mktemp("scale")
    (folder / "in").mkdir()
    (folder / "in" / SCANNED_LIKE).write_bytes((SAMPLES / SCANNED_LIKE).read_bytes())
    db = folder / "doc.db"
    assert (
        CliRunner().invoke(main, ["import", str(folder / "in"), "--db", str(db), "--workers", "1"]).exit_code
        == 0
    )
    conn = sqlite3.connect(db)
    code = conn.execute("SELECT code FROM observations ORDER BY length(code) DESC, code LIMIT 1").fetchone()[
        0
    ]
    assert (
        CliRunner()
        .invoke(
            main,
            [
                "correct",
                str(folder / "in" / SCANNED_LIKE),
                code,
                "1234567",
                "--db",
                str(db),
                "--note",
                "đọc lại",
            ],
        )
        .exit_code
        == 0
    )
    with conn:
        conn.execute(
            "UPDATE observations SET ocr_confidence = 87.25, raw_value = ?, raw_label = ?",
            ("1.234.5б7lượtngườithamgia(trongđó" * 2, "Sốlượtngườithamgiahọcngoạingữ,tinhọc" * 2),
        )
    doc_id = conn.execute("SELECT id FROM documents").fetchone()[0]
    many_units(folder / "many.db")
    servers = [serve(db), serve(folder / "many.db")]
    yield {"document": servers[0][1] + f"/-/document/{doc_id}", "many": servers[1][1]}
    for server, _ in servers:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_window_size(1366, 768)
    yield driver
    driver.quit()


PROVENANCE = """const page = document.documentElement, table = document.getElementById('values');
const cells = Array.from(table.querySelectorAll('th, td'));
return {page: [page.scrollWidth, page.clientWidth], right: table.getBoundingClientRect().right,
        last: Math.max(...Array.from(table.querySelectorAll('tr')).map(r => r.lastElementChild
                                                                         .getBoundingClientRect().right)),
        cut: cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 40)),
        text: table.textContent};"""


def test_provenance_table_fits_a_1366_pixel_screen(sites, browser):
    browser.get(sites["document"])
    found = browser.execute_script(PROVENANCE)
    scroll, client = found["page"]
    assert client >= 1300 and scroll <= client, found["page"]  # no horizontal overflow of the page
    assert found["right"] <= client and found["last"] <= client  # the OCR column fully in view
    assert not found["cut"], found["cut"]  # no cell's content runs out of its cell
    assert "87,25" in found["text"] and "đã sửa" in found["text"]  # OCR confidence and the correction shown


CHART = """const svg = document.querySelector('svg.xhht-chart'), box = svg.getBoundingClientRect();
const rect = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
return {svg: rect(svg), page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
        texts: Array.from(svg.querySelectorAll('text')).map(t => ({text: t.textContent, box: rect(t),
                 size: parseFloat(getComputedStyle(t).fontSize)})),
        legend: rect(svg.querySelector('g.legend')),
        points: Array.from(svg.querySelectorAll('g.series circle')).map(rect),  // the key has its own
        units: new Set(Array.from(svg.querySelectorAll('circle title'))
                       .map(t => t.textContent.split(' 20')[0])).size};"""


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("code", [COUNT_CODE, PERCENT_CODE])
def test_chart_of_sixty_units_is_drawn_legibly(sites, browser, code):
    from extractor.web import chart

    browser.get(sites["many"] + f"/-/compare?code={code}")
    found = browser.execute_script(CHART)
    assert found["page"][0] <= found["page"][1] and found["svg"][2] <= found["page"][1]  # fits the window
    assert found["units"] == chart.MAX_LINES  # the top units only; the 60 are in the table
    texts = found["texts"]
    assert all(t["size"] >= 11 for t in texts)
    clashes = [
        (a["text"], b["text"])
        for k, a in enumerate(texts)
        for b in texts[k + 1 :]
        if overlaps(a["box"], b["box"])
    ]
    assert not clashes  # no label runs into another
    assert not [p for p in found["points"] if overlaps(p, found["legend"])]  # no point under the legend
    note = browser.find_element("id", "chart-note").text
    assert "10 trong 60 đơn vị" in note and "2019, 2021, 2022, 2024" in note
