"""Stop words of a language: jusText's lists (about 100 languages), named in one place.

config/boilerplate.toml [prose.stoplists] maps a language code to jusText's list name; the
prose finder, the language detector's short-text rule and story features all read it here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable

from ..config_files import read_config


@lru_cache(maxsize=32)
def stoplist(name: str) -> frozenset[str]:
    """jusText's stop words of a language (by jusText's name: 'English')."""
    import justext

    return frozenset(justext.get_stoplist(name))


def stoplist_names(config_dir: str | Path) -> dict[str, str]:
    """Language code -> jusText's list name, from config/boilerplate.toml [prose.stoplists]."""
    return dict(read_config(Path(config_dir) / "boilerplate.toml")["prose"]["stoplists"])


def stopwords_for(config_dir: str | Path) -> Callable[[str | None], frozenset[str]]:
    """language code -> its stop words (English for a language without a list)."""
    names = stoplist_names(config_dir)

    def stopwords(language: str | None) -> frozenset[str]:
        name = names.get(language or "en") or names.get("en")
        return stoplist(name) if name else frozenset()
    return stopwords
