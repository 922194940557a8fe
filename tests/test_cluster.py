"""Scale-out: an import whose extraction runs on a Dask cluster stores what a local import stores."""

import pytest
from conftest import SAMPLES
from test_store import snapshot

from extractor.importer import Cluster, import_paths

distributed = pytest.importorskip("distributed", reason="needs Dask distributed (pip install '.[cluster]')")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local.scheduler_address


@pytest.mark.parametrize("files", ["send", "shared"])
def test_cluster_import_equals_a_local_import(cluster, tmp_path, files, samples):
    local = tmp_path / "local.db"
    remote = tmp_path / "cluster.db"
    expected = import_paths(local, [samples], workers=1)
    got = import_paths(remote, [samples], cluster=Cluster(cluster, files))
    assert (got.imported, got.failed) == (expected.imported, expected.failed)
    assert snapshot(remote) == snapshot(local)
    again = import_paths(remote, [samples], cluster=Cluster(cluster, files))  # resumable, idempotent
    assert (again.imported, again.unchanged) == (0, expected.imported)


def test_a_file_that_fails_on_a_worker_is_one_error_and_the_batch_goes_on(cluster, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "ok.txt").write_text((SAMPLES / "BC_SoKet_HK1_DakSMar_2017.txt").read_text(encoding="utf-8"),
                                   "utf-8")
    summary = import_paths(tmp_path / "c.db", [folder], cluster=Cluster(cluster))
    assert summary.imported == 1
    assert [(p.rsplit("/", 1)[-1], "corrupt" in reason) for p, reason in summary.failed] == [
        ("broken.docx", True)]


def test_a_worker_of_another_version_reads_nothing_and_says_why(cluster, tmp_path, monkeypatch):
    """The workers run this code; the importer here is made to seem another version's: each file
    fails with why, none is stored as a different code read it."""
    from extractor import importer

    monkeypatch.setattr(importer, "code_digest", lambda: "0" * 12)
    summary = import_paths(tmp_path / "v.db", [SAMPLES / "BC_SoKet_HK1_DakSMar_2017.txt"],
                           cluster=Cluster(cluster))
    assert summary.imported == 0
    [(path, reason)] = summary.failed
    assert path.endswith("DakSMar_2017.txt") and "another version of xhht-extractor" in reason
    assert "000000000000" in reason


def test_cli_names_an_unreachable_cluster(tmp_path):
    from click.testing import CliRunner

    from extractor.cli import main

    result = CliRunner().invoke(main, ["import", str(SAMPLES / "BC_SoKet_HK1_DakSMar_2017.txt"), "--db",
                                       str(tmp_path / "x.db"), "--cluster", "tcp://127.0.0.1:9", "--workers",
                                       "1"])
    assert result.exit_code != 0
    assert "cluster tcp://127.0.0.1:9" in result.output


def test_files_travel_to_the_cluster_in_batches(cluster, tmp_path, samples):
    """The scheduler's and the importer's work is per task: files go several to a task (#21 item
    3), and each file still has its own outcome."""
    import math

    from extractor.extract import walk
    from extractor.importer import CLUSTER_BATCH_FILES

    files = len(walk([samples]).files)
    with distributed.Client(cluster) as client, distributed.get_task_stream(client) as stream:
        summary = import_paths(tmp_path / "b.db", [samples], cluster=Cluster(cluster))
    assert summary.imported + len(summary.failed) == files > CLUSTER_BATCH_FILES
    assert len(stream.data) == math.ceil(files / CLUSTER_BATCH_FILES)
