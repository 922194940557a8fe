"""Consistency checks: the rules as data, each kind on built inputs, the single-misreading repairs,
and the checks of an extraction (the `checks` key, review items, the spot-check)."""

import shutil

import pytest

from extractor.checks.document import check_figures
from extractor.checks.history import outliers
from extractor.checks.identity import Figure, figures_of, instances
from extractor.checks.repairs import misreadings
from extractor.checks.rollup import rollup, rollup_of_sum
from extractor.extract import extract_file
from extractor.patterns import PatternError, load
from extractor.report import summary
from extractor.resources import data_dir


def _check(catalogue, kind):
    return next(c for c in catalogue.checks if c.kind == kind)


def _figures(rows: dict) -> dict:
    """(code, kind) → Figure from code → raw text, parsed as the reader would."""
    from extractor.values import parse_value

    out = {}
    for i, (term, raw) in enumerate(rows.items(), 1):
        code, _, kind = term.partition("@")
        value_type = "percent" if "ty_le" in code or code.startswith("dean.") else "count"
        out[(code, kind or "actual")] = Figure(parse_value(raw, value_type).value, raw, f"line {i}", code,
                                               value_type)
    return out


BLOCK = {"xmc.15_60.dan_so": "233.376", "xmc.15_60.mien_giam": "2.473", "xmc.15_60.con_mu_chu": "1.089",
         "xmc.15_60.biet_chu": "229.814", "xmc.15_60.ty_le_biet_chu": "99,53"}


def _failed(catalogue, changes: dict, block=BLOCK, report_type="tongket_xhht") -> list[dict]:
    return check_figures(catalogue.checks, report_type, _figures({**block, **changes}))


# ---- the rules as data ----------------------------------------------------------------------------
def test_checks_load_with_the_catalogue(catalogue):
    kinds = {c.kind for c in catalogue.checks}
    assert kinds == {"sum", "ratio", "ordering", "range", "history", "rollup"}
    for check in catalogue.checks:
        assert check.message["vi"] and check.message["en"] and check.tolerance is not None
        assert all(catalogue.indicator(t.code) for t in check.terms)


@pytest.mark.parametrize("old, new, expected", [
    ("parts: [xmc.15_60.mien_giam,", "parts: [xmc.15_60.mien_giam_x,",
     r"checks\[0\] \(xmc.15_60.tong\): parts: unknown code"),
    ("    kind: sum", "    kind: total", r"checks\[0\] \(xmc.15_60.tong\): kind must be one of"),
    ("({parts})\"\n      en:", "({sum})\"\n      en:", r"\(xmc.15_60.tong\): message.vi names \['sum'\]"),
    ("tolerance: printed", "tolerance: exact", r"\(xmc.15_60.ty_le\): tolerance must be a number"),
    ("smaller: xmc.hoan_thanh_chuong_trinh", "smaller: xmc.hoan_thanh_chuong_trinh@plan",
     "unknown kind 'plan'"),
    ("    min: 0\n    max: 100", "    minimum: 0", r"\(phan_tram\): unknown keys \['minimum'\]"),
    ("id: xmc.15_35.tong", "id: xmc.15_60.tong", r"duplicate check ids \['xmc.15_60.tong'\]"),
])
def test_a_bad_check_is_named_with_its_file_and_entry(tmp_path, old, new, expected):
    for path in data_dir("patterns").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    text = (tmp_path / "checks.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "checks.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PatternError, match="checks.yaml: .*" + expected):
        load(tmp_path)


def test_a_check_added_to_the_file_is_run(tmp_path):
    for path in data_dir("patterns").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    with open(tmp_path / "checks.yaml", "a", encoding="utf-8") as fh:
        fh.write("  - {id: bands, kind: ordering, smaller: xmc.15_35.dan_so, larger: xmc.15_60.dan_so, "
                 "tolerance: 0,\n     message: {vi: '15-35 ({smaller}) > 15-60 ({larger})', en: '15-35 "
                 "({smaller}) > 15-60 ({larger})'}}\n")
    catalogue = load(tmp_path)
    failed = _failed(catalogue, {"xmc.15_35.dan_so": "300.000"}, block={"xmc.15_60.dan_so": "233.376"})
    assert [(f["id"], f["message"]) for f in failed] == [("bands", "15-35 (300,000) > 15-60 (233,376)")]


# ---- each kind on built inputs ------------------------------------------------------------------------
def test_a_consistent_block_passes(catalogue):
    assert _failed(catalogue, {}) == []


def test_sum_fails_when_a_part_is_off(catalogue):
    failed = _failed(catalogue, {"xmc.15_60.con_mu_chu": "1.090"})
    assert [f["id"] for f in failed] == ["xmc.15_60.tong"]
    assert failed[0]["values"][0] == {"code": "xmc.15_60.dan_so", "kind": "actual", "value": 233376,
                                      "raw_value": "233.376", "label": "xmc.15_60.dan_so",
                                      "location": "line 1"}
    assert "233,376" in failed[0]["message"] and "233.377" in failed[0]["message_vi"]


def test_ratio_holds_within_the_printed_rounding_only(catalogue):
    assert _failed(catalogue, {"xmc.15_60.ty_le_biet_chu": "99,5"}) == []  # 99.528 printed with one decimal
    assert [f["id"] for f in _failed(catalogue, {"xmc.15_60.ty_le_biet_chu": "99,52"})] == ["xmc.15_60.ty_le"]


def test_ordering_and_ranges(catalogue):
    classes = {"tuanle.lop.day_nghe.so_lop": "12", "tuanle.lop.day_nghe.so_luot": "9"}
    assert [f["id"] for f in _failed(catalogue, {}, classes, "tuanle")] == ["tuanle.lop.day_nghe.luot"]
    dean = {"dean.nang_luc.thong_tin@target": "80", "dean.nang_luc.thong_tin": "854"}
    failed = _failed(catalogue, {}, dean, "dean_1373")
    assert [(f["id"], f["codes"]) for f in failed] == [("phan_tram", ["dean.nang_luc.thong_tin"])]


def test_history_flags_a_ten_fold_year_not_growth(catalogue):
    check = _check(catalogue, "history")
    growing = [(2014 + i, round(120 * 1.15 ** i)) for i in range(10)]
    assert outliers(growing, check) == []
    wrong = [(y, v * 10 if y == 2019 else v) for y, v in growing]
    assert [(o.year, round(o.factor)) for o in outliers(wrong, check)] == [(2019, 10)]
    assert outliers([(2020, 3), (2021, 15), (2022, 4), (2023, 3)], check) == []  # small counts are not judged
    assert [o.year for o in outliers([(2020, 300), (2021, 3000), (2022, 400), (2023, 300)], check)] == [2021]
    assert outliers([(2020, 300), (2021, 3000)], check) == []  # too few other years
    assert outliers([(2020, 300)], check) == [] and outliers([(2020, 0), (2021, 300)], check) == []


def test_rollup_flags_both_sides_when_enough_units_reported(catalogue):
    check = _check(catalogue, "rollup")
    communes = [120, 80, 95, 140, 60, 75, 110, 90, 85]
    assert rollup(sum(communes), communes, 9, check).holds
    assert rollup(sum(communes) + 100, communes[:-1], 9, check).holds  # one missing, as large as the largest
    assert not rollup(sum(communes) * 10, communes, 9, check).holds  # the district misread
    misread = communes[:-1] + [850]
    result = rollup(sum(communes), misread, 9, check)
    assert not result.holds and result.facts == {"value": 855, "children": 1620, "reported": 9, "expected": 9}
    assert rollup(sum(communes), communes[:5], 9, check) is None  # too few reported to judge
    # from the sum and the count alone, as the archive's checks judge
    assert rollup_of_sum(sum(communes), float(sum(misread)), 9, 9, check) == result
    assert rollup_of_sum(sum(communes), 0.0, 0, 9, check) is None


# ---- repairs --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code, misread, how", [
    ("xmc.15_60.con_mu_chu", "1.889", "digit confusion"),  # 0 read as 8
    ("xmc.15_60.mien_giam", "2.478", "digit confusion"),  # 3 read as 8
    ("xmc.15_60.biet_chu", "29.814", "dropped digit"),
    ("xmc.15_60.dan_so", "2.333.376", "doubled digit"),
    ("xmc.15_60.ty_le_biet_chu", "99,58", "digit confusion"),  # 3 read as 8
    ("xmc.15_60.ty_le_biet_chu", "9953", "separator"),  # the decimal comma lost
])
def test_one_misreading_is_found_and_repaired(catalogue, code, misread, how):
    failed = _failed(catalogue, {code: misread})
    assert failed
    for failure in failed:
        repair = failure["repair"]
        assert (repair["code"], repair["misreading"], repair["raw_value"]) == (code, how, BLOCK[code])


def test_thousands_dot_and_decimal_comma_swaps():
    swapped = {m.value: m.how for m in misreadings(Figure(1.234, "1,234", value_type="percent"))}
    assert swapped[1234] == "separator"
    swapped = {m.value: m.how for m in misreadings(Figure(1234, "1.234", value_type="percent"))}
    assert swapped[1.234] == "separator"
    assert all(isinstance(m.value, int) for m in misreadings(Figure(1234, "1.234")))  # a count stays whole


def test_no_repair_when_several_fit(catalogue):
    failed = _failed(catalogue, {}, {"tuanle.lop.day_nghe.so_lop": "16", "tuanle.lop.day_nghe.so_luot": "15"},
                     "tuanle")
    assert failed[0]["repair"] is None and failed[0]["repairs_fitting"] > 1


def test_no_repair_when_two_figures_are_wrong(catalogue):
    failed = _failed(catalogue, {"xmc.15_60.con_mu_chu": "1.889", "xmc.15_60.mien_giam": "2.478"})
    assert failed and all(f["repair"] is None for f in failed)


# ---- at extraction -----------------------------------------------------------------------------------------
REPORT = """UBND TỈNH NAM ĐỊNH
ỦY BAN NHÂN DÂN HUYỆN TRỰC NINH
Số: 12/BC-UBND
Trực Ninh, ngày 13 tháng 12 năm 2023

BÁO CÁO
Tổng kết công tác Xây dựng xã hội học tập năm 2023

4.1.1. Đối với những người trong độ tuổi 15-60:
- Tổng dân số độ tuổi từ 15-60: 233.376 người
- Miễn giảm: 2.473 người
- Số người còn mù chữ: {illiterate} người
- Số người biết chữ độ tuổi từ 15-60: 229.814 người
- Đạt tỉ lệ: 99,53 %
"""


def test_extraction_reports_failed_checks_and_leaves_them_for_review(tmp_path, catalogue, monkeypatch):
    monkeypatch.setenv("XHHT_LANG", "en")
    path = tmp_path / "tong_ket_2023.txt"
    path.write_text(REPORT.format(illiterate="1.889"), encoding="utf-8")
    result = extract_file(path, catalogue)
    codes = {i["code"]: i["value"] for i in result["indicators"]}
    assert codes["xmc.15_60.con_mu_chu"] == 1889  # the value read is stored as read
    [failure] = result["checks"]
    assert failure["id"] == "xmc.15_60.tong" and failure["kind"] == "sum"
    assert failure["repair"] == {"code": "xmc.15_60.con_mu_chu", "kind": "actual", "value": 1089,
                                 "raw_value": "1.089", "was": 1889, "misreading": "digit confusion"}
    where = next(i["location"] for i in result["indicators"] if i["code"] == "xmc.15_60.con_mu_chu")
    [item] = [i for i in result["review"] if i["category"] == "inconsistent"]
    assert item["suggestion"] == {"code": "xmc.15_60.con_mu_chu", "kind": "actual", "value": 1089,
                                  "score": None}
    assert item["location"] == where and item["raw_value"] == "1.889 người" and item[
        "check"] == "xmc.15_60.tong"
    assert "Số người còn mù chữ" in item["context"]["paragraph"] and item["reason"].startswith(f"{where}: ")
    text = summary(result)
    assert "1 failed check:" in text and text.count("xmc.15_60.tong") == 1  # once, not again as a warning
    assert "suggested: xmc.15_60.con_mu_chu = 1,089 (read 1,889, digit confusion)" in " ".join(text.split())

    path.write_text(REPORT.format(illiterate="1.089"), encoding="utf-8")
    clean = extract_file(path, catalogue)
    assert clean["checks"] == [] and not [i for i in clean["review"] if i["category"] == "inconsistent"]


def test_no_false_alarm_on_the_samples(samples, catalogue):
    value_types = {ind.code: ind.value_type for ind in catalogue.all_indicators()}
    judged = set()
    for path in sorted(samples.iterdir()):
        result = extract_file(path, catalogue)
        assert result["checks"] == [], (path.name, result["checks"])
        figures = figures_of(result["indicators"], value_types)
        judged |= {i.check.kind for i in instances(catalogue.checks, result["document"]["report_type"],
                                                   figures)}
    assert judged == {"sum", "ratio", "ordering", "range"}  # every kind of identity had figures to judge


def _theil_sen_outliers(series, check):
    """The history check's definition, written plainly (statistics.median, every pair of years,
    every year judged): what `outliers` must find, however it gets there."""
    import math
    from itertools import combinations
    from statistics import median

    points = [(y, math.log10(v)) for y, v in series if v > 0]
    found = []
    for year, level in points:
        others = [(y, x) for y, x in points if y != year]
        if len(others) < check.params["min_years"] or len({y for y, _ in others}) < 2:
            continue
        slope = median((x2 - x1) / (y2 - y1) for (y1, x1), (y2, x2) in combinations(others, 2)
                       if y2 != y1) if len(others) >= 5 else 0.0
        intercept = median(x - slope * y for y, x in others)
        spread = 1.4826 * median(abs(x - intercept - slope * y) for y, x in others)
        expected = intercept + slope * year
        if max(level, expected) >= math.log10(check.params["min_level"]) and abs(level - expected) > max(
                math.log10(check.tolerance), check.params["mad_multiplier"] * spread):
            found.append((year, 10 ** level, 10 ** expected))
    return found


def test_history_finds_what_its_definition_finds_on_many_series(catalogue):
    """The shortcuts of `outliers` (a bound that spares the trend of a year in line, a faster
    median) change nothing: random series with growth, noise, gaps, misread years and repeated
    years give exactly the findings of the plain definition."""
    import random

    check = _check(catalogue, "history")
    rng = random.Random(21)
    flagged = 0
    for _ in range(3000):
        years = sorted(rng.sample(range(2010, 2026), rng.randint(2, 12)))
        if rng.random() < 0.1:
            years.append(rng.choice(years))  # one year reported twice
        level, growth = rng.uniform(10, 2000), rng.uniform(0.8, 1.3)
        series = [(y, round(level * growth ** (y - 2010) * rng.uniform(0.85, 1.15)
                            * (rng.choice([0.1, 10, 0.25, 4.5]) if rng.random() < 0.1 else 1)))
                  for y in years]
        got = [(o.year, o.value, o.expected) for o in outliers(series, check)]
        assert got == _theil_sen_outliers(series, check), series
        flagged += bool(got)
    assert flagged > 100  # the series do contain misread years
