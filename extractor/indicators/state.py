"""The reading state the shapes share while one document is walked.

The matcher and vocabulary of the report type, the context that tells repeated labels apart (the
current group, from headings and from the last matched label, and the last matched code), what
is left for review, and the ledger every value is written to. Each shape module reads with plain
functions over one `Reading`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.indicators.ledger import Ledger, Observation
from extractor.matching import Matcher, matcher_for
from extractor.patterns import Catalogue, Indicator, ReportPatterns
from extractor.sentences import Vocabulary, default_vocabulary
from extractor.values import Unclear, parse_value


@dataclass
class Findings:
    observations: list[Observation] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Context:
    """Where the walk stands: the group a label is read in and the code matched last."""

    group: str | None = None
    last_code: str | None = None
    stopped: bool = False  # past the heading after which the report speaks of plans

    def open_group(self, group: str) -> None:
        """A heading opens a new group: the code matched before it no longer places a label."""
        self.group, self.last_code = group, None

    def follow(self, ind: Indicator) -> None:
        """A matched label places the next ones: its code and its group."""
        self.last_code, self.group = ind.code, ind.group


@dataclass
class Reading:
    """One document's reading of one report type."""

    catalogue: Catalogue
    report: ReportPatterns | None
    matcher: Matcher
    vocab: Vocabulary
    min_ocr_confidence: float = 80.0  # an OCR'd figure read with less goes to review
    context: Context = field(default_factory=Context)
    ledger: Ledger = field(default_factory=Ledger)
    found: Findings = field(default_factory=Findings)

    @classmethod
    def start(cls, catalogue: Catalogue, report_type: str) -> Reading:
        return cls(catalogue, catalogue.reports.get(report_type), matcher_for(catalogue, report_type),
                   default_vocabulary())

    def open_heading(self, text: str) -> bool:
        """If the text is a heading of the catalogue, open its group; whether it was one."""
        group = self.matcher.heading(text)
        if group:
            self.context.open_group(group)
        return bool(group)

    def store(self, ind: Indicator, kind: str, raw: str, label: str, score: float, location: str,
              method: str, confidence: float | None) -> None:
        """Write one reading to the ledger, or leave it for review when its value is unclear or
        its OCR confidence too low."""
        parsed = parse_value(raw, ind.value_type)
        if parsed is None:
            return
        if isinstance(parsed, Unclear):
            self.found.unmatched.append({"label": label, "raw_value": raw, "location": location,
                                         "reason": parsed.reason, "best": ind.code,
                                         "category": "unclear_value"})
            return
        if confidence is not None and confidence < self.min_ocr_confidence:
            self.found.unmatched.append({
                "label": label, "raw_value": raw, "location": location,
                "reason": f"OCR confidence {confidence:.0f} below {self.min_ocr_confidence:.0f}",
                "best": ind.code, "category": "low_confidence"})
            return
        self.ledger.add(Observation(
            ind.code, kind, parsed.value, ind.unit, label, raw, score, location,
            "ocr" if confidence is not None else method, confidence, reading=method))
