"""Throughput of `facts run` against the bare spaCy pass, measured in one run.

Builds N distinct articles from corpus/ (each copy gets its own header line, so
the content hash sees N articles), runs bare `nlp.pipe` with the same model,
batch size and process count, then `facts run` end to end into a fresh DB.
Prints words/s of each and their ratio; the last line is one JSON object.

    python bench/throughput.py [--n 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import load_settings, resolve_workers  # noqa: E402
from pipeline.extract import resolve_model  # noqa: E402


def make_corpus(folder: Path, n: int) -> list[str]:
    sources = sorted((ROOT / "corpus").glob("*.txt"))
    texts = []
    for i in range(n):
        text = f"Bench copy {i}\n\n" + sources[i % len(sources)].read_text(encoding="utf-8")
        (folder / f"bench_{i:05d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    settings = load_settings()
    workers = resolve_workers(settings, args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        texts = make_corpus(folder, args.n)
        words = sum(len(t.split()) for t in texts)

        import spacy

        nlp = spacy.load(resolve_model(settings))
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=settings.run.batch_size, n_process=workers):
            pass
        bare = time.perf_counter() - t0

        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(folder), "--db", str(Path(tmp) / "b.duckdb"),
                        "--workers", str(workers)], cwd=ROOT, check=True, capture_output=True)
        full = time.perf_counter() - t0
    out = {"articles": args.n, "words": words, "workers": workers,
           "bare_words_per_s": round(words / bare), "words_per_s": round(words / full),
           "throughput_ratio": round(bare / full, 3)}
    print(f"bare nlp.pipe: {words / bare:,.0f} words/s; facts run: {words / full:,.0f} words/s; "
          f"ratio {bare / full:.2f}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
