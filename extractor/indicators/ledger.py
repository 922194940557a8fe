"""The ledger: every value a shape reads is written here, and settled here only.

`Ledger.settled` keeps one value per (code, kind) at the end of the document and sends readings
that cannot be reconciled to review as a `conflict` with their candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.review import flag


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


@dataclass
class Ledger:
    """The readings of one document, in reading order."""

    readings: list[Observation] = field(default_factory=list)

    def add(self, obs: Observation) -> None:
        self.readings.append(obs)

    def settled(self, warnings: list[str]) -> list[Observation]:
        """One value per (code, kind): every reading of the document is settled here, and only here.

        A document often says one figure twice (a line read both as "label: value" and as a
        sentence, a table and the prose about it). Readings are ranked by how explicit their shape
        is: a table cell, a "label: value" line or a catalogue pattern says what its number is; a
        sentence is read by rules. The most explicit readings decide: if they agree, the value is
        kept once (the best-scored reading, the first in reading order on a tie); if they disagree,
        nothing is stored and the readings go to review as a conflict. A less explicit reading
        that disagrees with the kept value goes to review beside it. The conflicts are appended
        to `warnings`; the kept readings are returned in reading order.
        """
        by_key: dict[tuple[str, str], list[Observation]] = {}
        for obs in self.readings:
            by_key.setdefault((obs.code, obs.kind), []).append(obs)
        kept = {id(obs) for group in by_key.values() if (obs := _settle(group, warnings)) is not None}
        return [obs for obs in self.readings if id(obs) in kept]


def _settle(readings: list[Observation], warnings: list[str]) -> Observation | None:
    """The reading kept for one (code, kind), or None when its most explicit readings disagree."""
    rank = min(_RANK[_tier(o.reading)] for o in readings)
    top = [o for o in readings if _RANK[_tier(o.reading)] == rank]
    distinct = _distinct(top)
    if len(distinct) > 1:
        last = distinct[-1]  # where the text contradicts itself: the item's place, stable across versions
        warnings.append(flag(
            f"{last.location}: {last.code} ({last.kind}) read with different values "
            f"({'; '.join(f'{o.raw_value} at {o.location}' for o in distinct)}); left for review",
            "conflict", location=last.location, label=last.label, raw_value=last.raw_value,
            candidates=[_candidate(o) for o in distinct]))
        return None
    best = max(top, key=lambda o: o.score)  # max keeps the first of equal scores
    for other in _distinct([o for o in readings if o.value != best.value]):
        warnings.append(flag(
            f"{other.location}: a {other.reading} gives {other.code} ({other.kind}) = {other.raw_value}, "
            f"the {best.reading} at {best.location} gives {best.raw_value}; "
            f"the {best.reading} value is kept",
            "conflict", location=other.location, label=other.label, raw_value=other.raw_value,
            candidates=[_candidate(best), _candidate(other)]))
    return best


def _candidate(obs: Observation) -> dict:
    """One of two readings of a value, as a reviewer may pick it."""
    return {"code": obs.code, "kind": obs.kind, "value": obs.value, "raw_value": obs.raw_value,
            "location": obs.location, "method": obs.method}


def _tier(method: str) -> str:
    return "sentence" if method == "sentence" else "explicit"


_RANK = {"explicit": 0, "sentence": 1}  # lower decides: the shapes that say what their number is


def _distinct(readings: list[Observation]) -> list[Observation]:
    """The first reading of each different value, in reading order."""
    out: dict[object, Observation] = {}
    for obs in readings:
        out.setdefault(obs.value, obs)
    return list(out.values())
