"""Every benchmark runs, at a toy size: a benchmark that no longer starts (a renamed function, a
moved module) fails here instead of rotting until someone needs its figures."""

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES, TOOLS, tool_for

BENCH = ROOT / "benchmarks"


def run(script: str, *args: str, timeout: int = 300) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def toolless(tmp_path_factory):
    """Samples whose readers need no system tool: Word files and born-digital PDFs."""
    folder = tmp_path_factory.mktemp("bench")
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix in (".docx", ".pdf") and tool_for(path) is None:
            shutil.copy(path, folder / path.name)
    return folder


def test_bench_extract(toolless, tmp_path):
    out = run("bench_extract.py", str(toolless))
    assert "docx:" in out and "pdf (born-digital):" in out and "spot-check" in out


def test_bench_import():
    out = run("bench_import.py", "--docs", "12", "--observations", "3000")
    assert "docs/s" in out


def test_bench_archive():
    out = run("bench_archive.py", "--docs", "60", "--chunk", "20")
    assert "last/first CPU a document" in out and "integrity_check" in out and "(ok)" in out
    assert "replayed side by side" in out and "while it stores" in out and "round by round" in out
    assert "arriving in any order" in out and "the writer's margin" in out


def test_bench_web():
    out = run("bench_web.py", "--observations", "3000")
    assert "ms" in out


@pytest.mark.skipif(not TOOLS["tesseract"][0], reason=TOOLS["tesseract"][1])
def test_bench_memory():
    out = run("bench_memory.py", "--text-mib", "0.2", "--docx-mib", "0.2", "--pdf-pages", "3", "--scan-pages",
              "1")
    assert "peak" in out.lower()


def test_bench_floors(toolless):
    out = run("bench_floors.py", str(toolless), "--docs", "8", "--observations", "3000", "--repeats", "1",
              "--pdf-repeats", "1", "--worker-repeats", "1", timeout=600)
    assert "ratio" in out.lower() or "×" in out


def test_bench_volume():
    out = run("bench_volume.py", "--pages", "28", "--scan-pages", "0")
    assert "digital  28 pages" in out and "documents 8" in out and "peak" in out


def test_bench_excel():
    out = run("bench_excel.py", "--rows", "30", "--repeats", "1")
    assert "tong_hop_30.xlsx" in out and "tong_hop_30.ods" in out and "×" in out


def test_bench_check_runs(toolless):
    out = run("bench_check_runs.py", str(toolless), "--repeats", "1", "--observations", "3000", "--samples",
              "3")
    assert "ms/doc" in out and "after one imported document" in out


def test_bench_research():
    out = run("bench_research.py", "--observations", "3000", "--repeats", "1")
    assert "compare --as-of 2025" in out and "page, by province" in out and "panel export, csv" in out
