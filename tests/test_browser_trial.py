"""The review queue's filter bar laid out in a real headless browser (chromium and chromedriver,
driven by Selenium), in Vietnamese, whose labels and choices are the longest."""

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner
from conftest import CHROMEDRIVER, CHROMIUM, SAMPLES, needs_chromium
from test_browser import free_port

from extractor.cli import main

pytestmark = [needs_chromium, pytest.mark.slow]


@pytest.fixture(scope="module")
def queue_url(tmp_path_factory):
    pytest.importorskip("datasette")
    folder = tmp_path_factory.mktemp("bar")
    (folder / "in").mkdir()
    (folder / "in" / "r.txt").write_bytes(
        (SAMPLES / "BC_TuanLe_2024_XaPhuocHung_can_xem_lai.txt").read_bytes()
    )
    db = folder / "q.db"
    assert (
        CliRunner().invoke(main, ["import", str(folder / "in"), "--db", str(db), "--workers", "1"]).exit_code
        == 0
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "extractor", "serve", "--db", str(db), "--port", str(port), "--review"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "XHHT_LANG": "vi"},
    )
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
    yield url + "/-/review"
    server.terminate()
    server.wait(timeout=10)


BOXES = """return Array.from(document.querySelectorAll('form.xhht-filters label')).map(label => {
  const box = label.getBoundingClientRect();
  const control = label.querySelector('select, input').getBoundingClientRect();
  return {text: label.textContent.trim().slice(0, 12), box: [box.left, box.top, box.right, box.bottom],
          control: [control.left, control.top, control.right, control.bottom]};
});"""


@pytest.mark.parametrize("width", [1366, 900, 600])
def test_review_filter_labels_hold_their_controls_and_never_overlap(queue_url, width):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.get(queue_url)
        labels = driver.execute_script(BOXES)
    finally:
        driver.quit()
    assert len(labels) == 5 and labels[0]["text"].startswith("Phân loại")
    for label in labels:  # the control sits inside its own label
        (left, top, right, bottom), (c_left, c_top, c_right, c_bottom) = label["box"], label["control"]
        assert (
            left - 0.5 <= c_left
            and c_right <= right + 0.5
            and top - 0.5 <= c_top
            and c_bottom <= bottom + 0.5
        ), label
    for k, one in enumerate(labels):  # and no label covers another
        for other in labels[k + 1 :]:
            a, b = one["box"], other["box"]
            assert a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5, (
                one,
                other,
            )
