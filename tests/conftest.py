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


needs_shared = pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="needs ../shared (seeds and corpus) beside the checkout")


@pytest.fixture(autouse=True, scope="session")
def english_interface():
    """The interface speaks English in the tests (they assert English messages); tests of the
    Vietnamese interface ask for it themselves (tests/test_i18n.py). Session-wide and in the
    environment, so module fixtures and the servers they start speak English too."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XHHT_LANG", "en")
    yield
    mp.undo()
