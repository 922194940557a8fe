"""A browsable, read-only web view of the archive: Datasette with Vietnamese/English metadata
and canned queries for the multi-year comparison. Datasette is an optional extra."""

from __future__ import annotations

import errno
import socket
from importlib import resources
from pathlib import Path

from extractor.i18n import N_, _

MISSING = N_("the web view needs Datasette: pip install 'xhht-extractor[serve]'")

_TABLES = {
    "documents": ("Văn bản đã nhập / Imported documents",
                  "Mỗi nội dung tệp (sha256) một dòng; superseded_by trỏ tới phiên bản mới hơn của cùng tệp.",
                  {"sha256": "Mã băm nội dung / content hash", "report_type": "Loại báo cáo / report type",
                   "unit_name": "Tên đơn vị / unit name", "unit_level": "Cấp / level", "year": "Năm / year",
                   "period": "Kỳ báo cáo / period", "issued_date": "Ngày ban hành / issued",
                   "doc_number": "Số hiệu / number", "superseded_by": "Bị thay bởi văn bản / superseded by",
                   "full_text": "Toàn văn / full text"}),
    "observations": ("Số liệu chỉ tiêu / Indicator values",
                     "Giá trị đọc được, kèm nguồn: nhãn gốc, giá trị gốc, vị trí, điểm khớp, phương pháp.",
                     {"code": "Mã chỉ tiêu / indicator code", "kind": "target = chỉ tiêu, actual = kết quả",
                      "value_num": "Giá trị số / numeric value", "value_text": "Giá trị chữ (Đạt…) / "
                                                                               "text value",
                      "raw_label": "Nhãn gốc / label as written", "raw_value": "Giá trị gốc / value "
                                                                               "as written",
                      "location": "Vị trí trong văn bản / location", "score": "Điểm khớp nhãn / match score",
                      "method": "table, inline, narrative, prose, ocr"}),
    "units": ("Đơn vị / Reporting units", "Một định danh cho mỗi đơn vị qua các năm; merged_into: đơn vị sau "
                                          "sáp nhập 2025.",
              {"name": "Tên / name", "level": "Cấp / level", "district": "Huyện / district",
               "province": "Tỉnh / province", "merged_into": "Đơn vị sau sáp nhập 2025 / after the "
                                                             "2025 merger"}),
    "indicators": ("Danh mục chỉ tiêu / Indicator catalogue", "Từ patterns/: mã, nhãn chính thức, đơn vị.",
                   {}),
    "activities": ("Hoạt động / Activities", "Các hoạt động, chuyên đề của trung tâm học tập cộng đồng.",
                   {"participants": "Số người tham gia / participants", "host": "Đơn vị chủ trì / host",
                    "partners": "Đơn vị phối hợp / partners"}),
    "review_items": ("Cần xem lại / For review", "Nhãn không khớp, ô mơ hồ, giá trị không rõ — kèm lý do "
                                                 "và vị trí.", {}),
    "import_errors": ("Lỗi nhập / Import errors", "Tệp không đọc được, kèm lý do.", {}),
    "indicator_values": ("Giá trị theo đơn vị và năm / Values by unit and year", "Chỉ văn bản hiện hành.",
                         {}),
    "latest_values": ("Giá trị mới nhất / Latest values",
                      "Một giá trị mỗi đơn vị, chỉ tiêu, kỳ: văn bản ban hành sau cùng thắng.", {}),
}

COMPARE_SQL = """SELECT unit_name AS "Đơn vị", district AS "Huyện", province AS "Tỉnh", year AS "Năm",
       kind AS "Loại", value AS "Giá trị", unit AS "Đơn vị tính"
FROM latest_values
WHERE code = :code AND (:unit = '' OR unit_name LIKE '%' || :unit || '%')
ORDER BY unit_name, year, kind"""


def metadata(db_name: str) -> dict:
    """Datasette metadata: titles and descriptions (vi/en), column descriptions, canned queries."""
    tables = {name: {"title": title, "description": description, "columns": columns}
              for name, (title, description, columns) in _TABLES.items()}
    tables["documents"]["hidden"] = False
    return {
        "title": "Xây dựng xã hội học tập — số liệu báo cáo / Learning-society report data",
        "description": "Số liệu trích từ báo cáo Tuần lễ HTSĐ, tổng kết XHHT, Đề án 1373, sơ kết TTHTCĐ. "
                       "Chỉ đọc / read-only.",
        "databases": {db_name: {
            "tables": tables,
            "queries": {
                "so_sanh_chi_tieu": {"title": "So sánh một chỉ tiêu qua các năm / Compare one indicator over "
                                              "the years",
                                     "sql": COMPARE_SQL},
                "can_xem_lai": {"title": "Danh sách cần xem lại / Review queue",
                                "sql": "SELECT * FROM review_queue ORDER BY path, id"},
            },
        }},
    }


def make_app(db_path: str | Path, review: bool = False, host: str | None = None, port: int | None = None):
    """The Datasette instance with this package's pages (extractor.web).

    Read-only unless `review`: then the review pages may record corrections (from this machine
    only, with Datasette's CSRF protection); SQL written in the browser stays read-only. Requests
    are answered only when addressed to the loopback names or `host`, on `port` (any port when
    None, as for Datasette's in-process client): see extractor.web.guard.
    """
    try:
        from datasette.app import Datasette
        from datasette.plugins import pm
    except ImportError as exc:
        raise RuntimeError(_(MISSING)) from exc
    from extractor.web import plugin

    if pm.get_plugin(plugin.NAME) is None:
        pm.register(plugin, name=plugin.NAME)
    path = Path(db_path)
    meta = metadata(path.stem)
    meta["plugins"] = {plugin.NAME: {"review": review, "host": host, "port": port}}
    web = resources.files("extractor.web")
    return Datasette(files=[str(path)], metadata=meta, template_dir=str(web / "templates"),
                     static_mounts=[("xhht-static", str(web / "static"))],
                     settings={"default_page_size": 50, "allow_download": False})


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything says the site is served; OSError names the port."""
    try:
        family, kind, proto, _canonname, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a restart need not wait
    except OSError as exc:
        raise OSError(_("cannot listen on {host} port {port}: {reason}").format(
            host=host, port=port, reason=exc.strerror or exc)) from None
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        reason = _("the port is in use (choose another with --port)") if exc.errno == errno.EADDRINUSE \
            else exc.strerror
        raise OSError(_("cannot listen on {host} port {port}: {reason}").format(host=host, port=port,
                                                                               reason=reason)) from None
    return sock


def run(app, sock: socket.socket) -> None:
    """Serve `app` (from make_app) on a socket from `bind` until Ctrl-C."""
    import uvicorn  # a dependency of Datasette, which make_app found

    uvicorn.Server(uvicorn.Config(app.app(), log_level="warning")).run(sockets=[sock])
