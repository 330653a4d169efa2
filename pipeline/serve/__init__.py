"""`facts serve`: browse the database on datasette (the optional `facts[serve]` extra)."""

from .app import ServeUnavailable, make_datasette, prepare, serve
from .view import refresh, view_path_for

__all__ = ["ServeUnavailable", "make_datasette", "prepare", "refresh", "serve", "view_path_for"]
