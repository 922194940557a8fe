"""The web view in a real headless browser (Debian's chromium and chromedriver, driven by
Selenium; nothing is downloaded): the researcher's path from the home page to a figure's
source and a CSV, and the archivist's path from the review queue to a corrected comparison."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CHROMEDRIVER, CHROMIUM, needs_chromium

from extractor.cli import main

pytestmark = [needs_chromium, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory, samples):
    pytest.importorskip("datasette")
    folder = tmp_path_factory.mktemp("web")
    db = folder / "archive.db"
    result = CliRunner().invoke(main, ["import", str(samples), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 0, result.output
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "extractor", "serve", "--db", str(db), "--port",
                               str(port), "--review"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("the server did not start: " + server.stdout.read().decode(errors="replace"))
    yield url, folder
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(site):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    _, folder = site
    downloads = folder / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    driver.downloads = downloads
    yield driver
    driver.quit()


def wait_for(condition, timeout: float = 10.0):
    end = time.time() + timeout
    while time.time() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_researcher_finds_an_indicator_follows_a_figure_and_downloads_csv(site, browser):
    from selenium.webdriver.common.by import By

    url, _ = site
    browser.get(url + "/")
    assert "documents" in browser.find_element(By.TAG_NAME, "body").text
    browser.find_element(By.PARTIAL_LINK_TEXT, "Compare one indicator").click()
    box = browser.find_element(By.ID, "indicator-search")
    box.send_keys("luot nguoi tham gia xoa mu chu")
    option = wait_for(lambda: [li for li in browser.find_elements(
        By.CSS_SELECTOR, "#indicator-results li.option")
                               if li.get_attribute("data-code") == "tuanle.lop.xoa_mu_chu.so_luot"])[0]
    option.click()
    wait_for(lambda: browser.find_elements(By.ID, "pivot"))
    header = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#pivot thead th")]
    db = str(site[1] / "archive.db")
    rows = json.loads(CliRunner().invoke(main, ["compare", "tuanle.lop.xoa_mu_chu.so_luot", "--db", db,
                                                "--format", "json"]).output)
    years = {k for row in rows for k in row if k.isdigit()}
    assert len(years) >= 3 and header[1:] == sorted(years)  # the sample years as columns
    assert browser.find_elements(By.CSS_SELECTOR, "svg.xhht-chart polyline")
    assert "code=tuanle.lop.xoa_mu_chu.so_luot" in browser.current_url
    figure = browser.find_element(By.CSS_SELECTOR, "#pivot a.figure")
    value = figure.text
    figure.click()
    wait_for(lambda: "/-/document/" in browser.current_url)
    row = browser.find_element(By.ID, browser.current_url.split("#", 1)[1])
    assert value in row.text and ("row" in row.text or "line" in row.text or "paragraph" in row.text)
    browser.back()
    browser.find_element(By.ID, "download-csv").click()
    csv_file = wait_for(lambda: [p for p in browser.downloads.glob("*.csv")])[0]
    text = wait_for(lambda: Path(csv_file).read_text(encoding="utf-8-sig"))
    assert text.startswith("Đơn vị,") and "2023" in text.splitlines()[0]


def test_archivist_resolves_an_item_and_sees_it_in_the_comparison(site, browser):
    from selenium.webdriver.common.by import By

    url, _ = site
    browser.get(url + "/-/review?kind=unclear_value")
    browser.find_element(By.CSS_SELECTOR, "#queue a.review-item").click()
    assert "1.2OO" in browser.find_element(By.TAG_NAME, "body").text
    browser.find_element(By.ID, "set-value").send_keys("1.200")
    browser.find_element(By.ID, "set").click()
    assert "1,200" in wait_for(lambda: browser.find_elements(By.ID, "message"))[0].text  # English pinned
    browser.get(url + "/-/compare?code=tuanle.tuyen_truyen.sach_tai_lieu&unit=Phước Hưng")
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#pivot tbody td")]
    assert "1,200" in cells
    browser.find_element(By.CSS_SELECTOR, "#pivot a.figure").click()
    row = browser.find_element(By.ID, browser.current_url.split("#", 1)[1])
    assert "corrected" in row.get_attribute("class")
