"""The compare page's research controls in a real headless browser: the researcher ticks "as of
the 2025 merger", sees one row per 2025 unit with its coverage, sums by district, and sorts by a
column header on the server."""

import subprocess
import sys

import pytest
from conftest import CHROMEDRIVER, CHROMIUM, needs_chromium
from test_browser import free_port, wait_for
from test_research import ENROLLED, merger  # noqa: F401 (the fixture)

pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.fixture(scope="module")
def page(merger):  # noqa: F811
    pytest.importorskip("datasette")
    webdriver = pytest.importorskip("selenium.webdriver")
    import urllib.request

    from selenium.webdriver.chrome.service import Service

    db, successor, members = merger
    port = free_port()
    command = [sys.executable, "-m", "extractor", "serve", "--db", str(db), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _answers(urllib.request, url), timeout=20)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver, url, successor
    driver.quit()
    server.terminate()
    server.wait(timeout=10)


def _answers(request, url: str) -> bool:
    try:
        request.urlopen(url + "/", timeout=1)
        return True
    except OSError:
        return False


def test_the_as_of_toggle_gathers_the_predecessors_and_the_header_sorts(page):
    from selenium.webdriver.common.by import By

    driver, url, successor = page
    driver.get(f"{url}/-/compare?code={ENROLLED}")
    before = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#pivot tbody tr td:first-child")]
    assert len(before) == 4 and successor not in before
    driver.find_element(By.ID, "as-of").click()
    driver.find_element(By.CSS_SELECTOR, "#compare-form button[type=submit]").click()
    wait_for(lambda: "as_of=2025" in driver.current_url)
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in driver.find_elements(By.CSS_SELECTOR, "#pivot tbody tr")]
    assert rows == [[successor, "600", "3/3", "440", "2/3"]]
    assert "Trực Ninh" in driver.find_element(By.ID, "apart").text  # a district has no 2025 unit
    assert driver.find_element(By.ID, "as-of").is_selected()  # the toggle stays on

    driver.find_element(By.ID, "as-of").click()  # off again, sum by district with the change
    driver.find_element(By.CSS_SELECTOR, "#by option[value=district]").click()
    driver.find_element(By.ID, "change").click()
    driver.find_element(By.CSS_SELECTOR, "#compare-form button[type=submit]").click()
    wait_for(lambda: "by=district" in driver.current_url)
    cells = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#pivot tbody td")]
    assert cells[0] == "Trực Ninh, Nam Định" and "650" in cells
    assert "-160" not in cells  # 2022 sums three communes, 2023 two: no change shown

    driver.get(f"{url}/-/compare?code={ENROLLED}")
    driver.find_element(By.PARTIAL_LINK_TEXT, "2022").click()  # ascending, then descending
    wait_for(lambda: "sort=2022" in driver.current_url)
    driver.find_element(By.PARTIAL_LINK_TEXT, "2022").click()
    wait_for(lambda: "desc=1" in driver.current_url)
    column = [int(td.text.replace(",", "")) for td in driver.find_elements(
        By.CSS_SELECTOR, "#pivot tbody tr td:nth-child(2)")]
    assert column == sorted(column, reverse=True) and len(column) == 4
