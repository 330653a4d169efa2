"""Cost of one long article: extraction time against length, and peak memory of huge ones.

Synthetic articles of 250 / 500 / 1,000 / 2,000 lines of one kind (dates, numbers,
capitalised names) go through normalize + extract in this process; the script prints the
CPU seconds of extraction per article and the growth 2,000 lines / 250 lines (linear
would be 8x). Then each large case runs in its own subprocess (the engine's one-worker
path, normalize + extract, no database), which prints its time and peak RSS
(ru_maxrss: the model is in it too, so its RSS after loading is printed beside it):
one 2 MB article on a single line by default; `--large` adds 10 MB of text in one article
and 100 articles of 100 kB (about ten minutes each on a 2-core machine). The ingest
limit ([ingest] max_bytes, 5 MB) would reject the 10 MB record in `facts run`: here it
goes to the extractor directly. The last line is one JSON object.

    python bench/long_article.py [--large] [--sizes 250,500,1000,2000] [--kinds dates,numbers,names]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time

import common  # noqa: F401  (puts the project on sys.path)
from pipeline.config import load_settings  # noqa: E402

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
FIRST = ["Maria", "John", "Aiko", "Pierre", "Fatima", "Liam", "Olga", "Chen", "Ravi", "Sofia", "Kwame", "Ingrid",
         "Mateo", "Leila", "Tomasz", "Hannah", "Yusuf", "Clara", "Dmitri", "Amara"]
LAST = ["Alvarez", "Brennan", "Tanaka", "Dubois", "Haddad", "Murphy", "Petrova", "Wei", "Sharma", "Rossi",
        "Mensah", "Lindqvist", "Herrera", "Karimi", "Nowak", "Fischer", "Demir", "Moreau", "Volkov", "Okafor"]
PLACES = ["Paris", "Lagos", "Toronto", "Osaka", "Lima", "Oslo", "Cairo", "Perth"]
KINDS = ("dates", "numbers", "names")


def line(kind: str, i: int, rnd: random.Random) -> str:
    if kind == "dates":
        return f"On {MONTHS[i % 12]} {1 + i % 28}, {1990 + i % 30} the council met again."
    if kind == "numbers":
        return (f"The company sold {rnd.randint(2, 9999):,} units for ${rnd.randint(2, 999)}.{rnd.randint(10, 99)} "
                f"million, up {rnd.randint(1, 99)} percent.")
    a, b = rnd.choice(FIRST), rnd.choice(LAST)
    return f"{a} {b} spoke with {rnd.choice(FIRST)} {rnd.choice(LAST)} in {rnd.choice(PLACES)}, {b} said."


def article(kind: str, lines: int, seed: int = 0) -> str:
    rnd = random.Random(seed * 100_003 + lines)
    return f"Report on {kind}, {lines} lines\n\n" + "\n".join(line(kind, i, rnd) for i in range(lines)) + "\n"


def mixed(chars: int, sep: str, seed: int = 0) -> str:
    """Lines of the three kinds in turn, joined by sep, until `chars` characters."""
    rnd = random.Random(seed)
    parts, size, i = [], 0, 0
    while size < chars:
        part = line(KINDS[i % 3], i, rnd)
        parts.append(part)
        size += len(part) + len(sep)
        i += 1
    return f"Mixed report {seed}\n\n" + sep.join(parts) + "\n"


def raw_doc(text: str, name: str):
    from pipeline.ingest import article_id_for
    from pipeline.records import RawDocument

    return RawDocument(path=name, source_key=name, raw_text=text, article_id=article_id_for(text),
                       encoding="utf-8", fmt="txt")


def growth(settings, kinds: list[str], sizes: list[int]) -> dict[str, dict[int, float]]:
    """CPU seconds of extraction (after normalize) per article, each kind and size, in this process."""
    import importlib

    from pipeline.engine import Extractor

    extract = importlib.import_module("pipeline.extraction")
    ex = Extractor(settings)
    list(extract.extract_articles(ex.nlp, [ex.normalize(raw_doc("Warm up on May 5, 2020: 5 units.", "w"))], settings))
    out: dict[str, dict[int, float]] = {}
    for kind in kinds:
        out[kind] = {}
        for n in sizes:
            art = ex.normalize(raw_doc(article(kind, n), f"{kind}_{n}.txt"))
            t0 = time.process_time()
            (rec,) = extract.extract_articles(ex.nlp, [art], settings)
            out[kind][n] = seconds = time.process_time() - t0
            print(f"{kind:>8} {n:>5} lines ({len(art.clean_text):>7,} chars): {seconds:6.2f} s CPU, "
                  f"{len(rec.entities)} entities, {len(rec.quantities)} quantities, {len(rec.times)} times", flush=True)
        ratio = out[kind][sizes[-1]] / out[kind][sizes[0]]
        print(f"{kind:>8} growth {sizes[-1]} / {sizes[0]} lines: {ratio:.1f}x (linear {sizes[-1] / sizes[0]:.0f}x)",
              flush=True)
    return out


def case(name: str) -> None:
    """One large case, in this (fresh) process; prints one JSON line."""
    from pipeline.engine import Extractor
    from pipeline.records import Processed

    settings = load_settings()
    if name == "single_line_2mb":
        docs = [raw_doc(mixed(2_000_000, " "), "one_line.txt")]
    elif name == "one_article_10mb":
        docs = [raw_doc(mixed(10_000_000, "\n"), "ten_mb.txt")]
    elif name == "articles_100x100kb":
        docs = [raw_doc(mixed(100_000, "\n", seed=i), f"a{i:03d}.txt") for i in range(100)]
    else:
        raise SystemExit(f"unknown case {name}")
    chars = sum(len(d.raw_text) for d in docs)
    ex = Extractor(settings)  # the model's own memory, before any article
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0, c0 = time.perf_counter(), time.process_time()
    results = []
    for i in range(0, len(docs), settings.run.batch_size):  # as the engine's one-worker path sends them
        results.extend(ex.process(docs[i:i + settings.run.batch_size]))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    ok = [r for r in results if isinstance(r, Processed)]
    items = sum(len(r.extraction.entities) + len(r.extraction.quantities) + len(r.extraction.times) for r in ok)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"case": name, "chars": chars, "articles": len(ok), "items": items, "seconds": round(wall, 1),
                      "cpu_seconds": round(cpu, 1), "rss_after_model_mib": round(loaded / 2**20),
                      "peak_rss_mib": round(peak / 2**20)}))


def run_case(name: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{name}: {out['chars']:,} chars in {out['articles']} article(s), {out['seconds']} s "
          f"({out['cpu_seconds']} s CPU), peak RSS {out['peak_rss_mib']:,} MiB "
          f"(model loaded: {out['rss_after_model_mib']:,} MiB), {out['items']:,} items", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="250,500,1000,2000")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--large", action="store_true", help="also 10 MB in one article and 100 articles of 100 kB")
    ap.add_argument("--no-growth", action="store_true", help="only the large cases")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        return case(args.case)
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = args.kinds.split(",")
    summary: dict = {}
    if not args.no_growth:
        times = growth(load_settings(), kinds, sizes)
        summary["growth"] = {k: round(v[sizes[-1]] / v[sizes[0]], 2) for k, v in times.items()}
        summary["seconds"] = {k: {str(n): round(s, 2) for n, s in v.items()} for k, v in times.items()}
    cases = ["single_line_2mb"] + (["one_article_10mb", "articles_100x100kb"] if args.large else [])
    summary["large"] = {name: run_case(name) for name in cases}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
