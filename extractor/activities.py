"""Activity tables (Sơ kết / Tổng kết of a learning centre): one record per activity row.

A table is an activity table when its header names an activity column and a host or partner
column (patterns/columns.yaml, `activity_roles`), in any order and with any extra columns; the
roles are read from the header wording, so moved or added columns do not shift the values.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extractor.model import Document, Row, Table
from extractor.normalize import words
from extractor.patterns import Catalogue
from extractor.review import flag
from extractor.values import Parsed, parse_value


def header_roles(catalogue: Catalogue, row: Row) -> dict[int, str] | None:
    """Grid column → role for an activity header row, or None if the row is not one."""
    roles: dict[int, str] = {}
    for cell in row.cells:
        key = words(cell.text)
        role = next((r for r, p in catalogue.activity_roles if p.search(key) or _spaceless(p).search(key)),
                    None) if key else None
        if role and role not in roles.values():
            roles[cell.col] = role
    found = set(roles.values())
    if "name" in found and ({"host", "partners"} & found):
        return roles
    return None


@lru_cache(maxsize=64)
def _spaceless(pattern: re.Pattern) -> re.Pattern:
    """The pattern with its spaces optional: OCR often runs header words together ("Đơnvị chủtrì")."""
    return re.compile(pattern.pattern.replace(" ", r"\s*"))


def extract_activities(document: Document, catalogue: Catalogue) -> tuple[list[dict], list[str]]:
    """All activity records of the document, and warnings for rows that could not be read."""
    activities: list[dict] = []
    warnings: list[str] = []
    roles: dict[int, str] | None = None
    for table in document.tables():
        found, start = _table_roles(catalogue, table)
        if found is None and roles and _same_width(table, roles):
            found, start = roles, 0  # a continuation without its header
        if found is None:
            continue
        roles = found
        for row in table.rows[start:]:
            if header_roles(catalogue, row) or _looks_like_header(catalogue, row, roles):
                continue  # a header repeated on the next page (maybe misread by OCR)
            record = _record(row, roles, warnings)
            if record:
                activities.append(record)
    return activities, warnings


def _looks_like_header(catalogue: Catalogue, row: Row, roles: dict[int, str]) -> bool:
    """The name cell words an activity column header ("Tên chuyên đề …") and no cell holds a number."""
    name_col = next((col for col, role in roles.items() if role == "name"), None)
    cell = next((c for c in row.cells if c.col == name_col), None)
    if cell is None or any(re.search(r"\d", c.text) for c in row.cells):
        return False
    pattern = next((p for r, p in catalogue.activity_roles if r == "name"), None)
    return bool(pattern and pattern.search(words(cell.text)))


def _table_roles(catalogue: Catalogue, table: Table) -> tuple[dict[int, str] | None, int]:
    """The header's roles and the first data row: a one-row header, or a two-row one whose upper
    cells span the lower ("Đơn vị" over "Chủ trì | Phối hợp")."""
    for index, row in enumerate(table.rows[:2]):
        roles = header_roles(catalogue, row)
        if roles:
            return roles, index + 1
        if index + 1 < len(table.rows):
            roles = header_roles(catalogue, _stacked(row, table.rows[index + 1]))
            if roles:
                return roles, index + 2
    return None, 0


def _stacked(upper: Row, lower: Row) -> Row:
    """One header row from two: each grid column's upper text (from the cell spanning it) and lower text."""
    from extractor.model import Cell, Line

    starts = sorted(upper.cells, key=lambda c: c.col)
    below = {c.col: c.text.strip() for c in lower.cells if c.text.strip()}
    width = max([c.col for c in upper.cells + lower.cells], default=-1) + 1
    cells = []
    for col in range(width):
        above = next((c.text.strip() for c in reversed(starts) if c.col <= col), "")
        text = f"{above} {below[col]}".strip() if col in below else above
        cells.append(Cell([Line(text, upper.location)], upper.location, col))
    return Row(cells, upper.location)


def _same_width(table: Table, roles: dict[int, str]) -> bool:
    width = max((c.col for r in table.rows for c in r.cells), default=-1) + 1
    return width == max(roles) + 1 or width == max(roles) + 2


def _record(row: Row, roles: dict[int, str], warnings: list[str]) -> dict | None:
    fields: dict[str, str] = {}
    for cell in row.cells:
        role = roles.get(cell.col)
        if role:
            fields[role] = " ".join(ln.text.strip() for ln in cell.lines if ln.text.strip())
    name = fields.get("name", "").strip()
    if not name or re.fullmatch(r"[\d\s.]*", name) or words(name) in ("cong", "tong cong", "tong"):
        return None
    participants = None
    raw = fields.get("participants", "")
    parsed = parse_value(raw, "count")
    if isinstance(parsed, Parsed) and isinstance(parsed.value, int):
        participants = parsed.value
    elif parsed is not None:
        warnings.append(flag(f"{row.location}: participants '{raw}' is not a number; left out", "other",
                             location=row.location, label=name, raw_value=raw))
    return {"name": name, "participants": participants, "host": fields.get("host") or None,
            "partners": fields.get("partners") or None, "location": row.location,
            "raw_participants": raw or None}
