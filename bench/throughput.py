"""Throughput of `facts run` against the bare spaCy pass, measured in one run.

Builds N distinct articles from corpus/ (each copy gets its own header line, so
the content hash sees N articles), runs bare `nlp.pipe` with the same model,
batch size and process count, then `facts run` end to end into a fresh DB.
Prints words/s of each and their ratio; the last line is one JSON object.

    python bench/throughput.py [--n 200] [--workers W]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from common import facts_run, make_corpus  # noqa: E402  (puts the project on sys.path)
from pipeline.config import load_settings, resolve_workers  # noqa: E402
from pipeline.extract import resolve_model  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    settings = load_settings()
    workers = resolve_workers(settings, args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        texts = make_corpus(folder, args.n)
        words = sum(len(t.split()) for t in texts)

        import spacy

        nlp = spacy.load(resolve_model(settings))
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=settings.run.batch_size, n_process=workers):
            pass
        bare = time.perf_counter() - t0

        full, _ = facts_run(str(folder), "--db", str(Path(tmp) / "b.duckdb"), "--workers", str(workers))
    out = {"articles": args.n, "words": words, "workers": workers,
           "bare_words_per_s": round(words / bare), "words_per_s": round(words / full),
           "throughput_ratio": round(bare / full, 3)}
    print(f"bare nlp.pipe: {words / bare:,.0f} words/s; facts run: {words / full:,.0f} words/s; "
          f"ratio {bare / full:.2f}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
