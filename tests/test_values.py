from hypothesis import given
from hypothesis import strategies as st

from extractor.values import Parsed, Unclear, parse_value


def test_spec_examples():
    assert parse_value("01") == Parsed(1)
    assert parse_value("1.234").value == 1234
    assert parse_value("99,89", "percent").value == 99.89
    assert parse_value("97,29%", "percent").value == 97.29
    assert parse_value("2.500.000 đồng", "money").value == 2500000
    assert parse_value("00 người").value == 0
    assert parse_value("Không").value == 0
    assert parse_value("Đạt", "percent_or_status").value == "Đạt"
    assert parse_value("Chưa đạt", "percent_or_status").value == "Chưa đạt"


def test_blank_markers_are_no_value():
    for raw in ("", "  ", "-", "x", "…", "....", None):
        assert parse_value(raw) is None


def test_unclear_goes_to_review():
    assert isinstance(parse_value("3 lớp, 120 người"), Unclear)
    assert isinstance(parse_value("Đạt", "count"), Unclear)
    assert isinstance(parse_value("khoảng 30"), Unclear)


def test_trailing_note_in_parentheses():
    assert parse_value("99,89 % ( Vượt 5,77 % so năm 2012)", "percent").value == 99.89


@given(st.integers(min_value=0, max_value=10**9))
def test_thousands_dot_round_trip(n):
    text = f"{n:,}".replace(",", ".")
    assert parse_value(text, "money").value == n


@given(st.integers(min_value=0, max_value=99), st.integers(min_value=1, max_value=99))
def test_decimal_comma_round_trip(whole, frac):
    text = f"{whole},{frac:02d}"
    assert abs(parse_value(text, "percent").value - float(f"{whole}.{frac:02d}")) < 1e-9


@given(st.integers(min_value=0, max_value=999), st.sampled_from(["người", "lớp", "lượt", ""]))
def test_zero_padded_counts_with_units(n, unit):
    parsed = parse_value(f"{n:02d} {unit}".strip())
    assert parsed.value == n


def test_a_number_is_read_whole_never_cut_after_a_thousands_group():
    """ "1.0442" (a doubled digit, or a dot in the wrong place) is not 1044 followed by a unit "2":
    it does not read as a count, so it goes to review instead of storing a different number."""
    assert isinstance(parse_value("1.0442"), Unclear)
    assert isinstance(parse_value("1.0442 người"), Unclear)
    assert isinstance(parse_value("12.3456.789"), Unclear)
    assert parse_value("1.044 người") == Parsed(1044, "người")
