"""The README's "Python" section runs as written (as sqlite-utils checks its docs): its python
blocks are executed in order, in one namespace, in a scratch folder holding the corpus, with
the real model and real DuckDB files. Then the API agrees with the CLI it stands behind."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import ROOT, invoke


def python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    return folder


def test_the_readme_python_examples_run(scratch, monkeypatch, capsys):
    blocks = python_blocks()
    assert len(blocks) >= 6  # run, open, extract, extract_many, errors, components
    monkeypatch.chdir(scratch)
    namespace: dict = {}
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
    out = capsys.readouterr().out
    assert len(namespace["facts"]) > 50 and "subject_name" in namespace["facts"].columns
    assert (scratch / "outputs" / "report.html").exists() and (scratch / "outputs" / "export" / "facts.csv").exists()
    assert "DatabaseMissing - no/such.duckdb: no such database" in out
    assert "InputRejected - <input 1>" in out and re.search(r"(QueryError|ReadOnlyViolation) - ", out)


def test_extract_to_dict_is_what_facts_inspect_prints(tmp_path):
    import pipeline

    path = ROOT / "corpus" / sorted(p.name for p in (ROOT / "corpus").iterdir())[0]
    result = invoke("inspect", path)
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    doc = pipeline.extract(path.read_bytes(), format=path.suffix.lstrip(".") or None)
    api = doc.to_dict()
    api["article"]["path"] = cli["article"]["path"]  # the CLI names the file; text has no path
    for sec_cli, sec_api in zip(cli["article"]["sections"], api["article"]["sections"]):
        assert sec_cli == sec_api
    assert api == cli
    assert doc.quantities and doc.entities and doc.times
