#!/usr/bin/env python3
"""Build the hand-annotated news quantities gold set (sentences + quantities) as scorer JSONL.

What: tests/fixtures/quantities_news_gold.jsonl holds quantities annotated by reading news
sentences from two development sets (TimeBank/AQUAINT `time/tbaq.jsonl`, ECB+ `ecbplus/dev.jsonl`):
per sentence the source, document id, character span in the document text, the sha1 of the
sentence and its quantities ({value, range, unit, start, end, change}, offsets relative to the
sentence; no surface either: it is read back from the text). This script joins them back with the sentence texts and writes the JSONL that
../shared/dev/scorers/quantities.py reads: {"id", "text", "quantities"}.

Why no texts in the fixture: the source documents are licensed for research use only
(TimeBank/AQUAINT derive from LDC corpora: do not redistribute) or carry attribution terms, so
the repository stores offsets and checksums only and the texts are read from the dev folder at
run time (FACTS_DEV, default <repo>/../shared/dev). When that folder or a source file is absent
the script says so and writes nothing (exit 0); a sha1 mismatch is an error naming the sentence.

    python tests/quantities_news.py --out /tmp/quantities_news.jsonl
    ../shared/dev/score .venv/bin/facts quantities --gold-quantities /tmp/quantities_news.jsonl

The annotations were written by reading the sentences, not from the pipeline's output.
Standard library only.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "quantities_news_gold.jsonl"
DEV = Path(os.environ.get("FACTS_DEV", ROOT.parent / "shared" / "dev"))
SOURCES = {"time": Path("time") / "tbaq.jsonl", "ecbplus": Path("ecbplus") / "dev.jsonl"}


class GoldMismatch(ValueError):
    """A fixture sentence does not match the text found in the dev folder."""


def read_fixture(path: Path = FIXTURE) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def missing_sources(dev: Path | None = None) -> list[Path]:
    """Source files absent from the dev folder (all of them when the folder itself is absent)."""
    dev = Path(dev) if dev is not None else DEV
    return [dev / rel for rel in SOURCES.values() if not (dev / rel).is_file()]


def _doc_texts(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as f:
        return {d["id"]: d["text"] for d in (json.loads(line) for line in f if line.strip())}


def sentences(dev: Path | None = None, fixture: Path = FIXTURE) -> list[dict] | None:
    """Fixture lines joined with their sentence text ("text" added); None if sources are absent.

    Raises GoldMismatch naming the id when a document is missing or a sentence's sha1 differs."""
    dev = Path(dev) if dev is not None else DEV
    if missing_sources(dev):
        return None
    texts = {src: _doc_texts(dev / rel) for src, rel in SOURCES.items()}
    out = []
    for row in read_fixture(fixture):
        docs = texts.get(row["source"])
        if docs is None or row["doc"] not in docs:
            raise GoldMismatch(f"{row['id']}: document not found in {row['source']}")
        text = docs[row["doc"]][row["start"]:row["end"]]
        if hashlib.sha1(text.encode("utf-8")).hexdigest() != row["sha1"]:
            raise GoldMismatch(f"{row['id']}: sha1 mismatch (the source text changed)")
        quantities = [dict(q, surface=text[q["start"]:q["end"]]) for q in row["quantities"]]
        out.append(dict(row, text=text, quantities=quantities))
    return out


def build(out_path, dev: Path | None = None) -> int | None:
    """Write the scorer JSONL to out_path; number of sentences written, None if dev is absent."""
    rows = sentences(dev)
    if rows is None:
        return None
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps({"id": r["id"], "text": r["text"], "quantities": r["quantities"]},
                               ensure_ascii=False) + "\n")
    return len(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output JSONL path (scorer gold format)")
    ap.add_argument("--dev", default=None, help="dev folder (default: $FACTS_DEV or <repo>/../shared/dev)")
    a = ap.parse_args(argv)
    dev = Path(a.dev) if a.dev else DEV
    absent = missing_sources(dev)
    if absent:
        print("quantities_news: dev data not found (%s); nothing written"
              % ", ".join(str(p) for p in absent), file=sys.stderr)
        return 0
    try:
        n = build(a.out, dev)
    except GoldMismatch as e:
        print("quantities_news: error: %s" % e, file=sys.stderr)
        return 1
    print("quantities_news: wrote %d sentences to %s" % (n, a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
