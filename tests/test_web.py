"""The web view's pages and data routes through Datasette's own client (no browser)."""

import io
import json
import re
import shutil
import socket
import sqlite3
import unicodedata
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from extractor.cli import main

pytest.importorskip("datasette")
CODE = "tuanle.lop.xoa_mu_chu.so_luot"


@pytest.fixture(scope="module")
def archive(tmp_path_factory, samples):
    folder = tmp_path_factory.mktemp("webdb")
    files = folder / "files"
    shutil.copytree(samples, files)
    db = folder / "w.db"
    result = CliRunner().invoke(main, ["import", str(files), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return db, files


def app(archive, review=False):
    from extractor.serve import make_app

    return make_app(archive[0], review=review)


@pytest.mark.asyncio
async def test_home_compare_and_downloads(archive):
    site = app(archive)
    home = await site.client.get("/")
    assert home.status_code == 200 and "Lifelong Learning Week" in home.text and "/-/search" in home.text
    page = await site.client.get(f"/-/compare?code={CODE}")
    assert page.status_code == 200 and 'id="pivot"' in page.text and "<svg" in page.text
    assert "44.0" not in page.text and 'href="/-/document/' in page.text
    data = (await site.client.get(f"/-/compare.json?code={CODE}")).json()
    assert data["years"] and all(isinstance(v, int) for row in data["rows"] for k, v in row.items()
                                 if k != "Đơn vị" and v is not None)
    csv = await site.client.get(f"/-/compare.csv?code={CODE}&province=Tuyên Quang")
    assert csv.status_code == 200 and csv.text.lstrip("\ufeff").startswith("Đơn vị,")
    xlsx = await site.client.get(f"/-/compare.xlsx?code={CODE}")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row >= 2
    unknown = await site.client.get("/-/compare?code=tuanle.no.such")
    assert "unknown indicator code" in unknown.text
    dean = (await site.client.get("/-/compare.json?code=dean.xmc.muc_do_2")).json()
    assert set(dean["kinds"]) <= {"target", "actual"}


@pytest.mark.asyncio
async def test_units_with_no_known_2025_unit_are_shown_when_they_are_all_there_is(archive):
    """As of 2025, a district (districts were abolished) is listed apart: when only districts gave
    the indicator, the page is that table, as the CLI and the CSV list them, not "no values"."""
    site = app(archive)
    conn = sqlite3.connect(archive[0])
    code, district = conn.execute(
        "SELECT p.code, u.name FROM pivot_values p JOIN units u ON u.id = p.unit_id GROUP BY p.code "
        "HAVING min(u.level) = 'huyện' AND max(u.level) = 'huyện' ORDER BY p.code").fetchone()
    page = (await site.client.get(f"/-/compare?code={code}&as_of=2025")).text
    assert 'id="apart"' in page and district in page and 'id="pivot"' not in page
    assert "No values of this indicator" not in page and 'id="download-csv"' in page
    csv = (await site.client.get(f"/-/compare.csv?code={code}&as_of=2025")).text
    assert district in csv


@pytest.mark.asyncio
async def test_unit_document_file_and_search(archive):
    site = app(archive)
    page = await site.client.get(f"/-/compare?code={CODE}")
    doc_link = page.text.split('href="/-/document/', 1)[1].split('"', 1)[0]
    doc_id = doc_link.split("#")[0]
    document = await site.client.get(f"/-/document/{doc_id}")
    assert document.status_code == 200 and f'id="{doc_link.split("#")[1]}"' in document.text
    assert "Label as written" in document.text and "/file" in document.text
    original = await site.client.get(f"/-/document/{doc_id}/file")
    assert original.status_code == 200 and len(original.content) > 1000
    unit_id = page.text.split('href="/-/unit/', 1)[1].split('"', 1)[0]
    unit = await site.client.get(f"/-/unit/{unit_id}")
    assert unit.status_code == 200 and "<h2>Documents</h2>" in unit.text
    assert (await site.client.get("/-/unit/999999")).status_code == 404
    found = await site.client.get("/-/search?q=mù chữ")
    assert found.status_code == 200 and "<mark>" in found.text
    assert (await site.client.get('/-/search?q="unbalanced AND (')).status_code == 200


@pytest.mark.asyncio
async def test_original_is_served_only_while_unchanged(tmp_path):
    folder = tmp_path / "one"
    folder.mkdir()
    target = folder / "report.txt"
    shutil.copy(SAMPLES / "BC_SoKet_HK1_DakSMar_2017.txt", target)
    db = tmp_path / "one.db"
    assert CliRunner().invoke(main, ["import", str(target), "--db", str(db), "--workers", "1"]).exit_code == 0
    site = app((db, folder))
    assert (await site.client.get("/-/document/1/file")).status_code == 200
    target.write_text("changed", encoding="utf-8")
    assert (await site.client.get("/-/document/1/file")).status_code == 404


@pytest.mark.asyncio
async def test_review_pages_only_with_the_flag_and_with_csrf(archive):
    readonly = app(archive)
    assert (await readonly.client.get("/-/review")).status_code == 404
    site = app(archive, review=True)
    queue = await site.client.get("/-/review?kind=ambiguous_unit")
    assert queue.status_code == 200 and "ambiguous_unit" in queue.text
    item_id = queue.text.split('class="review-item" href="/-/review/', 1)[1].split('"', 1)[0]
    item = await site.client.get(f"/-/review/{item_id}")
    assert 'name="number"' in item.text and "2025" in item.text
    refused = await site.client.post(f"/-/review/{item_id}/pick", data={"number": "1"})
    assert refused.status_code == 403  # no CSRF token
    result = CliRunner().invoke(main, ["review", "show", item_id, "--db", str(archive[0])])
    assert json.loads(result.output)["status"] == "open"


# ---- inputs that need no system tool: text reports written here or copied from the samples -------------
REVIEW_SAMPLES = ("BC_TuanLe_2024_XaPhuocHung_can_xem_lai.txt", "BC_TuanLe_HTSD_2022_LiemPhu.docx")
WORDS = ("Báo cáo của đơn vị về Tuần lễ học tập suốt đời.\n"
         "Công tác phòng, chống mù chữ được đẩy mạnh; HỌC TẬP thường xuyên trong tuần lễ.\n")


def imported(folder, files: dict[str, str | bytes]):
    """A database holding the files `files` (name → text or content), imported by the CLI."""
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


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """Two reports (text, Word) with review items: weak matches, far ones, an unclear value."""
    folder = tmp_path_factory.mktemp("reviewed")
    return imported(folder, {name: (SAMPLES / name).read_bytes() for name in REVIEW_SAMPLES})


def marks(page: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", page)


@pytest.mark.asyncio
async def test_search_without_accents_finds_words_with_two_marks_and_d(tmp_path):
    db = imported(tmp_path, {"words.txt": WORDS, "other.txt": "Một văn bản khác: hội thảo, triển lãm.\n"})
    site = app((db, None))
    for query, shown in [("hoc tap", ["học", "tập", "HỌC", "TẬP"]), ("tuan le", ["Tuần", "lễ", "tuần", "lễ"]),
                         ("phong chong", ["phòng", "chống"]), ("don vi", ["đơn", "vị"]),
                         ("ĐƠN VỊ", ["đơn", "vị"]), ("học tập", ["học", "tập", "HỌC", "TẬP"])]:
        page = await site.client.get("/-/search", params={"q": query})
        assert page.status_code == 200 and "Documents (1)" in page.text, query
        assert marks(page.text) and set(marks(page.text)) <= set(shown), query  # highlighted as written
    phrase = await site.client.get("/-/search", params={"q": '"phong chong mu chu"'})
    assert "Documents (1)" in phrase.text and marks(phrase.text) == ["phòng, chống mù chữ"]
    reversed_phrase = await site.client.get("/-/search", params={"q": '"chong phong"'})
    assert "Documents (0)" in reversed_phrase.text  # a phrase is its words in order
    assert "Documents (1)" in (await site.client.get("/-/search?q=chong phong")).text


def test_folded_index_and_query_agree_on_every_vietnamese_letter(tmp_path):
    """The index folds with SQLite (đ by the triggers, marks by the tokenizer), the query with
    normalize.fold: every letter of the alphabet with every tone must come out the same."""
    from extractor import store
    from extractor.normalize import fold

    letters = [unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
               for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")] + ["đ", "Đ"]
    words = [f"t{letter}n" for letter in letters]
    db = imported(tmp_path, {"letters.txt": "Chữ: " + " ".join(words) + "\n"})
    conn = store.connect(db)
    conn.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, documents_fts, 'row')")
    indexed = {row[0] for row in conn.execute("SELECT term FROM temp.terms")}
    assert {fold(w) for w in words} == indexed - {"chu"}


@pytest.mark.asyncio
async def test_a_database_from_before_the_folded_index_gets_it(tmp_path):
    """A database made with the old index (unicode61 without folding of ộ or đ, the triggers
    sqlite-utils wrote) is migrated on its next opening; new imports are indexed folded too."""
    from extractor import store

    db = imported(tmp_path, {"words.txt": WORDS})
    conn = store.connect(db)
    for table, columns in (("documents", ["unit_name", "full_text"]),
                           ("activities", ["name", "host", "partners"])):
        for suffix in ("ai", "ad", "au"):
            conn.execute(f"DROP TRIGGER {table}_{suffix}")
        conn.execute(f"DROP TABLE {table}_fts")
        names = ", ".join(columns)
        conn.execute(f"CREATE VIRTUAL TABLE {table}_fts USING FTS5 ({names}, tokenize='unicode61', "
                     f'content="{table}")')
        conn.execute(f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN INSERT INTO {table}_fts "
                     f"(rowid, {names}) VALUES (new.rowid, {', '.join('new.' + c for c in columns)}); END")
        conn.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    readonly = sqlite3.connect(db)
    assert readonly.execute("SELECT COUNT(*) FROM documents_fts WHERE documents_fts "
                            "MATCH 'tap'").fetchone()[0] == 0
    readonly.close()
    store.connect(db).close()  # any command opening the archive to write migrates it
    site = app((db, None))
    assert set(marks((await site.client.get("/-/search?q=hoc tap")).text)) == {"học", "tập"}
    later = tmp_path / "later"
    later.mkdir()
    (later / "more.txt").write_text("Đợt hai: phòng chống mù chữ ở đơn vị mới.\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["import", str(later), "--db", str(db), "--workers", "1"]).exit_code == 0
    assert "Documents (2)" in (await site.client.get("/-/search?q=don vi")).text


@pytest.mark.asyncio
async def test_search_answers_whatever_is_typed(reviewed):
    site = app((reviewed, None))
    for query in ['"', '""""', "a\x00b", '"unbalanced AND (', "NEAR(a b)", "*", "^x", "a:b", "-", "{a} OR",
                  "\x01"]:
        page = await site.client.get("/-/search", params={"q": query})
        assert page.status_code == 200, query
    empty = await site.client.get("/-/search", params={"q": '"'})
    assert 'id="message"' in empty.text and "No words to search for" in empty.text


@pytest.mark.asyncio
async def test_ids_beyond_sqlite_and_unknown_paths_are_404(reviewed):
    site = app((reviewed, None))
    huge = 2 ** 64
    for path in (f"/-/unit/{huge}", f"/-/document/{huge}", f"/-/document/{huge}/file",
                 f"/-/document/{2 ** 63}", f"/-/review-item/{huge}/crop.png", "/-/document/-1/file",
                 "/t/no_such_table", "/no_such_db", "/-/no/such/page"):
        assert (await site.client.get(path)).status_code == 404, path


@pytest.mark.asyncio
async def test_read_only_server_refuses_review_posts_clearly(reviewed):
    site = app((reviewed, None))
    for action in ("accept", "set", "reject", "pick"):
        refused = await site.client.post(f"/-/review/1/{action}", data={"value": "1"})
        assert refused.status_code == 403 and "read-only" in refused.text and "--review" in refused.text
    page = await site.client.get("/-/review/1")
    assert page.status_code == 404 and "--review" in page.text


@pytest.mark.asyncio
async def test_download_names_are_rfc6266_even_with_a_newline(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    name = 'báo "cáo"\nđợt 1.txt'
    (folder / name).write_text(WORDS, encoding="utf-8")
    db = tmp_path / "n.db"
    assert CliRunner().invoke(main, ["import", str(folder), "--db", str(db), "--workers", "1"]).exit_code == 0
    original = await app((db, folder)).client.get("/-/document/1/file")
    header = original.headers["content-disposition"]
    assert original.status_code == 200 and "\n" not in header and header.isascii()
    assert header.startswith('inline; filename="bao _cao__dot 1.txt"; ')
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == name


def test_disposition_of_downloads_is_rfc6266():
    from extractor.web.pages import disposition

    want = 'attachment; filename="tuanle.x.csv"; filename*=UTF-8\'\'tuanle.x.csv'
    assert disposition("attachment", "tuanle.x.csv") == want


# ---- the guard: Host and Origin ----------------------------------------------------------------------------
async def token_and_item(site, host: str) -> tuple[str, str]:
    queue = await site.client.get("/-/review", headers={"host": host})
    item_id = queue.text.split('class="review-item" href="/-/review/', 1)[1].split('"', 1)[0]
    page = await site.client.get(f"/-/review/{item_id}", headers={"host": host})
    return page.cookies["ds_csrftoken"], item_id


@pytest.mark.asyncio
async def test_only_the_served_host_is_answered(reviewed):
    from extractor.serve import make_app

    site = make_app(reviewed, port=8001)
    for host in ("127.0.0.1:8001", "localhost:8001", "[::1]:8001", "LOCALHOST:8001"):
        assert (await site.client.get("/", headers={"host": host})).status_code == 200, host
    for host in ("evil.example:8001", "evil.example", "127.0.0.1:9999", "localhost",
                 "127.0.0.1.evil.example:8001", "evil@127.0.0.1:8001", "localhost.:8001", ""):
        refused = await site.client.get("/-/compare", headers={"host": host})
        assert refused.status_code == 400 and "answers only to" in refused.text, host
    named = make_app(reviewed, host="archive.lan", port=8001)
    assert (await named.client.get("/", headers={"host": "archive.lan:8001"})).status_code == 200
    assert (await named.client.get("/", headers={"host": "other.lan:8001"})).status_code == 400
    in_process = make_app(reviewed)  # no port: Datasette's own client, which sends "localhost"
    assert (await in_process.client.get("/")).status_code == 200
    assert (await in_process.client.get("/", headers={"host": "evil.example"})).status_code == 400


@pytest.mark.asyncio
async def test_writes_from_another_origin_are_refused_even_with_a_token(reviewed):
    from extractor.serve import make_app

    site = make_app(reviewed, review=True, port=8001)
    host = "127.0.0.1:8001"
    token, item_id = await token_and_item(site, host)
    form = {"csrftoken": token, "note": "guard test"}
    for headers in ({"origin": "http://evil.example:8001"}, {"origin": "null"},
                    {"referer": "http://evil.example:8001/page"}, {"origin": "http://localhost:8001"},
                    {"origin": "http://127.0.0.1:8001.evil.example"}):
        refused = await site.client.post(f"/-/review/{item_id}/reject", data=form,
                                         cookies={"ds_csrftoken": token}, headers={"host": host, **headers})
        assert refused.status_code == 403 and "another site" in refused.text, headers
    status = CliRunner().invoke(main, ["review", "show", item_id, "--db", str(reviewed)])
    assert json.loads(status.output)["status"] == "open"
    done = await site.client.post(f"/-/review/{item_id}/reject", data=form, cookies={"ds_csrftoken": token},
                                  headers={"host": host, "origin": "http://127.0.0.1:8001",
                                           "referer": "http://127.0.0.1:8001/-/review/" + item_id})
    assert done.status_code == 302 and "error" not in done.headers["location"]
    status = CliRunner().invoke(main, ["review", "show", item_id, "--db", str(reviewed)])
    assert json.loads(status.output)["status"] == "reject"


# ---- the set form's code
# -------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_set_form_prefills_only_a_close_suggestion(reviewed):
    from extractor.patterns import default_catalogue

    threshold = default_catalogue().matching["review"]
    conn = sqlite3.connect(reviewed)
    items = [(str(i), json.loads(s)) for i, s in conn.execute(
        "SELECT id, suggestion FROM review_queue WHERE suggestion IS NOT NULL AND status = 'open'")]
    far = [(i, s) for i, s in items if s.get("code") and s.get("score") is not None
           and s["score"] < threshold]
    close = [(i, s) for i, s in items if s.get("code") and (s.get("score") is None
                                                            or s["score"] >= threshold)]
    assert far and close
    site = app((reviewed, None), review=True)
    for item_id, suggestion in far:
        page = (await site.client.get(f"/-/review/{item_id}")).text
        assert 'id="set-code" size="36" value=""' in page and suggestion["code"] not in page.split(
            'id="set-code"')[1]
    for item_id, suggestion in close:
        page = (await site.client.get(f"/-/review/{item_id}")).text
        assert f'id="set-code" size="36" value="{suggestion["code"]}"' in page
    token, _ = await token_and_item(site, "localhost")
    item_id = far[0][0]
    posted = await site.client.post(f"/-/review/{item_id}/set", data={
        "csrftoken": token, "value": "7", "code": ""},
                                    cookies={"ds_csrftoken": token})
    assert posted.status_code == 302 and "choose+an+indicator+code" in posted.headers["location"]
    status = CliRunner().invoke(main, ["review", "show", item_id, "--db", str(reviewed)])
    assert json.loads(status.output)["status"] == "open"


# ---- serve
# -----------------------------------------------------------------------------------------------------
def test_serve_on_a_busy_port_says_so_in_one_line(reviewed):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--db", str(reviewed), "--port", str(port)])
    assert result.exit_code == 1 and "serving" not in result.output
    assert f"port {port}: the port is in use" in result.output and len(
        result.output.strip().splitlines()) == 1


@pytest.mark.asyncio
async def test_unit_page_writes_its_2025_unit_as_the_archive_writes_names(archive):
    """The register of the merger writes "Xã …"; the unit page, as compare does, "xã …"."""
    conn = sqlite3.connect(archive[0])
    unit_id, merged = conn.execute("SELECT id, merged_into FROM units WHERE merged_into LIKE 'X_ %' "
                                   "ORDER BY id").fetchone()
    page = (await app(archive).client.get(f"/-/unit/{unit_id}")).text
    name = merged.split(" ", 1)[1]
    assert f"xã {name}" in page and f"Xã {name}" not in page
