"""facts: raw articles in, a queryable DuckDB table of facts out."""

__version__ = "0.1.0"
