"""The one step that brings links and facts up to date with the stored articles.

Linking and reconciling commit apart (each in its own transaction), so a kill between them, or a
`facts reconcile` that ran while the links were behind, leaves facts built on other links. The
recorded state is what each step compares against: linking, the run that wrote each indexed
article (`link_keys`); reconciling, each article's signature, which holds its links
(`reconcile_articles`). Both are cheap when nothing is behind, so every command that writes
calls this whole step and no sequence of kills and commands leaves stale facts.
"""

from __future__ import annotations

import duckdb

from ..config import Settings
from .entities import link_entities, load_link_model
from .facts import reconcile


def update(con: duckdb.DuckDBPyConnection, settings: Settings, *, full: bool = False) -> dict[str, int]:
    """Link what is behind, then reconcile what the articles or their links changed (`full`:
    relink and rebuild everything). Returns the reconciler's row counts, with `entities` (corpus
    entities), `reconciled_articles` and `settings_changed`."""
    entities = link_entities(con, settings.link, load_link_model(settings.config_dir), full=full)
    counts = reconcile(con, settings.config_dir / "fx_rates.csv", settings.config_dir / "units.toml",
                       settings=settings, full=full)
    counts["entities"] = entities
    return counts
