"""The user's cache of derived data: OCR results, the register index, catalogue word tokens.

Everything here can be rebuilt from its source, so a missing, damaged or read-only cache only
costs time. Entries are JSON (never code), named by a key that changes with what they were built
from, and written atomically so a process killed mid-write never leaves half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def cache_root() -> Path:
    """$XHHT_CACHE_DIR, else $XDG_CACHE_HOME/xhht, else ~/.cache/xhht."""
    base = os.environ.get("XHHT_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME")
                                                    or Path.home() / ".cache") / "xhht"
    return Path(base)


def cached(kind: str, key: str, build: Callable[[], Any]) -> Any:
    """The entry `key` of `kind` from the cache, or `build()` stored there first."""
    path = cache_root() / kind / f"{key}.json"
    found = stored(kind, key)  # a damaged entry reads as None and is simply rebuilt
    if found is not None:
        return found
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass
    return value


def file_digest(path: Path) -> str:
    """The sha256 of a file, read a MiB at a time (a volume of scans can be 200 MiB)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stored(kind: str, key: str) -> Any | None:
    """The entry `key` of `kind` if the cache holds a readable one, else None (nothing is built)."""
    path = cache_root() / kind / f"{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    except (OSError, ValueError):
        return None
