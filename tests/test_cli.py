"""inspect, query, export, stats and the schema version, through the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import CORPUS, ROOT, invoke
from pipeline.cli import cli
from pipeline.store import store

SAMPLE = CORPUS / "003_d6d848c216c6765c.txt"


def test_inspect_follows_the_contract():
    result = invoke("inspect", SAMPLE)
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert set(out) >= {"article", "entities", "quantities", "times", "events"}
    art = out["article"]
    raw = SAMPLE.read_text(encoding="utf-8")
    assert art["title"] == "China’s AI Computing Power Counteroffensive"
    clean = art["clean_text"]
    names = {e["name"] for e in out["entities"]}
    assert {"ZTE", "Huawei", "Jensen Huang", "Tsinghua University"} <= names
    for ent in out["entities"]:
        assert set(ent) >= {"id", "name", "type", "aliases", "mentions"}
        for m in ent["mentions"]:
            assert clean[m["start"]:m["end"]] == m["text"]
            assert raw[m["raw_start"]:m["raw_end"]] == m["text"]


def test_inspect_raw_keeps_the_decoded_input(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("  Huawei   opened a lab in Shenzhen.\r\n\r\n\r\n\r\nIt hired 200 people.  ", encoding="utf-8")
    cleaned = json.loads(invoke("inspect", f).stdout)["article"]["clean_text"]
    raw = json.loads(invoke("inspect", f, "--raw").stdout)["article"]["clean_text"]
    assert cleaned == "Huawei opened a lab in Shenzhen.\n\nIt hired 200 people."
    assert raw == f.read_bytes().decode("utf-8")


def test_inspect_jsonl_gives_one_line_per_record_in_order(tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "b", "text": "Nvidia sold chips to Alibaba in Hangzhou.", "published": "2026-03-02"}),
        "not json",
        json.dumps({"id": "a", "body": "Tencent met Baidu executives in Beijing."}),
    ]) + "\n")
    result = invoke("inspect", f)
    lines = [json.loads(l) for l in result.stdout.splitlines()]
    assert [l.get("id") for l in lines] == ["b", None, "a"]
    assert lines[0]["article"]["published"] == "2026-03-02"
    assert lines[1]["error"] == "bad_json" and lines[1]["line"] == 2
    assert "Beijing" in {e["name"] for e in lines[2]["entities"]}
    assert result.exit_code == 1  # one record failed; the others were printed


def test_inspect_stdin_and_published_override():
    result = invoke("inspect", "-", "--published", "2026-04-06", input="Huawei met Nvidia in Shanghai.\n")
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["article"]["published"] == "2026-04-06"
    assert out["article"]["path"] == "<stdin>"


def test_query_formats(corpus_db):
    sql = "SELECT count(*) AS n, min(n_chars) > 1000 AS long FROM articles"
    table = invoke("query", sql, "--db", corpus_db).stdout.splitlines()
    assert table[0].split() == ["n", "long"] and table[2].split() == ["5", "True"] and table[-1] == "(1 row)"
    assert invoke("query", sql, "--db", corpus_db, "--format", "csv").stdout == "n,long\n5,True\n"
    assert json.loads(invoke("query", sql, "--db", corpus_db, "--format", "json").stdout) == [{"n": 5, "long": True}]
    assert invoke("query", sql, "--db", corpus_db, "--format", "jsonl").stdout == '{"n": 5, "long": true}\n'


def test_query_from_file(corpus_db, tmp_path):
    q = tmp_path / "q.sql"
    q.write_text("SELECT count(DISTINCT article_id) AS n FROM mentions;")
    assert invoke("query", "--file", q, "--db", corpus_db, "--format", "csv").stdout == "n\n5\n"


@pytest.mark.parametrize("sql", ["DROP TABLE articles", "DELETE FROM articles", "CREATE TABLE x (a INT)"])
def test_query_is_read_only(corpus_db, sql):
    result = invoke("query", sql, "--db", corpus_db)
    assert result.exit_code == 1
    assert "read-only" in result.output and "Traceback" not in result.output
    assert invoke("query", "SELECT count(*) AS n FROM articles", "--db", corpus_db, "--format", "csv").stdout == "n\n5\n"


def test_query_errors_are_messages(corpus_db, tmp_path):
    bad = invoke("query", "SELECT nope FROM articles", "--db", corpus_db)
    assert bad.exit_code == 1 and "nope" in bad.output and "Traceback" not in bad.output
    missing = invoke("query", "SELECT 1", "--db", tmp_path / "none.duckdb")
    assert missing.exit_code == 1 and "no such database" in missing.output


@pytest.mark.parametrize("fmt, ext", [("parquet", "parquet"), ("csv", "csv"), ("jsonl", "jsonl")])
def test_export_all_tables(corpus_db, tmp_path, fmt, ext):
    out = tmp_path / "export"
    result = invoke("export", "--table", "all", "--format", fmt, "--out", out, "--db", corpus_db)
    assert result.exit_code == 0, result.output
    files = {p.name for p in out.iterdir()}
    assert {f"articles.{ext}", f"mentions.{ext}", f"entities.{ext}", f"facts.{ext}",
            f"quantities.{ext}", f"times.{ext}", f"events.{ext}", f"conflicts.{ext}", f"stories.{ext}",
            f"story_articles.{ext}", f"entity_links.{ext}"} <= files
    assert not any(f.startswith(("link_keys", "story_postings", "meta.")) for f in files)  # bookkeeping stays in
    reader = {"parquet": "read_parquet", "csv": "read_csv_auto", "jsonl": "read_json_auto"}[fmt]
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM {reader}('{out}/articles.{ext}')").fetchall()[0][0]
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}('{out}/articles.{ext}')").fetchall()]
    n_mentions = con.execute(f"SELECT count(*) FROM {reader}('{out}/mentions.{ext}')").fetchall()[0][0]
    con.close()
    assert n == 5 and "clean_text" in cols and "raw_text" not in cols
    stored = duckdb.connect(str(corpus_db), read_only=True)
    assert n_mentions == stored.execute("SELECT count(*) FROM mentions").fetchall()[0][0]
    stored.close()


def test_export_refuses_to_overwrite(corpus_db, tmp_path):
    out = tmp_path / "x"
    assert invoke("export", "--table", "entities", "--format", "csv", "--out", out, "--db", corpus_db).exit_code == 0
    (out / "entities.csv").write_text("mine")
    again = invoke("export", "--table", "entities", "--format", "csv", "--out", out, "--db", corpus_db)
    assert again.exit_code == 1 and "--overwrite" in again.output
    assert (out / "entities.csv").read_text() == "mine"
    forced = invoke("export", "--table", "entities", "--format", "csv", "--out", out, "--db", corpus_db, "--overwrite")
    assert forced.exit_code == 0 and len(pd.read_csv(out / "entities.csv")) > 100
    unknown = invoke("export", "--table", "nope", "--format", "csv", "--out", out, "--db", corpus_db)
    assert unknown.exit_code == 1 and "no table or view named 'nope'" in unknown.output


def test_stats(corpus_db):
    result = invoke("stats", "--db", corpus_db)
    assert result.exit_code == 0
    assert "articles                 5" in result.stdout
    assert "China" in result.stdout and "top entities" in result.stdout
    data = json.loads(invoke("stats", "--db", corpus_db, "--json").stdout)
    assert data["counts"]["articles"] == 5 and data["schema_version"] == store.SCHEMA_VERSION
    assert data["top_entities"][0]["articles"] >= data["top_entities"][-1]["articles"]
    assert sum(o["articles"] for o in data["outlets"]) == 5
    run = data["last_run"]  # the line says when it started and when it ended, not "complete at" its start
    assert run["status"] == "complete" and run["finished_at"] >= run["started_at"]
    assert f"ended {str(run['finished_at'])[:19]}" in result.stdout


def test_newer_schema_version_is_refused(corpus_db, tmp_path):
    db = tmp_path / "future.duckdb"
    shutil.copy(corpus_db, db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(store.SCHEMA_VERSION + 1)])
    con.close()
    for args in (["query", "SELECT 1"], ["stats"], ["run", SAMPLE]):
        result = invoke(*args, "--db", db)
        assert result.exit_code == 1, args
        assert f"schema version {store.SCHEMA_VERSION + 1}, newer than this facts knows" in result.output


def test_schema_is_idempotent(tmp_path):
    db = tmp_path / "s.duckdb"
    for _ in range(2):
        store.connect(db).close()
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [(str(store.SCHEMA_VERSION),)]
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    con.close()
    assert {"v_facts", "v_timeline", "v_conflicts"} <= views


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        result = invoke(name, "--help")
        assert result.exit_code == 0
        assert command.help and len(command.help) > 40, name
        assert f"facts {name}" in readme, name
    assert "make run" in readme and "make test" in readme


def test_query_json_writes_dates_as_the_database_holds_them(corpus_db):
    out = json.loads(invoke("query", "SELECT published, ingested_at FROM articles WHERE published IS NOT NULL "
                            "LIMIT 1", "--db", corpus_db, "--format", "json").stdout)[0]
    assert len(out["published"]) == 10 and out["published"][4] == "-"  # 2026-05-08, not ...T00:00:00.000
    assert "T" in out["ingested_at"] and "." not in out["ingested_at"]


def test_run_counts_its_documents_once_with_the_users_settings(tmp_path):
    """The progress total comes from the run's own discovery and count (issue 35: the CLI walked
    and counted the inputs itself before the runner walked them again): with a user's file that
    reads only .txt, the .html beside it is neither read nor counted."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Huawei shipped 10,000 chips in March 2026.\n", encoding="utf-8")
    (tmp_path / "in" / "b.html").write_text("<html><body><p>Baidu opened a lab.</p></body></html>", encoding="utf-8")
    user = tmp_path / "only_txt.toml"
    user.write_text('[ingest]\nextensions = [".txt"]\n', encoding="utf-8")
    result = invoke("run", tmp_path / "in", "--db", tmp_path / "f.duckdb", "--config", user, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "[1/1] " in result.stderr and "a.txt: new" in result.stderr and "b.html" not in result.stderr
