"""The README's "Python" section runs as written (as sqlite-utils checks its docs): its python
blocks are each saved as a file and run with `python FILE`, in order, in a scratch folder
holding the corpus, with the real model and real DuckDB files. Then the API agrees with the CLI it stands behind."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

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


@pytest.mark.slow
@pytest.mark.long
def test_each_readme_python_example_runs_as_a_script(scratch):
    """Each block saved as its own file and run with `python FILE`, in order, as a user would
    (no main guard: `pipeline.run` starts its worker processes from a plain script)."""
    blocks = python_blocks()
    assert len(blocks) >= 6  # run, open, extract, extract_many, errors, components
    out = ""
    for i, block in enumerate(blocks, 1):
        script = scratch / f"example_{i}.py"
        script.write_text(block, encoding="utf-8")
        done = subprocess.run([sys.executable, script.name], cwd=scratch, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, f"README python block {i}:\n{done.stderr[-3000:]}"
        out += done.stdout
    assert int(re.search(r"^(\d+) facts; fact_id", out, flags=re.M).group(1)) > 50
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
