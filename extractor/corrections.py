"""The archivist's loop: the review queue, and corrections that survive re-extraction.

A correction is keyed by the document's content (sha256) and the indicator code and kind (or
the review item's key), never by row ids: re-extracting, re-importing the same files, or a new
version of the extractor leaves it in force. The raw extraction is never overwritten; the
researcher's views apply corrections (see db/migrations/0003). Corrections travel between
databases as JSON lines (`export_corrections` / `import_corrections`).

Each correction has its own id (`uid`) and a time to the microsecond that is never earlier than
the database's previous correction (db/migrations/0005): the latest decision on a thing is the
one in force, in the database it was made in and in every one it is carried to, however many
decisions fall within one second.

Every function takes an open read-write connection and raises CorrectionError with a one-line
reason for anything that cannot be done as asked.
"""

from __future__ import annotations

import fnmatch
import json
import re
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from extractor import i18n, store
from extractor.checks import results as check_results
from extractor.i18n import _, category_code, category_name, ngettext
from extractor.normalize import canonical, words
from extractor.pairing import propose
from extractor.review import CATEGORIES
from extractor.values import Parsed, parse_value

SCHEMA = "xhht-corrections"
SCHEMA_VERSION = 2  # 2: each correction carries its uid, and its time to the microsecond
READABLE_VERSIONS = (1, 2)


class CorrectionError(Exception):
    """What was asked cannot be done; str() says why in one line."""


class WouldReplace(CorrectionError):
    """A review decision would replace a different value already in force for that indicator; it
    is recorded only when the person says so (`replace=True`: `--replace`, or the web's choice).
    Besides the command line's message it carries the facts, for a page to say it its own way."""

    def __init__(self, message: str, code: str, kind: str, stored, source: str, new) -> None:
        super().__init__(message)
        self.code, self.kind, self.stored, self.source, self.new = code, kind, stored, source, new


# ---- the queue ------------------------------------------------------------------------------
def list_items(conn: sqlite3.Connection, kind: str | None = None, unit: str | None = None,
               year: int | None = None, path: str | None = None, open_only: bool = True) -> list[dict]:
    """Review items of current documents, open ones only unless `open_only` is False.

    `kind` is a category (see review.CATEGORIES); `unit` matches the unit's name without
    diacritics; `path` is a glob on the document's path.
    """
    if kind:
        given, kind = kind, category_code(kind)
        if kind not in CATEGORIES:
            raise CorrectionError(_("unknown review kind '{kind}'; one of: {kinds}").format(
                kind=given, kinds=", ".join(f"{code} ({category_name(code)})" for code in CATEGORIES)))
    sql, args = "SELECT * FROM review_queue WHERE 1 = 1", []
    if kind:
        sql += " AND category = ?"
        args.append(kind)
    if year is not None:
        sql += " AND year = ?"
        args.append(year)
    if open_only:
        sql += " AND status = 'open'"
    rows = [_item(conn, row) for row in conn.execute(sql + " ORDER BY id", args).fetchall()]
    if unit:
        rows = [r for r in rows if r["unit_name"] and words(unit) in words(r["unit_name"])]
    if path:
        rows = [r for r in rows if r["path"] and (fnmatch.fnmatch(r["path"], path)
                                                  or fnmatch.fnmatch(Path(r["path"]).name, path))]
    return rows


def get_item(conn: sqlite3.Connection, item_id: int) -> dict:
    """One review item with everything a person needs: context, suggestion, candidates, status."""
    row = conn.execute("SELECT * FROM review_queue WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise CorrectionError(_("no review item with id {id} (see `xhht review "
                                "list --all`)").format(id=item_id))
    return _item(conn, row)


def crop_of(conn: sqlite3.Connection, item_id: int) -> bytes | None:
    """The PNG crop of a scanned item's region, if it has one."""
    row = conn.execute("SELECT crop FROM review_items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise CorrectionError(_("no review item with id {id}").format(id=item_id))
    return row[0]


def _item(conn: sqlite3.Connection, row: sqlite3.Row) -> dict:
    extra = conn.execute("SELECT context, candidates, details, page, box, crop IS NOT NULL AS has_crop "
                         "FROM review_items WHERE id = ?", (row["id"],)).fetchone()
    item = canonical({k: row[k] for k in ("id", "status", "category", "kind", "reason", "path", "sha256",
                                          "document_id", "unit_name", "year", "report_type", "label",
                                          "raw_value", "location")})
    item["suggestion"] = json.loads(row["suggestion"]) if row["suggestion"] else None
    item["context"] = canonical(json.loads(extra["context"])) if extra[
        "context"] else {}  # NFC, whatever was stored
    item["candidates"] = json.loads(extra["candidates"]) if extra["candidates"] else []
    item["details"] = json.loads(extra["details"]) if extra["details"] else {}
    item["page"], item["box"] = extra["page"], json.loads(extra["box"]) if extra["box"] else None
    item["has_crop"] = bool(extra["has_crop"])
    item["key"] = row["item_key"]
    if row["correction_id"]:
        item["resolution"] = store.correction(conn, row["correction_id"])
    return item


# ---- resolving an item ----------------------------------------------------------------------------
@dataclass
class Who:
    """Who resolves, and why: kept with every correction."""

    by: str
    note: str | None = None


def accept(conn: sqlite3.Connection, item_id: int, who: Who, replace: bool = False) -> dict:
    """Take the extractor's suggestion for this item (over another value of that indicator only
    with `replace`)."""
    item = get_item(conn, item_id)
    suggestion = item["suggestion"]
    if not suggestion or suggestion.get("value") is None:
        hint = _("pick a candidate (`review pick`)") if item["candidates"] else _(
            "say what it is (`review set`)")
        raise CorrectionError(_("review item {id} has no suggested "
                                "value; {hint}").format(id=item_id, hint=hint))
    replace = replace or check_results.replaces_named_figure(  # the repair names the figure it replaces
        item, in_force(conn, item["sha256"], suggestion["code"], suggestion["kind"]))
    return _record_value(conn, item, suggestion["code"], suggestion["kind"], suggestion["value"], who,
                         replace,
                         force=True)  # the extractor's own suggestion, from this document's catalogue


def set_value(conn: sqlite3.Connection, item_id: int, raw: str, who: Who, code: str | None = None,
              kind: str | None = None, replace: bool = False, force: bool = False) -> dict:
    """Say what the item's value is: `raw` is read as the indicator's type (count, percent, status).
    Over another value of that indicator only with `replace`; a code of another report type than
    the document's only with `force`."""
    item = get_item(conn, item_id)
    code = code or (item["suggestion"] or {}).get("code")
    if not code:
        raise CorrectionError(_("review item {id} has no suggested indicator; give one "
                                "with --code").format(id=item_id))
    value = parse_for(conn, code, raw, kind)
    return _record_value(conn, item, code, kind or (item["suggestion"] or {}).get("kind") or "actual", value,
                         who, replace, force)


def reject(conn: sqlite3.Connection, item_id: int, who: Who) -> dict:
    """Nothing to record for this item: it is closed and stays closed across re-extractions."""
    item = get_item(conn, item_id)
    done = _insert(conn, item["sha256"], {"target": "review", "action": "reject", "item_key": item["key"]},
                   who)
    check_results.accept_as_printed(conn, item["document_id"], item[
        "key"])  # an inconsistent item: as printed
    return done


def pick(conn: sqlite3.Connection, item_id: int, number: int, who: Who, replace: bool = False) -> dict:
    """Choose candidate `number` (1-based): a unit of an ambiguous name, or one reading of a conflict
    (over another value of that indicator only with `replace`)."""
    item = get_item(conn, item_id)
    candidates = item["candidates"]
    if not candidates:
        raise CorrectionError(_("review item {id} has no candidates to pick from").format(id=item_id))
    if not 1 <= number <= len(candidates):
        raise CorrectionError(_("review item {id} has candidates 1 to {last}, not {number}").format(
            id=item_id, last=len(candidates), number=number))
    chosen = candidates[number - 1]
    if "code" in chosen:  # the extractor's own reading, from this document's catalogue
        return _record_value(conn, item, chosen["code"], chosen["kind"], chosen["value"], who, replace,
                             force=True)
    unit = {k: chosen.get(k) for k in ("unit_name", "unit_level", "district", "province")}
    with store.transaction(conn):
        doc_id = _document_of(conn, item["sha256"])
        old = store.set_document_unit(conn, doc_id, unit)
        check_results.recheck_document(conn, doc_id)  # its figures now count for another unit
        return _insert(conn, item["sha256"], {"target": "unit", "action": "pick", "unit": unit,
                                              "old_value": old, "item_key": item["key"]}, who,
                       in_transaction=True)


def cell_pairing(conn: sqlite3.Connection, item_id: int) -> dict:
    """An ambiguous cell's labels (with the code each matched), its values, and the likeliest
    pairing (for each label, the 1-based number of its value, or None), for a person to confirm."""
    item = get_item(conn, item_id)
    details = item["details"]
    if item["category"] != "ambiguous_cell" or not details.get("labels") or "codes" not in details:
        raise CorrectionError(_("review item {id} is not a cell of several labels and values to pair").format(
            id=item_id))
    types = [(_indicator(conn, code)["value_type"] if code else None) for code in details["codes"]]
    proposed = propose(details["labels"], details["values"], types)
    return {"item": item, "labels": details["labels"], "values": details["values"], "codes": details["codes"],
            "proposed": [None if k is None else k + 1 for k in proposed]}


def pair(conn: sqlite3.Connection, item_id: int, chosen: dict[int, int | None], who: Who,
         replace: bool = False) -> list[dict]:
    """Settle an ambiguous cell in one step: label N (1-based) takes value `chosen[N]` (1-based;
    None: no value), the labels not named take the likeliest pairing. Every value is read and
    checked before any is recorded; each is a correction of its label's indicator (over another
    value of it only with `replace`), and the item is closed as picked."""
    found = cell_pairing(conn, item_id)
    item, labels, values, codes = found["item"], found["labels"], found["values"], found["codes"]
    for label, number in chosen.items():
        if not 1 <= label <= len(labels) or (number is not None and not 1 <= number <= len(values)):
            raise CorrectionError(_("review item {id} has labels 1 to {labels} and values 1 to {values}, not "
                                    "{label}={value}").format(id=item_id, labels=len(labels),
                                                              values=len(values), label=label, value=number))
    final = {k: chosen.get(k, p) for k, p in enumerate(found["proposed"], 1)}
    taken = [v for v in final.values() if v is not None]
    if len(taken) != len(set(taken)):
        raise CorrectionError(_("review item {id}: a value is given to two labels").format(id=item_id))
    todo = []
    for k, number in final.items():
        if number is None:
            continue
        if not codes[k - 1]:
            raise CorrectionError(_("review item {id}: label {label} matched no indicator; give it no value "
                                    "({label}=-) and record it with `xhht "
                                    "correct`").format(id=item_id, label=k))
        part = {**item, "key": f"{item['key']}#{k}"}  # each label's answer, replaced by a new answer for it
        value = parse_for(conn, codes[k - 1], values[number - 1])
        if not replace:
            _refuse_replacing(conn, part, codes[k - 1], "actual", value)
        todo.append((codes[k - 1], value, part["key"]))
    with store.transaction(conn):
        done = [correct(conn, item["sha256"], code, value, who, item_key=key, parsed=True, force=True)
                for code, value, key in todo]
        _insert(conn, item["sha256"], {"target": "review", "action": "pick", "item_key": item["key"]}, who,
                in_transaction=True)
    return done


def _record_value(conn: sqlite3.Connection, item: dict, code: str, kind: str, value, who: Who, replace: bool,
                  force: bool) -> dict:
    if not replace:
        _refuse_replacing(conn, item, code, kind, value)
    return correct(conn, item["sha256"], code, value, who, kind=kind, item_key=item["key"], parsed=True,
                   force=force)


def _refuse_replacing(conn: sqlite3.Connection, item: dict, code: str, kind: str, value) -> None:
    """A review item is about a value that was not stored (a label not matched, a figure not read,
    two readings): its answer must not silently replace another value of that indicator the
    document already has. Deciding the same item again is not replacing: the new answer wins."""
    current = in_force(conn, item["sha256"], code, kind)
    if current is None or current["value"] == value or (current["item_key"]
                                                        and current["item_key"] == item["key"]):
        return
    raise WouldReplace(_("review item {id}: {code} ({kind}) already holds {value} ({source}); this would "
                         "replace it with {new}: confirm with --replace").format(
        id=item["id"], code=code, kind=i18n.kind_name(kind), value=current["value"], source=current["source"],
        new=store.stored_number(value, None)), code, kind, current["value"], current["source"],
        store.stored_number(value, None))


def in_force(conn: sqlite3.Connection, sha256: str, code: str, kind: str) -> dict | None:
    """The value of one indicator of one document as the views show it: {value, source, item_key},
    or None when it has none (never read, or removed by a correction)."""
    fix = store.value_correction(conn, sha256, code, kind)
    if fix is not None:
        if fix["action"] == "delete":
            return None
        return {"value": store.stored_number(fix["value_num"], fix["value_text"]),
                "source": _("a correction by {by}").format(by=fix["author"]),
                "item_key": fix["item_key"]}
    read = conn.execute("SELECT o.value_num, o.value_text, o.location FROM observations o JOIN documents d "
                        "ON d.id = o.document_id WHERE d.sha256 = ? AND o.code = ? AND o.kind = ?",
                        (sha256, code, kind)).fetchone()
    if read is None:
        return None
    return {"value": store.stored_number(read["value_num"], read["value_text"]),
            "source": _("read at {location}").format(location=i18n.location(read["location"])),
            "item_key": None}


# ---- correcting stored values ------------------------------------------------------------------------
def correct(conn: sqlite3.Connection, sha256: str, code: str, value, who: Who, kind: str = "actual",
            delete: bool = False, item_key: str | None = None, parsed: bool = False,
            force: bool = False) -> dict:
    """Set (or with `delete`, remove) one value of one document; `value` is read as the code's type
    unless `parsed` says it already is a value. A code of another report type than the document's
    is refused unless `force`: the extractor never reads one there, so it is most likely a typo."""
    indicator = _indicator(conn, code)
    if kind not in ("actual", "target"):
        raise CorrectionError(_("kind must be actual or target, not '{kind}'").format(kind=kind))
    if not delete and not parsed:
        value = parse_for(conn, code, str(value), kind)
    with store.transaction(conn):
        doc_id = _document_of(conn, sha256)
        doc_type = conn.execute("SELECT report_type FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
        if not delete and not force and indicator["report_type"] != doc_type:
            raise CorrectionError(_("{code} is an indicator of {type} reports and this document is a "
                                    "{doc_type} report: add --force to record it anyway").format(
                code=code, type=_report_type(indicator["report_type"]), doc_type=_report_type(doc_type)))
        old = conn.execute("SELECT value_num, value_text FROM observations WHERE document_id = ? AND code = "
                           "? AND kind = ?",
                           (doc_id, code, kind)).fetchone()
        if delete and old is None and store.value_correction(conn, sha256, code, kind) is None:
            raise CorrectionError(_("the document has no value of {code} ({kind}) to delete").format(
                code=code, kind=i18n.kind_name(kind)))
        fields = {"target": "value", "action": "delete" if delete else "set", "code": code, "kind": kind,
                  "value": None if delete else value, "item_key": item_key,
                  "old_value": (old[0] if old[0] is not None else old[1]) if old else None}
        out = _insert(conn, sha256, fields, who, in_transaction=True)
        store.refresh_document(conn, doc_id)
        check_results.recheck_document(conn, doc_id,
                                       [code])  # a check it resolves is closed, one it breaks opened
    return out


def parse_for(conn: sqlite3.Connection, code: str, raw: str, kind: str | None = None) -> float | int | str:
    """A value as a person typed it, read the way the extractor reads that indicator's values."""
    indicator = _indicator(conn, code)
    if kind == "target" and indicator["value_type"] != "percent_or_status":
        raise CorrectionError(_("{code} has no target: only Đề án 1373 indicators do").format(code=code))
    parsed = parse_value(raw, indicator["value_type"])
    if not isinstance(parsed, Parsed):
        raise CorrectionError(_("'{raw}' does not read as a value of {code} ({type})").format(
            raw=raw, code=code, type=indicator["value_type"]))
    return parsed.value


def resolve_document(conn: sqlite3.Connection, file_or_sha: str) -> str:
    """The sha256 of a stored document named by its file (path or content) or by (a prefix of) its sha256."""
    part = re.fullmatch(r"(.+)(:p\d+-\d+)", file_or_sha)  # a part of a bound volume: FILE:p6-10
    path = Path(part.group(1) if part and Path(part.group(1)).is_file() else file_or_sha)
    if path.is_file():
        return _file_document(conn, path, file_or_sha, part.group(2) if path != Path(file_or_sha) else "")
    rows = conn.execute("SELECT DISTINCT d.sha256 FROM documents d LEFT JOIN document_paths p ON "
                        "p.document_id = d.id WHERE d.sha256 LIKE ? || '%' OR p.path = ?",
                        (file_or_sha.lower(), file_or_sha)).fetchall()
    if len(rows) == 1:
        return rows[0][0]
    if not rows:
        raise CorrectionError(_("no stored document is the file or sha256 '{file}'").format(file=file_or_sha))
    raise CorrectionError(ngettext("'{file}' names {n} document; give more of the sha256",
                                   "'{file}' names {n} documents; give more of the sha256", len(rows)).format(
        file=file_or_sha, n=len(rows)))


def _file_document(conn: sqlite3.Connection, path: Path, named: str, pages: str) -> str:
    """The identity of the stored document that is the file at `path` (or its part `pages`, ":p6-10")."""
    from extractor.extract import sha256_of

    sha = sha256_of(path)
    stored = store.file_documents(conn, sha) or []
    identities = [conn.execute("SELECT sha256 FROM documents WHERE id = ?", (doc,)).fetchone()[0]
                  for doc in stored]
    parts = sorted((i for i in identities if i[64:66] == ":p"), key=_first_page)
    if pages and parts and sha + pages not in parts:
        raise CorrectionError(_("{file}: pages {pages} are not one of this volume's documents; its parts "
                                "are {parts}").format(file=named, pages=pages[2:],
                                                      parts=", ".join(i[65:] for i in parts)))
    if pages:
        identities = [i for i in identities if i == sha + pages]
    if not identities:
        raise CorrectionError(_("{file}: this file's content is not in the database").format(file=named))
    if len(identities) > 1:
        raise CorrectionError(_("{file} is a bound volume of {n} documents: name one by its pages, "
                                "e.g. {example}").format(file=named, n=len(identities),
                                                         example=f"{named}{identities[0][64:]}"))
    return identities[0]


def _first_page(identity: str) -> int:
    """The first page of a part's identity ("<sha256>:p6-10" → 6)."""
    return int(identity[66:].split("-")[0])


def _indicator(conn: sqlite3.Connection, code: str) -> sqlite3.Row:
    row = conn.execute("SELECT code, value_type, report_type FROM indicators WHERE code = ?",
                       (code,)).fetchone()
    if row is None:
        raise CorrectionError(_("'{code}' is not in the indicator catalogue (see `xhht "
                                "indicators`)").format(code=code))
    return row


def _report_type(code: str) -> str:
    """A report type as the refusal names it: its name and code ("Tuần lễ học tập suốt đời (tuanle)")."""
    return f"{i18n.report_type_name(code)} ({code})" if code in i18n.REPORT_TYPE_NAMES else code


def _document_of(conn: sqlite3.Connection, sha256: str) -> int:
    doc_id = store.document_id(conn, sha256)
    if doc_id is None:
        raise CorrectionError(_("no stored document has sha256 {sha256}").format(sha256=sha256))
    return doc_id


def _insert(conn: sqlite3.Connection, sha256: str, fields: dict, who: Who, in_transaction: bool = False,
            created_at: str | None = None, history: list | None = None, active: bool = True,
            uid: str | None = None) -> dict:
    """Store one correction; an active one retires the ones it replaces (same document and thing,
    or same review item). A new correction is stamped after every one already here (`_stamp`)."""
    row = store.correction_row(sha256, fields, who.by, who.note, uid or uuid.uuid4().hex, created_at, history,
                               active)

    def write() -> int:
        row["created_at"] = row["created_at"] or _stamp(conn)
        return store.insert_correction(conn, row)

    if in_transaction:
        new_id = write()
    else:
        with store.transaction(conn):
            new_id = write()
    return store.correction(conn, new_id)


def _stamp(conn: sqlite3.Connection) -> str:
    """The time of a new correction: now, to the microsecond, and after every correction already
    here, even when the clock went back or an imported correction was made on a clock ahead.
    So a decision made here is always later than those it follows, in every database."""
    stamp = canonical_time(store.now(precise=True))
    latest = store.latest_correction_time(conn)
    if latest and canonical_time(latest) >= stamp:
        stamp = canonical_time((datetime.fromisoformat(canonical_time(latest))
                                + timedelta(microseconds=1)).isoformat())
    return stamp


def canonical_time(text: str) -> str:
    """An ISO 8601 time as stored: UTC to the microsecond (YYYY-MM-DDTHH:MM:SS.ffffff+00:00), so that
    sorting the text sorts the times. A time without a zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise CorrectionError(_("'{text}' is not an ISO 8601 time").format(text=text)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def history(conn: sqlite3.Connection, sha256: str | None = None, active_only: bool = False) -> list[dict]:
    """Corrections in the order they were decided, of one document or of all."""
    return store.correction_history(conn, sha256, active_only)


# ---- carrying corrections between databases --------------------------------------------------------
_PORTABLE = ("uid", "sha256", "target", "action", "code", "kind", "value", "unit", "old_value", "item_key",
             "note", "by", "at", "active", "history")


def export_corrections(conn: sqlite3.Connection) -> Iterator[dict]:
    """A header line, then every correction in the order they were decided (replaced ones too, so
    the history travels, and an import can replay them in order)."""
    yield {"schema": SCHEMA, "version": SCHEMA_VERSION}
    for item in history(conn):
        yield {k: item[k] for k in _PORTABLE}


@dataclass
class ImportReport:
    applied: int = 0  # in force for a document of this database
    already: int = 0  # the same correction (its uid) is here already
    history: int = 0  # kept in the history only: a later decision on the same thing is in force
    waiting: list[str] = field(default_factory=list)  # sha256 of documents not in this database


def import_corrections(conn: sqlite3.Connection, lines: Iterable[str], source: str = "input") -> ImportReport:
    """Apply corrections exported from another database, replaying them in the order they were
    decided: each is in force unless a later decision on the same thing is (here or earlier in the
    file). Only the very same corrections are skipped; those for documents this database does not
    hold are kept, and applied when the document is imported."""
    records = [json.loads(line) for line in lines if line.strip()]
    if not records or records[0].get("schema") != SCHEMA:
        raise CorrectionError(_("{source}: not a corrections file (no '{schema}' header line)").format(
            source=source, schema=SCHEMA))
    if records[0].get("version") not in READABLE_VERSIONS:
        raise CorrectionError(_("{source}: corrections schema version {version}, this database reads "
                                "versions {versions}").format(source=source,
                                                              version=records[0].get("version"),
                                                     versions=", ".join(map(str, READABLE_VERSIONS))))
    report = ImportReport()
    for record in records[1:]:
        record = {**record, "at": canonical_time(record["at"])}
        if _present(conn, record):
            report.already += 1
            continue
        with store.transaction(conn):
            in_force = _replay(conn, record)
            doc_id = store.document_id(conn, record["sha256"])
            if doc_id is None:
                report.waiting.append(record["sha256"])
            elif not in_force:
                report.history += 1
            else:
                if record["target"] == "unit":
                    store.set_document_unit(conn, doc_id, record["unit"])
                store.refresh_document(conn, doc_id)
                check_results.recheck_document(conn, doc_id, [record["code"]] if record["target"] == "value"
                                               else None)
                report.applied += 1
    return report


def _replay(conn: sqlite3.Connection, record: dict) -> bool:
    """Store one exported correction as the decision it was; returns whether it is in force here.

    One replaced where it was made stays in the history. One in force there is in force here
    unless a decision on the same thing made later is in force here (a tie goes to the record:
    the file is replayed in order)."""
    fields = {k: record.get(k) for k in ("target", "action", "code", "kind", "value", "unit", "old_value",
                                         "item_key")}
    events = list(record.get("history") or [])
    active = record.get("active", True)
    if active:
        later = store.later_correction(conn, {**fields, "sha256": record["sha256"]}, record["at"])
        if later:
            active = False
            events.append({"event": "replaced", "at": later, "note": "a later decision was in force where it "
                                                                     "was imported"})
    _insert(conn, record["sha256"], fields, Who(record["by"], record.get("note")), in_transaction=True,
            created_at=record["at"], history=events, active=active, uid=record.get("uid"))
    return active


def _present(conn: sqlite3.Connection, record: dict) -> bool:
    """Whether this exported correction is here already (`store.same_correction_stored`)."""
    fields = {k: record.get(k) for k in ("code", "kind", "value", "unit", "item_key")}
    row = store.correction_row(record["sha256"], {**fields, "target": record["target"],
                                                  "action": record["action"]},
                               record["by"], None, record.get("uid"), record["at"])
    return store.same_correction_stored(conn, row)
