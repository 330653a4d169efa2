"""`facts report`: the database as one self-contained HTML page (no server, no network).

Reading and rendering are separate: `read_report` turns the database into typed
records, `render_report` streams them through the Jinja2 templates in
`pipeline/report/templates/`. Article texts are not rendered in Python: each article's
text and spans go into a JSON block that the page's script turns into highlighted
DOM only when the article is opened, so the page stays fast at thousands of
articles and the file grows linearly with the corpus.
"""

from .read import KINDS, layout_spans, read_report
from .render import render_report, write_report

__all__ = ["KINDS", "layout_spans", "read_report", "render_report", "write_report"]
