"""The test suite itself on a fresh machine: the README's command must pass without LibreOffice,
Tesseract or Chromium, and say nothing but the results."""

import subprocess
import sys

from conftest import ROOT, SAMPLES, readable_samples, tool_for

from extractor.readers import ReadError, read_document


def test_samples_are_sorted_by_the_tool_their_reader_calls(monkeypatch, tmp_path):
    """With no tool on PATH, exactly the samples said to need one fail, each naming what to install:
    so the `samples` fixture leaves out what a bare machine cannot read, and nothing more."""
    monkeypatch.setenv("PATH", str(tmp_path))
    needing = {p.name for p in SAMPLES.iterdir() if tool_for(p)}
    assert needing  # the samples do hold a .doc and a scan: this test checks something
    failing = set()
    for path in SAMPLES.iterdir():
        try:
            read_document(path)
        except ReadError as exc:
            assert "install" in str(exc), (path.name, str(exc))
            failing.add(path.name)
    assert failing == needing
    assert {p.name for p in readable_samples()} >= {p.name for p in SAMPLES.iterdir()} - needing


def test_pytest_starts_without_warnings():
    """Deprecation warnings raised while pytest configures itself (pytest-asyncio's unset loop
    scope) are hidden by Python's default filters; shown, they must be none."""
    run = subprocess.run([sys.executable, "-W", "always", "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", "tests/test_values.py"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
