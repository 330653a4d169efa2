"""The development-set gate: run `../shared/dev/score` on the installed CLI and hold its figures
against the floors pinned in `tests/dev_floors.toml`.

Why a gate: every rule in the pipeline was first written from the five corpus articles, so
figures on them are in-sample. The dev sets are public news nobody here wrote rules from; a
change that makes them worse fails CI here instead of passing silently. Used by
`tests/test_dev_gate.py` (one scoring run per pytest session) and by `make eval`:

    python tests/devgate.py [TASK ...] [--keep DIR] [--check]

prints the scorer's own lines, then every pinned figure beside its floor. With `--check` it
exits 1 when a figure is under its floor. Without `../shared/dev` (a user's clone) it says so
and exits 0. `FACTS_DEV` points at another copy of the dev folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS_FILE = Path(__file__).resolve().parent / "dev_floors.toml"
DEV = Path(os.environ.get("FACTS_DEV", ROOT.parent / "shared" / "dev"))
FACTS = Path(sys.executable).parent / "facts"
# Two lanes side by side (2 cores). `pages` alone is the longest task (688 long pages through
# one `facts inspect` process, about 6 minutes); the rest together take about 3.
LANES = (("pages",), ("time", "quantities", "ecbplus", "pages-html"))


def available() -> bool:
    return (DEV / "score").is_file()


def load_floors(path: Path = FLOORS_FILE) -> dict[str, float]:
    """The floors as flat dotted keys ('time.value_f1', 'ecbplus.entities.aligned_conll_f1')."""
    with open(path, "rb") as f:
        return flatten(tomllib.load(f))


def flatten(tree: dict, prefix: str = "") -> dict[str, float]:
    flat: dict[str, float] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            flat[name] = float(value)
    return flat


def tasks_of(floors: dict[str, float]) -> list[str]:
    return sorted({key.split(".", 1)[0] for key in floors})


def check(scores: dict[str, float], floors: dict[str, float]) -> list[str]:
    """One line per floor not met; a floor whose figure the scorer did not print fails too."""
    failures = []
    for key, floor in sorted(floors.items()):
        got = scores.get(key)
        if got is None:
            failures.append(f"{key}: no such figure in the scorer's output (floor {floor:.3f})")
        elif got < floor:
            failures.append(f"{key}: {got:.3f} is under its floor {floor:.3f}")
    return failures


def _run_lane(tasks: list[str], keep: Path) -> tuple[dict, str]:
    cmd = [sys.executable, str(DEV / "score"), str(FACTS), *tasks, "--keep", str(keep)]
    if "quantities" in tasks:  # our own news gold (tests/quantities_news.py: texts read from the dev set)
        from quantities_news import build

        news = keep / "quantities_news.jsonl"
        if build(news):
            cmd += ["--gold-quantities", str(news)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    lines = proc.stdout.strip().splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


def score(tasks: list[str], keep: Path) -> tuple[dict[str, float], str]:
    """Run the scorer on `tasks` (in two parallel lanes) -> (flat figures, the scorer's text)."""
    lanes = [[t for t in lane if t in tasks] for lane in LANES]
    lanes += [[t for t in tasks if not any(t in lane for lane in LANES)]]
    lanes = [lane for lane in lanes if lane]
    keep.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        results = list(pool.map(lambda lane: _run_lane(lane, keep), lanes))
    figures: dict[str, float] = {}
    text = []
    for tree, printed in results:
        figures.update(flatten(tree))
        text.append(printed)
    return figures, "\n".join(text)


def table(scores: dict[str, float], floors: dict[str, float]) -> str:
    """Every pinned figure beside its floor (the scorer's own lines carry the rest)."""
    rows = [f"{'figure':<45} {'dev':>6} {'floor':>6}"]
    for key in sorted(floors):
        got, floor = scores.get(key), floors.get(key)
        mark = "" if floor is None or (got is not None and got >= floor) else "  UNDER FLOOR"
        rows.append(f"{key:<45} {'-' if got is None else f'{got:.3f}':>6} "
                    f"{'' if floor is None else f'{floor:.3f}':>6}{mark}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tasks", nargs="*", help="time, quantities, ecbplus, pages, pages-html (default: all)")
    ap.add_argument("--keep", type=Path, help="keep inputs, predictions and databases here")
    ap.add_argument("--check", action="store_true", help="exit 1 when a figure is under its floor")
    a = ap.parse_args(argv)
    if not available():
        print(f"No development sets at {DEV}: nothing to measure (they sit beside the repository "
              "as ../shared/dev; set FACTS_DEV to point elsewhere).")
        return 0
    floors = load_floors()
    tasks = a.tasks or [t for lane in LANES for t in lane]
    floors = {k: v for k, v in floors.items() if k.split(".", 1)[0] in tasks}
    with tempfile.TemporaryDirectory() as tmp:
        scores, printed = score(tasks, a.keep or Path(tmp))
    print(printed)
    print()
    print(table(scores, floors))
    failures = check(scores, floors)
    if failures:
        print("\n" + "\n".join(failures))
    return 1 if failures and a.check else 0


if __name__ == "__main__":
    sys.exit(main())
