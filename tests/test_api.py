"""The public Python calls beyond the README's examples (real model, real DuckDB files): what
they raise, and that the CLI commands print what the calls return."""

from __future__ import annotations

import json
import os
import re

import pytest

import pipeline
from conftest import invoke
from pipeline.errors import InputRejected, QueryError

TWO_RECORDS = (json.dumps({"id": "a", "text": "Moore Threads raised 2 billion yuan in 2025."}) + "\n"
               + json.dumps({"id": "b", "text": "Biren shipped 10,000 GPUs in March 2026."}) + "\n")


def test_extract_refuses_many_documents_and_extract_many_streams_them():
    with pytest.raises(InputRejected, match="holds 2 documents: use extract_many"):
        pipeline.extract(TWO_RECORDS, format="jsonl", raw=True)
    docs = list(pipeline.extract_many([TWO_RECORDS, "Huawei sold 5 million phones."], raw=True))
    assert [d.article.source_id for d in docs] == ["a", "b", None]
    assert [q.text for q in docs[1].quantities] == ["10,000 GPUs"]


def test_extract_many_raises_on_a_bad_item_by_default_and_skips_it_on_request():
    items = ["Cambricon's revenue rose 65% in 2025.", b"\x00\x01\x02binary", "SMIC made 30,000 wafers."]
    with pytest.raises(InputRejected, match="<input 2>"):
        list(pipeline.extract_many(items))
    assert len(list(pipeline.extract_many(items, on_error="skip"))) == 2


def test_database_reads_match_the_cli(corpus_db):
    db = pipeline.open(corpus_db)
    with pytest.raises(QueryError, match="no table or view 'nope'"):
        db.frame("nope")
    frame = db.sql("SELECT count(*) AS n FROM facts")
    assert int(frame["n"][0]) == db.arrow("facts").num_rows == len(db.frame("v_facts")) > 0
    result = invoke("stats", "--db", corpus_db, "--json")
    assert result.exit_code == 0 and json.loads(result.output)["counts"] == json.loads(
        json.dumps(db.stats()["counts"], default=str))


def test_run_records_a_path_that_names_nothing_and_goes_on(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("Biren Technology shipped 10,000 BR100 GPUs to Chinese data centres in March 2026, "
                    "the company said on Tuesday.\n", encoding="utf-8")
    summary = pipeline.run([tmp_path / "missing.txt", good], db=tmp_path / "facts.duckdb", workers=1)
    assert summary.new == 1 and summary.rejected == 1
    assert summary.errors[0].message.endswith("missing.txt: no such file or folder")
    assert len(pipeline.open(tmp_path / "facts.duckdb").frame("articles")) == 1


@pytest.mark.slow
def test_run_with_workers_from_a_plain_script_without_a_main_guard(tmp_path):
    """Spawned workers re-ran a script's module code (issue 34: RuntimeError, BrokenProcessPool);
    users of sqlite-utils or trafilatura never write `if __name__ == "__main__":`."""
    import subprocess
    import sys

    for i, text in enumerate(["Huawei shipped 10,000 chips to Shenzhen in March 2026.",
                              "Baidu said on Monday it opened a data centre in Beijing with 5,000 GPUs."]):
        (tmp_path / f"a{i}.txt").write_text(text + "\n", encoding="utf-8")
    script = tmp_path / "script.py"
    script.write_text("import pipeline\n"
                      f"summary = pipeline.run({str(tmp_path)!r}, db={str(tmp_path / 'facts.duckdb')!r}, workers=2)\n"
                      "print('new', summary.new)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "new 2"


@pytest.mark.slow
def test_run_with_the_default_workers_from_code_that_has_no_file_as_in_a_notebook(tmp_path):
    """A notebook's cell, like `python -`, runs in a __main__ with no file: spawn must not need one."""
    import subprocess
    import sys

    for i, text in enumerate(["Huawei shipped 10,000 chips to Shenzhen in March 2026.",
                              "Baidu said on Monday it opened a data centre in Beijing with 5,000 GPUs."]):
        (tmp_path / f"a{i}.txt").write_text(text + "\n", encoding="utf-8")
    code = ("import pipeline\n"
            f"summary = pipeline.run({str(tmp_path)!r}, db={str(tmp_path / 'facts.duckdb')!r})\n"
            "print('new', summary.new, 'workers', summary.workers)\n")
    done = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True, timeout=600,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    new, workers = re.fullmatch(r"new (\d+) workers (\d+)", done.stdout.strip().splitlines()[-1]).groups()
    assert new == "2" and (int(workers) > 1 or (os.cpu_count() or 1) == 1)  # the pool was used
