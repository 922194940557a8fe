"""Data routes: the comparison as JSON, CSV and Excel, and the crop of a scanned review item.

Pages link here; programs may too. The comparison is the same `query.compare` the CLI prints,
written by the same `output.render`, so a download equals `xhht compare --format csv|xlsx`.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from datasette.utils.asgi import Response

from extractor import output
from extractor.i18n import _
from extractor.query import QueryError, plain_value
from extractor.web.pages import compare_args, database, disposition, refusal, row_id, run_compare


async def compare_data(datasette, request) -> Response:
    fmt = request.url_vars["format"]
    wanted = compare_args(request)
    if not wanted["code"]:
        return Response.text(_("give ?code=INDICATOR_CODE"), status=400)

    def build(conn: sqlite3.Connection):
        return run_compare(conn, wanted)

    try:
        view = await database(datasette).execute_fn(build)
    except QueryError as exc:
        return Response.text(refusal(exc), status=400)
    pivot = view.pivot
    name = f"{pivot.code}.{fmt}"
    header, rows, _notes = output.view_table(view, "csv")  # the flag column: see output.flagged
    if fmt == "json":
        return Response.json({"code": pivot.code, "label": pivot.label, "unit": pivot.unit,
                              "kinds": pivot.kinds, "years": pivot.years, "as_of": view.as_of, "by": view.by,
                              "columns": header,
                              "rows": [dict(zip(header, [plain_value(v, pivot.unit) for v in row],
                                                strict=True))
                                       for row in rows]})
    if fmt == "csv":
        return Response("\ufeff" + output.render(header, rows, "csv"), content_type="text/csv; charset=utf-8",
                        headers={"content-disposition": disposition("attachment", name)})
    with tempfile.TemporaryDirectory(prefix="xhht-xlsx-") as tmp:
        path = Path(tmp) / name
        output.render(*output.view_table(view, "xlsx")[:2], "xlsx", path,
                      f"{pivot.label} ({pivot.code})", pivot.unit)
        data = path.read_bytes()
    return Response(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": disposition("attachment", name)})


async def crop_png(datasette, request) -> Response:
    item_id = row_id(request)

    def read(conn: sqlite3.Connection):
        row = conn.execute("SELECT crop FROM review_items WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else None

    data = await database(datasette).execute_fn(read)
    if not data:
        return Response.text(_("no crop for this item"), status=404)
    return Response(data, content_type="image/png")
