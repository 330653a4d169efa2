"""Time expressions (TimeML TIMEX3): grammar.py finds and reads them from config/timex.toml,
resolve.py gives them their TimeML values in context."""

from .grammar import DEFAULT_PATH, SPECIFIC_KINDS, Grammar, Parsed, find, load_grammar, parse
from .resolve import Context, Resolved, resolve

__all__ = ["DEFAULT_PATH", "SPECIFIC_KINDS", "Context", "Grammar", "Parsed", "Resolved", "find", "load_grammar",
           "parse", "resolve"]
