"""Fast loop on the dev pages (plain text): normalize only (no spaCy), then the pages scorer.

    python tests/devpages.py [--html] [--keep PRED.jsonl] [--worst N]

Cleaning and metadata need no model, so this takes a minute where `make eval` takes several;
`make eval` (the full `facts inspect` / `facts run` path) stays the figure to quote.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devgate import DEV  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from pipeline.ingest import article_id_for, decode  # noqa: E402
from pipeline.normalize import Normalizer  # noqa: E402
from pipeline.records import RawDocument  # noqa: E402


PAGES = DEV / "pages" / "pages.jsonl"


def write_predictions(out: Path, html: bool = False) -> None:
    """Normalize every dev page (its text, or its HTML) and write what the pages scorer reads."""
    settings = load_settings()
    norm = Normalizer(settings)
    with open(PAGES, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
        for line in f:
            page = json.loads(line)
            if html:
                raw, enc = decode(gzip.decompress((DEV / "pages" / page["html_file"]).read_bytes()), settings.ingest)
                fmt = "html"
            else:
                raw, enc, fmt = page["text"], "utf-8", "txt"
            doc = RawDocument(path=page["id"], source_key=page["id"], raw_text=raw,
                              article_id=article_id_for(raw), encoding=enc, fmt=fmt)
            art = norm(doc)
            w.write(json.dumps({"id": page["id"], "clean_text": art.clean_text, "title": art.title,
                                "author": art.author, "published": art.published}, ensure_ascii=False) + "\n")


def run_scorer(pred: Path, worst: int = 0, capture: bool = False) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(DEV / "pages" / "score.py"), str(pred), "--pages", str(PAGES)]
    if worst:
        cmd += ["--worst", str(worst)]
    return subprocess.run(cmd, capture_output=capture, text=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--html", action="store_true", help="the pages' HTML instead of their text")
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--worst", type=int, default=0)
    a = ap.parse_args()
    if not PAGES.exists():
        print(f"no dev pages at {PAGES}")
        return 0
    out = a.keep or Path(tempfile.mkdtemp()) / "pred.jsonl"
    write_predictions(out, a.html)
    return run_scorer(out, a.worst).returncode


if __name__ == "__main__":
    sys.exit(main())
