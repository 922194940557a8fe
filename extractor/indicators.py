"""Indicator extraction: walk a document in reading order and settle label → value pairs.

Values are found in four shapes, each recorded with its source method:
  table      a label cell and value cells (one row per indicator, or several labels as
             paragraphs of one cell aligned line by line with the value cell)
  inline     "label: value; label: value" inside a label cell
  narrative  "- label: 241.026 người; miễn giảm: 1.738 người" lines in the body
  prose      sentences matched by the catalogue's prose patterns
The walk keeps the context that tells repeated labels apart: the current group (from headings
and from the last matched label) and the last matched code. Anything that cannot be settled
(weak match, ambiguous cell, unclear value) is kept for review with its reason and location.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor.matching import Match, Miss, matcher_for, value_shape
from extractor.model import Cell, Document, Line, Paragraph, Row, Table
from extractor.normalize import clean, fold, strip_bullet, words
from extractor.patterns import Catalogue, Indicator
from extractor.review import flag
from extractor.sentences import Mention, default_vocabulary, mentions, split_label_value
from extractor.values import Unclear, is_blank, numbers_in, parse_value
from extractor.wording import count

_INLINE = re.compile(r"^(?P<label>[^:：]{3,}?)\s*[:：]\s*(?P<value>.*)$")
_PART_SPLIT = re.compile(r";\s*|\s[*+•▪–-]\s+(?=[A-ZĐÀ-Ỹ])")
_LABELISH = re.compile(r"^(so|tong|ti le|ty le|co |ve |cac |huyen|dan so|trong do|mien giam|dat ti le)")


@dataclass
class Observation:
    code: str
    kind: str
    value: float | int | str
    unit: str
    label: str
    raw_value: str
    score: float
    location: str
    method: str
    confidence: float | None = None
    reading: str = ""  # the shape it was read in (table, inline, …, sentence): `method` says "ocr" on a scan

    def as_dict(self) -> dict:
        out = {"code": self.code, "kind": self.kind, "value": self.value, "unit": self.unit,
               "label": self.label, "raw_value": self.raw_value, "score": self.score,
               "location": self.location, "method": self.method}
        if self.confidence is not None:
            out["ocr_confidence"] = round(self.confidence, 1)
        return out


def _candidate(obs: Observation) -> dict:
    """One of two readings of a value, as a reviewer may pick it."""
    return {"code": obs.code, "kind": obs.kind, "value": obs.value, "raw_value": obs.raw_value,
            "location": obs.location, "method": obs.method}


@dataclass
class Findings:
    observations: list[Observation] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Context:
    group: str | None = None
    last_code: str | None = None
    stopped: bool = False


class IndicatorExtractor:
    """Extracts the indicators of one report type from a Document."""

    def __init__(self, catalogue: Catalogue, report_type: str, min_ocr_confidence: float = 80.0):
        self.catalogue = catalogue
        self.matcher = matcher_for(catalogue, report_type)
        self.report = catalogue.reports.get(report_type)
        self.min_ocr_confidence = min_ocr_confidence
        self.found = Findings()
        self.ctx = _Context()
        self.vocab = default_vocabulary()

    def run(self, document: Document) -> Findings:
        if not self.report:
            return self.found
        header_roles: list[str] | None = None
        for block in document.blocks:
            if isinstance(block, Paragraph):
                self._paragraph(block)
            else:
                header_roles = self._table(block, header_roles)
        self.found.observations = self._settled()
        return self.found

    def _settled(self) -> list[Observation]:
        """One value per (code, kind): every reading of the document is settled here, and only here.

        A document often says one figure twice (a line read both as "label: value" and as a
        sentence, a table and the prose about it). Readings are ranked by how explicit their shape
        is: a table cell, a "label: value" line or a catalogue pattern says what its number is; a
        sentence is read by rules. The most explicit readings decide: if they agree, the value is
        kept once (the best-scored reading, the first in reading order on a tie); if they disagree,
        nothing is stored and the readings go to review as a conflict. A less explicit reading
        that disagrees with the kept value goes to review beside it.
        """
        readings: dict[tuple[str, str], list[Observation]] = {}
        for obs in self.found.observations:
            readings.setdefault((obs.code, obs.kind), []).append(obs)
        kept = {id(obs) for group in readings.values() if (obs := self._settle(group)) is not None}
        return [obs for obs in self.found.observations if id(obs) in kept]

    def _settle(self, readings: list[Observation]) -> Observation | None:
        """The reading kept for one (code, kind), or None when its most explicit readings disagree."""
        rank = min(_RANK[_tier(o.reading)] for o in readings)
        top = [o for o in readings if _RANK[_tier(o.reading)] == rank]
        distinct = _distinct(top)
        if len(distinct) > 1:
            last = distinct[-1]  # where the text contradicts itself: the item's place, stable across versions
            self.found.warnings.append(flag(
                f"{last.location}: {last.code} ({last.kind}) read with different values "
                f"({'; '.join(f'{o.raw_value} at {o.location}' for o in distinct)}); left for review",
                "conflict", location=last.location, label=last.label, raw_value=last.raw_value,
                candidates=[_candidate(o) for o in distinct]))
            return None
        best = max(top, key=lambda o: o.score)  # max keeps the first of equal scores
        for other in _distinct([o for o in readings if o.value != best.value]):
            self.found.warnings.append(flag(
                f"{other.location}: a {other.reading} gives {other.code} ({other.kind}) = {other.raw_value}, the "
                f"{best.reading} at {best.location} gives {best.raw_value}; the {best.reading} value is kept",
                "conflict", location=other.location, label=other.label, raw_value=other.raw_value,
                candidates=[_candidate(best), _candidate(other)]))
        return best

    # ---- paragraphs -------------------------------------------------------------------
    def _paragraph(self, para: Paragraph) -> None:
        text = para.text
        if self.matcher.is_stop(text):
            self.ctx.stopped = True
            return
        if self.ctx.stopped:
            return
        looks_like_heading = len(text) < 100 or bool(re.match(r"^\s*(\d+(\.\d+)*\.?|[IVX]{1,4}\.|[a-zA-Z][.)])\s", text))
        group = self.matcher.heading(text) if looks_like_heading and not _has_value(text) else None
        if group:
            self.ctx.group, self.ctx.last_code = group, None
            return
        if self.report.narrative:
            prose_hits = self._prose(text, para.location, para.confidence)
            for label, value in _segments(text):
                self._pair(label, [("value", value, para.location)], para.location, "narrative",
                           quiet=bool(prose_hits), confidence=para.confidence)
        self._sentences(text, para.location, para.confidence)

    def _sentences(self, text: str, location: str, confidence: float | None) -> None:
        """Values written inside sentences (see sentences.py): each number with its candidate labels."""
        previous: Indicator | None = None
        for mention in mentions(text, self.vocab):
            result = self._best_label(mention)
            if result is None and mention.role == "actual" and previous is not None:
                ind, score, label = previous, 100.0, mention.labels[0]  # "…, kết quả đạt 65%" follows its target
            elif result is None:
                continue
            else:
                ind, score, label = result.indicator, result.score, result.variant
                self.ctx.last_code, self.ctx.group = ind.code, ind.group
            previous = ind
            kind = "actual"
            if mention.role == "target":
                if ind.value_type != "percent_or_status":
                    continue  # a plan stated in a results report is not a result
                kind = "target"
            self._store(ind, kind, mention.raw, label, score, f"{location}, at {mention.start + 1}",
                        "sentence", confidence)

    def _best_label(self, mention: Mention) -> Match | None:
        """The catalogue code the mention's label wordings name, if they agree on one clearly."""
        best: dict[str, Match] = {}
        shape = value_shape(mention.raw)
        for label in mention.labels:
            for wording in {label, _without_role_words(label, self.vocab)}:
                result = self.matcher.match(wording, self.ctx.group, self.ctx.last_code, shape)
                if not isinstance(result, Match) or not mention.counts(result.indicator.unit, self.vocab):
                    continue
                if result.code not in best or result.score > best[result.code].score:
                    best[result.code] = result
        if not best:
            return None
        ranked = sorted(best.values(), key=lambda m: m.score, reverse=True)
        if len(ranked) > 1 and ranked[0].score - ranked[1].score < self.matcher.settings["margin"]:
            return None
        return ranked[0]

    def _prose(self, text: str, location: str, confidence: float | None) -> int:
        """Apply the catalogue's prose patterns to one paragraph; returns how many matched."""
        hits = 0
        folded = fold(text)
        for ind in self.report.indicators:
            for pattern in ind.prose:
                match = pattern.search(folded)
                if match:
                    raw = text[match.start("value"):match.end("value")].strip()
                    self._store(ind, "actual", raw, text[max(0, match.start() - 20):match.end()].strip(),
                                100.0, location, "prose", confidence)
                    hits += 1
                    break
        return hits

    # ---- tables -----------------------------------------------------------------------
    def _table(self, table: Table, previous_roles: list[str] | None) -> list[str] | None:
        roles, start = self._roles(table)
        if roles is None:
            width = max((len(r.cells) for r in table.rows), default=0)
            roles = previous_roles if previous_roles and len(previous_roles) == width else _guess_roles(table)
            start = 0
        if "name" in roles:  # an activity table: not ours
            return previous_roles
        for row in table.rows[start:]:
            if _is_repeated_header(row, table.rows[0]) and start:
                continue
            self._row(row, roles)
        return roles

    def _roles(self, table: Table) -> tuple[list[str] | None, int]:
        """Column roles from the header row (the first row that names a label column)."""
        for index, row in enumerate(table.rows[:3]):
            roles = []
            for cell in row.cells:
                key = words(cell.text)
                role = next((r for r, p in self.catalogue.column_roles if p.search(key)), None) if key else None
                roles.append(role or "")
            if "label" in roles and any(r in roles for r in ("target", "actual", "percent", "count", "value")):
                if _activity_header(self.catalogue, row):
                    return ["name"], index + 1
                return _spread(roles, row), index + 1
        return None, 0

    def _row(self, row: Row, roles: list[str]) -> None:
        label_cells = [c for c in row.cells if _role(roles, c) == "label"]
        if not label_cells:
            return
        label_cell = label_cells[0]
        value_cells = [(r, c) for c in row.cells if (r := _role(roles, c)) in ("target", "actual", "percent", "count", "value")]
        if self.ctx.stopped:
            return
        items = [ln for ln in label_cell.lines]
        if len([ln for ln in items if ln.text.strip()]) <= 1:
            label = label_cell.text.strip()
            values = [(r, c.text.strip(), c.location) for r, c in value_cells]
            value_lines = [ln for _, c in value_cells for ln in c.lines if ln.text.strip()]
            self._single(label, values, label_cell.location, label_cell.lines, value_lines)
        else:
            self._multi(label_cell, value_cells, row.location)

    def _single(self, label: str, values: list, location: str, lines: list[Line], value_lines: list[Line]) -> None:
        if not label:
            return
        inline = _segments(label)
        if inline and all(is_blank(v) for _, v, _ in values):
            for part in _parts(label):
                pair = _split(part)
                if not pair:
                    group = self.matcher.heading(part)
                    if group:
                        self.ctx.group, self.ctx.last_code = group, None
                    continue
                self._pair(pair[0], [("value", pair[1], location)], location, "inline",
                           confidence=_min_confidence(lines))
            return
        if not any(not is_blank(v) for _, v, _ in values):
            group = self.matcher.heading(label)
            if group:
                self.ctx.group, self.ctx.last_code = group, None
                return
        self._pair(label, values, location, "table", confidence=_min_confidence(value_lines))

    def _multi(self, label_cell: Cell, value_cells: list, row_location: str) -> None:
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
        heading = self.matcher.heading(first) if not _has_value(first) else None
        if heading:
            self.ctx.group, self.ctx.last_code = heading, None
        items = lines[1:] if heading else lines
        needing = [ln for ln in items if ln.text.strip() and not _inline_value(ln.text)]
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
            self.found.warnings.append(flag(
                f"{row_location}: {count(len(needing), 'label')} but {count(len(nonblank_values), 'value')}; "
                "left for review",
                "ambiguous_cell", location=row_location, labels=[ln.text for ln in needing],
                values=[v.text for v in nonblank_values]))
        for ln in items:
            if not ln.text.strip():
                continue
            segments = _segments(ln.text)
            if segments and any(not is_blank(v) for _, v in segments):
                for seg_label, seg_value in segments:
                    self._pair(seg_label, [("value", seg_value, ln.location)], ln.location, "inline",
                               confidence=ln.confidence)
                continue
            if pairs is None:
                self._pair(ln.text, [], ln.location, "table", review_value=True)
                continue
            value = pairs.get(id(ln))
            values = [("value", value.text, value.location)] if value is not None else []
            self._pair(ln.text, values, ln.location, "table", confidence=value.confidence if value is not None else None)

    # ---- matching and storing ---------------------------------------------------------
    def _pair(self, label: str, values: list, location: str, method: str, quiet: bool = False,
              confidence: float | None = None, review_value: bool = False) -> None:
        label = label.strip()
        has_value = any(not is_blank(v) for _, v, _ in values)
        shape = value_shape(next(v for _, v, _ in values if not is_blank(v))) if has_value and len(values) == 1 else None
        result = self.matcher.match(label, self.ctx.group, self.ctx.last_code, shape)
        if isinstance(result, Miss):
            self.ctx.last_code = None
            group = self.matcher.heading(label) if not has_value else None
            if group:
                self.ctx.group = group
                return
            if (has_value or review_value or result.best) and not quiet and _LABELISH.match(words(strip_bullet(label))):
                self.found.unmatched.append({
                    "label": label, "raw_value": "; ".join(v for _, v, _ in values if not is_blank(v)),
                    "location": location, "reason": result.reason, "best": result.best, "score": result.score})
            return
        ind = result.indicator
        self.ctx.last_code = ind.code
        self.ctx.group = ind.group
        for role, raw, where in values:
            if is_blank(raw):
                continue
            target = self._target(ind, role)
            if target is None:
                self.found.unmatched.append({"label": label, "raw_value": raw, "location": where,
                                             "reason": f"a '{role}' column value for {ind.code}",
                                             "category": "unmatched_label"})
                continue
            code_ind, kind = target
            self._store(code_ind, kind, raw, label, result.score if code_ind is ind else result.score,
                        where, method, confidence, match=result)

    def _target(self, ind: Indicator, role: str) -> tuple[Indicator, str] | None:
        """Which (indicator, kind) a value in a column of this role belongs to."""
        if role == "target":
            return (ind, "target") if ind.value_type == "percent_or_status" else None
        if role == "percent" and ind.value_type == "count":
            companion = next((i for i in self.report.indicators if i.percent_of == ind.code), None)
            return (companion, "actual") if companion else None
        if role == "count" and ind.value_type == "percent":
            return None if any(i.percent_of == ind.code for i in self.report.indicators) else (ind, "actual")
        return ind, "actual"

    def _store(self, ind: Indicator, kind: str, raw: str, label: str, score: float, location: str,
               method: str, confidence: float | None, match: Match | None = None) -> None:
        parsed = parse_value(raw, ind.value_type)
        if parsed is None:
            return
        if isinstance(parsed, Unclear):
            self.found.unmatched.append({"label": label, "raw_value": raw, "location": location,
                                         "reason": parsed.reason, "best": ind.code, "category": "unclear_value"})
            return
        if confidence is not None and confidence < self.min_ocr_confidence:
            self.found.unmatched.append({"label": label, "raw_value": raw, "location": location,
                                         "reason": f"OCR confidence {confidence:.0f} below {self.min_ocr_confidence:.0f}",
                                         "best": ind.code, "category": "low_confidence"})
            return
        self.found.observations.append(Observation(
            ind.code, kind, parsed.value, ind.unit, label, raw, score, location,
            "ocr" if confidence is not None else method, confidence, reading=method))


def _tier(method: str) -> str:
    return "sentence" if method == "sentence" else "explicit"


_RANK = {"explicit": 0, "sentence": 1}  # lower decides: the shapes that say what their number is


def _distinct(readings: list[Observation]) -> list[Observation]:
    """The first reading of each different value, in reading order."""
    out: dict[object, Observation] = {}
    for obs in readings:
        out.setdefault(obs.value, obs)
    return list(out.values())


def _without_role_words(label: str, vocab) -> str:
    """The label without plan and result words ("Chỉ tiêu Công dân học tập theo kế hoạch" → …)."""
    folded = fold(label)
    keep = [True] * len(label)
    for pattern in (vocab.plan, vocab.actual):
        for m in pattern.finditer(folded):
            keep[m.start():m.end()] = [False] * (m.end() - m.start())
    return re.sub(r"\s+", " ", "".join(ch for ch, k in zip(label, keep, strict=True) if k)).strip(" ,:")


def _parts(text: str) -> list[str]:
    """Cut a line at ";" and at bullets inside it ("… HTSĐ + Cấp huyện: 00 * Số bài: 05"),
    which is how flattened exports run a cell's paragraphs together."""
    return [p.strip() for p in _PART_SPLIT.split(text) if p and p.strip()]


def _split(part: str) -> tuple[str, str] | None:
    """One "label: value" or "label là value" (any connector of sentences.yaml) as (label, value)."""
    match = _INLINE.match(part)
    if match:
        if re.search(r"\d{1,2}/\d{1,2}/\d{4}$", match.group("label")):
            return None
        return match.group("label"), match.group("value").strip()
    return split_label_value(part)


def _segments(text: str) -> list[tuple[str, str]]:
    """Split "label: value; label là value" into pairs; [] when the text holds no such pair."""
    return [pair for part in _parts(text) if (pair := _split(part))]


def _inline_value(text: str) -> bool:
    return any(not is_blank(v) for _, v in _segments(text))


def _has_value(text: str) -> bool:
    segs = _segments(text)
    return any(numbers_in(v) for _, v in segs)


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
    return row is not header and words(" ".join(c.text for c in row.cells)) == words(" ".join(c.text for c in header.cells))


def _activity_header(catalogue: Catalogue, row: Row) -> bool:
    roles = set()
    for cell in row.cells:
        key = words(cell.text)
        role = next((r for r, p in catalogue.activity_roles if p.search(key)), None) if key else None
        roles.add(role)
    return {"name", "host"} <= roles or {"name", "partners"} <= roles


def _min_confidence(lines: list[Line]) -> float | None:
    values = [ln.confidence for ln in lines if ln.confidence is not None]
    return min(values) if values else None


def extract_indicators(document: Document, catalogue: Catalogue, report_type: str) -> Findings:
    return IndicatorExtractor(catalogue, report_type).run(document)


__all__ = ["Observation", "Findings", "IndicatorExtractor", "extract_indicators", "clean"]
