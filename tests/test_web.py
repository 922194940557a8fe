"""The web view's pages and data routes through Datasette's own client (no browser)."""

import io
import json
import shutil

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
    assert home.status_code == 200 and "Tuần lễ học tập suốt đời" in home.text and "/-/search" in home.text
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
async def test_unit_document_file_and_search(archive):
    site = app(archive)
    page = await site.client.get(f"/-/compare?code={CODE}")
    doc_link = page.text.split('href="/-/document/', 1)[1].split('"', 1)[0]
    doc_id = doc_link.split("#")[0]
    document = await site.client.get(f"/-/document/{doc_id}")
    assert document.status_code == 200 and f'id="{doc_link.split("#")[1]}"' in document.text
    assert "Nhãn gốc" in document.text and "/file" in document.text
    original = await site.client.get(f"/-/document/{doc_id}/file")
    assert original.status_code == 200 and len(original.content) > 1000
    unit_id = page.text.split('href="/-/unit/', 1)[1].split('"', 1)[0]
    unit = await site.client.get(f"/-/unit/{unit_id}")
    assert unit.status_code == 200 and "Văn bản / Documents" in unit.text
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
