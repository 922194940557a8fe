"""Writes the Excel annex samples of corpus_samples/ (run once; the files are committed):

* BC_DeAn1373_BacYen_2024_PhuLuc.xlsx — a district's Đề án 1373 annex with its own letterhead:
  target and result columns, rates as percent-formatted cells (0.9729 shown 97,29 %), "Đạt" /
  "Chưa đạt" answers, group rows merged across the table, a hidden working sheet;
* BC_TuanLe_2024_XaTaXua_PhuLuc.xlsx — a commune's Tuần lễ form (the 8 groups, one row per
  figure) with no letterhead, a total by formula and money with thousands formatting, beside
* BC_TuanLe_2024_XaTaXua.docx — its report, whose letterhead gives the annex its unit and year.

    python tests/make_annex_samples.py [FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbooks import Formula, Pct, Sheet, write_xlsx

SAMPLES = Path(__file__).resolve().parent.parent / "corpus_samples"

DEAN_GROUPS = [
    ("I", "Xóa mù chữ và phổ cập giáo dục", [
        ("Huyện, thành phố đạt chuẩn xóa mù chữ mức độ 2", "%", 1.0, "Đạt"),
        ("Huyện, thành phố đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi", "%", 1.0, "Đạt"),
        ("Huyện, thành phố đạt chuẩn phổ cập giáo dục tiểu học đạt mức độ 2", "%", 1.0, "Đạt"),
        ("Huyện, thành phố đạt chuẩn phổ cập giáo dục tiểu học đạt mức độ 3", "%", 0.5, "Chưa đạt"),
        ("Huyện, thành phố đạt chuẩn phổ cập giáo dục trung học cơ sở mức độ 2", "%", 1.0, "Đạt"),
        ("Huyện, thành phố đạt chuẩn phổ cập giáo dục trung học cơ sở mức độ 3", "%", 0.3, "Chưa đạt"),
    ]),
    ("II", "Về năng lực cơ bản và trình độ của người dân", [
        ("Số người trong độ tuổi lao động được trang bị năng lực thông tin", "%", 0.5, 0.6215),
        ("Số người trong độ tuổi lao động được trang bị kỹ năng sống", "%", 0.7, 0.7841),
        ("Dân số từ 15 tuổi trở lên được đào tạo trình độ chuyên môn kỹ thuật", "%", 0.3, 0.2467),
        ("Trong đó, dân số có trình độ đại học trở lên", "%", 0.1, 0.0832),
    ]),
    ("III", "Về hiệu quả hoạt động của các cơ sở giáo dục, cơ sở giáo dục nghề nghiệp", [
        ("Các cơ sở giáo dục phổ thông, cơ sở giáo dục thường xuyên, cơ sở giáo dục nghề nghiệp và các cơ sở "
         "giáo dục khác triển khai hoạt động quản lý, giảng dạy và học tập trên môi trường số", "%", 0.8,
         0.9729),
        ("Các trung tâm học tập cộng đồng ứng dụng công nghệ thông tin trong quản lý, tổ chức hoạt động "
         "giáo dục",
         "%", 0.6, 0.5714),
    ]),
    ("IV", "Xây dựng các mô hình học tập trong xã hội", [
        ("Công dân học tập", "%", 0.7, 0.7318),
        ("Gia đình học tập", "%", 0.8, 0.8526),
        ("Dòng họ học tập", "%", 0.75, 0.9103),
        ("Cộng đồng học tập cấp thôn", "%", 0.8, 0.8437),
        ("Đơn vị học tập", "%", 0.85, 0.8889),
    ]),
]


def dean_annex() -> list[Sheet]:
    rows: list[list] = [
        ["UBND HUYỆN BẮC YÊN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", None, None],
        ["PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", None, None, "Độc lập - Tự do - Hạnh phúc", None, None],
        [None] * 6,
        ["BÁO CÁO", None, None, None, None, None],
        ["Kết quả thực hiện Đề án \"Xây dựng xã hội học tập giai đoạn 2021-2030\" năm 2024",
         None, None, None, None, None],
        ["(Phụ lục kèm theo Báo cáo số 412/BC-PGDĐT ngày 05/12/2024 của Phòng GD&ĐT huyện Bắc Yên)",
         None, None, None, None, None],
        ["TT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu năm 2024", "Kết quả thực hiện", "Ghi chú"],
    ]
    merges = ["A1:C1", "D1:F1", "A2:C2", "D2:F2", "A4:F4", "A5:F5", "A6:F6"]
    number = 0
    for roman, title, items in DEAN_GROUPS:
        rows.append([roman, title, None, None, None, None])
        merges.append(f"B{len(rows)}:F{len(rows)}")
        for label, unit, target, result in items:
            number += 1
            rows.append([number, label, unit, Pct(target, "0%"),
                         Pct(result) if isinstance(result, float) else result, None])
    working = Sheet("Số liệu gốc", [["Xã", "Số hộ", "Gia đình học tập"], ["Tà Xùa", 812, 703],
                                    ["Phiêng Ban", 1045, 866]], hidden=True)
    return [Sheet("Biểu 01", rows, merges=merges), working]


TUANLE_ROWS = [
    ("1", "Kế hoạch tổ chức Tuần lễ HTSĐ", None, None),
    ("", "Cấp huyện", "văn bản", 1),
    ("", "Cấp xã / thị trấn", "văn bản", 1),
    ("2", "Các phương tiện thông tin về chuyển đổi số và HTSĐ-XDXHHT", None, None),
    ("", "Số bài viết trên các báo", "bài", 2),
    ("", "Số tin, phóng sự phát trên đài truyền hình", "tin", 0),
    ("", "Số bài, tin đã phát trên đài phát thanh", "bài", 14),
    ("", "Số tờ báo tường, số bài viết liên quan chuyển đổi số và HTSĐ-XDXHHT", "tờ", 6),
    ("3", "Các hoạt động tuyên truyền về chuyển đổi số và HTSĐ-XDXHHT", None, None),
    ("", "Số lượng tờ rơi đã phát hành", "tờ", 1250),
    ("", "Số lượng sách, tài liệu đã phát hành", "cuốn", 86),
    ("", "Số băng rôn, panô, khẩu hiệu đã thực hiện", "cái", 9),
    ("4", "Hội thảo, tọa đàm, triển lãm về chuyển đổi số và HTSĐ-XDXHHT", None, None),
    ("", "Số lần hội thảo, tọa đàm", "lần", 2),
    ("", "Số người tham gia", "người", 137),
    ("", "Triển lãm, số lượt người dự", "lượt", 0),
    ("", "Hội diễn văn nghệ", "buổi", 1),
    ("5", "Các lớp bồi dưỡng đã tổ chức liên quan chuyển đổi số và HTSĐ-XDXHHT", None, None),
    ("", "Số lớp bồi dưỡng nâng cao trình độ chuyên môn nghiệp vụ cho cán bộ, công chức, viên chức, "
         "công nhân lao động", "lớp", 1),
    ("", "Số lượt người tham gia", "lượt", 32),
    ("", "Số lớp bồi dưỡng nâng cao trình độ ngoại ngữ, tin học", "lớp", 2),
    ("", "Số lượt người tham gia", "lượt", 58),
    ("", "Số lớp dạy nghề cho lao động nông thôn", "lớp", 3),
    ("", "Số lượt người tham gia", "lượt", 105),
    ("", "Số lớp giáo dục kỹ năng sống", "lớp", 2),
    ("", "Số lượt người tham gia", "lượt", 176),
    ("", "Số lớp học theo chương trình giáo dục đáp ứng yêu cầu người học, cập nhật kiến thức kỹ năng, "
         "chuyển giao công nghệ", "lớp", 4),
    ("", "Số lượt người tham gia", "lượt", 241),
    ("", "Số lớp xóa mù chữ", "lớp", 1),
    ("", "Số lượt người tham gia", "lượt", 27),
    ("", "Các lớp khác", "lớp", 0),
    ("", "Số lượt người tham gia", "lượt", 0),
    ("6", "Thư viện", None, None),
    ("", "Số cơ sở giáo dục ở xã, phường, thị trấn (trường MN, TH, THCS, Trung tâm HTCĐ) có thư viện",
     "cơ sở", 4),
    ("", "Số sách, báo điện tử, TL số và trang web đã khai thác", "tài liệu", 1320),
    ("", "Số lượng hoạt động tập huấn, hướng dẫn, giới thiệu", "hoạt động", 5),
    ("", "Số người tham gia đọc sách online trên blogs nhà trường", "người", 214),
    ("7", "Số Trung tâm HTCĐ trên địa bàn đã thực hiện theo quy định", None, None),
    ("", "Có đủ cơ sở vật chất", "trung tâm", 1),
    ("", "Về tổ chức bộ máy theo quy định", "trung tâm", 1),
    ("", "Về hồ sơ Trung tâm", "trung tâm", 1),
    ("", "Về tài chính", "trung tâm", 0),
    ("", "Có tổ chức hoạt động", "trung tâm", 1),
    ("", "Có nội dung hoạt động hàng tháng", "trung tâm", 1),
    ("8", "Tổng kết, khen thưởng", None, None),
    ("", "Số đơn vị được khen thưởng", "đơn vị", 3),
    ("", "Số cá nhân được khen thưởng", "người", 11),
    ("", "Tổng kinh phí khen thưởng", "đồng", 3450000),
]


def tuanle_annex() -> list[Sheet]:
    rows: list[list] = [
        ["PHỤ LỤC", None, None, None, None],
        ["Biểu tổng hợp số liệu các hoạt động hưởng ứng Tuần lễ", None, None, None, None],
        ["TT", "Nội dung hoạt động", "Đơn vị tính", "Kết quả/ số lượng", "Ghi chú"],
    ]
    merges = ["A1:E1", "A2:E2"]
    for number, label, unit, value in TUANLE_ROWS:
        if value is None:
            rows.append([number, label, None, None, None])
            merges.append(f"B{len(rows)}:C{len(rows)}")
        else:
            rows.append([None, f"- {label}", unit, value, None])
    # the awards' money summed in the cell by its author (the file keeps the computed value)
    rows[-1][3] = Formula("1500000+1950000", 3450000.0)
    rows.append(["", "Người lập biểu", None, "TM. BAN GIÁM ĐỐC", None])
    return [Sheet("Phụ lục", rows, merges=merges)]


def tuanle_report(path: Path) -> None:
    import docx

    word = docx.Document()
    head = word.add_table(rows=1, cols=2)
    head.cell(0, 0).text = "UBND XÃ TÀ XÙA\nTRUNG TÂM HỌC TẬP CỘNG ĐỒNG"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    for text in (
        "Số: 18/BC-TTHTCĐ", "Tà Xùa, ngày 21 tháng 10 năm 2024", "BÁO CÁO",
        "Kết quả tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2024",
        "Kính gửi: Phòng Giáo dục và Đào tạo huyện Bắc Yên.",
        "Thực hiện Kế hoạch số 97/KH-UBND của Ủy ban nhân dân huyện Bắc Yên về tổ chức Tuần lễ hưởng ứng "
        "học tập suốt đời năm 2024, Trung tâm học tập cộng đồng xã Tà Xùa báo cáo kết quả như sau:",
        "I. Công tác chỉ đạo",
        "Ban giám đốc Trung tâm đã tham mưu cho Ủy ban nhân dân xã ban hành kế hoạch, phân công nhiệm vụ cho "
        "các đoàn thể và các bản; tuyên truyền trên loa truyền thanh của xã và các nhóm mạng xã hội.",
        "II. Kết quả cụ thể",
        "Số liệu các hoạt động hưởng ứng Tuần lễ có tại Phụ lục kèm theo báo cáo này.",
        "III. Kế hoạch tiếp theo",
        "Tiếp tục duy trì các lớp học tiếng Mông, lớp kỹ năng sống cho thanh thiếu niên trong hè.",
    ):
        word.add_paragraph(text)
    word.save(str(path))


def main(folder: Path = SAMPLES) -> None:
    write_xlsx(folder / "BC_DeAn1373_BacYen_2024_PhuLuc.xlsx", dean_annex())
    write_xlsx(folder / "BC_TuanLe_2024_XaTaXua_PhuLuc.xlsx", tuanle_annex())
    tuanle_report(folder / "BC_TuanLe_2024_XaTaXua.docx")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES)
