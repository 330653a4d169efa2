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
from pipeline.extraction import resolve_model  # noqa: E402


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
        bare = _bare_pass(nlp, texts, settings, workers)
        # The same bare pass over the bodies facts run parses (boilerplate cut): the like-for-like floor.
        clean = _clean_texts(folder, settings)
        bare_clean = _bare_pass(nlp, clean, settings, workers)

        full, _ = facts_run(str(folder), "--db", str(Path(tmp) / "b.duckdb"), "--workers", str(workers))
    clean_words = sum(len(t.split()) for t in clean)
    out = {"articles": args.n, "words": words, "clean_words": clean_words, "workers": workers,
           "bare_words_per_s": round(words / bare), "words_per_s": round(words / full),
           "throughput_ratio": round(bare / full, 3),
           "throughput_ratio_same_text": round(bare_clean / full, 3)}
    print(f"bare nlp.pipe on the input files: {words / bare:,.0f} words/s; facts run: {words / full:,.0f} words/s "
          f"of input; ratio {bare / full:.2f}")
    print(f"bare nlp.pipe on the cleaned bodies facts run parses ({clean_words:,} words): {bare_clean:.1f}s; "
          f"facts run {full:.1f}s; ratio {bare_clean / full:.2f}")
    print(json.dumps(out))


def _bare_pass(nlp, texts: list[str], settings, workers: int) -> float:
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=settings.run.batch_size, n_process=workers):
        pass
    return time.perf_counter() - t0


def _clean_texts(folder: Path, settings) -> list[str]:
    from pipeline.ingest import discover, read_documents
    from pipeline.normalize import Normalizer
    from pipeline.records import RawDocument

    normalize = Normalizer(settings)
    docs = read_documents(discover([folder], settings.ingest), settings.ingest)
    return [normalize(d).clean_text for d in docs if isinstance(d, RawDocument)]


if __name__ == "__main__":
    main()
