"""Finds the data folders (`patterns/`, `db/`) from a checkout and from an installed wheel alike.

A wheel carries them inside the package as `extractor/_data/...`; a checkout (or an editable
install) keeps them at the repository root. An environment variable overrides both, so a user
can try an edited catalogue without reinstalling.
"""

from __future__ import annotations

import os
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
