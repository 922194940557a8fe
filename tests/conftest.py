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
