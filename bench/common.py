"""What the bench scripts share: a corpus of N distinct articles and a timed `facts run`.

Articles are made from the corpus files; each copy starts with its own header
line, so the content hash sees N articles. chars=None copies whole files;
chars=K cuts a K-character window (a shorter article, for large N).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_corpus(folder: Path, n: int, chars: int | None = None) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    sources = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    texts = []
    for i in range(n):
        src = sources[i % len(sources)]
        if chars:
            start = (i // len(sources)) * 97 % max(1, len(src) - chars)
            src = src[start:start + chars]
        text = f"Bench copy {i}\n\n{src}"
        (folder / f"bench_{i:05d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def facts_run(*args: str) -> tuple[float, int]:
    """Run `facts run ARGS` in a subprocess: (seconds, peak RSS in bytes of its process tree)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"facts run failed ({proc.returncode}): {err.decode()[-2000:]}")
    return seconds, peak
