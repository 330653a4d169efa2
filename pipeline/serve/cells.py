"""A datasette plugin: ids in query results link to their rows.

Table pages link a column to the row it references by the view's foreign keys; the
results of a canned or typed query carry no such keys, so the ids a reader follows
(an article, a story, an entity, a fact) are made links here by their column's name.
"""

from __future__ import annotations

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
