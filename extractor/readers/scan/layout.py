"""Layout of an OCR'd page: words → lines → tables (from the ruling lines) and paragraphs.

Every word is put in the cell its centre falls in. Within a table row, the lines of all cells are
laid on one vertical grid (blank where a cell has nothing at that height), so a value stays aligned
with the label beside it, as in a Word cell; a label wrapped onto a lowercase continuation line is
joined. Words outside tables become paragraphs. Every line keeps its lowest word confidence, so the
extractor can send uncertain numbers to review.
"""

from __future__ import annotations

from extractor.model import Cell, Line, Paragraph, Row, Table
from extractor.readers.words import Word, split_at_gaps

TEXT_COLUMN_GAP = 120  # pixels: a wider gap between words outside tables splits a line into columns


def page_blocks(words: list[Word], rules: dict, page: int, tables: int) -> tuple[list, int]:
    """The page's tables and paragraphs in reading order, and the count of tables so far."""
    grids = _grids(rules)
    blocks: list[tuple[float, object]] = []
    used: set[int] = set()
    for grid in grids:
        tables += 1
        table, taken = _table(grid, words, page, f"table {tables}")
        used |= taken
        if table.rows:
            blocks.append((grid["top"], table))
    rest = [w for k, w in enumerate(words) if k not in used]
    for k, (y, text, confidence, box) in enumerate(_text_lines(rest), 1):
        blocks.append((y, Paragraph(text, f"page {page}, line {k}", confidence, box=box)))
    blocks.sort(key=lambda item: item[0])
    return [b for _, b in blocks], tables


def _grids(rules: dict) -> list[dict]:
    """Group horizontal rules joined by vertical rules into tables: {"top", "rows": [(y0, y1, [x…])]}."""
    horizontal = unify(rules["h"])
    vertical = unify(rules["v"])
    grids: list[dict] = []
    current: list[list[int]] = []
    for rule in horizontal:
        if current and linked(current, rule, vertical):
            current.append(rule)
            continue
        if len(current) >= 2:
            grids.append(_grid(current, vertical))
        current = [rule]
    if len(current) >= 2:
        grids.append(_grid(current, vertical))
    return grids


def unify(rules: list[list[int]], tolerance: int = 12) -> list[list[int]]:
    """Pieces of one rule (split where a faded stretch or a glyph broke it) → one rule."""
    out: list[list[int]] = []
    for pos, start, end in sorted(rules):
        if out and pos - out[-1][0] <= tolerance:
            out[-1] = [out[-1][0], min(out[-1][1], start), max(out[-1][2], end)]
        else:
            out.append([pos, start, end])
    return out


def linked(table: list[list[int]], lower: list[int], vertical: list[list[int]]) -> bool:
    """A rule belongs to the table above when at least two vertical rules run down to it.

    Rules are counted across the table's whole width: a faded rule may survive only in part
    (under the label column, say), and it still closes the row above.
    """
    upper = table[-1]
    left = min(r[1] for r in table + [lower]) - 8
    right = max(r[2] for r in table + [lower]) + 8
    return sum(1 for rule in vertical if _spans(rule, upper[0], lower[0]) and left <= rule[0] <= right) >= 2


def _spans(rule: list[int], top: int, bottom: int) -> bool:
    """A vertical rule separates cells between two horizontal rules when it covers most of the gap
    (scans lose bits of rules, so a rule may stop short)."""
    _, y0, y1 = rule
    return min(y1, bottom) - max(y0, top) >= 0.6 * (bottom - top)


def _grid(rules: list[list[int]], vertical: list[list[int]]) -> dict:
    """Rows between consecutive rules; every row gets the table's columns (all its vertical rules).

    A scan loses bits of rules, so a row may show fewer vertical rules than the table has; giving
    every row the same columns keeps a value in its column (a target is never read as a result).
    """
    left = min(r[1] for r in rules) - 8
    right = max(r[2] for r in rules) + 8
    gaps = list(zip(rules, rules[1:], strict=False))
    xs = sorted(rule[0] for rule in vertical if left <= rule[0] <= right
                and any(_spans(rule, upper[0], lower[0]) for upper, lower in gaps))
    columns = [x for k, x in enumerate(xs) if k == 0 or x - xs[k - 1] > 10]
    rows = [(upper[0], lower[0], columns) for upper, lower in gaps]
    return {"top": rules[0][0], "rows": rows}


def _table(grid: dict, words: list[Word], page: int, location: str) -> tuple[Table, set[int]]:
    taken: set[int] = set()
    rows: list[Row] = []
    for y0, y1, xs in grid["rows"]:
        spans = list(zip(xs, xs[1:], strict=False))
        if not spans:
            continue
        cells_words: list[list[Word]] = [[] for _ in spans]
        for k, word in enumerate(words):
            if k in taken or not y0 < word.cy < y1:
                continue
            for c, (x0, x1) in enumerate(spans):
                if x0 < word.cx < x1:
                    cells_words[c].append(word)
                    taken.add(k)
                    break
        where = f"page {page}, {location}, row {len(rows) + 1}"
        rows.append(Row(_row_cells(cells_words, where), where))
    table = Table(rows, location)
    table.page = page
    return table, taken


def _row_cells(cells_words: list[list[Word]], where: str) -> list[Cell]:
    """Cells of one row, their lines aligned with the label column's items where the page allows.

    The label column (the one with the most text) is cut into items: a line that starts with a
    bullet, a digit or a capital opens an item; a lowercase line, or one after a line ending in
    "-" or ",", continues the one above (a wrapped label). When every line of another cell sits
    level with an item, the cell gets one line per item, so a value sits beside its
    label as in a Word cell. When the values drift off their labels (a line level with no item),
    the cell keeps its lines in order and nothing more: the extractor then pairs
    them by count or sends the cell to review, as it does for a Word cell.
    """
    lines_by_cell = [group_lines(ws) for ws in cells_words]
    label = max(range(len(lines_by_cell)),
                key=lambda c: sum(len(w.text) for _, ws in lines_by_cell[c] for w in ws))
    items: list[list] = []  # [top y, bottom y, words]
    for y, ws in lines_by_cell[label]:
        if items and (ws[0].text[:1].islower() or items[-1][2][-1].text.endswith(("-", ","))):
            items[-1][1] = y
            items[-1][2] = items[-1][2] + ws
        else:
            items.append([y, y, list(ws)])
    heights = sorted(w.bottom - w.top for ws in cells_words for w in ws) or [0]
    tolerance = 0.5 * heights[len(heights) // 2]
    columns: list[list[list[Word]]] = []
    for c, lines in enumerate(lines_by_cell):
        if c == label:
            columns.append([item[2] for item in items])
        else:
            columns.append(aligned(lines, items, tolerance) or [ws for _, ws in lines])
    cells = []
    for c, column in enumerate(columns):
        location = f"{where}, cell {c + 1}"
        lines = [Line(" ".join(w.text for w in ws), f"{location}, line {k}",
                      confidence(ws), _box(ws)) for k, ws in enumerate(column, 1)]
        cells.append(Cell(lines, location, c))
    return cells


def aligned(lines: list[tuple[float, list[Word]]], items: list[list],
            tolerance: float) -> list[list[Word]] | None:
    """One entry per item, each line put at the item level with it; None when a line sits level with none."""
    column: list[list[Word]] = [[] for _ in items]
    for y, ws in lines:
        if not items:
            return None
        gaps = [max(item[0] - y, y - item[1], 0) for item in items]
        k = min(range(len(items)), key=gaps.__getitem__)
        if gaps[k] > tolerance:
            return None
        column[k] = column[k] + ws  # a cell wrapped over several lines beside one item
    return column


def group_lines(words: list[Word]) -> list[tuple[float, list[Word]]]:
    """Words → text lines (y, words) by how much their boxes overlap vertically.

    A word joins a line when at least half of it (or of the line, if smaller) overlaps the line's
    core band (median top to median bottom of its words). Accents, descenders and a raised "*"
    make boxes uneven, so neither a word's centre nor the first word of a line is a safe guide.
    Tesseract's own line ids are not used, as in tables they often run two visual lines together.
    """
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.cy):
        home = next((ws for ws in reversed(lines[-3:]) if _overlaps(word, ws)), None)
        if home is not None:
            home.append(word)
        else:
            lines.append([word])
    return sorted(((sum(w.cy for w in ws) / len(ws), sorted(ws, key=lambda w: w.left)) for ws in lines),
                  key=lambda line: line[0])


def _overlaps(word: Word, line: list[Word]) -> bool:
    tops = sorted(w.top for w in line)
    bottoms = sorted(w.bottom for w in line)
    top, bottom = tops[len(tops) // 2], bottoms[len(bottoms) // 2]
    shared = min(bottom, word.bottom) - max(top, word.top)
    return shared >= 0.5 * min(bottom - top, word.bottom - word.top)


def _text_lines(words: list[Word]) -> list[tuple[float, str, float | None, tuple | None]]:
    """Words outside tables → (y, text, confidence, box) lines.

    A wide gap splits a line into separate lines, left first (`split_at_gaps`). Specks and the
    short rule under the letterhead are read as stray marks; they are dropped.
    """
    out = []
    for y, ws in group_lines([w for w in words if not speck(w)]):
        parts = split_at_gaps(ws, TEXT_COLUMN_GAP)
        out += [(y, " ".join(w.text for w in p), confidence(p), _box(p)) for p in parts]
    return out


def _box(words: list[Word]) -> tuple[int, int, int, int] | None:
    """The box around these words, so a person can be shown that part of the page."""
    if not words:
        return None
    return (min(w.left for w in words), min(w.top for w in words), max(w.right for w in words),
            max(w.bottom for w in words))


def confidence(words: list[Word]) -> float | None:
    """How sure the OCR is of a line's figures: the lowest confidence among its words with a digit.

    A bullet glyph ("»", "•") is often read with a low confidence that says nothing about the
    number beside it; a line without digits (a status word, a misread number) keeps the lowest
    confidence of all its words.
    """
    if not words:
        return None
    figures = [w.conf for w in words if any(ch.isdigit() for ch in w.text)]
    return min(figures or [w.conf for w in words])


def speck(word: Word) -> bool:
    """A one-character 'word' that is no bullet, or a faint letter: dirt or a rule, not text."""
    if len(word.text) > 1:
        return False
    ch = word.text
    letter_or_digit = ch.isdigit() or ch.lower() != ch.upper()  # "ˆ" and "`" are neither
    return ch not in "-+•*·–" and (not letter_or_digit or word.conf < 60)
