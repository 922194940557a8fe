"""The register of administrative units that underthesea ships (underthesea.address).

It lists every commune, ward and town before the 2025 merger with its district and province,
and the unit each became. From it: which names are real units of a level (the precision guard
on metadata: a name the register does not know is not emitted unless the text leaves no doubt),
how a name is spelled with its diacritics, the district and province of a commune that names
only itself, and the unit a commune became in 2025. Units are keyed by their folded words
("chan son"), so capitals, missing accents and tone placement do not matter for a lookup.
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

from extractor.cache import cached
from extractor.normalize import clean, fold, words

LEVELS = {"tinh": "tỉnh", "thanh pho": "thành phố", "huyen": "huyện", "quan": "quận", "thi xa": "thị xã",
          "xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "dac khu": "đặc khu"}
INDEX_VERSION = 1  # bump when the index's shape or the rules that build it change
COMMUNE = {"xã", "phường", "thị trấn", "đặc khu"}
DISTRICT = {"huyện", "quận", "thị xã", "thành phố"}
PROVINCE = {"tỉnh", "thành phố"}


def _mapping_file() -> Path:
    """underthesea's address mapping, found without importing the package (its import is heavy)."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.origin:
        raise RuntimeError("underthesea is not installed: the register of administrative units comes with it")
    return Path(spec.origin).parent / "address" / "data" / "mapping.json"


@lru_cache(maxsize=1)
def _mapping() -> dict:
    return json.loads(_mapping_file().read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _index() -> dict:
    """{"units": …, "provinces": …}, built from the mapping once and kept in the user's cache."""
    stat = _mapping_file().stat()
    key = f"{INDEX_VERSION}-{stat.st_size}-{stat.st_mtime_ns}"
    return cached("register", key, lambda: {"units": _build_units(), "provinces": _build_provinces()})


def split_level(full: str) -> tuple[str, str]:
    """"Huyện Yên Sơn" → ("huyện", "Yên Sơn"); a name without a level word → ("", name)."""
    key = fold(full)
    for prefix in sorted(LEVELS, key=len, reverse=True):
        if key.startswith(prefix + " "):
            return LEVELS[prefix], full[len(prefix) + 1:].strip()
    return "", full.strip()


def _provinces() -> dict[str, dict]:
    return _index()["provinces"]


def _build_provinces() -> dict[str, dict]:
    """Folded province name → {"name", "level"} for the 63 provinces before 2025 and the 34 after."""
    data = _mapping()
    out = {}
    for record in list(data["old_province_names"].values()) + list(data["province_names"].values()):
        level, _ = split_level(record["name"])
        out.setdefault(words(record["short"]), {"name": clean(record["short"]), "level": level or "tỉnh"})
    return out


def units() -> dict[str, list[dict]]:
    return _index()["units"]


def _build_units() -> dict[str, list[dict]]:
    """Folded name → every unit of that name: {name, level, district, province, era}.

    era "old" is the register before the 2025 merger (what the spec looks districts and
    provinces up in); "new" is a commune as it was named after it, with its new province and
    no district (districts were abolished then).
    """
    data = _mapping()
    provinces = {k: v["short"] for k, v in data["old_province_names"].items()}
    new_provinces = {k: v["short"] for k, v in data["province_names"].items()}
    index: dict[str, list[dict]] = {}
    seen = set()

    def add(level: str, name: str, district: str | None, province: str, era: str) -> None:
        key = (words(name), level, district, province, era)
        if level and key not in seen:
            seen.add(key)
            index.setdefault(words(name), []).append(
                {"name": clean(name), "level": level, "district": clean(district) if district else None,
                 "province": clean(province), "era": era})

    for record in data["ward_mapping"]:
        province = provinces.get(record["old_province_key"], record["old_province"])
        district_level, district = split_level(record["old_district"])
        ward_level, ward = split_level(record["old_ward"])
        add(ward_level, ward, district, province, "old")
        add(district_level, district, None, province, "old")
        new_level, new_name = split_level(record["new_ward"])
        add(new_level, new_name, None, new_provinces.get(record["new_province_key"], record["new_province"]),
            "new")
    for province in _build_provinces().values():
        add(province["level"], province["name"], None, province["name"], "old")
    return index


def commune_count(district: str, province: str | None) -> int | None:
    """How many communes, wards and towns a district had before the 2025 merger (None when the
    register does not know the district in that province): what a district's figure gathers."""
    return _communes_per_district().get((words(district), words(province or "")))


@lru_cache(maxsize=1)
def _communes_per_district() -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for entries in units().values():
        for unit in entries:
            if unit["era"] == "old" and unit["level"] in COMMUNE and unit["district"]:
                key = (words(unit["district"]), words(unit["province"]))
                counts[key] = counts.get(key, 0) + 1
    return counts


def candidates(name: str, level: str | None = None) -> list[dict]:
    """The units of this name (and level, when given), every era."""
    return [c for c in units().get(words(name), []) if not level or c["level"] == level]


def is_known(name: str, level: str | None = None) -> bool:
    return bool(candidates(name, level))


def spelling(name: str, level: str | None = None) -> str | None:
    """The register's written form of a name, when every unit of that name writes it alike."""
    forms = {c["name"] for c in candidates(name, level)}
    return forms.pop() if len(forms) == 1 else None


def province_name(key: str) -> str | None:
    """The register's written form of a province named in capitals ("LÀO CAI" → "Lào Cai")."""
    found = _provinces().get(words(key))
    return found["name"] if found else None


def is_province_level(name: str, level: str) -> bool:
    """True for a tỉnh, and for a thành phố that is a province (Hà Nội, Đà Nẵng, …)."""
    found = _provinces().get(words(name))
    return level == "tỉnh" or bool(found and level == "thành phố" == found["level"])


def lookup(name: str | None, level: str | None, district: str | None = None, province: str | None = None,
           text: str = "") -> dict | None:
    """The register entry (before 2025) for a unit, or None when it is unknown or stays ambiguous.

    Several communes share a name; the district or province the document names (in the
    letterhead or anywhere in its text) picks the right one.
    """
    if not name:
        return None
    found = [c for c in candidates(name, level) if c["era"] == "old"]
    if district:
        found = [c for c in found if c["district"] and words(c["district"]) == words(district)]
    if province:
        found = [c for c in found if words(c["province"]) == words(province)]
    if len({(c["district"], c["province"]) for c in found}) > 1 and text:
        folded = f" {words(text)} "
        named = [c for c in found if c["district"] and _names(folded, c["district"], words(name))]
        if len({(c["district"], c["province"]) for c in named}) == 1:
            found = named
        else:
            named = [c for c in (named or found) if f" {words(c['province'])} " in folded]
            if named:
                found = named
    if len({(c["district"], c["province"]) for c in found}) == 1:
        return found[0]
    return None


def renamed_province(name: str, level: str, district: str | None = None) -> str | None:
    """The province of a unit the register knows only at another level of its tier (a "thị xã"
    that became a "thành phố", a "xã" that became a "phường", before 2025), in `district` when
    given; None unless every such unit lies in one province.

    The document's own level and name stay as written: a rename belongs to the unit's identity,
    and only the province, which the rename did not change, is taken from the register.
    """
    tier = COMMUNE if level in COMMUNE else DISTRICT if level in DISTRICT else set()
    found = [c for c in candidates(name) if c["era"] == "old" and c["level"] in tier
             and (not district or (c["district"] and words(c["district"]) == words(district)))]
    provinces = {c["province"] for c in found}
    return provinces.pop() if len(provinces) == 1 else None


def _names(folded: str, district: str, unit: str) -> bool:
    """True when the text names this district; a district that shares the unit's own name
    ("thị trấn Phú Lộc" in "huyện Phú Lộc") counts only with its level word."""
    key = words(district)
    if key != unit:
        return f" {key} " in folded
    return any(f" {level} {key} " in folded for level in ("huyen", "quan", "thi xa", "thanh pho"))


def places(name: str, level: str) -> list[str]:
    """"district, province" of every unit (before 2025) of this name and level, for a review note."""
    return sorted({f"{c['district']}, {c['province']}" if c["district"] else c["province"]
                   for c in candidates(name, level) if c["era"] == "old"})


def unit_candidates(name: str, level: str) -> list[dict]:
    """Every unit (before 2025) of this name and level, with the unit it became in 2025: the
    choices a reviewer picks from when the text does not say which one is meant."""
    out = []
    for c in sorted(candidates(name, level), key=lambda c: (c["province"], c["district"] or "")):
        if c["era"] != "old":
            continue
        merged = merged_unit(c["name"], c["level"], c["district"], c["province"])
        out.append({"unit_name": c["name"], "unit_level": c["level"], "district": c["district"],
                    "province": c["province"], "merged_into": merged[0] if merged else None})
    return out


@lru_cache(maxsize=1)
def _mergers() -> dict[tuple[str, str, str, str], tuple[str, str]]:
    """(level, name, district, province) folded → (new unit, new province) from the 2025 merger."""
    data = _mapping()
    provinces = {k: v["short"] for k, v in data["old_province_names"].items()}
    out = {}
    for record in data["ward_mapping"]:
        level, name = split_level(record["old_ward"])
        _, district = split_level(record["old_district"])
        province = provinces.get(record["old_province_key"], record["old_province"])
        new_province = split_level(record["new_province"])[1]
        out[(level, words(name), words(district), words(province))] = (
            clean(record["new_ward"]), clean(new_province))
    return out


@lru_cache(maxsize=65536)  # asked once per 2025 unit of a pivot, for the same few thousand units
def predecessor_count(merged_into: str, merged_province: str | None) -> int | None:
    """How many communes, wards and towns became this unit in the 2025 merger (None when the
    register does not know it): what the unit's figure as of 2025 gathers."""
    return _predecessors().get((words(merged_into), words(merged_province or "")))


@lru_cache(maxsize=1)
def _predecessors() -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for new_unit, new_province in _mergers().values():
        key = (words(new_unit), words(new_province))
        counts[key] = counts.get(key, 0) + 1
    return counts


def unit_2025(name: str, level: str | None, province: str | None) -> tuple[str, str] | None:
    """The 2025 unit a unit is itself, when the register has a commune-level unit of this level and
    name in this province after the merger: (its name as the merger writes it, as `merged_unit`
    gives, its province). A report that names such a unit without a district is that unit's own
    report of a year after the merger. None otherwise."""
    if not (level in COMMUNE and province):
        return None
    return _units_2025().get((level, words(name), words(province)))


@lru_cache(maxsize=1)
def _units_2025() -> dict[tuple[str, str, str], tuple[str, str]]:
    out = {}
    for new_unit, new_province in _mergers().values():
        level, name = split_level(new_unit)
        out[(level, words(name), words(new_province))] = (new_unit, new_province)
    return out


def province_commune_count(province: str, after_2025: bool = False) -> int | None:
    """How many communes, wards and towns a province had before the 2025 merger, or (`after_2025`)
    how many of them became units of this province after it (None when the register does not know
    the province): what a province's figure gathers, counted like a district's (`commune_count`)."""
    return _communes_per_province(after_2025).get(words(province))


@lru_cache(maxsize=2)
def _communes_per_province(after_2025: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (level, _name, _district, province), (_unit, new_province) in _mergers().items():
        if level not in COMMUNE:  # the mapping's rows of a whole district (no commune named)
            continue
        key = words(new_province) if after_2025 else province
        counts[key] = counts.get(key, 0) + 1
    return counts


def tier(level: str | None, name: str, district: str | None, province: str | None) -> str | None:
    """'commune', 'district' or 'province' for a unit's level (a thành phố with no district of its
    own, or one named as its province, is a province); None for a level the register lacks."""
    if not level:
        return None
    if level in COMMUNE:
        return "commune"
    if level == "tỉnh" or (level == "thành phố" and not district and (not province or
                                                                     words(province) == words(name))):
        return "province"
    return "district" if level in DISTRICT else None


def merged_unit(name: str | None, level: str | None, district: str | None,
                province: str | None) -> tuple[str, str] | None:
    """The commune-level unit a commune, ward or town became in the 2025 merger, with its province.

    Districts were abolished then, so only communes have an answer; None when unknown.
    """
    if not (name and level and district and province):
        return None
    return _mergers().get((level, words(name), words(district), words(province)))


__all__ = ["LEVELS", "COMMUNE", "DISTRICT", "PROVINCE", "candidates", "is_known", "spelling", "province_name",
           "is_province_level", "lookup", "renamed_province", "places", "merged_unit",
           "predecessor_count", "tier", "unit_2025",
           "province_commune_count", "split_level", "units"]
