"""Start-up of `xhht extract` on one file (the spot-check of README "Benchmarks"): it loads only
what reading the file needs."""

import json
import subprocess
import sys

from conftest import sample

# Libraries other commands use (the web view, the progress bar, clusters, tokenising) whose import
# would be most of a spot-check's start-up (numpy: the matcher scores without it; python-docx: the
# Word reader walks the XML with lxml).
NOT_FOR_EXTRACT = ("rich", "underthesea", "datasette", "dask", "distributed", "pandas", "pyarrow",
                   "pdfplumber", "PIL", "numpy", "docx")

PROBE = """
import json, sys
from click.testing import CliRunner
from extractor.cli import main
result = CliRunner().invoke(main, ["extract", sys.argv[1], "--format", "json"])
assert result.exit_code == 0, result.output
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_extract_of_a_word_report_does_not_import_other_commands_libraries():
    out = subprocess.run([sys.executable, "-c", PROBE, str(sample("BC_TuanLe_2024_XaTaXua.docx"))],
                         check=True, capture_output=True, text=True)
    loaded = set(json.loads(out.stdout.splitlines()[-1]))
    assert "lxml" in loaded  # the probe ran the reader
    assert sorted(loaded & set(NOT_FOR_EXTRACT)) == []
