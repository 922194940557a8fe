"""Values in tables: a label cell and value cells, one row per indicator, or several labels as
paragraphs of one cell aligned line by line with the value cell.

Column roles (label, target, actual, percent, count, value) come from the header row's wording
(patterns/columns.yaml); a table without a header continues the previous table's roles when it is
as wide, or has them guessed (the widest text column holds labels). An activity table
(`activities.header_roles`) is left to activities.py.
"""

from __future__ import annotations

from extractor.activities import header_roles
from extractor.indicators.labels import Value, pair
from extractor.indicators.lines import has_inline_value, has_number, read_pairs, read_parts, segments
from extractor.indicators.state import Reading
from extractor.model import Cell, Line, Row, Table
from extractor.normalize import words
from extractor.review import flag
from extractor.values import is_blank, numbers_in
from extractor.wording import count

_VALUE_ROLES = ("target", "actual", "percent", "count", "value")


def read_table(reading: Reading, table: Table, previous_roles: list[str] | None) -> list[str] | None:
    """Read one table; returns the column roles a following table without a header continues."""
    roles, start = _roles(reading, table)
    if roles is None:
        width = max((len(r.cells) for r in table.rows), default=0)
        roles = previous_roles if previous_roles and len(previous_roles) == width else _guess_roles(table)
        start = 0
    if "name" in roles:  # an activity table: not ours
        return previous_roles
    for row in table.rows[start:]:
        if _is_repeated_header(row, table.rows[0]) and start:
            continue
        _row(reading, row, roles)
    return roles


def _roles(reading: Reading, table: Table) -> tuple[list[str] | None, int]:
    """Column roles from the header row (the first row that names a label column)."""
    for index, row in enumerate(table.rows[:3]):
        roles = [_column_role(reading, words(cell.text)) for cell in row.cells]
        if "label" in roles and any(r in roles for r in _VALUE_ROLES):
            if header_roles(reading.catalogue, row) is not None:
                return ["name"], index + 1
            return _spread(roles, row), index + 1
    return None, 0


def _column_role(reading: Reading, key: str) -> str:
    """The role the first matching rule of columns.yaml gives a header cell's words, or ""."""
    if not key:
        return ""
    return next((r for r, p in reading.catalogue.column_roles if p.search(key)), "")


def _row(reading: Reading, row: Row, roles: list[str]) -> None:
    label_cells = [c for c in row.cells if _role(roles, c) == "label"]
    if not label_cells:
        return
    label_cell = label_cells[0]
    value_cells = [(r, c) for c in row.cells if (r := _role(roles, c)) in _VALUE_ROLES]
    if reading.context.stopped:
        return
    if len([ln for ln in label_cell.lines if ln.text.strip()]) <= 1:
        label = label_cell.text.strip()
        values = [(r, c.text.strip(), c.location) for r, c in value_cells]
        confidences = {c.location: _min_confidence([ln for ln in c.lines if ln.text.strip()])
                       for _, c in value_cells}
        _single(reading, label, values, label_cell.location, label_cell.lines, confidences)
    else:
        _multi(reading, label_cell, value_cells, row.location)


def _single(reading: Reading, label: str, values: list[Value], location: str, lines: list[Line],
            confidences: dict[str, float | None]) -> None:
    """One label, its values in the row's value cells; each value is judged by the OCR confidence
    of its own cell (an unsure rate beside a sure count must not hold the count back)."""
    if not label:
        return
    if segments(label) and all(is_blank(v) for _, v, _ in values):
        read_parts(reading, label, location, _min_confidence(lines))
        return
    if not any(not is_blank(v) for _, v, _ in values) and reading.open_heading(label):
        return
    pair(reading, label, values, location, "table", cell_confidence=confidences)


def _multi(reading: Reading, label_cell: Cell, value_cells: list[tuple[str, Cell]],
           row_location: str) -> None:
    """Several labels as paragraphs of one cell: align them with the value cell's lines."""
    lines = list(label_cell.lines)
    value_cell = next((c for r, c in value_cells if r in ("value", "actual", "count")), None)
    value_lines = list(value_cell.lines) if value_cell else []
    if len(value_lines) != len(lines):  # trailing blank paragraphs only count when both have them
        while value_lines and not value_lines[-1].text.strip():
            value_lines.pop()
        while lines and not lines[-1].text.strip():
            lines.pop()
    # A heading line opens the group; inline "label: value" lines carry their own value.
    first = lines[0].text if lines else ""
    heading = not has_number(first) and reading.open_heading(first)
    items = lines[1:] if heading else lines
    needing = [ln for ln in items if ln.text.strip() and not has_inline_value(ln.text)]
    nonblank_values = [v for v in value_lines if v.text.strip()]
    if value_lines and len(value_lines) == len(lines):
        offset = 1 if heading else 0
        pairs = {id(ln): value_lines[k + offset] for k, ln in enumerate(items)}
    elif len(nonblank_values) == len(needing):
        pairs = {id(ln): v for ln, v in zip(needing, nonblank_values, strict=True)}
    elif not nonblank_values:
        pairs = {}
    else:
        pairs = None
        ambiguous = flag(  # `codes`: what each label matched, filled in as the labels are read below
            f"{row_location}: {count(len(needing), 'label')} but {count(len(nonblank_values), 'value')}; "
            "left for review",
            "ambiguous_cell", location=row_location, labels=[ln.text for ln in needing],
            values=[v.text for v in nonblank_values], codes=[])
        reading.found.warnings.append(ambiguous)
    for ln in items:
        if not ln.text.strip():
            continue
        found = segments(ln.text)
        if found and any(not is_blank(v) for _, v in found):
            read_pairs(reading, found, ln.location, "inline", ln.confidence)
            continue
        if pairs is None:
            pair(reading, ln.text, [], ln.location, "table", review_value=True)
            ambiguous.details["codes"].append(
                reading.context.last_code)  # the label's code, None if unmatched
            continue
        value = pairs.get(id(ln))
        values = [("value", value.text, value.location)] if value is not None else []
        pair(reading, ln.text, values, ln.location, "table",
             confidence=value.confidence if value is not None else None)


def _role(roles: list[str], cell: Cell) -> str:
    return roles[cell.col] if cell.col < len(roles) else ""


def _spread(roles: list[str], header: Row) -> list[str]:
    """Roles indexed by grid column (a header cell may span several columns)."""
    width = max((c.col for c in header.cells), default=0) + 1
    out = [""] * (width + 8)
    for role, cell in zip(roles, header.cells, strict=False):
        out[cell.col] = role
    return out


def _guess_roles(table: Table) -> list[str]:
    """No header: the widest text column holds labels, the columns with numbers hold values."""
    width = max((c.col for r in table.rows for c in r.cells), default=0) + 1
    text_len = [0] * width
    numeric = [0] * width
    for row in table.rows:
        for cell in row.cells:
            text = cell.text.strip()
            if numbers_in(text) and len(text) < 25:
                numeric[cell.col] += 1
            else:
                text_len[cell.col] += len(text)
    label_col = max(range(width), key=lambda c: text_len[c]) if width else 0
    roles = ["" for _ in range(width)]
    roles[label_col] = "label"
    for col in range(width):
        if col != label_col and numeric[col] and col > label_col:
            roles[col] = "value"
    return roles


def _is_repeated_header(row: Row, header: Row) -> bool:
    return row is not header and _row_words(row) == _row_words(header)


def _row_words(row: Row) -> str:
    return words(" ".join(c.text for c in row.cells))


def _min_confidence(lines: list[Line]) -> float | None:
    values = [ln.confidence for ln in lines if ln.confidence is not None]
    return min(values) if values else None
