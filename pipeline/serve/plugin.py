"""The datasette plugin of `facts serve`: ids in query results link to their rows, and a
view still being built says so on every page.

Table pages link a column to the row it references by the view's foreign keys; the
results of a canned or typed query carry no such keys, so the ids a reader follows
(an article, a story, an entity, a fact) are made links here by their column's name.
"""

from __future__ import annotations

import json
import sqlite3

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

# column name -> the table whose primary key it holds
LINKED = {
    "article_id": "articles", "article_a": "articles", "article_b": "articles",
    "article_id_a": "articles", "article_id_b": "articles",
    "story_id": "stories",
    "entity_id": "entities", "subject_entity_id": "entities",
    "fact_id": "facts", "fact_id_a": "facts", "fact_id_b": "facts",
    "event_id": "events", "quantity_id": "quantities", "conflict_id": "conflicts",
}


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table is not None or not isinstance(value, str) or not value:
        return None  # table pages link by foreign keys already
    target = LINKED.get(column)
    if target is None:
        return None
    href = datasette.urls.row(database, target, tilde_encode(value))
    return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')


@hookimpl
def extra_body_script(datasette, database):
    """While the first build of the view runs, a line on top of the page says how far it is."""
    async def banner():
        if database is None:  # the index page: no database of its own
            return ""
        try:
            rows = (await datasette.get_database(database).execute(
                "SELECT value FROM _facts_view WHERE key = 'building'")).rows
        except sqlite3.Error:  # not a database of facts, or its view not made yet
            return ""
        if not rows:
            return ""
        text = json.dumps(f"Building the served view: {rows[0][0]}. Tables not yet copied are empty; "
                          "reload to see more.")
        return ("var p = document.createElement('p'); p.className = 'message-warning facts-building'; "
                f"p.textContent = {text}; var c = document.querySelector('section.content'); "
                "if (c) c.prepend(p);")
    return banner
