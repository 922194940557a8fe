from extractor.matching import Match, Matcher, Miss


def test_official_labels_typos_and_abbreviations(catalogue):
    m = Matcher(catalogue, "tuanle")
    assert m.match("• Số tni, phóng sự phát trên đài truyền hình:").code == "tuanle.thong_tin.truyen_hinh"
    assert m.match("· Số lượng sách, TL đã phát hành:").code == "tuanle.tuyen_truyen.sach_tai_lieu"


def test_distractors_are_not_matched(catalogue):
    m = Matcher(catalogue, "tuanle")
    for label in ("• Số bài đăng trên trang thông tin điện tử của xã:", "• Số buổi phát thanh lưu động:",
                  "• Số cuộc thi tìm hiểu pháp luật:"):
        assert isinstance(m.match(label, group="thong_tin"), Miss), label


def test_generic_label_needs_its_context(catalogue):
    m = Matcher(catalogue, "tuanle")
    assert isinstance(m.match("Số lượt người tham gia:"), Miss)
    hit = m.match("Số lượt người tham gia:", group="lop", last_code="tuanle.lop.xoa_mu_chu.so_lop")
    assert isinstance(hit, Match) and hit.code == "tuanle.lop.xoa_mu_chu.so_luot"


def test_numbers_must_agree(catalogue):
    m = Matcher(catalogue, "tongket_xhht")
    assert m.match("Số người còn mù chữ độ tuổi 15 – 35 tuổi").code == "xmc.15_35.con_mu_chu"
    assert m.match("Miễn giảm", group="xmc_15_60").code == "xmc.15_60.mien_giam"
    d = Matcher(catalogue, "dean_1373")
    assert d.match("Huyện, thành phố đạt chuẩn XMC mức độ 2").code == "dean.xmc.muc_do_2"
    assert d.match("Huyện, thành phố đạt chuẩn phổ cập giáo dục tiểu học đạt "
                   "mức độ 3").code == "dean.pcgd.tieu_hoc_muc_do_3"


def test_headings(catalogue):
    m = Matcher(catalogue, "tongket_xhht")
    assert m.heading("4.1.1. Đối với những người trong độ tuổi 15-60:") == "xmc_15_60"
    assert m.is_stop("B. PHƯƠNG HƯỚNG VÀ GIẢI PHÁP THỰC HIỆN TRONG GIAI ĐOẠN TỚI:")


def test_an_abbreviation_misread_by_one_letter_is_still_spelled_out(catalogue):
    m = Matcher(catalogue, "tuanle")
    assert m.expand("Số Trung tâm HTCP trên địa bàn") == "Số Trung tâm học tập cộng đồng trên địa bàn"
    assert m.heading("Số Trung tâm HTCP trên địa bàn đã thực hiện theo quy định:") == "tthtcd"
    assert m.expand("UBND huyện") == "UBND huyện"  # no abbreviation is one letter away
    assert m.expand("HTSĐ") == "học tập suốt đời"  # a known one is never "corrected"


def test_activity_header_words_run_together_by_ocr(catalogue):
    from extractor.activities import header_roles
    from extractor.model import Cell, Line, Row

    texts = ["Stt", "Tên chuyên đề và tổ chức các hoạt động", "Số người tham gia", "Đơnvị chủtrì",
             "Đơn vị phốihợp"]
    row = Row([Cell([Line(t, f"cell {k}")], f"cell {k}", k) for k, t in enumerate(texts)], "row 1")
    assert header_roles(catalogue, row) == {0: "number", 1: "name", 2: "participants", 3: "host",
                                            4: "partners"}
