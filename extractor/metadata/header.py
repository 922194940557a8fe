"""The header, read once: the letterhead and title lines, where the title stands, the report type.

Everything else that reads the top of a document (the letterhead's units, the number, the
dates, the period) takes the `Header` from here instead of finding the lines and the title again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.model import Document, Table
from extractor.normalize import clean, fold
from extractor.patterns import Catalogue

_DOC_TYPES = re.compile(r"^(ke hoach|huong dan|quyet dinh|cong van|thong bao|to trinh|chi thi|mau bao cao)$")


def header_lines(document: Document, limit: int = 40) -> list[str]:
    """The lines of the letterhead and title: everything up to the first body paragraph.

    A letterhead flattened onto one line by an export ("UBND HUYỆN X | CỘNG HÒA …", HTML
    tags) is split back into its parts; "UBNDxã" gets its space back.
    """
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Table):
            if len(lines) > 6:
                break
            if 0 < len(block.rows) <= 4:  # a letterhead table: the issuer's column first, then the motto's
                columns = max(len(row.cells) for row in block.rows)
                for c in range(columns):
                    lines += [ln.text for row in block.rows if c < len(row.cells)
                              for ln in row.cells[c].lines if ln.text.strip()]
            continue
        # PDF lines can run the date, "V/v …" and "Kính gửi" together: split them again
        parts = re.split(r"\t|\s*\|\s*|<[^>]{1,80}>|\s(?=V/v\s)|\s(?=Kính gửi\b)", block.text)
        lines += [part for part in parts if part and part.strip()]
        if fold(block.text).startswith("kinh gui") or len(lines) >= limit:
            break
    return [re.sub(r"(?i)\b(ubnd|uỷ ban nhân dân|ủy ban nhân dân)(?=[^\W\d_])", r"\1 ", clean(ln))
            for ln in lines]


def title_index(keys: list[str]) -> int | None:
    """Index of the line that carries the word BÁO CÁO (or a letter's subject, V/v or Về việc, or
    alone KẾ HOẠCH, HƯỚNG DẪN …) as the document's title: the letterhead is what stands above it."""
    for i, key in enumerate(keys):
        key = key.strip(" :.")
        if re.match(r"^(bao cao|v/v|ve viec)\b", key) or re.search(r"\bbao cao$", key) or _DOC_TYPES.match(
            key):
            return i
    return None


@dataclass(frozen=True, slots=True)
class Header:
    """The header lines, their accent-free keys, and the index of the title line (None: no title)."""

    lines: list[str]
    keys: list[str]
    title: int | None

    @classmethod
    def of(cls, lines: list[str]) -> Header:
        keys = [fold(line) for line in lines]
        return cls(lines, keys, title_index(keys))

    @property
    def top(self) -> list[str]:
        """The lines above the title (the first 12 when there is none): the letterhead proper."""
        return self.lines[: self.title if self.title is not None else 12]


def detect_report_type(document: Document, catalogue: Catalogue, head: list[str] | None = None) -> str:
    """The report type the title names (`head`: the header lines, when the caller has them)."""
    return report_type(Header.of(head if head is not None else header_lines(document)), catalogue)


def report_type(header: Header, catalogue: Catalogue) -> str:
    """The type rule the title matches, or "unknown" for a plan, a decision, a guide …"""
    head, keys, start = header.lines, header.keys, header.title
    if start is not None and (any(p.search(keys[start]) for p in catalogue.not_a_report)
                              or keys[start].startswith("ve viec")):
        return "unknown"  # the title is a plan's, a decision's, or a letter's subject line
    title_zone = keys[start:start + 3] if start is not None else keys
    title = " ".join(title_zone)
    if start is not None:
        title = fold(re.sub(r"^.*?báo cáo\s*", "", " ".join(head[start:start + 3]), count=1,
                            flags=re.IGNORECASE))
    above = keys[: (start if start is not None else len(keys))]
    not_report = any(p.search(k) for k in above + title_zone[1:2] for p in catalogue.not_a_report)
    if not_report and (start is None or any(p.search(title) for p in catalogue.not_a_report)):
        return "unknown"
    for rule_type, pattern in catalogue.type_rules:
        if pattern.search(title):
            return rule_type
    return "unknown"
