"""facts: raw articles in, a queryable DuckDB table of facts out.

The public surface (documented in the README's "Python" section; kept stable):

- `extract(text_or_html, ...)` -> Document, `extract_many(items, ...)` -> iterator of Document
- `run(paths, db=..., ...)` -> RunSummary
- `open(db)` -> Database: `.sql()`, `.frame()`, `.arrow()`, `.stats()`, `.reconcile()`,
  `.export()`, `.report()`
- exceptions in `pipeline.errors`, all subclasses of `PipelineError`

They load on first use (PEP 562), so a worker process or the CLI's start-up does not pull in
pandas and the reconciler. `pipeline.extract` is the function; the extraction stage is the
package `pipeline.extraction`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

__all__ = ["Database", "Document", "PipelineError", "RunSummary", "extract", "extract_many", "open", "run",
           "__version__"]

_FROM = {"Database": "api", "Document": "api", "extract": "api", "extract_many": "api", "open": "api",
         "run": "api", "RunSummary": "runner", "PipelineError": "errors"}

if TYPE_CHECKING:
    from .api import Database, Document, extract, extract_many, open, run  # noqa: F401,A004
    from .errors import PipelineError  # noqa: F401
    from .runner import RunSummary  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _FROM:
        import importlib

        return getattr(importlib.import_module(f".{_FROM[name]}", __name__), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
