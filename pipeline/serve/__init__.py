"""`facts serve`: browse the database on datasette (the optional `facts[serve]` extra)."""

from .app import ServeUnavailable, make_datasette, serve, start_view
from .view import refresh, view_path_for

__all__ = ["ServeUnavailable", "make_datasette", "refresh", "serve", "start_view", "view_path_for"]
