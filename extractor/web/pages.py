"""Read-only HTML pages: home, compare, unit, document, search, and the imported originals.

Each route reads through the library (extractor.query) on Datasette's read-only connections and
renders a template from ./templates. Every figure links to its document page at the row that
shows where in the document it came from.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import unicodedata
from dataclasses import replace
from html import escape
from pathlib import Path
from urllib.parse import quote

from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from extractor import i18n, output
from extractor.checks.results import document_checks
from extractor.i18n import _
from extractor.normalize import canonical, collate, fold
from extractor.patterns import default_catalogue
from extractor.query import Pivot, QueryError
from extractor.research import (
    BY,
    Cell,
    DistrictsAbolished,
    View,
    coverage_varies,
    research,
    table_years,
    written_2025,
)
from extractor.web import chart

PAGE_ROWS = 200  # pivot rows shown on the page; downloads carry all of them


def database(datasette):
    return datasette.get_database()


MAX_ROW_ID = 2 ** 63 - 1  # SQLite's largest integer


def row_id(request) -> int:
    """The row id in the URL (digits only, by the route). Larger than any SQLite integer it names no
    row: binding it would raise OverflowError, so it is a 404 here, not a 500 later."""
    value = int(request.url_vars["id"])
    if value > MAX_ROW_ID:
        raise NotFound(_("no row with id {id}").format(id=value))
    return value


def disposition(kind: str, name: str) -> str:
    """A Content-Disposition header for a file `name` (RFC 6266): the exact name percent-encoded in
    UTF-8 as filename*, and an ASCII stand-in as filename for old clients. No character of the name
    can end the header (a newline in a file name once made the download fail)."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = re.sub(r'[^\x20-\x7e]|["\\]', "_", plain.encode("ascii", "ignore").decode("ascii"))
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def shown(value, unit: str | None = None) -> str:
    """A value as a person reads it: counts as integers, rates with their %, words as written,
    numbers as the interface's language writes them (4.000.000; 57,4 % in Vietnamese)."""
    return i18n.number(value, unit)


def anchor(code: str, kind: str) -> str:
    """The id of a value's row on its document page."""
    return f"v-{code}-{kind}".replace(".", "-")


async def render(datasette, request, template: str, context: dict) -> Response:
    context = {"review_enabled": review_enabled(datasette), "lang": i18n.language(),
               "db_name": database(datasette).name, **context}
    return Response.html(await datasette.render_template(template, context, request=request))


def review_enabled(datasette) -> bool:
    return bool((datasette.plugin_config("xhht") or {}).get("review"))


# ---- home ----------------------------------------------------------------------------------------
async def home(datasette, request) -> Response:
    def read(conn: sqlite3.Connection) -> dict:
        by_type = conn.execute("SELECT report_type, year, COUNT(*) AS n FROM documents WHERE superseded_by "
                               "IS NULL GROUP BY report_type, year ORDER BY report_type, year").fetchall()
        years = sorted({r["year"] for r in by_type if r["year"] is not None})
        table: dict[str, dict] = {}
        for r in by_type:
            table.setdefault(r["report_type"], {})[r["year"]] = r["n"]
        conn.create_collation("vi", collate)  # equal counts in the Vietnamese alphabet's order
        provinces = conn.execute("SELECT province, COUNT(*) AS units FROM units "
                                 "GROUP BY 1 ORDER BY units DESC, 1 COLLATE vi LIMIT 40").fetchall()
        totals = conn.execute("SELECT (SELECT COUNT(*) FROM documents WHERE superseded_by IS NULL) AS "
                              "documents, (SELECT COUNT(*) FROM units) AS units, "
                              "(SELECT COUNT(*) FROM import_errors) AS errors").fetchone()
        queue = conn.execute("SELECT COUNT(*) FROM review_queue WHERE status = 'open'").fetchone()[0]
        return {"years": years, "by_type": table, "provinces": [dict(p) for p in provinces],
                "totals": dict(totals), "queue": queue, "latest": latest_documents(conn)}

    data = await database(datasette).execute_fn(read)
    return await render(datasette, request, "xhht_home.html", {"data": data,
                                                               "db_name": database(datasette).name})


LATEST_DOCUMENTS = 15  # on the home page


def latest_documents(conn: sqlite3.Connection) -> list[dict]:
    """The most recently issued reports (current versions), newest first: where a visitor starts."""
    return [dict(r) for r in conn.execute(
        "SELECT id, unit_id, unit_level, unit_name, report_type, year, issued_date FROM documents "
        "WHERE superseded_by IS NULL ORDER BY COALESCE(issued_date, year) DESC, id DESC LIMIT ?",
        (LATEST_DOCUMENTS,))]


UNIT_ROWS = 300  # units on one page of the list


async def units_page(datasette, request) -> Response:
    """The reporting units (of one province with `province=`), each linked to its page, with how
    many current documents it has and their years; UNIT_ROWS a page (`page=`)."""
    province = (request.args.get("province") or "").strip() or None
    page = page_number(request)
    where = "WHERE u.province = :province" if province else ""

    def read(conn: sqlite3.Connection) -> dict:
        conn.create_collation("vi", collate)  # names in the Vietnamese alphabet's order, not code points
        rows = conn.execute(
            f"SELECT u.id, u.level, u.name, u.district, u.province, COUNT(d.id) AS documents, MIN(d.year) AS "
            f"first, MAX(d.year) AS last FROM units u LEFT JOIN documents d ON d.unit_id = u.id AND "
            f"d.superseded_by IS NULL {where} GROUP BY u.id ORDER BY u.province COLLATE vi, u.district "
            "COLLATE vi, u.name COLLATE vi, u.id LIMIT :limit OFFSET :offset",
            {"province": province, "limit": UNIT_ROWS, "offset": (page - 1) * UNIT_ROWS}).fetchall()
        total = conn.execute(f"SELECT COUNT(*) FROM units u {where}", {"province": province}).fetchone()[0]
        return {"units": [dict(r) for r in rows], "total": total}

    data = await database(datasette).execute_fn(read)
    more = page * UNIT_ROWS < data["total"]
    return await render(datasette, request, "xhht_units.html", {
        "province": province, "page": page, "first": (page - 1) * UNIT_ROWS + 1,
        "previous_page": page - 1 if page > 1 else None, "next_page": page + 1 if more else None, **data})


# ---- compare --------------------------------------------------------------------------------------
def compare_args(request) -> dict:
    """The compare filters and view from the query string (empty ones left out): as_of (2025), by
    (district, province), change, sort (a column id of research.column_ids) and desc."""
    args = request.args
    out = {k: (args.get(k) or "").strip() or None for k in ("code", "unit", "district", "province", "sort")}
    for key in ("from", "to", "as_of"):
        value = (args.get(key) or "").strip()
        out[key] = int(value) if value.isdigit() else None
    out["by"] = args.get("by") if args.get("by") in BY else None
    out["change"] = args.get("change") == "1" or None
    out["desc"] = args.get("desc") == "1" or None
    return out


def run_compare(conn: sqlite3.Connection, wanted: dict) -> View:
    """The research view the page (and its downloads) show, with the failed checks of its figures."""
    return research(conn, wanted["code"], wanted["unit"], wanted["district"], wanted["province"],
                    wanted["from"], wanted["to"], wanted["as_of"], wanted["by"], bool(wanted["change"]),
                    wanted["sort"], bool(wanted["desc"]))


def refusal(exc: QueryError) -> str:
    """Why a comparison cannot be shown, in the web form's terms (the CLI's names its options)."""
    if isinstance(exc, DistrictsAbolished):
        return _("districts were abolished in the 2025 merger: sum communes by province, or untick "
                 "“As of the 2025 merger”")
    return str(exc)


def indicator_label(catalogue: list[dict], code: str | None) -> str:
    """The label of the indicator asked, so the form still names it when no table is shown."""
    return next((item["label"] for item in catalogue if item["code"] == code), code or "")


async def compare_page(datasette, request) -> Response:
    wanted = compare_args(request)

    def read(conn: sqlite3.Connection) -> dict:
        catalogue = [dict(r) | {"report_type_name": i18n.report_type_name(r["report_type"])}
                     for r in conn.execute(
            "SELECT code, report_type, label, unit FROM indicators ORDER BY report_type, code")]
        provinces = [r[0] for r in conn.execute("SELECT DISTINCT province FROM units WHERE province IS "
                                                "NOT NULL ORDER BY province")]
        out = {"catalogue": catalogue, "provinces": provinces, "view": None, "error": None}
        if wanted["code"]:
            try:
                out["view"] = run_compare(conn, wanted)
            except QueryError as exc:
                out["error"] = refusal(exc)
        return out

    data = await database(datasette).execute_fn(read)
    view: View | None = data["view"]
    context = {"wanted": wanted, "catalogue": data["catalogue"], "provinces": data["provinces"],
               "catalogue_json": json.dumps(data["catalogue"], ensure_ascii=False), "error": data["error"],
               "indicator_label": indicator_label(data["catalogue"], wanted["code"]),
               "query": _query_string(wanted), "pivot": None}
    if view is not None:
        context.update(_pivot_context(view, wanted, review_enabled(datasette)))
    return await render(datasette, request, "xhht_compare.html", context)


def check_href(check: dict, review: bool) -> str:
    """Where a failed check is explained: its review item (on a server with the review pages), else
    its row among the document's failed checks."""
    if review and check.get("item_id"):
        return f"/-/review/{check['item_id']}"
    if check.get("id") is None:  # no stored check (figures that disagree): the document shown
        return f"/-/document/{check['document_id']}" if check["document_id"] else "#"
    return f"/-/document/{check['document_id']}#check-{check['id']}"


def _pivot_context(view: View, wanted: dict, review: bool) -> dict:
    apart_years = view.pivot.years
    if view.apart:  # a year only units set apart reported is no empty column of the main table
        main_years, apart_years = table_years(view)
        view = replace(view, pivot=replace(view.pivot, years=main_years))
    pivot = view.pivot
    parts = shown_parts(view, min(len(pivot.rows), PAGE_ROWS))
    columns = [{"title": _("Unit"), "sort": _sort_link(wanted, "unit")}]
    for year, kind in view.cells():
        when = _cell_title(pivot, (year, kind))
        columns += [{"title": when, "sort": _sort_link(wanted, f"{year}:{kind}:value")},
                    *[{"title": _(output.PART_NAMES[p][1]).format(cell=when), "part": p,
                       "sort": _sort_link(wanted, f"{year}:{kind}:{p}")} for p in parts[(year, kind)]]]
    texts: dict = {}  # a value's text, made once per page (babel's formatting is slow, values recur)
    rows = [_page_row(view, k, name, values, parts, review, texts)
            for k, (name, values) in enumerate(pivot.rows[:PAGE_ROWS])]
    apart = View(Pivot(pivot.code, pivot.label, pivot.unit, pivot.kinds, apart_years, view.apart),
                 view.apart_flags)
    apart_rows = [_page_row(apart, k, name, values, {}, review, texts)
                  for k, (name, values) in enumerate(view.apart[:PAGE_ROWS])]
    apart_columns = [{"title": _("Unit")}, *({"title": _cell_title(pivot, cell)} for cell in apart.cells())]
    drawing, note = chart.figure(pivot, view.summed)
    if coverage_varies(view):
        note += " " + _("The sums add up different units in different years (see the coverage columns).")
    return {"pivot": pivot, "view": view, "columns": columns, "rows": rows, "apart_rows": apart_rows,
            "apart_columns": apart_columns, "total_rows": len(pivot.rows), "shown_rows": len(rows),
            "chart": drawing, "chart_note": note}


def _cell_title(pivot: Pivot, cell: Cell) -> str:
    year, kind = cell
    return f"{year}" if pivot.kinds == ["actual"] else f"{year} {i18n.kind_name(kind)}"


def shown_parts(view: View, rows: int) -> dict[Cell, list[str]]:
    """The parts the view adds after each cell (units reporting, own figure, change) that hold a
    value in one of the first `rows` rows. A part empty in every row shown — the first year's
    change, the own figure of provinces that never reported themselves — only widens the table
    past the window, so the page leaves it out (the downloads keep every column)."""
    parts = [p for p in ("coverage", "own") if getattr(view, p)] + (["change", "pct"] if view.changes else [])
    return {cell: [p for p in parts if any(output.part_value(view, k, cell, p) is not None
                                           or p in ("change", "pct") and _withheld(view, k, cell)
                                           for k in range(rows))] for cell in view.cells()}


def _withheld(view: View, row: int, cell: Cell) -> bool:
    """Whether the change of `cell` was left empty on purpose (the units reporting differ): its
    column stays on the page, where the empty cell says why."""
    return view.changes[row].get(cell, ()) is None


def _page_row(view: View, k: int, name: str, values: dict, parts: dict[Cell, list[str]], review: bool,
              texts: dict) -> dict:
    """One row of the page's table: each value linked to its document (a sum to none), its marks,
    then the parts the view adds (units reporting, own figure, change). The cells are written here
    as one piece of HTML (every text escaped): a country's table has tens of thousands of cells,
    which the template engine would take ten times longer to write one by one."""
    pivot, cells = view.pivot, []
    sources = pivot.sources[k] if pivot.sources else {}
    withheld = _("no change: the units reporting differ between the two years")
    mark = escape(_("failed check"))
    for cell in view.cells():
        value, doc = values.get(cell), sources.get(cell)
        text = escape(_text(texts, value, pivot.unit))
        flags = view.flags[k].get(cell, [])
        inner = f'<a class="figure" href="/-/document/{doc}#{anchor(pivot.code, cell[1])}">{text}</a>' \
            if doc and value is not None else text
        marks = "".join(f' <a class="check-mark" href="{escape(check_href(f, review))}" title="{m}" '
                        f'aria-label="{mark}: {m}">⚠</a>' for f in flags for m in [escape(f["message"])])
        cells.append(f'<td class="num{" flagged" if flags else ""}">{inner}{marks}</td>')
        for part in parts.get(cell, ()):
            found = output.part_value(view, k, cell, part)
            if not isinstance(found, str):
                found = _text(texts, found, "%" if part == "pct" else pivot.unit)
            empty_on_purpose = part in ("change", "pct") and _withheld(view, k, cell)
            why = f' title="{escape(withheld)}"' if empty_on_purpose else ""
            cells.append(f'<td class="num part"{why}>{escape(found)}</td>')
    unit_id = pivot.unit_ids[k] if k < len(pivot.unit_ids) else None  # a sum: its district's own, or none
    return {"name": name, "unit_id": unit_id or None, "cells": Markup("".join(cells))}


def _text(texts: dict, value, unit: str | None) -> str:
    """`shown(value, unit)`, remembered in `texts` for the page; an empty cell is empty."""
    if value is None:
        return ""
    key = (value, unit)
    if key not in texts:
        texts[key] = shown(value, unit)
    return texts[key]


def _sort_link(wanted: dict, column: str) -> dict:
    """The query string that sorts on `column` (descending when it is the sorted column already in
    ascending order), and the arrow the header shows."""
    on = wanted.get("sort") == column
    desc = on and not wanted.get("desc")
    return {"query": _query_string({**wanted, "sort": column, "desc": 1 if desc else None}),
            "arrow": ("▼" if wanted.get("desc") else "▲") if on else ""}


def _query_string(wanted: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({k: (1 if v is True else v) for k, v in wanted.items() if v is not None})


# ---- unit -------------------------------------------------------------------------------------------
async def unit_page(datasette, request) -> Response:
    unit_id = row_id(request)

    def read(conn: sqlite3.Connection) -> dict | None:
        unit = conn.execute("SELECT * FROM units WHERE id = ?", (unit_id,)).fetchone()
        if unit is None:
            return None
        cells = conn.execute(
            "SELECT p.code, i.label, i.unit, i.report_type, i.grp, p.year, p.kind, "
            "COALESCE(p.value_num, p.value_text) AS value, p.document_id FROM pivot_values p "
            "JOIN indicators i ON i.code = p.code WHERE p.unit_id = ? ORDER BY p.code, p.kind, p.year",
            (unit_id,)).fetchall()
        years = sorted({c["year"] for c in cells})
        table: dict[tuple[str, str], dict] = {}
        for c in cells:
            row = table.setdefault((c["code"], c["kind"]), {
                "code": c["code"], "label": c["label"], "unit": c["unit"], "kind": c["kind"],
                "report_type": c["report_type"], "group": c["grp"], "cells": {}})
            href = f"/-/document/{c['document_id']}#{anchor(c['code'], c['kind'])}"
            row["cells"][c["year"]] = {"text": shown(c["value"], c["unit"]), "href": href}
        documents = conn.execute(
            "SELECT d.id, d.report_type, d.year, d.period, d.issued_date, d.doc_number, d.format, "
            "(SELECT path FROM document_paths p WHERE p.document_id = d.id ORDER BY last_seen DESC LIMIT 1) "
            "AS path FROM documents d WHERE d.unit_id = ? AND d.superseded_by IS NULL ORDER BY d.year, "
            "d.issued_date",
            (unit_id,)).fetchall()
        activities = conn.execute(
            "SELECT a.name, a.participants, a.host, a.partners, d.year, d.id AS document_id FROM "
            "activities a JOIN documents d ON d.id = a.document_id AND d.superseded_by IS NULL WHERE "
            "d.unit_id = ? ORDER BY d.year, a.seq LIMIT 500", (unit_id,)).fetchall()
        unit = dict(unit)
        if unit["merged_into"]:  # as the archive and compare write names: "xã Quỳnh Phú"
            unit["merged_into"] = written_2025(unit["merged_into"])
        return {"unit": unit, "years": years, "groups": indicator_groups(list(table.values())),
                "documents": [dict(d) for d in documents], "activities": [dict(a) for a in activities]}

    data = await database(datasette).execute_fn(read)
    if data is None:
        return Response.html(escape(_("No such unit")), status=404)
    return await render(datasette, request, "xhht_unit.html", data)


def indicator_groups(rows: list[dict]) -> list[dict]:
    """A unit's indicator rows under the headings of the report that asks for them (report type, then
    the group's title in patterns/), in the order of the catalogue: a label such as "Số người tham
    gia" means something only under its heading. Codes the catalogue no longer has come last."""
    reports = default_catalogue().reports.values()
    titles = {(report.report_type, g.id): g.title for report in reports for g in report.groups}
    order = {code: k for k, code in enumerate(ind.code for report in reports for ind in report.indicators)}
    groups: dict[tuple[str, str | None], dict] = {}
    for row in sorted(rows, key=lambda r: (order.get(r["code"], len(order)), r["code"], r["kind"])):
        key = (row["report_type"], row["group"])
        groups.setdefault(key, {"report_type": row["report_type"], "title": titles.get(key, row["group"]),
                                "rows": []})["rows"].append(row)
    return list(groups.values())


# ---- document -------------------------------------------------------------------------------------------
async def document_page(datasette, request) -> Response:
    doc_id = row_id(request)

    def read(conn: sqlite3.Connection) -> dict | None:
        doc = conn.execute("SELECT d.*, p.first_page, p.last_page, p.parts FROM documents d LEFT JOIN "
                           "document_parts p ON p.document_id = d.id WHERE d.id = ?", (doc_id,)).fetchone()
        if doc is None:
            return None
        paths = [r[0] for r in conn.execute("SELECT path FROM document_paths WHERE document_id = ? "
                                            "ORDER BY last_seen DESC", (doc_id,))]
        values = [dict(v) | {"anchor": anchor(v["code"], v["kind"]), "text": shown(v["value"], v["unit"]),
                             "extracted_text": shown(v["extracted_value"], v["unit"])}
                  for v in conn.execute(
                      "SELECT e.*, COALESCE(e.value_num, e.value_text) AS value, i.label AS indicator "
                      "FROM effective_observations e LEFT JOIN indicators i ON i.code = e.code WHERE "
                      "e.document_id = ? ORDER BY e.observation_id IS NULL, e.observation_id", (doc_id,))]
        activities = [dict(a) for a in conn.execute("SELECT * FROM activities WHERE document_id = ? "
                                                    "ORDER BY seq",
                                                    (doc_id,))]
        review = [canonical(dict(r)) for r in conn.execute(
            "SELECT q.*, r.crop IS NOT NULL AS has_crop FROM review_queue q JOIN review_items r ON "
            "r.id = q.id WHERE q.document_id = ? ORDER BY q.id", (doc_id,))]
        checks = document_checks(conn, doc_id)
        unit = conn.execute("SELECT * FROM units WHERE id = ?", (doc["unit_id"],)).fetchone() if doc[
            "unit_id"] else None
        return {"doc": {k: v for k, v in dict(doc).items() if k != "full_text"}, "paths": paths,
                "values": values, "activities": activities, "review": review, "checks": checks,
                "unit": dict(unit) if unit else None, "readable": any(Path(p).is_file() for p in paths)}

    data = await database(datasette).execute_fn(read)
    if data is None:
        return Response.html(escape(_("No such document")), status=404)
    return await render(datasette, request, "xhht_document.html", data)


async def original_file(datasette, request) -> Response:
    """The imported file itself, read-only: only a path it was imported from, only while that
    path still holds the same content."""
    doc_id = row_id(request)

    def read(conn: sqlite3.Connection):
        row = conn.execute("SELECT substr(sha256, 1, 64) FROM documents WHERE id = ?",
                           (doc_id,)).fetchone()  # the file's sha256 (a part of a volume: its pages follow)
        paths = [r[0] for r in conn.execute("SELECT path FROM document_paths WHERE document_id = ? "
                                            "ORDER BY last_seen DESC", (doc_id,))]
        return (row[0] if row else None), paths

    sha, paths = await database(datasette).execute_fn(read)
    for path in map(Path, paths):
        if sha and path.is_file():
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == sha:
                return Response(data, content_type=_content_type(path), headers={
                    "content-disposition": disposition("inline", path.name),
                    "x-content-type-options": "nosniff"})
    return Response.text(_("the original file is not readable here (moved or changed since it was imported)"),
                         status=404)


def _content_type(path: Path) -> str:
    return {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8",
            ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".doc": "application/msword"}.get(path.suffix.lower(), "application/octet-stream")


# ---- search --------------------------------------------------------------------------------------------
_MARK_OPEN, _MARK_CLOSE = "\x01", "\x02"


_PHRASE_OR_WORD = re.compile(r'"([^"]*)"?|([^\s"]+)')  # "a quoted phrase" (closed or not), or a word
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits: what FTS5's unicode61 tokenizer keeps of a word


def fts_query(text: str) -> str:
    """User words as an FTS5 query: each word and each "quoted phrase" one FTS5 string, all required.

    Folded with normalize.fold, as the index holds the text (db/migrations/0005_search_fold.sql):
    "hoc tap", "học tập" and "HỌC TẬP" ask the same. Only letters and digits reach the query, so
    nothing typed (quotes, NUL, AND, NEAR, *) is FTS syntax; '' when nothing is left to search."""
    strings = []
    for phrase, word in _PHRASE_OR_WORD.findall(fold(text)):
        tokens = _TOKEN.findall(phrase or word)
        if tokens:
            strings.append('"' + " ".join(tokens) + '"')
    return " ".join(strings)


def highlighted(snippet: str) -> str:
    return escape(snippet).replace(_MARK_OPEN, "<mark>").replace(_MARK_CLOSE, "</mark>")


SEARCH_ROWS = 50  # hits of each kind on one page of search results
_DOCUMENT_HITS = ("FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
                  "WHERE documents_fts MATCH ? AND d.superseded_by IS NULL")
_ACTIVITY_HITS = ("FROM activities_fts JOIN activities a ON a.rowid = activities_fts.rowid JOIN documents d "
                  "ON d.id = a.document_id AND d.superseded_by IS NULL WHERE activities_fts MATCH ?")


def page_number(request) -> int:
    """The `page=` of a paged list (1 when absent or not a sensible number)."""
    value = (request.args.get("page") or "").strip()
    return int(value) if value.isdigit() and 0 < int(value) < 10 ** 6 else 1


async def search_page(datasette, request) -> Response:
    """Documents and activities that hold the words, SEARCH_ROWS of each a page (`page=`), each list
    headed by how many match in all, so a cut list never passes for the whole answer."""
    text = (request.args.get("q") or "").strip()
    query = fts_query(text)
    page = page_number(request)
    offset = (page - 1) * SEARCH_ROWS

    def read(conn: sqlite3.Connection) -> dict:
        if not query:
            return {"documents": [], "activities": [], "document_total": 0, "activity_total": 0}
        docs = conn.execute(
            f"SELECT d.id, d.unit_name, d.unit_level, d.year, d.report_type, snippet(documents_fts, 1, "
            f"'{_MARK_OPEN}', '{_MARK_CLOSE}', '…', 16) AS snip {_DOCUMENT_HITS} "
            "ORDER BY rank, d.id LIMIT ? OFFSET ?", (query, SEARCH_ROWS, offset)).fetchall()
        acts = conn.execute(
            f"SELECT a.document_id, a.name, a.participants, d.unit_name, d.year, snippet(activities_fts, 0, "
            f"'{_MARK_OPEN}', '{_MARK_CLOSE}', '…', 12) AS snip {_ACTIVITY_HITS} "
            "ORDER BY rank, a.rowid LIMIT ? OFFSET ?", (query, SEARCH_ROWS, offset)).fetchall()
        return {"documents": [dict(d) | {"snip": highlighted(d["snip"] or "")} for d in docs],
                "activities": [dict(a) | {"snip": highlighted(a["snip"] or "")} for a in acts],
                "document_total": conn.execute(f"SELECT COUNT(*) {_DOCUMENT_HITS}", (query,)).fetchone()[0],
                "activity_total": conn.execute(f"SELECT COUNT(*) {_ACTIVITY_HITS}", (query,)).fetchone()[0]}

    data = await database(datasette).execute_fn(read)
    message = _("No words to search for: type letters or numbers.") if text and not query else None
    more = offset + SEARCH_ROWS < max(data["document_total"], data["activity_total"])
    return await render(datasette, request, "xhht_search.html", {
        "q": text, "message": message, "page": page, "first": offset + 1, "per_page": SEARCH_ROWS,
        "previous_page": page - 1 if page > 1 else None, "next_page": page + 1 if more else None, **data})
