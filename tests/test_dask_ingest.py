"""``sitroom ingest --dask``: batches coded on a Dask cluster and handed back as Parquet shards
(returned, or written to a shared folder) give the same store as one process; ``--dask local``
starts a cluster of its own; without the extra installed the option says how to install it.
The stores are compared as in test_parallel_ingest.py."""

from __future__ import annotations

import sys

import pytest
from distributed import LocalCluster

from test_parallel_ingest import EXAMPLES, exports, ingest, invoke, messy_corpus, summary


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    root = tmp_path_factory.mktemp("dask")
    corpus = messy_corpus(root)
    one = ingest(corpus, root / "one.duckdb", "--workers", "1")
    return corpus, summary(one, root / "one.duckdb"), exports(root / "one.duckdb")


@pytest.fixture()
def clean_env(monkeypatch, tmp_path):
    monkeypatch.delenv("SITROOM_DB", raising=False)
    monkeypatch.delenv("SITROOM_FAULT", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("shared_folder", [False, True], ids=["shards-returned", "shard-dir"])
def test_a_dask_cluster_stores_exactly_what_one_process_stores(tmp_path, clean_env, cluster, baseline, shared_folder):
    corpus, one_summary, one_exports = baseline
    shard_dir = tmp_path / "shards"
    extra = ["--shard-dir", str(shard_dir)] if shared_folder else []
    result = ingest(corpus, tmp_path / "dask.duckdb", "--dask", cluster.scheduler_address, *extra)

    assert result.exit_code == 1, result.output  # the binary file failed, as in the baseline
    assert summary(result, tmp_path / "dask.duckdb") == one_summary
    got = exports(tmp_path / "dask.duckdb")
    for name in one_exports:
        assert got[name] == one_exports[name], name
    if shared_folder:
        assert shard_dir.is_dir() and list(shard_dir.iterdir()) == []  # each batch's files removed once read


def test_dask_local_starts_its_own_cluster_and_a_failing_article_is_a_problem(tmp_path, clean_env):
    env = {"SITROOM_FAULT": "code-article:2024-04-12-biden-warns-iran"}
    result = ingest(EXAMPLES, tmp_path / "s.duckdb", "--dask", "local", "--workers", "2", env=env)

    output = " ".join(result.stderr.split())
    assert result.exit_code == 1
    assert "2024-04-12-biden-warns-iran.txt: [E121] article '2024-04-12-biden-warns-iran' could not be coded: CodingFault" in output
    assert "23 articles stored" in output and "1 article could not be coded" in output


def test_dask_without_the_extra_says_how_to_install_it(tmp_path, clean_env, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails as when it is not installed
    result = invoke("ingest", str(EXAMPLES), "--db", str(tmp_path / "s.duckdb"), "--dask", "local")
    assert result.exit_code == 2
    assert "pip install 'sitroom[dask]'" in " ".join(result.stderr.split())
    assert not (tmp_path / "s.duckdb").exists()


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, clean_env):
    result = invoke("ingest", str(EXAMPLES), "--db", str(tmp_path / "s.duckdb"), "--dask", "tcp://127.0.0.1:9", "--no-progress")
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in " ".join(result.stderr.split())
