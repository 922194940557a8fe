"""Metadata detection: report type, reporting unit, period, issued date, document number.

The letterhead names the issuer from the top down ("UBND HUYỆN YÊN SƠN / TRUNG TÂM HTCĐ XÃ
CHÂN SƠN"): the last, most specific organisation is the reporting unit, the ones above it give
its district and province. Capitals are turned back into the unit's written form by finding the
name elsewhere in the text (the place line "Chân Sơn, ngày …", the body) or in the register of
administrative units that underthesea ships (units as they were before the 2025 merger), which
also fills the district and province a commune's report leaves out.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from extractor.model import Document, Paragraph, Table
from extractor.normalize import clean, fold, words
from extractor.patterns import Catalogue

LEVELS = {"tinh": "tỉnh", "thanh pho": "thành phố", "huyen": "huyện", "quan": "quận", "thi xa": "thị xã",
          "xa": "xã", "phuong": "phường", "thi tran": "thị trấn"}
COMMUNE = {"xã", "phường", "thị trấn"}
DISTRICT = {"huyện", "quận", "thị xã", "thành phố"}
_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_NUMBER = re.compile(r"\bSố\s*:?\s*(\d+[^\s/]*)\s*/\s*([\w.&\-/Đđ]+)", re.IGNORECASE)


@dataclass
class Metadata:
    report_type: str = "unknown"
    unit_name: str | None = None
    unit_level: str | None = None
    district: str | None = None
    province: str | None = None
    year: int | None = None
    period: str | None = None
    issued_date: str | None = None
    doc_number: str | None = None
    warnings: list[str] = field(default_factory=list)  # for review; not part of the contract's document

    def as_dict(self) -> dict:
        out = asdict(self)
        del out["warnings"]
        return out


def header_lines(document: Document, limit: int = 40) -> list[str]:
    """The lines of the letterhead and title: everything up to the first body paragraph."""
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Table):
            if len(lines) > 6:
                break
            first = block.rows[0] if block.rows else None
            if first and len(block.rows) <= 3:
                for cell in first.cells:
                    lines += [ln.text for ln in cell.lines if ln.text.strip()]
            continue
        # PDF lines can run the date, "V/v …" and "Kính gửi" together: split them again
        parts = re.split(r"\t|\s(?=V/v\s)|\s(?=Kính gửi\b)", block.text)
        lines += [part for part in parts if part.strip()]
        if fold(block.text).startswith("kinh gui") or len(lines) >= limit:
            break
    return [clean(ln) for ln in lines]


def detect_report_type(document: Document, catalogue: Catalogue) -> str:
    head = header_lines(document)
    keys = [fold(ln) for ln in head]
    start = _title_index(keys)
    if start is not None and any(p.search(keys[start]) for p in catalogue.not_a_report):
        return "unknown"
    title_zone = keys[start:start + 3] if start is not None else keys
    title = " ".join(title_zone)
    if start is not None:
        title = fold(re.sub(r"^.*?báo cáo\s*", "", " ".join(head[start:start + 3]), count=1, flags=re.IGNORECASE))
    not_report = any(p.search(k) for k in keys[: (start if start is not None else len(keys))] + title_zone[1:2]
                     for p in catalogue.not_a_report)
    if not_report and (start is None or any(p.search(title) for p in catalogue.not_a_report)):
        return "unknown"
    for report_type, pattern in catalogue.type_rules:
        if pattern.search(title):
            return report_type
    if start is None or not_report:
        return "unknown"
    return "unknown"


def detect(document: Document, catalogue: Catalogue) -> Metadata:
    meta = Metadata(report_type=detect_report_type(document, catalogue))
    head = header_lines(document)
    text = document.full_text()
    _unit(meta, head, text)
    _dates(meta, head, text)
    return meta


# Letterhead words, compared with their diacritics ("tỉnh" is a level, "Tĩnh" a name; "phòng"
# starts an office, "Phong" is a name). Unit names that follow a level word end at these.
_LEVEL_PHRASES = ["thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường"]
_STOP_PHRASES = ["số", "báo cáo", "ubnd", "ủy ban nhân dân", "uỷ ban nhân dân", "ủy ban", "uỷ ban", "trung tâm", "ban chỉ đạo", "phòng",
                 "hội đồng", "hội khuyến học", "v/v", "ngày", "kính gửi", "#"]
_MOTTO = re.compile(r"\bcong hoa xa hoi\b|\bchu nghia viet nam\b|\bdoc lap\b|\bviet nam$|^chu nghia\b")


def _title_index(keys: list[str]) -> int | None:
    """Index of the line that carries the word BÁO CÁO (or V/v) as the document's title."""
    for i, key in enumerate(keys):
        if re.match(r"^(bao cao|v/v)\b", key) or re.search(r"\bbao cao$", key):
            return i
    return None


def _letterhead(head: list[str]) -> list[str]:
    """The letterhead's organisation lines as folded words, run together.

    Letterheads wrap anywhere ("ỦY BAN NHÂN DÂN" / "HUYỆN BẠCH THÔNG", "… HUYỆN" / "NINH
    PHƯỚC") and PDF readers interleave them with the motto, so the capital lines before the
    title are joined into one stream; the motto and the date line are left out, and a phrase
    like "xã hội học tập" is marked so that its "xã" is not taken for a unit.
    """
    title = _title_index([fold(h) for h in head])
    tokens: list[str] = []
    for line in head[: title if title is not None else 12]:
        letters = [ch for ch in line if ch.isalpha()]
        if not letters or sum(ch.isupper() for ch in letters) < 0.7 * len(letters):
            continue
        key = clean(line).lower()
        motto = _MOTTO.search(fold(key))
        if motto:
            key = key[: motto.start()]  # a rows-style line may carry the motto after the unit
        key = re.sub(r"\bxã hội\b", "#", key)
        tokens += re.findall(r"[\w'#/]+", key)
    return tokens


def _phrase_at(tokens: list[str], i: int, phrases: list[str]) -> str | None:
    for phrase in phrases:
        parts = phrase.split()
        if tokens[i:i + len(parts)] == parts:
            return phrase
    return None


def _orgs(head: list[str]) -> list[tuple[str, str]]:
    """(level, NAME as folded words) for each unit the letterhead names, top down."""
    tokens = _letterhead(head)
    out = []
    i = 0
    while i < len(tokens):
        level = _phrase_at(tokens, i, _LEVEL_PHRASES)
        if not level:
            i += 1
            continue
        j = i + len(level.split())
        if j >= len(tokens) or _phrase_at(tokens, j, _STOP_PHRASES):
            i = j
            continue
        # the name runs to the next unit or organisation word, after at least one word
        k = j + 1
        while k < len(tokens) and not _phrase_at(tokens, k, _STOP_PHRASES + _LEVEL_PHRASES):
            k += 1
        name = tokens[j:k][:5]
        while len(name) > 1 and len(name[-1]) == 1:
            name.pop()  # OCR debris after the name ("THƯỢNG NINH N")
        out.append((LEVELS[fold(level)], fold(" ".join(name))))
        i = k
    return out


def _unit(meta: Metadata, head: list[str], text: str) -> None:
    orgs = _orgs(head)
    if not orgs:
        return
    level, name_key = orgs[-1]
    meta.unit_level = level
    written = _written_form(name_key, text)
    meta.unit_name = written or name_key.title()
    above = orgs[:-1]
    district = next((n for lv, n in reversed(above) if lv in DISTRICT), None)
    province = next((n for lv, n in above if lv in ("tỉnh", "thành phố") and n != district), None)
    if level in COMMUNE and district:
        meta.district = _written_form(district, text) or district.title()
    if province:
        meta.province = province_name(province) or _written_form(province, text) or province.title()
    entry = lookup(name_key, level, district, province, text)
    if entry:
        if level in COMMUNE and not meta.district:
            meta.district = entry["district"]
        if not meta.province:
            meta.province = entry["province"]
        if not written:
            meta.unit_name = entry["name"]
        if level in COMMUNE and district and not _written_form(district, text):
            meta.district = entry["district"]
    if level in DISTRICT or level == "tỉnh":
        meta.district = None
    if not entry and not written:
        names = {c["name"] for c in _register().get(words(name_key), []) if c["level"] == level}
        if len(names) == 1:  # every unit of that name writes it alike: its diacritics are known
            meta.unit_name = names.pop()
    _note_ambiguity(meta, name_key, level)


def _note_ambiguity(meta: Metadata, name_key: str, level: str) -> None:
    """Say so when the register knows several units of this name and nothing in the text settles it."""
    if meta.province and (meta.district or level not in COMMUNE):
        return
    places = sorted({f"{c['district']}, {c['province']}" if c["district"] else c["province"]
                     for c in _register().get(words(name_key), []) if c["level"] == level})
    if len(places) > 1:
        shown = "; ".join(places[:6]) + ("; …" if len(places) > 6 else "")
        meta.warnings.append(f"metadata: {level} {meta.unit_name} is one of {len(places)} units of that name "
                             f"in the register ({shown}) and the document names neither district nor province; "
                             "left empty for review")


def _written_form(name_key: str, text: str) -> str | None:
    """The unit name as written in mixed case somewhere in the text, or None."""
    parts = name_key.split()
    pattern = r"(?<![\w'])(" + r"[ \t]+".join(r"[\w']+" for _ in parts) + r")(?![\w'])"
    for match in re.finditer(pattern, text):
        candidate = match.group(1)
        if words(candidate) == words(name_key) and not candidate.isupper() and candidate[:1].isupper():
            return clean(candidate)
    return None


def _dates(meta: Metadata, head: list[str], text: str) -> None:
    joined = " ".join(head)
    folded = fold(joined)
    place = re.search(r"[\w')]\s*,?\s+ngay\s+(\d{0,2})\s*thang\s+(\d{1,2})\s+nam\s+(\d{4})", folded)
    if place:
        day, month, year = place.groups()
        if day and 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
            meta.issued_date = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    title = _title_index([fold(h) for h in head])
    # only the letterhead's "Số: …": the body cites other letters by number too
    number = _NUMBER.search(" ".join(head[: title if title is not None else 12]))
    if number:
        meta.doc_number = f"{number.group(1)}/{number.group(2)}"
    _period(meta, head, place.group(3) if place else None, place.group(2) if place else None)


def _period(meta: Metadata, head: list[str], issued_year: str | None, issued_month: str | None) -> None:
    keys = [fold(ln) for ln in head]
    start = _title_index(keys) or 0
    title = " ".join(keys[start:start + 3])
    title = re.sub(r"[\"“”][^\"“”]*[\"“”]", " ", title)  # "Xây dựng xã hội học tập giai đoạn 2021-2030" is a name
    school = re.search(r"nam hoc\s+(\d{4})\s*[-–]\s*(\d{4})", title)
    term = re.search(r"hoc ky\s+(i{1,2}|1|2)\b", title)
    if school:
        first, second = school.groups()
        meta.year = int(first)
        if term:
            meta.period = f"HK{1 if term.group(1) in ('i', '1') else 2} {first}-{second}"
        else:
            meta.period = f"{first}-{second}"
        return
    span = re.search(r"giai doan\s+(\d{4})\s*[-–]\s*(\d{4})", title)
    year = re.search(r"nam\s+(\d{4})\b", title)
    if year:
        meta.year = int(year.group(1))
        meta.period = year.group(1)
    elif span:
        meta.year = int(span.group(1))
        meta.period = f"{span.group(1)}-{span.group(2)}"
    elif issued_year:
        meta.year = int(issued_year)
        meta.period = issued_year
        if term and issued_month:
            first = int(issued_year) - (1 if int(issued_month) < 8 else 0)
            meta.year, meta.period = first, f"HK{1 if term.group(1) in ('i', '1') else 2} {first}-{first + 1}"


# ---- the register of administrative units (underthesea.address, before the 2025 merger) ----
@lru_cache(maxsize=1)
def _register() -> dict:
    """Folded unit name → list of units; built once from underthesea's mapping file."""
    data = _mapping()
    index: dict[str, list[dict]] = {}
    provinces = {k: v["short"] for k, v in data["old_province_names"].items()}
    seen = set()
    for record in data["ward_mapping"]:
        province = provinces.get(record["old_province_key"], record["old_province"])
        district_level, district = _split_level(record["old_district"])
        ward_level, ward = _split_level(record["old_ward"])
        for level, name, parent in ((ward_level, ward, district), (district_level, district, None)):
            key = (words(name), level, parent, province)
            if key in seen:
                continue
            seen.add(key)
            index.setdefault(words(name), []).append(
                {"name": clean(name), "level": level, "district": clean(parent) if parent else None,
                 "province": clean(province)})
    return index


@lru_cache(maxsize=1)
def _mapping() -> dict:
    import underthesea.address as address

    return json.loads((Path(address.__file__).parent / "data" / "mapping.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _mergers() -> dict[tuple[str, str, str, str], tuple[str, str]]:
    """(level, name, district, province) folded → (new unit, new province) from the 2025 merger."""
    data = _mapping()
    provinces = {k: v["short"] for k, v in data["old_province_names"].items()}
    out = {}
    for record in data["ward_mapping"]:
        level, name = _split_level(record["old_ward"])
        _, district = _split_level(record["old_district"])
        province = provinces.get(record["old_province_key"], record["old_province"])
        new_province = _split_level(record["new_province"])[1]
        out[(level, words(name), words(district), words(province))] = (clean(record["new_ward"]), clean(new_province))
    return out


def merged_unit(name: str | None, level: str | None, district: str | None, province: str | None) -> tuple[str, str] | None:
    """The commune-level unit a commune, ward or town became in the 2025 merger, with its province.

    Districts were abolished then, so only communes have an answer; None when unknown.
    """
    if not (name and level and district and province):
        return None
    return _mergers().get((level, words(name), words(district), words(province)))


def _split_level(full: str) -> tuple[str, str]:
    key = fold(full)
    for prefix in sorted(LEVELS, key=len, reverse=True):
        if key.startswith(prefix + " "):
            return LEVELS[prefix], full[len(prefix) + 1:].strip()
    return "", full.strip()


@lru_cache(maxsize=1)
def _provinces() -> dict[str, str]:
    data = _mapping()
    return {words(v["short"]): clean(v["short"]) for v in data["old_province_names"].values()}


def province_name(key: str) -> str | None:
    """The register's written form of a province named in capitals ("LÀO CAI" → "Lào Cai")."""
    return _provinces().get(words(key))


def lookup(name: str | None, level: str | None, district: str | None = None, province: str | None = None,
           text: str = "") -> dict | None:
    """The register entry for a unit, or None when it is unknown or stays ambiguous.

    Several communes share a name; the district or province the document names (in the
    letterhead or anywhere in its text) picks the right one.
    """
    if not name:
        return None
    candidates = [c for c in _register().get(words(name), []) if not level or c["level"] == level]
    if district:
        candidates = [c for c in candidates if c["district"] and words(c["district"]) == words(district)]
    if province:
        candidates = [c for c in candidates if words(c["province"]) == words(province)]
    if len({(c["district"], c["province"]) for c in candidates}) > 1 and text:
        folded = f" {words(text)} "
        named = [c for c in candidates if c["district"] and f" {words(c['district'])} " in folded]
        if len({(c["district"], c["province"]) for c in named}) == 1:
            candidates = named
        else:
            named = [c for c in (named or candidates) if f" {words(c['province'])} " in folded]
            if named:
                candidates = named
    if len({(c["district"], c["province"]) for c in candidates}) == 1:
        return candidates[0]
    return None


__all__ = ["Metadata", "detect", "detect_report_type", "lookup", "Paragraph"]
