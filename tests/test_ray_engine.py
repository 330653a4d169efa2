"""--engine ray gives the same database as the local engine, table by table.

Starts a local Ray with 2 CPUs (actors load the real model). Skips where Ray is
not installed; .ci/run installs the ray extra so CI always runs it.
"""

from __future__ import annotations

import pytest

from conftest import CORPUS, invoke
from test_run import snapshot

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[ray]' to run this test")

TABLES = ("articles", "mentions", "entities", "sections", "quantities", "times", "events",
          "facts", "fact_sources", "conflicts", "article_links")


@pytest.mark.long
def test_ray_engine_gives_the_local_engines_tables(tmp_path, corpus_db):
    db = tmp_path / "ray.duckdb"
    result = invoke("run", str(CORPUS), "--db", str(db), "--engine", "ray", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "5 new" in result.output and "on ray" in result.output
    assert not ray.is_initialized()  # the Ray it started is shut down
    local, remote = snapshot(corpus_db, TABLES), snapshot(db, TABLES)
    for table in TABLES:
        assert remote[table] == local[table], table
    assert len(remote["quantities"]) > 100


def test_ray_address_needs_the_ray_engine():
    result = invoke("run", str(CORPUS), "--ray-address", "auto")
    assert result.exit_code == 2 and "--engine ray" in result.output
