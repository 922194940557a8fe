"""What every pattern file shares: reading YAML as data and the one error a malformed file raises.

A leaf module, so that the label catalogue (`extractor.patterns`) and the consistency checks
(`extractor.checks.rules`) both load their files the same way without importing each other.
"""

from __future__ import annotations

from pathlib import Path

import yaml

VALUE_TYPES = {"count", "percent", "money", "percent_or_status"}


class PatternError(ValueError):
    """A pattern file is malformed; the message names the file and the entry."""


def load_yaml(path: Path) -> dict:
    """A pattern file's top-level mapping (the C loader when PyYAML has it: it is several times faster)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(
            yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise PatternError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise PatternError(f"{path.name}: expected a mapping at the top")
    return data
