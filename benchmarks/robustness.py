"""Robustness harness: the dev corpus under metamorphic transforms, scored beside the plain run.

Usage: python benchmarks/robustness.py [GOLD_DIR] [--only T1,T2] [--formats docx,pdf,txt] [--keep DIR]

Every document is read once; each transform then changes a copy of the read document (or, for
the encoding transforms, re-writes a .txt file's bytes and reads it again) and the copy goes
through the whole extraction. The output of each transform is scored with ../shared/eval/score.py
against the same gold, except where a transform makes a value truly unsettleable — the harness
then says which field of which document it dropped from the gold and why:

  letterhead removed   the document's number and issue date live in the letterhead; the unit
                       fields are dropped only when the body never names the unit.
  no diacritics        the document number is compared as the text now writes it (Đ → D).
  unit suffix          the unit becomes "<name> A"; district/province stay only if the text
                       names them (the register no longer knows the unit).

The sentence transform rewrites every table row into sentences from what the plain run read in
it (the label as printed and the raw value), so it measures reading sentences, not the tables.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor import register  # noqa: E402
from extractor.extract import extract_document, format_of  # noqa: E402
from extractor.model import Document, Paragraph, Table  # noqa: E402
from extractor.normalize import fold, words  # noqa: E402
from extractor.patterns import default_catalogue  # noqa: E402
from extractor.readers import read_document  # noqa: E402

META = ["report_type", "unit_name", "unit_level", "district", "province", "year", "period", "issued_date",
        "doc_number"]


# ---- text transforms ------------------------------------------------------------------------
def _seed(text: str) -> int:
    return int(hashlib.md5(text.encode()).hexdigest()[:8], 16)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


_T = "\u0300\u0301\u0303\u0309\u0323"
_NEW_TO_OLD = [
    (re.compile(f"([oO])([{_T}])([aAeE])(?![\\w\u0300-\u036f])"), r"\1\3\2"),  # hòa → hoà, khỏe → khoẻ
    (re.compile(f"([uU])([{_T}])([yY])(?![\\w\u0300-\u036f])"), r"\1\3\2"),  # thủy → thuỷ
    (re.compile(f"([qQ])([uU])([yYaAeEiI])([{_T}])"), r"\1\2\4\3"),  # quý → qúy
]


def old_tone(text: str) -> str:
    """The other tone placement: hòa → hoà, thủy → thuỷ, quý → qúy (as older typists write)."""
    text = unicodedata.normalize("NFD", text)
    for pattern, repl in _NEW_TO_OLD:
        text = pattern.sub(repl, text)
    return unicodedata.normalize("NFC", text)


def invisible(text: str) -> str:
    """Non-breaking spaces between words, zero-width and soft-hyphen characters inside words."""
    rnd = _seed(text)
    out = []
    for i, ch in enumerate(text):
        r = (rnd + i * 2654435761) % 97
        if ch == " " and r < 30:
            out.append("\u00a0")
        elif ch.isalpha() and i + 1 < len(text) and text[i + 1].isalpha() and r < 12:
            out.append(ch + ("\u200b", "\u00ad", "\u200d", "\u2060")[r % 4])
        else:
            out.append(ch)
    return "".join(out)


def no_diacritics(text: str) -> str:
    out = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in out if unicodedata.category(ch) != "Mn")


_COLON_VALUE = re.compile(
    r"\s*:\s*(?=(?:\d|Đạt|Chưa|Không|không)[^:]{0,40}$)|\s*:\s*(?=\d[\d.,]*\s*(?:%|người|lớp|lượt|bài|tin|tờ|cuốn|cái)?\s*(?:[;.]|$))")


def colon_la(text: str) -> str:
    """"label: value" → "label là value" (percentages and statuses: "đạt")."""
    if re.match(r"^\s*(số|so)\s*:", text, re.IGNORECASE) or "/" in text.split(":")[-1][:12]:
        return text

    def connector(m: re.Match) -> str:
        rest = text[m.end():m.end() + 20]
        return " đạt " if re.match(r"[\d.,]+\s*%|Đạt|Chưa", rest) else " là "
    return _COLON_VALUE.sub(connector, text)


def map_text(fn: Callable[[str], str]) -> Callable[[Document], Document]:
    def apply(document: Document) -> Document:
        doc = copy.deepcopy(document)
        for block in doc.blocks:
            if isinstance(block, Paragraph):
                block.text = fn(block.text)
            else:
                for row in block.rows:
                    for cell in row.cells:
                        for line in cell.lines:
                            line.text = fn(line.text)
        return doc
    return apply


# ---- structural transforms ----------------------------------------------------------------
def _title_index(doc: Document) -> int | None:
    for i, block in enumerate(doc.blocks):
        key = fold(block.text).strip() if isinstance(block, Paragraph) else ""
        if re.match(r"^(bao cao|ke hoach|cong van|v/v)\b", key) or key.endswith(" bao cao"):
            return i
    return None


def no_letterhead(document: Document) -> Document:
    """Drop everything above the title (letterhead table, issuer lines, number, place and date)."""
    doc = copy.deepcopy(document)
    start = _title_index(doc)
    if start is None:
        start = next((i + 1 for i, b in enumerate(doc.blocks[:4]) if isinstance(b, Table)
                      and "cong hoa" in fold(b.rows[0].cells[-1].text if b.rows else "")), 0)
    doc.blocks = doc.blocks[start:]
    return doc


def unit_suffix(document: Document, gold: dict) -> Document:
    """Give the unit a trailing letter as many real names have (Tân Phú → Tân Phú A), everywhere."""
    doc = copy.deepcopy(document)
    name = gold["document"].get("unit_name")
    if not name:
        return doc
    pattern = re.compile(r"(?<!\w)(" + r"\s+".join(re.escape(w) for w in name.split()) + r")(?!\w)",
                         re.IGNORECASE)

    def sub(text: str) -> str:
        return pattern.sub(lambda m: m.group(1) + (" A"), text)
    return map_text(sub)(doc)


_COUNTED = re.compile(r"^(?:số lượng|số)\s+(lớp|lượt|người|bài|tin|tờ|cuốn|cái|buổi|lần|cuộc|cơ sở|đơn "
                      r"vị|cá nhân|tập thể|hoạt động|sách)\b(.*)$", re.IGNORECASE)
_VERBS = ["đã tổ chức", "tổ chức được", "có", "thực hiện", "đã có"]


def _sentence(label: str, raw: str, follows: bool, salt: int) -> str:
    """One label and its value as a clause, in one of several ways Vietnamese reports write it."""
    label = re.sub(r"^[\s\-+*•·●○◦▪■□➢➤►✓–—]+", "", label).strip().rstrip(":：.; ")
    counted = _COUNTED.match(label)
    number = re.match(r"^\s*([\d.,]+)\s*(?:người|lớp|lượt|bài|tin|tờ|cuốn|cái)?\s*$", raw)
    if counted and number and salt % 3:
        noun_phrase = (counted.group(1) + counted.group(2)).strip()
        verb = ("thu hút" if follows and salt % 2 else "với") if follows else _VERBS[salt % len(_VERBS)]
        return f"{verb} {number.group(1)} {noun_phrase}"
    if re.search(r"%|đạt", raw, re.IGNORECASE) or re.match(r"^(Đạt|Chưa)", raw):
        return f"{label} đạt {raw}"
    return f"{label} là {raw}" if salt % 2 else f"{label} {raw}"


def sentences(document: Document, plain: dict) -> Document:
    """Every table row with values becomes one paragraph of sentences built from the plain run."""
    doc = copy.deepcopy(document)
    by_row: dict[str, list[dict]] = {}
    for obs in plain["indicators"]:
        where = obs["location"]
        row = re.match(r"^(table \d+, row \d+)", where)
        if row:
            by_row.setdefault(row.group(1), []).append(obs)
    out: list = []
    for block in doc.blocks:
        if not isinstance(block, Table) or not any(r.location in by_row for r in block.rows):
            out.append(block)
            continue
        for row in block.rows:
            found = by_row.get(row.location)
            if not found:
                if any(c.text.strip() for c in row.cells):
                    out.append(Table([row], block.location, block.page))
                continue
            heading = _row_heading(row, found)
            if heading:
                out.append(Paragraph(heading, row.location + " heading"))
            out.append(Paragraph(_row_sentence(found), row.location))
    doc.blocks = out
    return doc


def _row_heading(row, found: list[dict]) -> str | None:
    """The row's first label line when it names a group rather than an indicator of its own."""
    label_cell = max(row.cells, key=lambda c: len(c.text))
    first = next((ln.text for ln in label_cell.lines if ln.text.strip()), "")
    if any(words(first) and words(first) in words(o["label"]) for o in found):
        return None
    return first.strip() or None


def _row_sentence(found: list[dict]) -> str:
    targets = {o["code"]: o for o in found if o["kind"] == "target"}
    clauses, previous = [], None
    actuals = {o["code"] for o in found if o["kind"] == "actual"}
    for obs in found:
        if obs["kind"] == "target" and obs["code"] not in actuals:
            label = re.sub(r"^[\s\-+*•·]+", "", obs["label"]).rstrip(":. ")
            clauses.append(f"Chỉ tiêu {label} theo kế hoạch là {obs['raw_value']}")
            continue
        if obs["kind"] == "target":
            continue
        if obs["code"] in targets:
            label = re.sub(r"^[\s\-+*•·]+", "", obs["label"]).rstrip(":. ")
            clauses.append(f"Chỉ tiêu {label} theo kế hoạch là {targets[obs['code']]['raw_value']}, "
                           f"kết quả thực hiện đạt {obs['raw_value']}")
            continue
        follows = previous is not None and obs["code"].endswith(".so_luot") and previous.endswith(".so_lop")
        raw = obs["raw_value"]
        if obs["unit"] == "%" and "%" not in raw and not re.match(r"^(Đạt|Chưa)", raw):
            raw += "%"  # the value came from a "Tỉ lệ (%)" column: the sentence must say it
        clauses.append(_sentence(obs["label"], raw, follows, _seed(obs["label"])))
        previous = obs["code"]
    text = ""
    for clause in clauses:
        if not text:
            text = clause[:1].upper() + clause[1:]
        elif clause.startswith(("với", "thu hút")):
            text += ", " + clause
        else:
            text += "; " + clause
    return text + "."


# ---- encodings (.txt files only: the bytes change, the reader must undo it) ----------------
def _cp1258(text: str) -> bytes:
    """cp1258 keeps â ê ô ơ ư ă đ precomposed and writes the tone as a combining mark after them."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for cluster in re.findall(r".[\u0300-\u036f]*", unicodedata.normalize("NFD", text), re.DOTALL):
        marks = cluster[1:]
        base = unicodedata.normalize("NFC", cluster[0] + "".join(m for m in marks if m not in tones))
        out.append(base + "".join(m for m in marks if m in tones))
    return "".join(out).encode("cp1258", errors="replace")


ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf16_bom": lambda t: t.encode("utf-16"),
    "utf16le_nobom": lambda t: t.encode("utf-16-le"),
    "utf16be_nobom": lambda t: t.encode("utf-16-be"),
    "utf8_bom": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "cp1258": _cp1258,
}

TEXT_TRANSFORMS = {"nfd": nfd, "old_tone": old_tone, "invisible": invisible, "no_diacritics": no_diacritics,
                   "colon_la": colon_la}
ALL = ["none", *TEXT_TRANSFORMS, "no_letterhead", "unit_suffix", "sentences", "encodings"]


# ---- gold adjustments -------------------------------------------------------------------------
def adjust_gold(name: str, gold: dict, doc: Document) -> tuple[dict, list[str]]:
    """The gold a transformed document can still be held to, and what was dropped and why."""
    gold = copy.deepcopy(gold)
    meta, notes = gold["document"], []
    text = words(doc.full_text())
    if name == "no_letterhead":
        folded = fold(doc.full_text())
        if meta.get("doc_number") and words(meta["doc_number"]) not in text:
            meta["doc_number"] = None
            notes.append("doc_number: was in the letterhead")
        if meta.get("issued_date"):
            year, month, day = (int(x) for x in meta["issued_date"].split("-"))
            if not re.search(rf"ngay 0?{day} thang 0?{month} nam {year}", folded):
                meta["issued_date"] = None
                notes.append("issued_date: was in the letterhead")
        unit = meta.get("unit_name")
        if unit and f" {words(unit)} " not in f" {text} ":
            for f in ("unit_name", "unit_level", "district", "province"):
                meta[f] = None
            notes.append("unit: the body never names it")
    if name == "no_diacritics" and meta.get("doc_number"):
        meta["doc_number"] = no_diacritics(meta["doc_number"])
    if name == "no_diacritics" and meta.get("unit_name") and not register.spelling(
        meta["unit_name"], meta["unit_level"]):
        parent = meta.get("district") or meta.get("province")
        if not parent or f" {words(parent)} " not in f" {text} ":
            meta["unit_name"] = meta["unit_level"] = None
            notes.append("unit: the register spells the name in several ways and no parent is named")
    if name == "unit_suffix" and meta.get("unit_name"):
        lines = [ln for b in doc.blocks[: _title_index(doc) or 12]
                 for ln in (b.text.split("\n") if isinstance(b, Paragraph) else
                            [ln.text for c in (b.rows[0].cells if b.rows else []) for ln in c.lines])]
        if not any((meta["unit_name"] + " A").upper() in ln for ln in lines):  # in the letterhead's capitals
            notes.append("unit_name: wrapped over two lines in the letterhead, left without the suffix")
            return gold, notes
        if meta.get("district") and words(meta["district"]) == words(meta["unit_name"]):
            meta["district"] += " A"  # a town named like its district: the transform renamed both
            if not re.search(rf"\b(huyen|quan|thi xa|thanh pho) {words(meta['district'])}\b", text):
                meta["district"] = None
                notes.append("district: renamed with the unit, and only the register knew it")
        meta["unit_name"] += " A"
        for f in ("district", "province"):
            if meta.get(f) and f" {words(meta[f])} " not in f" {text} ":
                meta[f] = None
                notes.append(f"{f}: only the register knew it")
    return gold, notes


# ---- running ------------------------------------------------------------------------------------
def contract(path: Path, document: Document) -> dict:
    result = extract_document(document, default_catalogue())
    return {"source": {"path": str(path), "format": format_of(document)}, **result}


def _read(path: str) -> tuple[str, Document | None, str]:
    try:
        return path, read_document(path), ""
    except Exception as exc:  # the harness reports unreadable files, it does not stop
        return path, None, str(exc)


def _run_one(args: tuple[str, str, Document, dict]) -> tuple[str, list[tuple[dict, dict, list[str]]]]:
    """All transforms asked for, on one document: (output, adjusted gold, notes) per transform."""
    name, path, document, gold = args
    plain = contract(Path(path), copy.deepcopy(document))
    if name == "none":
        return name, [(plain, gold, [])]
    if name == "encodings":
        if Path(path).suffix.lower() != ".txt":
            return name, []
        from extractor.readers.txt_reader import decode  # the original bytes, as the reader decodes them

        text, _ = decode(Path(path).read_bytes())
        out = []
        for label, encode in ENCODINGS.items():
            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) / Path(path).name
                target.write_bytes(encode(text))
                try:
                    result = contract(Path(path), read_document(target))
                except Exception as exc:  # scored as a document with no output: every value missed
                    result = {"source": {"path": str(path)}, "document": {}, "indicators": [],
                              "activities": [], "error": str(exc)}
                result["source"]["encoding"] = label
                out.append((result, gold, []))
        return name, out
    if name in TEXT_TRANSFORMS:
        doc = map_text(TEXT_TRANSFORMS[name])(document)
    elif name == "no_letterhead":
        doc = no_letterhead(document)
    elif name == "unit_suffix":
        doc = unit_suffix(document, gold)
    elif name == "sentences":
        doc = sentences(document, plain)
    else:
        raise SystemExit(f"unknown transform {name}")
    adjusted, notes = adjust_gold(name, gold, doc)
    return name, [(contract(Path(path), doc), adjusted, notes)]


def score(gold_root: Path, rows: list[tuple[dict, dict, list[str]]], keep: Path | None, name: str) -> dict:
    """Score one transform's output with the shared scorer (gold written beside it when adjusted)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(keep / name) if keep else Path(tmp)
        (tmp_path / "gold").mkdir(parents=True, exist_ok=True)
        with (tmp_path / "out.jsonl").open("w", encoding="utf-8") as fh:
            for k, (out, gold, _) in enumerate(rows):
                stem = f"{k:04d}_{Path(out['source']['path']).name}"
                out = dict(out, source=dict(out["source"], path=stem))
                gold = dict(gold, file=stem)
                (tmp_path / "gold" / f"{stem}.gold.json").write_text(
                    json.dumps(gold, ensure_ascii=False), "utf-8")
                fh.write(json.dumps(out, ensure_ascii=False) + "\n")
        scorer = gold_root.parent.parent / "eval" / "score.py"
        done = subprocess.run([sys.executable, str(scorer), str(tmp_path / "gold"),
                               str(tmp_path / "out.jsonl"), "--json"], capture_output=True, text=True,
                              check=True)
        return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gold_dir", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "dev"))
    parser.add_argument("--only", help="comma-separated transforms (default: all)")
    parser.add_argument("--formats", help="comma-separated formats to include (default: all)")
    parser.add_argument("--keep", help="keep each transform's output and gold in this folder")
    parser.add_argument("--notes", action="store_true", help="list every gold field the harness dropped")
    args = parser.parse_args()
    gold_root = Path(args.gold_dir)
    golds = {p.name[: -len(".gold.json")]: json.loads(p.read_text("utf-8"))
             for p in gold_root.glob("*.gold.json")}
    formats = set(args.formats.split(",")) if args.formats else None
    paths = sorted(str(gold_root / g["file"]) for g in golds.values()
                   if not formats or g.get("format", Path(g["file"]).suffix.lstrip(".")) in formats)
    names = args.only.split(",") if args.only else ALL
    workers = max(1, min(2, os.cpu_count() or 1))
    with ProcessPoolExecutor(workers) as pool:
        read = list(pool.map(_read, paths))
        docs = [(p, d) for p, d, err in read if d is not None]
        for p, _, err in read:
            if err:
                print(f"unreadable: {p}: {err}", file=sys.stderr)
        results: dict[str, list] = {n: [] for n in names}
        jobs = [(n, p, d, golds[Path(p).name.rsplit(".", 1)[0]]) for n in names for p, d in docs]
        for name, rows in pool.map(_run_one, jobs, chunksize=4):
            results[name] += rows
    keep = Path(args.keep) if args.keep else None
    print(f"{'transform':<15} {'docs':>4}  {'P':>6} {'R':>6} {'F1':>6}  {'act F1':>6}  " +
          " ".join(f"{f[:8]:>8}" for f in META))
    for name in names:
        rows = results[name]
        if not rows:
            continue
        summary = score(gold_root, rows, keep, name)
        ind, act = summary["indicators"], summary["activities"]
        print(f"{name:<15} {summary['documents']:>4}  {ind['precision']:.4f} {ind['recall']:.4f} "
              f"{ind['f1']:.4f}  "
              f"{act['f1']:.4f}  " + " ".join(f"{summary['metadata'][f]:>8.3f}" for f in META))
        dropped = [(Path(out["source"]["path"]).name, n) for out, _, notes in rows for n in notes]
        if dropped:
            print(f"{'':<15} gold adjusted: {len(dropped)} fields"
                  + "".join(f"\n{'':<17}{f}: {n}" for f, n in dropped) if args.notes else
                  f"{'':<15} gold adjusted: {len(dropped)} fields "
                  f"({', '.join(sorted({n.split(':')[0] for _, n in dropped}))})")


if __name__ == "__main__":
    main()
