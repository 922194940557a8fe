import shutil
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus_samples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def catalogue():
    from extractor.patterns import default_catalogue

    return default_catalogue()


def sample(name: str) -> Path:
    path = SAMPLES / name
    assert path.exists(), path
    return path


needs_shared = pytest.mark.skipif(not (SHARED / "seeds").is_dir(),
                                  reason="needs ../shared (seeds and corpus) beside the checkout")

# ---- system tools ------------------------------------------------------------------------------
# The README's test command runs on a machine without them: what needs one skips, saying which and
# how to install it; everything else uses inputs that need none.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
TOOLS = {  # tool → (installed here, why a test skips without it)
    "soffice": (bool(shutil.which("soffice") or shutil.which("libreoffice")),
                "needs LibreOffice (apt-get install libreoffice-writer-nogui)"),
    "tesseract": (bool(shutil.which("tesseract") and shutil.which("pdftoppm")),
                  "needs Tesseract and poppler (apt-get install tesseract-ocr tesseract-ocr-vie "
                  "poppler-utils)"),
    "chromium": (bool(CHROMIUM and CHROMEDRIVER),
                 "needs chromium and chromedriver (apt-get install chromium chromium-driver)"),
}


def needs(tool: str) -> pytest.MarkDecorator:
    installed, reason = TOOLS[tool]
    return pytest.mark.skipif(not installed, reason=reason)


needs_soffice = needs("soffice")
needs_tesseract = needs("tesseract")
needs_chromium = needs("chromium")


def tool_for(path: Path) -> str | None:
    """The system tool the reader of this file calls, if any: .doc files are converted by
    LibreOffice, PDFs (or pages) without a text layer are read by OCR (pdf_reader's own test)."""
    from extractor.readers import sniff

    kind = sniff(path)
    if kind == "doc":
        return "soffice"
    if kind == "pdf":
        import pdfplumber

        from extractor.readers.pdf_reader import is_scan

        with pdfplumber.open(str(path)) as pdf:
            if is_scan(pdf):
                return "tesseract"
    return None


@cache
def readable_samples() -> tuple[Path, ...]:
    """The samples this machine can read: those whose reader needs no tool, or an installed one."""
    return tuple(p for p in sorted(SAMPLES.iterdir()) if (tool := tool_for(p)) is None or TOOLS[tool][0])


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> Path:
    """The samples folder as this machine can read it: corpus_samples itself when every tool its
    files need is installed, else a copy without the files whose tool is missing (so a test that
    imports "the samples" and expects no failure holds on a machine without LibreOffice or OCR)."""
    readable = readable_samples()
    if len(readable) == len(list(SAMPLES.iterdir())):
        return SAMPLES
    folder = tmp_path_factory.mktemp("samples")
    for path in readable:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(autouse=True, scope="session")
def english_interface():
    """The interface speaks English in the tests (they assert English messages); tests of the
    Vietnamese interface ask for it themselves (tests/test_i18n.py). Session-wide and in the
    environment, so module fixtures and the servers they start speak English too."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XHHT_LANG", "en")
    yield
    mp.undo()
