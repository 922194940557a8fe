"""Follow-ups of a new user's trial of the command line, end to end with click's CliRunner."""

import pytest
from click.testing import CliRunner

from extractor.cli import main


@pytest.fixture
def empty_db(tmp_path):
    """A database with the schema and nothing imported."""
    from extractor.store import connect

    path = tmp_path / "e.db"
    connect(path).close()
    return str(path)


# ---- the error line follows --lang ------------------------------------------------------------------------------
@pytest.mark.parametrize(("environment", "option", "prefix", "other"),
                         [("vi", "en", "Error: SQL error:", "Lỗi"), ("en", "vi", "Lỗi: lỗi SQL:", "Error")])
def test_the_error_prefix_follows_lang_not_the_environment(empty_db, monkeypatch, environment, option, prefix,
                                                          other):
    monkeypatch.setenv("XHHT_LANG", environment)
    result = CliRunner().invoke(main, ["--lang", option, "sql", "select x", "--db", empty_db])
    assert result.exit_code == 1 and result.output.startswith(prefix) and other not in result.output
