"""The review queue and corrections, end to end through the CLI: resolve one item of every kind,
re-extract everything, and find every correction still in force; carry corrections to a second
database built from the same files."""

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import SAMPLES

from extractor.cli import main

QUEUE_SAMPLE = "BC_TuanLe_2024_XaPhuocHung_can_xem_lai.txt"


def run(*args, ok: bool = True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def imported(path, samples) -> str:
    run("import", samples, "--db", path, "--workers", "1")
    return str(path)


def items(db, *extra) -> list[dict]:
    return json.loads(run("review", "list", "--db", db, "--format", "json", *extra).output)


def one(queue: list[dict], category: str, **where) -> dict:
    return next(i for i in queue if i["category"] == category and all(i[k] == v for k, v in where.items()))


def pivot(db, code: str, unit: str) -> dict:
    rows = json.loads(run("compare", code, "--db", db, "--unit", unit, "--format", "json").output)
    return rows[0]


def exported(db) -> dict:
    return {d["source"]["sha256"]: d for d in map(json.loads, run("export", "--db", db).output.splitlines())}


@pytest.fixture(scope="module")
def resolved(tmp_path_factory, samples):
    """A database of the samples with one item of every kind resolved from the CLI."""
    db = imported(tmp_path_factory.mktemp("review") / "r.db", samples)
    queue = items(db)
    assert {"unmatched_label", "unclear_value", "conflict", "ambiguous_cell", "ambiguous_unit"} <= {
        i["category"] for i in queue}
    done = {}
    with_value = next(i for i in queue if i["category"] == "unmatched_label"
                      and (i["suggestion"] or {}).get("value"))
    run("review", "accept", with_value["id"], "--db", db, "--by", "tester", "--note", "đúng chỉ tiêu")
    done["accept"] = with_value
    unclear = one(queue, "unclear_value")
    run("review", "set", unclear["id"], "--value", "1.200", "--db", db, "--by", "tester")
    done["set"] = unclear
    conflict = one(queue, "conflict")
    assert [c["value"] for c in conflict["candidates"]] == [2, 3]
    run("review", "pick", conflict["id"], "2", "--db", db)
    done["pick_value"] = conflict
    cell = one(queue, "ambiguous_cell", location="page 2, table 1, row 2")
    run("review", "set", cell["id"], "--code", "tuanle.ke_hoach.cap_xa", "--value", "00", "--db", db)
    done["cell"] = cell
    unit = one(queue, "ambiguous_unit", unit_name="An Phú")
    chosen = next(k for k, c in enumerate(unit["candidates"], 1) if c["province"] == "Hà Nội")
    run("review", "pick", unit["id"], chosen, "--db", db)
    done["pick_unit"] = unit
    rejected = next(i for i in queue if i["category"] == "unmatched_label" and i["id"] != with_value["id"])
    run("review", "reject", rejected["id"], "--db", db)
    done["reject"] = rejected
    liem_phu = SAMPLES / "BC_TuanLe_HTSD_2021_LiemPhu.docx"
    run("correct", liem_phu, "tuanle.thong_tin.bai_bao", "7", "--db", db, "--note", "bản gốc ghi 7")
    run("correct", liem_phu, "tuanle.thong_tin.truyen_hinh", "--delete", "--db", db)
    return db, done


def check_in_force(db: str, done: dict) -> None:
    queue = {i["id"]: i for i in items(db, "--all")}
    for name, item in done.items():
        assert queue[item["id"]]["status"] != "open", name  # ids survive re-extraction
    assert pivot(db, "tuanle.lop.xoa_mu_chu.so_lop", "Phước Hưng")["2024"] == 3
    assert pivot(db, "tuanle.tuyen_truyen.sach_tai_lieu", "Phước Hưng")["2024"] == 1200
    assert pivot(db, "tuanle.thong_tin.bai_bao", "Liêm Phú")["2021"] == 7
    docs = exported(db)
    liem_phu = next(d for d in docs.values() if d["source"]["path"].endswith("2021_LiemPhu.docx"))
    bai_bao = next(i for i in liem_phu["indicators"] if i["code"] == "tuanle.thong_tin.bai_bao")
    assert bai_bao["value"] == 7 and bai_bao["source"] == "correction" and bai_bao["extracted_value"] != 7
    assert not any(i["code"] == "tuanle.thong_tin.truyen_hinh" for i in liem_phu["indicators"])
    an_phu = next(d for d in docs.values() if d["document"]["unit_name"] == "An Phú")
    assert an_phu["document"]["province"] == "Hà Nội" and an_phu["document"]["district"]
    assert any(c["target"] == "unit" for c in an_phu["corrections"])
    rows = run("export", "--db", db, "--format", "csv").output.splitlines()
    assert any(",correction," in r and "tuanle.thong_tin.bai_bao" in r for r in rows)
    units = json.loads(run("units", "--db", db, "--format", "json").output)
    assert any(u["name"] == "An Phú" and u["province"] == "Hà Nội" for u in units)
    assert all(u["documents"] for u in units)  # the unit the picked document left is not listed empty


def test_corrections_survive_reextraction(resolved, samples):
    db, done = resolved
    check_in_force(db, done)
    run("import", "--reextract", "--force", "--db", db, "--workers", "1")
    check_in_force(db, done)
    run("import", samples, "--db", db, "--workers", "1")  # the same files again
    check_in_force(db, done)


def test_reextraction_that_agrees_is_noted_not_applied_twice(tmp_path):
    db = str(tmp_path / "a.db")
    doc = SAMPLES / "BC_TuanLe_HTSD_2022_LiemPhu.docx"
    run("import", doc, "--db", db, "--workers", "1")
    extracted = pivot(db, "tuanle.thong_tin.bai_bao", "Liêm Phú")["2022"]
    run("correct", doc, "tuanle.thong_tin.bai_bao", extracted, "--db", db)
    run("import", "--reextract", "--force", "--db", db, "--workers", "1")
    run("import", "--reextract", "--force", "--db", db, "--workers", "1")
    history = json.loads(json.loads(run("sql", "SELECT history FROM corrections", "--db", db,
                                        "--format", "json").output)[0]["history"])
    assert [e["event"] for e in history] == ["agrees"]  # said once per extractor version
    changes = json.loads(run("sql", "SELECT changes FROM extraction_history ORDER BY id", "--db", db,
                             "--format", "json").output)
    assert "now says what the correction says" in changes[0]["changes"] and changes[1]["changes"] == "[]"
    assert pivot(db, "tuanle.thong_tin.bai_bao", "Liêm Phú")["2022"] == extracted


def test_corrections_travel_to_a_second_database(resolved, tmp_path, samples):
    db, _ = resolved
    other = imported(tmp_path / "other.db", samples)
    out = tmp_path / "c.jsonl"
    run("corrections", "export", "--db", db, "-o", out)
    result = run("corrections", "import", out, "--db", other)
    assert "applied" in result.output
    assert run("export", "--db", db).output == run("export", "--db", other).output
    result = run("corrections", "import", out, "--db", other)  # twice: nothing new
    assert "applied 0" in result.output


def test_corrections_for_absent_documents_wait_for_them(resolved, tmp_path):
    db, _ = resolved
    out = tmp_path / "c.jsonl"
    run("corrections", "export", "--db", db, "-o", out)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / QUEUE_SAMPLE, folder)
    fresh = str(tmp_path / "fresh.db")
    run("import", folder / QUEUE_SAMPLE, "--db", fresh, "--workers", "1")
    run("sql", "SELECT 1", "--db", fresh)
    result = run("corrections", "import", out, "--db", fresh)
    assert "kept for" in result.output and "applied 3" in result.output  # the three of this document
    run("import", SAMPLES / "BC_TuanLe_HTSD_2021_LiemPhu.docx", "--db", fresh, "--workers", "1")
    assert pivot(fresh, "tuanle.thong_tin.bai_bao", "Liêm Phú")["2021"] == 7


def test_bad_input_gets_one_line_errors(resolved, tmp_path):
    db, done = resolved
    cases = [
        (["review", "show", "999999"], "no review item with id 999999"),
        (["review", "set", done["set"]["id"], "--value", "mười hai"], "does not read as a value"),
        (["review", "set", done["set"]["id"], "--value", "3", "--code", "no.such.code"],
         "not in the indicator catalogue"),
        (["review", "accept", done["cell"]["id"]], "no suggested value"),
        (["review", "pick", done["pick_unit"]["id"], "99"], "candidates 1 to"),
        (["correct", "0" * 64, "tuanle.thong_tin.bai_bao", "3"], "no stored document"),
        (["review", "list", "--kind", "nonsense"], "unknown review kind"),
    ]
    for args, message in cases:
        result = run(*args, "--db", db, ok=False)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    wrong = tmp_path / "v9.jsonl"
    wrong.write_text('{"schema": "xhht-corrections", "version": 9}\n', encoding="utf-8")
    result = run("corrections", "import", wrong, "--db", db, ok=False)
    assert "schema version 9" in result.output
    wrong.write_text('{"hello": 1}\n', encoding="utf-8")
    assert "not a corrections file" in run("corrections", "import", wrong, "--db", db, ok=False).output


def test_review_show_gives_context_and_filters(resolved):
    db, done = resolved
    shown = json.loads(run("review", "show", done["cell"]["id"], "--db", db).output)
    assert shown["context"]["row"] and shown["details"]["labels"] and shown["details"]["values"] == ["00"]
    assert shown["resolution"]["code"] == "tuanle.ke_hoach.cap_xa"
    assert all(i["year"] == 2022 for i in items(db, "--year", "2022", "--all"))
    assert all(i["unit_name"] == "Phước Hưng" for i in items(db, "--unit", "phuoc hung", "--all"))
    assert all(i["path"].endswith(".txt") for i in items(db, "--path", "*.txt", "--all"))


LIEM_PHU_2021 = SAMPLES / "BC_TuanLe_HTSD_2021_LiemPhu.docx"
BAI_BAO = "tuanle.thong_tin.bai_bao"


def stop_the_clock(monkeypatch, at: str = "2025-03-01T08:00:00+00:00") -> None:
    """Every decision from now on is made within the same second (and the same microsecond)."""
    from extractor import store

    monkeypatch.setattr(store, "now", lambda *args, **kwargs: at)


def test_two_corrections_within_one_second_travel_and_the_later_wins_in_both_databases(tmp_path, monkeypatch):
    db, other = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    for path in (db, other):
        run("import", LIEM_PHU_2021, "--db", path, "--workers", "1")
    stop_the_clock(monkeypatch)
    run("correct", LIEM_PHU_2021, BAI_BAO, "191", "--db", db)
    run("correct", LIEM_PHU_2021, BAI_BAO, "192", "--db", db)
    assert pivot(db, BAI_BAO, "Liêm Phú")["2021"] == 192
    out = tmp_path / "c.jsonl"
    run("corrections", "export", "--db", db, "-o", out)
    result = run("corrections", "import", out, "--db", other)
    assert "applied 1, already present 0, kept in the history 1" in result.output
    assert pivot(other, BAI_BAO, "Liêm Phú")["2021"] == 192
    assert "applied 0, already present 2" in run("corrections", "import", out, "--db", other).output
    # a decision made in the second database after those is later, there and once carried back
    run("correct", LIEM_PHU_2021, BAI_BAO, "300", "--db", other)
    back = tmp_path / "back.jsonl"
    run("corrections", "export", "--db", other, "-o", back)
    run("corrections", "import", back, "--db", db)
    run("corrections", "import", out, "--db", other)  # the older ones again: nothing changes
    assert pivot(db, BAI_BAO, "Liêm Phú")["2021"] == pivot(other, BAI_BAO, "Liêm Phú")["2021"] == 300


def test_a_file_of_the_first_format_keeps_both_corrections_of_one_second(tmp_path):
    """Files exported before corrections had uids: times to the second, no uid. Only the very
    same correction is skipped, and in file order the later of one second wins."""
    db = str(tmp_path / "a.db")
    run("import", LIEM_PHU_2021, "--db", db, "--workers", "1")
    sha = json.loads(run("sql", "SELECT sha256 FROM documents", "--db", db, "--format", "json").output)[0][
        "sha256"]
    record = {"sha256": sha, "target": "value", "action": "set", "code": BAI_BAO, "kind": "actual",
              "unit": None, "old_value": 4, "item_key": None, "note": None, "by": "a",
              "at": "2025-03-01T08:00:00+00:00", "history": []}
    lines = [{"schema": "xhht-corrections", "version": 1},
             {**record, "value": 191, "active": False, "history": [{"event": "replaced"}]},
             {**record, "value": 192, "active": True}]
    old = tmp_path / "v1.jsonl"
    old.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert "applied 1, already present 0, kept in the history 1" in run(
        "corrections", "import", old, "--db", db).output
    assert pivot(db, BAI_BAO, "Liêm Phú")["2021"] == 192
    assert "applied 0, already present 2" in run("corrections", "import", old, "--db", db).output


def test_two_decisions_on_one_review_item_within_one_second_the_second_wins(tmp_path, monkeypatch):
    db = str(tmp_path / "q.db")
    run("import", SAMPLES / QUEUE_SAMPLE, "--db", db, "--workers", "1")
    item = one(items(db), "unclear_value")
    code = item["suggestion"]["code"]
    stop_the_clock(monkeypatch)
    run("review", "set", item["id"], "--value", "1.300", "--db", db)
    run("review", "set", item["id"], "--value", "1.400", "--db", db)  # a double submission, changed mind
    assert json.loads(run("review", "show", item["id"], "--db", db).output)["resolution"]["value"] == 1400
    assert pivot(db, code, item["unit_name"])[str(item["year"])] == 1400
    kept = json.loads(run("sql", "SELECT value_num, active FROM corrections ORDER BY created_at", "--db", db,
                          "--format", "json").output)
    assert kept == [{"value_num": 1300, "active": 0}, {"value_num": 1400,
                                                       "active": 1}]  # the history keeps both


def stored_values(db) -> dict:
    rows = json.loads(run("sql", "SELECT code, kind, COALESCE(value_num, value_text) AS v FROM observations",
                          "--db", db, "--format", "json").output)
    return {(r["code"], r["kind"]): r["v"] for r in rows}


def test_accepting_over_another_stored_value_needs_replace(tmp_path):
    db = str(tmp_path / "a.db")
    run("import", SAMPLES / "BC_TuanLe_HTSD_2022_LiemPhu.docx", "--db", db, "--workers", "1")
    stored = stored_values(db)
    item = next(i for i in items(db) if (i["suggestion"] or {}).get("value") is not None
                and stored.get((i["suggestion"]["code"], "actual")) not in (None, i["suggestion"]["value"]))
    code, suggested = item["suggestion"]["code"], item["suggestion"]["value"]
    before = pivot(db, code, "Liêm Phú")["2022"]
    for args in (["accept", item["id"]], ["set", item["id"], "--value", suggested],
                 ["set", item["id"], "--value", suggested, "--code", code]):
        result = run("review", *args, "--db", db, ok=False)
        assert result.exit_code == 1
        assert f"already holds {before}" in result.output and "--replace" in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert pivot(db, code, "Liêm Phú")["2022"] == before
    assert items(db, "--all")[0]["status"] == "open"
    run("review", "accept", item["id"], "--replace", "--db", db)
    assert pivot(db, code, "Liêm Phú")["2022"] == suggested
    run("review", "set", item["id"], "--value", suggested + 1, "--db",
        db)  # the same item again: no --replace
    assert pivot(db, code, "Liêm Phú")["2022"] == suggested + 1


def test_a_code_of_another_report_type_needs_force(tmp_path):
    db, doc = str(tmp_path / "a.db"), SAMPLES / "BC_TuanLe_HTSD_2022_LiemPhu.docx"
    run("import", doc, "--db", db, "--workers", "1")
    catalogue = json.loads(run("indicators", "--db", db, "--format", "json").output)
    foreign = next(i["code"] for i in catalogue if i["report_type"] != "tuanle" and i["unit"] == "người")
    item = items(db)[0]
    for args in (["correct", doc, foreign, "5"], ["review", "set", item["id"], "--value", "5", "--code",
                                                  foreign]):
        result = run(*args, "--db", db, ok=False)
        assert result.exit_code == 1, result.output
        assert "is a Lifelong Learning Week (tuanle) report: add --force" in result.output, result.output
    assert run("sql", "SELECT COUNT(*) AS n FROM corrections", "--db", db, "--format",
               "json").output.count('"n": 0')
    run("correct", doc, foreign, "5", "--force", "--db", db)
    corrections = json.loads(run("sql", "SELECT code FROM corrections", "--db", db, "--format",
                                 "json").output)
    assert corrections == [{"code": foreign}]


def test_corrections_wait_in_a_database_that_does_not_exist_yet(tmp_path):
    db = str(tmp_path / "a.db")
    run("import", LIEM_PHU_2021, "--db", db, "--workers", "1")
    run("correct", LIEM_PHU_2021, BAI_BAO, "7", "--db", db)
    out = tmp_path / "c.jsonl"
    run("corrections", "export", "--db", db, "-o", out)
    fresh = str(tmp_path / "new" / "fresh.db")
    assert "kept for 1 document(s)" in run("corrections", "import", out, "--db", fresh).output
    run("import", LIEM_PHU_2021, "--db", fresh, "--workers", "1")
    assert pivot(fresh, BAI_BAO, "Liêm Phú")["2021"] == 7


def test_review_list_takes_a_category_as_its_table_writes_it_in_either_language():
    """`review list` writes a category by its name (Vietnamese: "giá trị chưa rõ"); `--kind` takes
    that name, without diacritics too, the English name and the code, and names the categories when
    it knows none."""
    from extractor import store
    from extractor.corrections import CorrectionError, list_items
    from extractor.i18n import category_code

    for text in ("giá trị chưa rõ", "Gia tri chua ro", "unclear value", "unclear_value"):
        assert category_code(text) == "unclear_value", text
    assert category_code("tên đơn vị trùng") == "ambiguous_unit" and category_code("nonsense") is None
    conn = store.connect(":memory:")
    assert list_items(conn, "giá trị chưa rõ") == list_items(conn, "unclear_value") == []
    with pytest.raises(CorrectionError, match="unclear_value"):
        list_items(conn, "nonsense")
