"""Follow-ups of a new user's trial of the web view, through Datasette's own client (no browser)."""

import json
import re
import sqlite3
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from markupsafe import escape

from extractor.cli import main

pytest.importorskip("datasette")
REVIEW_SAMPLES = ("BC_TuanLe_2024_XaPhuocHung_can_xem_lai.txt", "BC_TuanLe_HTSD_2022_LiemPhu.docx")


def import_files(folder, files: dict[str, str | bytes]):
    """A database holding `files` (name → text or content), imported by the CLI."""
    source = folder / "in"
    source.mkdir()
    for name, content in files.items():
        if isinstance(content, bytes):
            (source / name).write_bytes(content)
        else:
            (source / name).write_text(content, encoding="utf-8")
    db = folder / "t.db"
    result = CliRunner().invoke(main, ["import", str(source), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def reviewed(tmp_path):
    return import_files(tmp_path, {name: (SAMPLES / name).read_bytes() for name in REVIEW_SAMPLES})


def site_of(db, review=True):
    from extractor.serve import make_app

    return make_app(db, review=review)


def replacing_item(db) -> tuple[str, dict, float]:
    """An open item whose suggestion names a code the document already holds another value of."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT q.id, q.suggestion, o.value_num FROM review_queue q JOIN observations o ON o.document_id = "
        "q.document_id AND o.code = json_extract(q.suggestion, '$.code') AND o.kind = 'actual' "
        "WHERE q.status = 'open' AND json_extract(q.suggestion, '$.value') IS NOT NULL "
        "AND json_extract(q.suggestion, '$.value') != o.value_num ORDER BY q.id"
    ).fetchall()
    assert rows
    return str(rows[0][0]), json.loads(rows[0][1]), rows[0][2]


def status(db, item_id: str) -> dict:
    return json.loads(CliRunner().invoke(main, ["review", "show", item_id, "--db", str(db)]).output)


async def token_of(site, item_id: str) -> str:
    return (await site.client.get(f"/-/review/{item_id}")).cookies["ds_csrftoken"]


@pytest.mark.asyncio
async def test_web_accept_over_a_stored_value_asks_and_replaces_on_confirmation(reviewed):
    item_id, suggestion, stored = replacing_item(reviewed)
    site = site_of(reviewed)
    token = await token_of(site, item_id)
    refused = await site.client.post(
        f"/-/review/{item_id}/accept",
        data={"csrftoken": token, "note": "n1"},
        cookies={"ds_csrftoken": token},
    )
    assert refused.status_code == 302
    args = parse_qs(urlsplit(refused.headers["location"]).query)
    assert "--replace" not in args["error"][0] and args["replace"] == ["accept"] and args["note"] == ["n1"]
    assert f"{int(stored)}" in args["error"][0] and f"{suggestion['value']}" in args["error"][0]
    assert status(reviewed, item_id)["status"] == "open"
    page = await site.client.get(refused.headers["location"])
    assert "--replace" not in page.text and 'id="replace"' in page.text
    form = page.text.split('id="replace-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="replace" value="1"' in form and 'name="note" value="n1"' in form
    done = await site.client.post(
        f"/-/review/{item_id}/accept",
        cookies={"ds_csrftoken": token},
        data={"csrftoken": token, "note": "n1", "replace": "1"},
    )
    assert done.status_code == 302 and "error" not in done.headers["location"]
    assert status(reviewed, item_id)["status"] == "set"
    value = (
        sqlite3.connect(reviewed)
        .execute(
            "SELECT value FROM indicator_values WHERE code = ? AND sha256 = (SELECT sha256 FROM review_queue "
            "WHERE id = ?)",
            (suggestion["code"], item_id),
        )
        .fetchone()[0]
    )
    assert value == suggestion["value"]


@pytest.mark.asyncio
async def test_web_set_over_a_stored_value_resubmits_its_fields_with_replace(reviewed):
    item_id, suggestion, stored = replacing_item(reviewed)
    site = site_of(reviewed)
    token = await token_of(site, item_id)
    fields = {"value": "77", "code": suggestion["code"], "kind": "actual"}
    refused = await site.client.post(
        f"/-/review/{item_id}/set", data={"csrftoken": token, **fields}, cookies={"ds_csrftoken": token}
    )
    args = parse_qs(urlsplit(refused.headers["location"]).query)
    assert args["replace"] == ["set"] and "--replace" not in args["error"][0] and "77" in args["error"][0]
    page = (await site.client.get(refused.headers["location"])).text
    assert f'action="/-/review/{item_id}/set" class="xhht-action" id="replace-form"' in page
    form = page.split('id="replace-form"', 1)[1]
    for name, value in fields.items():
        assert f'name="{name}" value="{value}"' in form.split("</form>", 1)[0]
    done = await site.client.post(
        f"/-/review/{item_id}/set",
        cookies={"ds_csrftoken": token},
        data={"csrftoken": token, "replace": "1", **fields},
    )
    assert "error" not in done.headers["location"] and status(reviewed, item_id)["status"] == "set"


# ---- search: the true count, and pages ---------------------------------------------------------------------
def hits(page: str) -> list[str]:
    """The documents listed under "Documents" (the activities' links are left out)."""
    return re.findall(
        r'<li><a href="/-/document/(\d+)"', page.split('id="documents"')[1].split('id="activities"')[0]
    )


@pytest.mark.asyncio
async def test_search_heads_each_list_with_the_true_total_and_pages_the_rest(tmp_path, monkeypatch):
    from extractor.web import pages

    text = (SAMPLES / "BC_SoKet_HK1_DakSMar_2017.txt").read_text(encoding="utf-8")
    db = import_files(tmp_path, {f"r{k}.txt": f"{text}\nBản {k}.\n" for k in range(5)})  # 5 documents
    activities = (
        sqlite3.connect(db).execute("SELECT COUNT(*) FROM activities WHERE name LIKE '%dân%'").fetchone()[0]
    )
    assert activities > 6
    monkeypatch.setattr(pages, "SEARCH_ROWS", 3)
    site = site_of(db, review=False)
    first = (await site.client.get("/-/search", params={"q": "dan"})).text
    assert "Documents (5)" in first and f"Activities ({activities})" in first
    assert "Showing 1 to 3 of 5" in first and f"Showing 1 to 3 of {activities}" in first
    assert 'id="next-page" href="/-/search?q=dan&amp;page=2"' in first and 'id="previous-page"' not in first
    documents = hits(first)
    second = (await site.client.get("/-/search", params={"q": "dan", "page": "2"})).text
    assert "Showing 4 to 5 of 5" in second and f"Showing 4 to 6 of {activities}" in second
    assert 'id="previous-page"' in second
    documents += hits(second)
    assert sorted(documents) == sorted(set(documents)) and len(documents) == 5
    third = (await site.client.get("/-/search", params={"q": "dan", "page": "3"})).text
    assert "None on this page: all 5 are on earlier pages" in third and "Documents (5)" in third
    last = (activities + 2) // 3
    final = (await site.client.get("/-/search", params={"q": "dan", "page": str(last)})).text
    assert 'id="next-page"' not in final and f"of {activities}" in final
    few = (await site.client.get("/-/search", params={"q": "dan", "page": "x"})).text
    assert few == first


# ---- the compare chart: which units it draws, and the page saying so ---------------------------------------
def test_chart_draws_the_units_with_the_largest_latest_values_by_a_stated_rule():
    from extractor.query import Pivot
    from extractor.web import chart

    rows = [
        (f"unit {k:02d}", {(2022, "actual"): float(k), (2023, "actual"): float(100 - k)}) for k in range(15)
    ]
    rows += [
        ("late", {(2024, "actual"): 1.0}),
        ("words", {(2024, "actual"): "Đạt"}),
        ("tie b", {(2023, "actual"): 100.0}),
        ("tie a", {(2023, "actual"): 100.0}),
    ]
    pivot = Pivot("c", "label", None, ["actual"], [2022, 2023, 2024], rows)
    names = [pivot.rows[k][0] for k in chart.charted(pivot)]
    assert (
        names
        == [
            "late",
            "tie a",
            "tie b",
            "unit 00",
            "unit 01",
            "unit 02",
            "unit 03",
            "unit 04",
            "unit 05",
            "unit 06",
        ][: chart.MAX_LINES]
    )
    reordered = Pivot("c", "label", None, ["actual"], [2022, 2023, 2024], list(reversed(rows)))
    assert [reordered.rows[k][0] for k in chart.charted(reordered)] == names  # not the order of the table
    drawn = re.findall(r'font-size="11">([^<]+)</text>', chart.svg(pivot).split("</circle>")[-1])
    assert drawn == names


@pytest.mark.asyncio
async def test_compare_page_says_which_units_the_chart_shows(samples, tmp_path, monkeypatch):
    from extractor.web import chart

    db = tmp_path / "s.db"
    assert (
        CliRunner().invoke(main, ["import", str(samples), "--db", str(db), "--workers", "1"]).exit_code == 0
    )
    code = (
        sqlite3.connect(db)
        .execute(  # the indicator most units have, of one kind (results only)
            "SELECT p.code FROM pivot_rows p JOIN indicators i ON i.code = p.code WHERE i.value_type != "
            "'percent_or_status' GROUP BY p.code ORDER BY COUNT(*) DESC, p.code LIMIT 1"
        )
        .fetchone()[0]
    )
    site = site_of(db, review=False)
    data = (await site.client.get("/-/compare.json", params={"code": code})).json()
    assert len(data["rows"]) >= 3
    monkeypatch.setattr(chart, "MAX_LINES", 2)
    page = (await site.client.get("/-/compare", params={"code": code})).text
    note = page.split('id="chart-note">', 1)[1].split("</p>", 1)[0]
    assert f"The chart shows 2 of {len(data['rows'])} units" in note and "All units are in the table" in note

    def latest(row: dict) -> tuple:
        year = max(int(y) for y, v in row.items() if y != "Đơn vị" and isinstance(v, int | float))
        return -year, -row[str(year)], row["Đơn vị"]

    expected = [r["Đơn vị"] for r in sorted(data["rows"], key=latest)[:2]]
    legend = re.findall(
        r'font-size="11">([^<]+)</text>',
        page.split('class="xhht-chart"', 1)[1].split("</svg>")[0].split("</circle>")[-1],
    )
    assert [unescape(name) for name in legend] == expected
    monkeypatch.setattr(chart, "MAX_LINES", 100)
    note = (await site.client.get("/-/compare", params={"code": code})).text.split('id="chart-note">', 1)[1]
    assert note.startswith(f"The chart shows all {len(data['rows'])} units.")


# ---- the document page: how values and the text were read, in the interface's language ---------------------
@pytest.fixture
def vietnamese():
    from extractor import i18n

    i18n.set_language("vi")
    yield
    i18n.set_language(None)


@pytest.mark.asyncio
async def test_document_page_names_reading_methods_in_the_interface_language(reviewed, vietnamese):
    from extractor import i18n

    conn = sqlite3.connect(reviewed)
    doc_id, reader = conn.execute("SELECT id, reader_method FROM documents ORDER BY id LIMIT 1").fetchone()
    methods = {r[0] for r in conn.execute("SELECT method FROM observations WHERE document_id = ?", (doc_id,))}
    assert methods and reader
    page = (await site_of(reviewed, review=False).client.get(f"/-/document/{doc_id}")).text
    values = page.split('id="values"', 1)[1].split("</table>", 1)[0]
    cells = set(re.findall(r"<td>([^<]*)</td>", values))
    assert not methods & cells, methods & cells  # no raw method code is shown
    assert {str(escape(i18n.method_name(m))) for m in methods} <= cells  # each by its Vietnamese name
    assert i18n.method_name("table") == "bảng" and i18n.reader_method_name("ocr") != "ocr"
    assert f"({reader})" not in page and "(đọc trực tiếp chữ trong tệp)" in page


# ---- the review queue: reasons cut between words -----------------------------------------------------------
@pytest.mark.asyncio
async def test_review_queue_cuts_long_reasons_between_words(reviewed):
    reasons = {str(i): r for i, r in sqlite3.connect(reviewed).execute("SELECT id, reason FROM review_queue")}
    assert any(len(r) > 120 for r in reasons.values())
    page = (await site_of(reviewed).client.get("/-/review")).text
    cells = dict(re.findall(r'href="/-/review/(\d+)">.*?<td class="reason">(.*?)</td>', page, re.S))
    assert set(cells) == set(reasons)
    for item_id, cell in cells.items():
        full, cell = reasons[item_id], unescape(cell)
        if cell != full:
            kept = cell.removesuffix(" …")
            assert cell.endswith(" …") and full.startswith(kept) and full[len(kept)] == " ", (cell, full)
