"""Check results kept in the archive (db/migrations/0007): when checks run, what they found, and
the marks the pivot shows.

- A report's identity checks are stored with the document (`store_report_checks`, from the
  extraction's `checks`) and run again on its figures as corrected (`recheck_document`, after a
  correction).
- History and rollup checks run after each import for the (unit, year, code) cells it touched,
  never over the archive (`run`): a unit's cells are its rows of `pivot_rows`, its communes'
  figures of a year one search of `pivot_values` by (unit, year), a district's communes a lookup
  by name; a year is judged against the unit's other years without judging them all again.
  What is still to judge is simply a list of documents
  (`check_pending`, written with each document stored); `xhht check` takes it (after an
  interrupted import), `--all` judges everything (after checks.yaml changed). A correction runs
  the checks of what it corrects as it is made.
- A failing check is an open result with a review item of category `inconsistent`; a result that
  holds again is `ok` (its item leaves the queue, see the view review_queue), one a reviewer
  let stand is `accepted`.

Nothing here imports the store (the store calls in here while saving a document): the few
statements a run needs are its own, in one transaction of its own.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import compress, repeat
from typing import NamedTuple

from extractor.checks.document import check_indicators, flags, message
from extractor.checks.history import Outlier, outliers_of_many
from extractor.checks.rollup import Rollup, rollup_of_sum
from extractor.checks.rules import Check, Term
from extractor.i18n import gettext, language
from extractor.normalize import words
from extractor.patterns import Catalogue, default_catalogue
from extractor.query import pivot_series
from extractor.register import commune_count, tier
from extractor.review import plain_review_items

IDENTITY = ("sum", "ratio", "ordering", "range")

# The statements a run repeats per document, unit or cell; each reads by index (tests/test_check_results.py
# asks SQLite for their plans with the example arguments beside them).
UNIT_CELLS = "SELECT code, years, kinds, nums, texts, documents FROM pivot_rows WHERE unit_id = ?"
CHILD_SUMS = ("SELECT code, kind, count(*), total(value_num) FROM pivot_values WHERE unit_id IN ({marks}) "
              "AND year = ? AND value_num IS NOT NULL GROUP BY code, kind")
CHILD_VALUES = ("SELECT unit_id, value_num, document_id FROM pivot_values WHERE unit_id IN ({marks}) "
                "AND code = ? AND year = ? AND kind = ? AND value_num IS NOT NULL")
OWN_FIGURES = ("SELECT code, kind, value_num, document_id FROM pivot_values WHERE unit_id = ? AND year = ? "
               "AND value_num IS NOT NULL")
UNIT_ROW = "SELECT level, name, district, province FROM units WHERE id = ?"
UNITS_NAMED = "SELECT id, level, name, district, province FROM units WHERE name = ?"
UNITS_IN = {"district": "SELECT id, level, name, district, province FROM units WHERE district = ?",
            "province": "SELECT id, level, name, district, province FROM units WHERE province = ?"}
OPEN_OF_UNIT = ("SELECT id, check_id, subject, status, seen, item_key FROM check_results "
                "WHERE unit_id = ? AND check_id = ? AND status != 'ok'")
OF_DOCUMENT = ("SELECT id, check_id, subject, status, seen, item_key FROM check_results "
               "WHERE document_id = ? AND subject LIKE 'doc:%'")
BY_SUBJECT = ("SELECT id, check_id, subject, status, seen, item_key FROM check_results "
              "WHERE check_id = ? AND subject = ?")
ITEM_EXISTS = "SELECT 1 FROM review_items WHERE document_id = ? AND item_key = ?"
FIGURE = ("SELECT raw_label, raw_value, location FROM observations "
          "WHERE document_id = ? AND code = ? AND kind = ?")
FIGURES = ("SELECT code, kind, value_num, value_text, raw_value, location, raw_label FROM "
           "effective_observations WHERE document_id = ? ORDER BY observation_id IS NULL, observation_id")
SUPERSEDED = "SELECT id FROM documents WHERE superseded_by = ?"
CODES_OF = "SELECT code FROM observations WHERE document_id IN ({marks})"
FLAGGED = ("SELECT k.unit_id, k.year, k.kind, k.document_id AS cell_document, c.*, (SELECT r.id FROM "
           "review_items r WHERE r.document_id = c.document_id AND r.item_key = c.item_key ORDER BY r.id "
           "LIMIT 1) AS item_id FROM check_cells k JOIN check_results c ON c.id = k.result_id WHERE k.code = "
           "? AND c.status = 'open'")
# The figures every current document gives for one indicator, corrections in force applied (as
# effective_observations does, db/migrations/0003, without materialising the whole archive). The
# cell's documents first (CROSS JOIN keeps that order): led by the indicator instead, SQLite read
# every observation of it in the archive for each cell.
CELL_FIGURES = (
    "SELECT o.kind, CASE WHEN c.id IS NULL THEN coalesce(o.value_num, o.value_text) "
    "ELSE coalesce(c.value_num, c.value_text) END"
    " FROM documents d CROSS JOIN observations o ON o.document_id = d.id AND o.code = ?"
    " LEFT JOIN corrections c ON c.active = 1 AND c.target = 'value' AND c.sha256 = d.sha256"
    "  AND c.code = o.code AND c.kind = o.kind"
    " WHERE d.unit_id = ? AND d.year = ? AND d.superseded_by IS NULL"
    "  AND (c.action IS NULL OR c.action != 'delete')")
# Only a unit and year with several current documents of the indicator's report type can disagree:
# found from the documents alone, so a compare reads no observations in an archive without copies,
# and of the units it shows only (by their (unit, year) index: one province of a national archive
# reads that province's documents).
SHARED_YEARS = ("SELECT unit_id, year FROM documents WHERE unit_id IN (SELECT value FROM json_each(?))"
                " AND +superseded_by IS NULL AND year IS NOT NULL"  # + : not by its (superseded) index
                " AND report_type = (SELECT report_type FROM indicators WHERE code = ?)"
                " GROUP BY unit_id, year HAVING COUNT(*) > 1")
QUERIES = {
    "unit cells": (UNIT_CELLS, (1,)),
    "children's sums": (CHILD_SUMS.format(marks="?,?"), (1, 2, 2020)), "unit": (UNIT_ROW, (1,)),
    "children's values": (CHILD_VALUES.format(marks="?,?"), (1, 2, "c", 2020, "actual")),
    "figures of a unit's year": (OWN_FIGURES, (1, 2020)), "units named": (UNITS_NAMED, ("x",)),
    "units of a district": (UNITS_IN["district"], ("x",)),
    "units of a province": (UNITS_IN["province"], ("x",)), "open results of a unit": (OPEN_OF_UNIT, (1, "c")),
    "results of a document": (OF_DOCUMENT, (1,)), "result": (BY_SUBJECT, ("c", "s")),
    "review item": (ITEM_EXISTS, (1, "k")), "figure": (FIGURE, (1, "c", "actual")),
    "figures of a document": (FIGURES, (1,)), "superseded": (SUPERSEDED, (1,)),
    "codes of documents": (CODES_OF.format(marks="?,?"), (1, 2)), "flagged cells": (FLAGGED, ("c",)),
    "figures of a cell": (CELL_FIGURES, ("c", 1, 2020)), "shared years": (SHARED_YEARS, ("[1, 2]", "c")),
}
Cell = tuple[str, int, int, str, int | None]  # code, unit, year, kind, document whose figure it is


@dataclass
class Finding:
    """A failing check on one subject, as it is stored."""

    check: Check
    subject: str
    document_id: int | None
    unit_id: int | None
    year: int | None
    codes: list[str]
    seen: object
    message: str
    message_vi: str
    item: dict | None  # its review item, made when the document has none with its key
    repair: dict | None = None
    cells: list[Cell] = field(default_factory=list)


@dataclass
class RunSummary:
    cells: int = 0  # (unit, year, code) cells judged
    documents: int = 0  # documents whose identity checks ran again
    opened: int = 0
    closed: int = 0
    failing: int = 0  # open results after the run


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction (the store's `transaction`, which this module cannot import)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


# ---- identity checks: at save, and again after a correction -------------------------------------------
def store_report_checks(conn: sqlite3.Connection, doc_id: int, result: dict, new: bool = False,
                        catalogue: Catalogue | None = None) -> None:
    """The extraction's failed identity checks of a document just stored (inside the store's
    transaction): each an open result; a result of an earlier reading that no longer fails is ok
    (a `new` document has none, so one that fails no check has nothing to settle)."""
    catalogue = catalogue or default_catalogue()
    by_id = {c.id: c for c in catalogue.checks}
    failed = [f for f in result.get("checks") or [] if f["id"] in by_id]
    conn.execute("INSERT OR IGNORE INTO check_pending (document_id) VALUES (?)",
                 (doc_id,))  # its cells: next run
    if new and not failed:
        return
    items = [i for i in result.get("review") or [] if i.get("category") == "inconsistent"]
    _settle_identity(conn, doc_id, failed, by_id, items=items)


def recheck_document(conn: sqlite3.Connection, doc_id: int, codes: Iterable[str] | None = None,
                     catalogue: Catalogue | None = None) -> RunSummary:
    """After a correction of this document (inside the caller's transaction): its identity checks
    on its figures as the views show them, and the history and rollup of the corrected cells."""
    catalogue = catalogue or default_catalogue()
    summary = RunSummary(documents=1)
    _identity_of(conn, doc_id, catalogue, summary)
    row = conn.execute("SELECT unit_id, year FROM documents WHERE id = ? AND superseded_by IS NULL",
                       (doc_id,)).fetchone()
    if row is not None and row[0] is not None and row[1] is not None:
        codes = set(codes) if codes is not None else _codes_of(conn, [doc_id])
        _judge_cells(conn, {row[0]: {(row[1], c) for c in codes}}, catalogue, summary)
    return summary


def _identity_of(conn: sqlite3.Connection, doc_id: int, catalogue: Catalogue, summary: RunSummary) -> None:
    """Run a stored document's identity checks on its figures as corrected."""
    doc = conn.execute("SELECT report_type FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if doc is None:
        return
    value_types = {ind.code: ind.value_type for ind in catalogue.all_indicators()}
    indicators = []
    for code, kind, num, text, raw, location, label in conn.execute(FIGURES, (doc_id,)):
        value = num if num is not None else text
        if isinstance(value, float) and value.is_integer() and value_types.get(code) in ("count", "money"):
            value = int(value)
        indicators.append({"code": code, "kind": kind, "value": value, "raw_value": raw, "location": location,
                           "label": label})
    failed = check_indicators(indicators, catalogue, doc[0])
    _settle_identity(conn, doc_id, failed, {c.id: c for c in catalogue.checks}, summary)


def _settle_identity(conn: sqlite3.Connection, doc_id: int, failed: list[dict], by_id: dict[str, Check],
                     summary: RunSummary | None = None, items: list[dict] = ()) -> None:
    """Store a document's failed identity checks; `items` are the review items its extraction
    made for them (else they are made as a result without its document makes them)."""
    unit_id, year = conn.execute("SELECT unit_id, year FROM documents WHERE id = ?", (doc_id,)).fetchone()
    findings = []
    for failure in failed:
        item = next((i for i in items if i.get("check") == failure["id"]
                     and i.get("values") == failure["values"]),
                    None) or plain_review_items({"unmatched": [], "warnings": flags([failure])})[0]
        cells = [(v["code"], unit_id, year, v["kind"], doc_id) for v in failure["values"]] \
            if unit_id is not None and year is not None else []
        findings.append(Finding(by_id[failure["id"]], f"doc:{doc_id}:{'+'.join(failure['codes'])}", doc_id,
                                unit_id, year, failure["codes"], failure["values"], failure["message"],
                                failure["message_vi"], item, failure["repair"], cells))
    existing = _existing(conn, OF_DOCUMENT, (doc_id,))
    _settle(conn, findings, existing, None, summary or RunSummary())


# ---- history and rollup: after an import, or `xhht check` ---------------------------------------------
def run(conn: sqlite3.Connection, scope: str = "changed", catalogue: Catalogue | None = None,
        identity: bool = False) -> RunSummary:
    """Judge the cells of the documents stored since the last run (`scope` "changed", or
    "import": the same, after an import), or every cell of the archive ("all"). With `identity`,
    the identity checks of those documents (every current document with "all") run again too, on
    their figures as corrected: after a change of checks.yaml."""
    catalogue = catalogue or default_catalogue()
    summary = RunSummary()
    with _immediate(conn):
        run_id = conn.execute("INSERT INTO check_runs (started_at, scope) VALUES (?, ?)",
                              (now(), scope)).lastrowid
        if scope == "all":
            _retire_unknown(conn, catalogue, summary)
        docs, cells = changed(conn, scope == "all")
        conn.execute("DELETE FROM check_pending")
        if identity:
            for doc_id in docs:
                _identity_of(conn, doc_id, catalogue, summary)
            summary.documents = len(docs)
        _judge_cells(conn, cells, catalogue, summary)
        summary.failing = conn.execute("SELECT count(*) FROM check_results WHERE status "
                                       "= 'open'").fetchone()[0]
        conn.execute("UPDATE check_runs SET finished_at = ?, cells = ?, failed = ? WHERE id = ?",
                     (now(), summary.cells, summary.failing, run_id))
    return summary


def changed(conn: sqlite3.Connection, everything: bool = False) -> tuple[list[int], dict[int, set | None]]:
    """The current documents stored since the last run (`check_pending`), or all of them, and the
    (unit, year, code) cells they touch, with the codes of the documents they superseded (a code
    the new version lacks leaves its cell). Corrections need nothing here: each runs the checks
    of what it corrects as it is made."""
    if everything:
        docs = [r[0] for r in conn.execute("SELECT id FROM documents WHERE superseded_by IS NULL")]
        return docs, {u: None for (u,) in conn.execute("SELECT DISTINCT unit_id FROM pivot_rows")}
    docs = [r[0] for r in conn.execute("SELECT p.document_id FROM check_pending p JOIN documents d "
                                       "ON d.id = p.document_id WHERE d.superseded_by IS NULL")]
    cells: dict[int, set | None] = defaultdict(set)
    for doc_id in docs:
        unit_id, year = conn.execute("SELECT unit_id, year FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if unit_id is not None and year is not None:
            before = [r[0] for r in conn.execute(SUPERSEDED, (doc_id,))]
            cells[unit_id] |= {(year, code) for code in _codes_of(conn, [doc_id, *before])}
    return docs, dict(cells)


def _codes_of(conn: sqlite3.Connection, doc_ids: list[int]) -> set[str]:
    marks = ",".join("?" * len(doc_ids))
    return {r[0] for r in conn.execute(CODES_OF.format(marks=marks), doc_ids)}


def _retire_unknown(conn: sqlite3.Connection, catalogue: Catalogue, summary: RunSummary) -> None:
    """Results of checks no longer in checks.yaml hold nothing any more: ok."""
    known = json.dumps([c.id for c in catalogue.checks])
    summary.closed += conn.execute(
        "UPDATE check_results SET status = 'ok', updated_at = ? WHERE status != 'ok' AND check_id NOT IN "
        "(SELECT value FROM json_each(?))", (now(), known)).rowcount


# The history check judges the series of many units in one numpy pass (`outliers_of_many`): a pass
# a unit paid numpy's fixed cost of a call for every unit an import touches (most of the check's
# time once the units have a decade of years). Batches of whole units, of about this many touched
# cells, keep `check --all` from holding every series of the archive at once.
HISTORY_BATCH = 8192

Series = dict[tuple[str, str], tuple[list[int], list, list[int]]]  # (code, kind): years, values, documents
Touched = tuple[int, Series, set[tuple[int, str]]]  # a unit, its series, its (year, code) cells to judge


class SeriesToJudge(NamedTuple):
    """A series a history check judges: its numbers, and the years to judge."""

    term: Term
    years: list[int]
    values: list[float]
    documents: list[int]
    wanted: set[int]


def _judge_cells(conn: sqlite3.Connection, cells: dict[int, set | None], catalogue: Catalogue,
                 summary: RunSummary) -> None:
    """History of each touched unit's series (the units in batches), rollup of each touched cell's
    district (and of the unit itself, when it has units of its own). `None` for a unit: all its cells."""
    history = [c for c in catalogue.checks if c.kind == "history"]
    rollups = [c for c in catalogue.checks if c.kind == "rollup"]
    units = _Units(conn)
    parents: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for batch in _batches(conn, cells):
        _history(conn, history, batch, summary)
        for unit_id, _, touched in batch:
            summary.cells += len(touched)
            for parent in {unit_id, units.parent(unit_id)} - {None}:
                if units.children(parent):  # a commune has none: it judges nothing
                    parents[parent] |= touched
    for parent, touched in parents.items():
        for check in rollups:
            _rollup(conn, check, units, parent, touched, summary)


def _batches(conn: sqlite3.Connection, cells: dict[int, set | None]) -> Iterator[list[Touched]]:
    """The touched units with their series and cells, in batches of about HISTORY_BATCH cells."""
    batch, size = [], 0
    for unit_id, touched in cells.items():
        series = _series(conn, unit_id)
        if touched is None:
            touched = {(y, code) for (code, _), (years, _, _) in series.items() for y in years}
        batch.append((unit_id, series, touched))
        size += len(touched)
        if size >= HISTORY_BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _series(conn: sqlite3.Connection, unit_id: int) -> Series:
    """{(code, kind): (years, values, documents)}: the unit's rows of pivot_rows (its unit index),
    one per indicator, split in C (`pivot_series`). Not kept: a run judges a unit once."""
    return {(code, kind): series for code, *lists in conn.execute(UNIT_CELLS, (unit_id,))
            for kind, series in pivot_series(*lists).items()}


def _history(conn: sqlite3.Connection, checks: list[Check], batch: list[Touched],
             summary: RunSummary) -> None:
    """Judge the touched years of each unit's series, and the years open before (a changed year may
    clear them); a full series only when every cell is touched. All the series of a batch of units
    at once (`outliers_of_many`): what an import costs hardly grows with the units' years, nor with
    how many units it touches. Settled unit by unit, in the order of one unit at a time."""
    passes = [_history_pass(conn, check, batch) for check in checks]
    for unit_results in zip(*passes, strict=True):
        for findings, existing, judged in unit_results:
            _settle(conn, findings, existing, judged, summary)


def _history_pass(conn: sqlite3.Connection, check: Check, batch: list[Touched]) -> list[tuple]:
    """One history check over a batch of units, in one numpy pass: for each unit (findings, its
    open results, the subjects of those judged again)."""
    terms = {t.key: t for t in check.terms}
    existing = [_existing(conn, OPEN_OF_UNIT, (unit_id, check.id)) for unit_id, _, _ in batch]
    asked = [_asked(terms, series, touched, results)
             for (_, series, touched), results in zip(batch, existing, strict=True)]
    found = iter(outliers_of_many([(s.years, s.values, s.wanted) for items in asked for s in items.values()],
                                  check))
    out = []
    for (unit_id, _, _), results, items in zip(batch, existing, asked, strict=True):
        findings = _history_findings(check, unit_id, items, [next(found) for _ in items])
        judged = {subject for _, subject in results if _judged_again(items, *_cell_of(subject))}
        out.append((findings, results, judged))
    return out


def _asked(terms: dict[tuple[str, str], Term], series: Series, touched: set[tuple[int, str]],
           existing: dict) -> dict[tuple[str, str], SeriesToJudge]:
    """The unit's series a history check judges (its codes touched), their numbers only (a text
    is not judged), with the years to judge: those touched and those open before."""
    by_code, open_years = defaultdict(set), defaultdict(set)
    for year, code in touched:
        by_code[code].add(year)
    for _, subject in existing:
        year, key = _cell_of(subject)
        open_years[key].add(year)
    items = {}
    for key, (years, values, documents) in series.items():
        term = terms.get(key)
        if term is None or key[0] not in by_code:
            continue
        if not all(map(isinstance, values, repeat(float))):
            numbers = [isinstance(v, float) for v in values]
            years, values, documents = (list(compress(x, numbers)) for x in (years, values, documents))
        items[key] = SeriesToJudge(term, years, values, documents, by_code[key[0]] | open_years[key])
    return items


def _judged_again(items: dict[tuple[str, str], SeriesToJudge], year: int, key: tuple[str, str]) -> bool:
    """Whether the history pass judged an open result's cell (its open years are always asked):
    its series was (its code touched) and has a number that year. Not found again, it holds."""
    return key in items and year in items[key].years


def _history_findings(check: Check, unit_id: int, items: dict[tuple[str, str], SeriesToJudge],
                      found: list[list[Outlier]]) -> list[Finding]:
    """The unit's outliers as findings, each at the figure of its document."""
    findings = []
    for (term, years, values, documents, _), outs in zip(items.values(), found, strict=True):
        for out in outs:
            at = years.index(out.year)
            facts = {**out.facts, "value": values[at], "code": str(term)}  # as stored, not 10**log
            findings.append(Finding(check, _cell_subject(unit_id, out.year, term), documents[at], unit_id,
                                    out.year, [str(term)], facts, message(check, facts, "en"),
                                    message(check, facts, "vi"), None, None,
                                    [(term.code, unit_id, out.year, term.kind, documents[at])]))
    return findings


def _rollup(conn: sqlite3.Connection, check: Check, units: _Units, parent: int, touched: set,
            summary: RunSummary) -> None:
    """A district (or province) against its units, for each touched year and code it has a figure
    of: its units' sums of a year are read only when it has one."""
    terms = {t.key: t for t in check.terms}
    children = units.children(parent)
    existing = _existing(conn, OPEN_OF_UNIT, (parent, check.id))
    open_cells = {_cell_of(subject): subject for _, subject in existing}
    codes_of = defaultdict(set)
    for year, code in touched:
        codes_of[year].add(code)
    findings, judged = [], set()
    for year in sorted(codes_of):
        own = _own_figures(conn, parent, year, codes_of[year], terms)
        if not own:
            continue
        sums, expected = _child_sums(conn, year, children), units.expected(parent)
        for code, kind, value, doc in own:
            reported, total = sums.get((code, kind), (0, 0.0))
            result = rollup_of_sum(value, total, reported, expected, check)
            if result is None:
                continue
            if open_cells and (year, (code, kind)) in open_cells:
                judged.add(open_cells[(year, (code, kind))])
            if not result.holds:
                findings.append(_rollup_finding(conn, check, terms[(code, kind)], parent, children, year,
                                                result, doc))
    _settle(conn, findings, existing, judged, summary)


def _own_figures(conn: sqlite3.Connection, parent: int, year: int, codes: set[str],
                 terms: dict[tuple[str, str], Term]) -> list[tuple[str, str, float, int]]:
    """(code, kind, value, document) of a parent's figures of a year that the check judges, in
    the order of their codes and kinds."""
    rows = conn.execute(OWN_FIGURES, (parent, year))
    return sorted((code, kind, value, doc) for code, kind, value, doc in rows
                  if code in codes and (code, kind) in terms)


def _rollup_finding(conn: sqlite3.Connection, check: Check, term: Term, parent: int, children: list[int],
                    year: int, result: Rollup, doc: int) -> Finding:
    """A parent's figure that fails its rollup, flagged with each of its units' figures (read
    only now: the check itself needed their sum alone)."""
    facts = {**result.facts, "code": str(term)}
    below = conn.execute(CHILD_VALUES.format(marks=",".join("?" * len(children))),
                         (*children, term.code, year, term.kind)).fetchall()
    cells = [(term.code, unit, year, term.kind, d) for unit, _, d in [(parent, None, doc), *below]]
    return Finding(check, _cell_subject(parent, year, term), doc, parent, year, [str(term)],
                   {**facts, "units": {str(u): v for u, v, _ in below}}, message(check, facts, "en"),
                   message(check, facts, "vi"), None, None, cells)


def _child_sums(conn: sqlite3.Connection, year: int, children: list[int]) -> dict[tuple[str, str], tuple]:
    """{(code, kind): (units that reported, their sum)} of the children's figures of one year,
    added up by SQLite from one search of pivot_values' (unit, year) index per child: a district
    touched by one commune's report reads forty sums, not its communes' every figure."""
    marks = ",".join("?" * len(children))
    return {(code, kind): (reported, total) for code, kind, reported, total in
            conn.execute(CHILD_SUMS.format(marks=marks), (*children, year))}


def _cell_subject(unit_id: int, year: int, term: Term) -> str:
    return f"cell:{unit_id}:{year}:{term}"


def _cell_of(subject: str) -> tuple[int, tuple[str, str]]:
    """The year and (code, kind) of a cell's subject (`_cell_subject`)."""
    _, _, year, term = subject.split(":", 3)
    code, _, kind = term.partition("@")
    return int(year), (code, kind or "actual")


class _Units:
    """Units, their district and communes, read once per run."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._rows: dict[int, tuple | None] = {}
        self._parents: dict[int, int | None] = {}
        self._children: dict[int, list[int]] = {}
        self._expected: dict[int, int | None] = {}
        self._named: dict[str, list[int]] = {}

    def row(self, unit_id: int) -> tuple | None:
        if unit_id not in self._rows:
            self._rows[unit_id] = self.conn.execute(UNIT_ROW, (unit_id,)).fetchone()
        return self._rows[unit_id]

    def level(self, unit_id: int) -> str | None:
        """'commune', 'district' or 'province' (a thành phố with no district of its own is a province)."""
        row = self.row(unit_id)
        return None if row is None else tier(*row)

    def parent(self, unit_id: int) -> int | None:
        """The district of a commune, the province of a district: the one stored unit of that name
        and level in the same province."""
        if unit_id not in self._parents:
            self._parents[unit_id] = self._find_parent(unit_id)
        return self._parents[unit_id]

    def _find_parent(self, unit_id: int) -> int | None:
        row, level = self.row(unit_id), self.level(unit_id)
        if level == "commune" and row[2]:
            wanted, name = "district", row[2]
        elif level == "district" and row[3]:
            wanted, name = "province", row[3]
        else:
            return None
        found = [u for u in self._units(UNITS_NAMED, name, self._named)
                 if self.level(u) == wanted and _same(self.row(u)[3], row[3])]
        return found[0] if len(found) == 1 else None

    def _units(self, sql: str, name: str, cache: dict[str, list[int]]) -> list[int]:
        """The units a lookup by name finds, their rows kept: a district's communes all look
        their district up by the same name, and its communes are read in one search."""
        if name not in cache:
            rows = self.conn.execute(sql, (name,)).fetchall()
            self._rows.update((r[0], tuple(r[1:])) for r in rows)
            cache[name] = [r[0] for r in rows]
        return cache[name]

    def children(self, unit_id: int) -> list[int]:
        if unit_id not in self._children:
            level = self.level(unit_id)
            below = {"district": "commune", "province": "district"}.get(level)
            self._children[unit_id] = [] if below is None else [
                u for u in self._units(UNITS_IN[level], self.row(unit_id)[1], {})
                if u != unit_id and self.level(u) == below and self.parent(u) == unit_id]
        return self._children[unit_id]

    def expected(self, unit_id: int) -> int | None:
        """How many units a district has, when the register knows it (else only the lower bound
        of a rollup is judged)."""
        if unit_id not in self._expected:
            _, name, _, province = self.row(unit_id)
            self._expected[unit_id] = commune_count(name, province) if self.level(
                unit_id) == "district" else None
        return self._expected[unit_id]


def _same(a: str | None, b: str | None) -> bool:
    return not a or not b or words(a) == words(b)


# ---- storing results
# -----------------------------------------------------------------------------------------
def _existing(conn: sqlite3.Connection, sql: str, args: tuple) -> dict[tuple[str, str], sqlite3.Row]:
    """The stored results of a scope, by (check id, subject)."""
    return {(r[1], r[2]): r for r in conn.execute(sql, args)}


def _settle(conn: sqlite3.Connection, findings: list[Finding], existing: dict, judged: set | None,
            summary: RunSummary) -> None:
    """Write what a run found: each finding open (unless a reviewer accepted the very same values),
    and each result of the scope judged again and not found failing ok (`judged` None: all of
    `existing` were judged)."""
    stamp = now()
    for found in findings:
        row = existing.pop((found.check.id, found.subject), None) or conn.execute(
            BY_SUBJECT, (found.check.id, found.subject)).fetchone()
        seen = json.dumps(found.seen, ensure_ascii=False, sort_keys=True)
        key = _item(conn, found)
        if row is None:
            result_id = conn.execute(
                "INSERT INTO check_results (check_id, kind, subject, document_id, unit_id, year, codes, "
                "status, seen, repair, message, message_vi, item_key, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)",
                (found.check.id, found.check.kind, found.subject, found.document_id, found.unit_id,
                 found.year, json.dumps(found.codes), seen, _json(found.repair), found.message,
                 found.message_vi, key, stamp, stamp)).lastrowid
            summary.opened += 1
        else:
            result_id = row[0]
            status = "accepted" if row[3] == "accepted" and row[4] == seen else "open"
            summary.opened += row[3] == "ok"
            conn.execute("UPDATE check_results SET status = ?, seen = ?, repair = ?, message = ?, "
                         "message_vi = ?, document_id = ?, item_key = ?, updated_at = ? WHERE id = ?",
                         (status, seen, _json(found.repair), found.message, found.message_vi,
                          found.document_id, key, stamp, result_id))
        conn.execute("DELETE FROM check_cells WHERE result_id = ?", (result_id,))
        conn.executemany("INSERT OR IGNORE INTO check_cells (code, unit_id, year, kind, result_id, "
                         "document_id) VALUES (?, ?, ?, ?, ?, ?)",
                         [(c, u, y, k, result_id, d) for c, u, y, k, d in found.cells])
    for (_, subject), row in existing.items():
        if row[3] != "ok" and (judged is None or subject in judged):
            conn.execute("UPDATE check_results SET status = 'ok', updated_at = ? WHERE id = ?",
                         (stamp, row[0]))
            conn.execute("DELETE FROM check_cells WHERE result_id = ?", (row[0],))
            summary.closed += 1


def _item(conn: sqlite3.Connection, found: Finding) -> str | None:
    """The key of the finding's review item, made when its document has none with that key."""
    if found.document_id is None:
        return None
    item = found.item or _cell_item(conn, found)
    if not conn.execute(ITEM_EXISTS, (found.document_id, item["key"])).fetchone():
        details = {k: v for k, v in item.items() if k not in _ITEM_COLUMNS}
        conn.execute(
            "INSERT INTO review_items (document_id, kind, label, raw_value, location, reason, best_code, "
            "category, item_key, suggestion, candidates, details) VALUES (?, ?, ?, ?, ?, ?, ?, "
            "'inconsistent', ?, ?, ?, ?)",
            (found.document_id, item["kind"], item.get("label"), item.get("raw_value"), item.get("location"),
             item["reason"], (item.get("suggestion") or {}).get("code"), item["key"],
             _json(item.get("suggestion")), _json(item.get("candidates")), _json(details)))
    return item["key"]


_ITEM_COLUMNS = {"kind", "category", "label", "raw_value", "location", "reason", "suggestion", "candidates",
                 "key"}


def _cell_item(conn: sqlite3.Connection, found: Finding) -> dict:
    """The review item of a history or rollup finding, at the flagged figure of its document."""
    term = found.codes[0]
    code, _, kind = term.partition("@")
    obs = conn.execute(FIGURE, (found.document_id, code, kind or "actual")).fetchone()
    label, raw, location = obs if obs else (None, None, None)
    key = hashlib.sha256(f"check|{found.check.id}|{found.subject}".encode()).hexdigest()[:20]
    return {"kind": "warning", "label": label, "raw_value": raw, "location": location, "key": key,
            "reason": f"{location or 'document'}: {found.message} (check {found.check.id})",
            "suggestion": None, "check": found.check.id, "check_kind": found.check.kind,
            "message_vi": found.message_vi, "year": found.year, "values": found.seen}


def _json(value) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


# ---- decisions
# ------------------------------------------------------------------------------------------------
def accept_as_printed(conn: sqlite3.Connection, document_id: int, item_key: str) -> None:
    """A reviewer closed an inconsistent item with nothing to record: its figures stand as printed."""
    conn.execute("UPDATE check_results SET status = 'accepted', updated_at = ? WHERE document_id = ? AND "
                 "item_key = ? AND status = 'open'", (now(), document_id, item_key))


def replaces_named_figure(item: dict, current: dict | None) -> bool:
    """Accepting an inconsistent item's repair replaces the one figure the item names, and only
    while that figure still holds the value the item says it replaces (a value changed since is
    another value, and is replaced only when the reviewer says so)."""
    suggestion = item.get("suggestion") or {}
    if item.get("category") != "inconsistent" or current is None:
        return False
    named = [v for v in item.get("details", {}).get("values") or []
             if isinstance(v, dict) and (v.get("code"), v.get("kind")) == (suggestion.get("code"),
                                                                           suggestion.get("kind"))]
    return bool(named) and named[0].get("value") == current["value"]


# ---- what people see
# -------------------------------------------------------------------------------------------
def document_checks(conn: sqlite3.Connection, doc_id: int, open_only: bool = True) -> list[dict]:
    """The checks a document fails (its own identity checks, and history and rollup results whose
    review item is in it), with the review item's id."""
    rows = conn.execute(
        "SELECT c.*, (SELECT r.id FROM review_items r WHERE r.document_id = c.document_id AND r.item_key = "
        "c.item_key ORDER BY r.id LIMIT 1) AS item_id FROM check_results c WHERE c.document_id = ?"
        + (" AND c.status = 'open'" if open_only else "") + " ORDER BY c.id", (doc_id,)).fetchall()
    return [_shown(r) for r in rows]


def pivot_flags(conn: sqlite3.Connection, pivot) -> list[dict[tuple[int, str], list[dict]]]:
    """For each row of a compare pivot (with sources), the open checks that flag its cells:
    {(year, kind): [check, …]}. A cell is flagged when the figure flagged is the one it shows.
    One range scan of check_cells by the indicator's code."""
    flagged: dict[tuple[int, int, str], list[dict]] = defaultdict(list)
    for row in conn.execute(FLAGGED, (pivot.code,)):
        flagged[(row["unit_id"], row["year"], row["kind"])].append(dict(row))
    if not flagged:
        return [{} for _unit in pivot.unit_ids]
    out = []
    for unit_id, sources in zip(pivot.unit_ids, pivot.sources or [{}] * len(pivot.unit_ids), strict=True):
        cells = {}
        for (year, kind), doc in sources.items():
            found = [_shown(r) for r in flagged.get((unit_id, year, kind), [])
                     if r["cell_document"] in (None, doc)]
            if found:
                cells[(year, kind)] = found
        out.append(cells)
    return out


DISAGREE = "documents_disagree"  # the mark of a cell whose current documents give different figures


def disagreements(conn: sqlite3.Connection, pivot) -> list[dict[tuple[int, str], list[dict]]]:
    """For each row of a compare pivot, a mark on each cell whose current documents
    (a report and its annex, a file and the same report in a volume) give different figures: the
    pivot shows one, the reader is told there were others and which."""
    figures: dict[tuple[int, int, str], set] = defaultdict(set)
    shown = json.dumps(pivot.unit_ids)
    for unit_id, year in conn.execute(SHARED_YEARS, (shown, pivot.code)).fetchall():
        for kind, value in conn.execute(CELL_FIGURES, (pivot.code, unit_id, year)):
            if value is not None:
                figures[(unit_id, year, kind)].add(value)
    out = []
    for (_name, values), unit_id, sources in zip(pivot.rows, pivot.unit_ids,
                                                 pivot.sources or [{}] * len(pivot.rows), strict=True):
        out.append({(year, kind): [_disagreement(pivot.code, year, kind, sources.get((year, kind)), found)]
                    for year, kind in values
                    if len(found := figures.get((unit_id, year, kind), set())) > 1})
    return out


def _disagreement(code: str, year: int, kind: str, doc: int | None, found: set) -> dict:
    values = ", ".join(sorted(f"{v:g}" if isinstance(v, float) else str(v) for v in found))
    text = gettext("the current documents of this unit and year give different figures ({values}): only "
                   "one of them is shown").format(values=values)
    return {"id": None, "check": DISAGREE, "kind": kind, "status": "open", "year": year, "codes": [code],
            "document_id": doc, "item_id": None, "repair": None, "message": text}


def _shown(row) -> dict:
    return {"id": row["id"], "check": row["check_id"], "kind": row["kind"], "status": row["status"],
            "year": row["year"], "codes": json.loads(row["codes"]), "document_id": row["document_id"],
            "item_id": row["item_id"], "repair": json.loads(row["repair"]) if row["repair"] else None,
            "message": row["message_vi"] if language() == "vi" else row["message"]}
