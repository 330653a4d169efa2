"""Installed the way a user might without `make`: a fresh venv, the interpreter's own pip (no
upgrade), a regular (not editable) install of this checkout. Every package the code imports
must come with it, and the default configuration too."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import ROOT
from test_html import PAGE

# What a copy of the checkout leaves out: environments, caches, outputs, build leftovers.
SKIP = shutil.ignore_patterns(".venv", ".git", "outputs", "build", "*.egg-info", "__pycache__", ".pytest_cache")


@pytest.mark.slow
@pytest.mark.install
def test_a_fresh_venv_with_the_bundled_pip_runs_inspect_on_html(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)  # ensurepip's pip, as shipped with this Python
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    pip = subprocess.run([bin_dir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", src],
                         capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-3000:]
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    out = subprocess.run([bin_dir / "facts", "inspect", page], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    assert '"title": "Huawei widens Ascend shipments"' in out.stdout
    assert "Ascend 910C" in out.stdout
    # the report's templates come with a regular install too
    db, report = tmp_path / "f.duckdb", tmp_path / "r.html"
    ran = subprocess.run([bin_dir / "facts", "run", page, "--db", db, "--workers", "1"], capture_output=True,
                         text=True, cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr[-3000:]
    made = subprocess.run([bin_dir / "facts", "report", "--db", db, "--out", report], capture_output=True,
                          text=True, cwd=tmp_path)
    assert made.returncode == 0 and "Ascend 910C" in report.read_text(encoding="utf-8"), made.stderr[-3000:]
    # without the serve extra, `facts serve` says how to get it, in one line
    served = subprocess.run([bin_dir / "facts", "serve", "--db", tmp_path / "none.duckdb"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert served.returncode == 1 and "pip install 'facts[serve]'" in served.stderr, served.stderr[-3000:]
    assert "Traceback" not in served.stderr


def test_every_subpackage_is_listed_for_the_wheel():
    """pyproject lists packages by hand: a subpackage missing there is missing from a
    non-editable install (pipeline.reconcile was, and `facts run` failed there)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "pipeline").rglob("__init__.py")}
    assert found and found <= listed, sorted(found - listed)
