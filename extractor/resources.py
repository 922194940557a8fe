"""Finds the data folders (`patterns/`, `db/`) from a checkout and from an installed wheel alike.

A wheel carries them inside the package as `extractor/_data/...`; a checkout (or an editable
install) keeps them at the repository root. An environment variable overrides both, so a user
can try an edited catalogue without reinstalling.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `name` ("patterns" or "db"), or raise FileNotFoundError."""
    override = os.environ.get(f"XHHT_{name.upper()}_DIR")
    candidates = [Path(override)] if override else []
    candidates += [_PACKAGE / "_data" / name, _PACKAGE.parent / name]
    for path in candidates:
        if path.is_dir():
            return path
    raise FileNotFoundError(f"cannot find the '{name}' folder (looked in: {', '.join(map(str, candidates))})")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of what decides how a file is read and stored: the package's Python files, the
    patterns and the migrations. The package's version number is not changed by every change, so
    two machines of a cluster compare this instead (`xhht --version` prints it)."""
    digest = hashlib.sha256()
    for root in (_PACKAGE, data_dir("patterns"), data_dir("db")):
        files = [f for f in root.rglob("*") if f.is_file() and "__pycache__" not in f.parts
                 and "_data" not in f.relative_to(root).parts and f.suffix not in (".pyc", ".mo")]
        for path in sorted(files):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
