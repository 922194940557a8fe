import csv
import shutil

import pytest
from conftest import SHARED, needs_shared

from extractor.patterns import PatternError, load


def test_catalogue_loads_and_validates(catalogue):
    assert len(catalogue.all_indicators()) == 80
    assert catalogue.matching["accept"] > catalogue.matching["review"]


def test_bad_pattern_file_is_named(tmp_path):
    from extractor.resources import data_dir

    for f in data_dir("patterns").glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    text = (tmp_path / "tuanle.yaml").read_text(encoding="utf-8").replace(
        "value_type: money", "value_type: cash")
    (tmp_path / "tuanle.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(PatternError, match="tuanle.yaml"):
        load(tmp_path)


@needs_shared
def test_every_spec_code_is_in_the_patterns(catalogue):
    with open(SHARED / "spec" / "indicators.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        ind = catalogue.indicator(row["code"])
        assert (ind.report_type, ind.unit, ind.value_type, ind.label) == (
            row["report_type"], row["unit"], row["value_type"], row["label"])
