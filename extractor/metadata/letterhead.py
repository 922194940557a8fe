"""The letterhead: the organisations it names from the top down, and whether a school issues it.

"UBND HUYỆN YÊN SƠN / TRUNG TÂM HTCĐ XÃ CHÂN SƠN": the last, most specific organisation is
the reporting unit, the ones above it give its district and province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.metadata.header import Header
from extractor.metadata.names import LEVEL_PHRASES, Org, cut_name, phrase_at
from extractor.normalize import clean, fold
from extractor.register import LEVELS

# Letterhead words, compared with their diacritics ("tỉnh" is a level, "Tĩnh" a name; "phòng"
# starts an office, "Phong" is a name) unless the whole text was typed without them.
_STOP_PHRASES = ["số", "báo cáo", "ubnd", "ủy ban nhân dân", "uỷ ban nhân dân", "ủy ban", "uỷ ban",
                 "trung tâm", "ban chỉ đạo", "phòng", "hội đồng", "hội khuyến học", "v/v", "ngày", "kính gửi",
                 "#", "sở", "cộng hòa", "độc lập", "đảng", "hđnd", "ubmttq", "tthtcđ", "htcđ", "tthtcd", "tt",
                 "bcđ"]
# Without accents a one-word stop ("phong", "so") may be part of a name; these never are.
_PLAIN_STOPS = [p for p in _STOP_PHRASES
                if " " in p or p in ("ubnd", "#", "v/v", "tthtcđ", "htcđ", "bcđ", "hđnd")]
_MOTTO = re.compile(r"\bcong hoa xa hoi\b|\bchu nghia viet nam\b|\bdoc lap\b|\bviet nam$|^(hoi )?chu nghia\b")
# The motto broken after its "XÃ" ("CỘNG HÒA XÃ" / "HỘI CHỦ NGHĨA VIỆT NAM"): that "xã" is no level.
_MOTTO_XA = re.compile(r"(\s*\bcong hoa)?\s*\bxa$")
_MOTTO_REST = re.compile(r"^hoi chu nghia\b")
_ORG_START = re.compile(r"^(ubnd|uy ban|trung tam|phong|ban chi dao|so |truong|hoi )")
_SCHOOL = re.compile(r"^truong (mam non|mau giao|tieu hoc|trung hoc|thcs|thpt|th |ptdt|pt |tieu hoc va|"
                     r"lien cap|dai hoc|cao dang|trung cap)")


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The units the letterhead names, top down, and whether its last organisation is a school."""

    orgs: tuple[Org, ...]
    school: bool


def read_letterhead(header: Header, accents: bool = True) -> Letterhead:
    """The letterhead of `header`; `accents` False for a text typed without diacritics."""
    return Letterhead(tuple(_orgs(header, accents)), _school(header))


def agency_lines(header: Header) -> list[list[str]]:
    """The letterhead's organisation lines as lists of lower-case words, one list per line.

    Letterheads wrap anywhere ("ỦY BAN NHÂN DÂN" / "HUYỆN BẠCH THÔNG", "… HUYỆN" / "NINH
    PHƯỚC") and PDF readers interleave them with the motto, so the lines before the title are
    read as one stream; the motto and the date line are left out, and a phrase like "xã hội học
    tập" is marked so that its "xã" is not taken for a unit. A line counts when it is in
    capitals or starts with an organisation word ("UBND xã an bình").
    """
    out: list[list[str]] = []
    top = header.top
    for n, line in enumerate(top):
        line = _motto_cut(line, top[n + 1] if n + 1 < len(top) else "")
        letters = [ch for ch in line if ch.isalpha()]
        capitals = letters and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters)
        if not letters or not (capitals or _ORG_START.match(fold(line))):
            continue
        key = clean(line).lower()
        motto = _MOTTO.search(fold(key))
        if motto:
            key = key[: motto.start()]  # a rows-style line may carry the motto after the unit
        key = re.sub(r"\bxã hội\b", "#", key)
        key = re.sub(r"\bxa hoi\b", "#", key)
        tokens = re.findall(r"[\w'#/]+", key)
        if tokens:
            out.append(tokens)
    return out


def has_motto(header: Header) -> bool:
    """The national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", however it wraps) stands above
    the title: a document's own letterhead, never a body page."""
    return any(_MOTTO.search(key) for key in header.keys[: header.title if header.title is not None else 12])


def _motto_cut(line: str, following: str) -> str:
    """`line` without the motto's first words when the motto breaks after its "XÃ" and goes on
    in the next line ("… CỘNG HÒA XÃ" / "HỘI CHỦ NGHĨA VIỆT NAM"), or the line ends "CỘNG HÒA XÃ"."""
    key = fold(line).rstrip(" .,")
    cut = _MOTTO_XA.search(key)
    if not cut or not (cut.group(1) or _MOTTO_REST.match(fold(following).strip())):
        return line
    return line[: cut.start()]  # fold keeps the length of the (NFC) line


def _orgs(header: Header, accents: bool) -> list[Org]:
    """Each unit the letterhead names, top down."""
    lines = agency_lines(header)
    tokens = [t for line in lines for t in line]
    ends = set()
    position = 0
    for line in lines:
        position += len(line)
        ends.add(position)  # a line ends before this token index
    out: list[Org] = []
    i = 0
    while i < len(tokens):
        level = phrase_at(tokens, i, LEVEL_PHRASES, accents)
        if not level:
            i += 1
            continue
        j = i + len(level.split())
        if j >= len(tokens) or phrase_at(tokens, j, _STOP_PHRASES, accents):
            i = j
            continue
        k = j
        while k < len(tokens) and k - j < 7 and not phrase_at(tokens, k, _STOP_PHRASES, accents):
            k += 1
        # a one-word stop may end a name ("xã Đắc Sở", "Hải Phòng"; typed without accents "PHONG" may
        # be a name or "phòng"): the register decides, the stop ends the name when it knows none longer
        far = k
        while far < len(tokens) and far - j < 7 and not phrase_at(tokens, far, _PLAIN_STOPS, False):
            far += 1
        org, used = cut_name(tokens, j, far, ends, LEVELS[fold(level)], accents)
        if not org.known and far != k:
            org, used = cut_name(tokens, j, k, ends, LEVELS[fold(level)], accents)
        out.append(org)
        i = j + used
    return out


def _school(header: Header) -> bool:
    """True when the letterhead's last organisation line is a school ("TRƯỜNG THCS CHÂN SƠN")."""
    lines = [key for line, key in zip(header.top, header.keys, strict=False) if line.isupper()]
    lines = [ln for ln in lines if not _MOTTO.search(ln) and not ln.startswith(("so", "doc lap"))]
    return bool(lines) and bool(_SCHOOL.match(lines[-1]))
