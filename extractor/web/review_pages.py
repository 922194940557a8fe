"""The review queue in the browser (only with `xhht serve --review`): the queue with filters, one
item at a time with its context or crop, and forms to accept, set, reject or pick.

Reads go through Datasette's read-only connections; each action is one call of the library
(extractor.corrections) on a read-write connection, run on Datasette's single write thread.
Actions are taken only from this machine (127.0.0.1) and only with Datasette's CSRF token.
"""

from __future__ import annotations

import getpass
import sqlite3
from urllib.parse import urlencode

from datasette.utils.asgi import Response

from extractor import corrections, i18n, store
from extractor.i18n import _
from extractor.patterns import default_catalogue
from extractor.review import CATEGORIES
from extractor.web.pages import database, render, row_id

LOCAL = ("127.0.0.1", "::1", "localhost")


def close_code(item: dict) -> str | None:
    """The suggested code when it is close enough to be the default of the set form: its label
    matched (no score: only the value was unclear) or scored at least matching.review, as a weak
    match the extractor kept for review. Below that the extractor says "no catalogue label is
    close", and a pre-filled code would be a guess the reviewer might not notice."""
    suggestion = item.get("suggestion") or {}
    score = suggestion.get("score")
    if suggestion.get("code") and (score is None or score >= default_catalogue().matching["review"]):
        return suggestion["code"]
    return None


def replaced_figure(item: dict) -> dict | None:
    """The figure an inconsistent item's repair replaces (the page says so beside the button)."""
    suggestion = item.get("suggestion") or {}
    if item["category"] != "inconsistent" or not suggestion:
        return None
    return next((v for v in item["details"].get("values") or [] if isinstance(v, dict)
                 and (v.get("code"), v.get("kind")) == (suggestion.get("code"), suggestion.get("kind"))),
                None)


def set_code(conn: sqlite3.Connection, item_id: int, code: str | None) -> str | None:
    """The set form's code; without one, the suggestion only when it is close (else the reviewer
    chooses: the library would take any suggestion)."""
    if code:
        return code
    item = corrections.get_item(conn, item_id)
    suggestion = item["suggestion"] or {}
    if suggestion.get("code") and not close_code(item):
        raise corrections.CorrectionError(_("choose an indicator code: no catalogue label is close to this "
                                            "one (the closest, {code}, scored {score})").format(
            code=suggestion["code"], score=i18n.number(suggestion.get("score"))))
    return None


async def read_only(datasette, request) -> Response:
    """The review routes of a server started without --review: a clear refusal, not a 404 page for
    a page that exists, nor a 500 for a form posted to it."""
    if request.method == "POST":
        return Response.text(_("this server is read-only: review actions need `xhht serve --review`"),
                             status=403)
    return Response.text(_("the review pages are not served: start the server with `xhht serve --review`"),
                         status=404)


async def queue_page(datasette, request) -> Response:
    args = request.args
    wanted = {"kind": args.get("kind") or None, "unit": args.get("unit") or None,
              "year": int(args["year"]) if (args.get("year") or "").isdigit() else None,
              "path": args.get("path") or None, "open_only": args.get("status", "open") != "all"}
    try:
        items = await database(datasette).execute_fn(lambda conn: corrections.list_items(conn, **wanted))
    except corrections.CorrectionError as exc:
        return Response.text(str(exc), status=400)
    return await render(datasette, request, "xhht_review_list.html",
                        {"items": items[:500], "total": len(items), "wanted": wanted,
                         "categories": CATEGORIES, "status": "open" if wanted["open_only"] else "all"})


async def item_page(datasette, request) -> Response:
    item_id = row_id(request)
    try:
        item = await database(datasette).execute_fn(lambda conn: corrections.get_item(conn, item_id))
    except corrections.CorrectionError as exc:
        return Response.text(str(exc), status=404)

    def next_open(conn: sqlite3.Connection):
        row = conn.execute("SELECT id FROM review_queue WHERE status = 'open' AND id > ? ORDER BY id LIMIT 1",
                           (item_id,)).fetchone()
        return row[0] if row else None

    def pairing(conn: sqlite3.Connection) -> dict | None:
        try:
            return corrections.cell_pairing(conn, item_id)
        except corrections.CorrectionError:
            return None  # not a cell of several labels, or one stored before codes were kept

    following = await database(datasette).execute_fn(next_open)
    cell = await database(datasette).execute_fn(pairing) if item["category"] == "ambiguous_cell" else None
    return await render(datasette, request, "xhht_review_item.html",
                        {"item": item, "code": close_code(item), "next_id": following, "pairing": cell,
                         "replaces": replaced_figure(item),
                         "message": request.args.get("message"), "error": request.args.get("error"),
                         "confirm": replace_confirmation(request.args),
                         "by": getpass.getuser(),
                         "description": _(CATEGORIES[item["category"]]) if item["category"] in CATEGORIES
                         else ""})


def paired(form: dict) -> dict[int, int | None]:
    """The pair form's choices: label-N → the number of its value, or '' for none."""
    out = {}
    for name, value in form.items():
        if name.startswith("label-") and name[6:].isdigit():
            out[int(name[6:])] = int(value) if str(value).isdigit() else None
    return out


REPLACEABLE = ("accept", "set", "pick")  # the actions that record a value, refused over another one
RESUBMITTED = ("value", "code", "kind", "number", "note", "by")  # the fields a confirmation posts again


def would_replace(exc: corrections.WouldReplace) -> str:
    """The refusal in the page's words: what is stored, what it would become (the command line's
    message points to --replace; here the choice is a button)."""
    message = _("{code} ({kind}) already holds {stored} ({source}); this answer would replace it with {new}.")
    return message.format(code=exc.code, kind=i18n.kind_name(exc.kind), stored=i18n.number(exc.stored),
                          source=exc.source, new=i18n.number(exc.new))


def replace_confirmation(args) -> dict | None:
    """After a refusal to replace: the action and the fields to post again with `replace`."""
    action = args.get("replace")
    if action not in REPLACEABLE:
        return None
    return {"action": action, "fields": {k: args[k] for k in RESUBMITTED if args.get(k)}}


async def act(datasette, request) -> Response:
    """POST /-/review/ID/ACTION: accept, set, reject, pick or pair; back to the item with what happened."""
    item_id = row_id(request)
    action = request.url_vars["action"]
    client = (request.scope.get("client") or ("",))[0]
    if client not in LOCAL:
        return Response.text(_("review actions are taken only from this machine"), status=403)
    form = await request.post_vars()
    token = request.cookies.get("ds_csrftoken")
    if not token or form.get("csrftoken") != token:  # Datasette lets cookie-less POSTs through; not here
        return Response.text(_("missing or wrong CSRF token: submit the form from the review page"),
                             status=403)
    who = corrections.Who(form.get("by") or getpass.getuser(), form.get("note") or None)
    path = database(datasette).path
    replace = form.get("replace") == "1"

    def run(_datasette_conn: sqlite3.Connection) -> dict:
        conn = store.connect(path)
        try:
            if action == "accept":
                return corrections.accept(conn, item_id, who, replace)
            if action == "reject":
                return corrections.reject(conn, item_id, who)
            if action == "pick":
                return corrections.pick(conn, item_id, int(form.get("number") or 0), who, replace)
            if action == "pair":
                return {"pairs": corrections.pair(conn, item_id, paired(form), who)}
            return corrections.set_value(conn, item_id, form.get("value") or "", who,
                                         set_code(conn, item_id, form.get("code")), form.get("kind") or None,
                                         replace)
        finally:
            conn.close()

    try:
        done = await database(datasette).execute_write_fn(run)
    except corrections.WouldReplace as exc:
        again = {k: form[k] for k in RESUBMITTED if form.get(k)}
        query = urlencode({"error": would_replace(exc), "replace": action, **again})
        return Response.redirect(f"/-/review/{item_id}?{query}")
    except (corrections.CorrectionError, ValueError) as exc:
        return Response.redirect(f"/-/review/{item_id}?{urlencode({'error': str(exc)})}")
    said = {"accept": _("suggestion accepted"), "reject": _("rejected"), "pick": _("picked"),
            "set": _("value set"), "pair": _("cell paired")}[action]
    detail = f" — {done['code']} = {i18n.number(done['value'])}" if done.get("code") else ""
    return Response.redirect(f"/-/review/{item_id}?{urlencode({'message': said + detail})}")
