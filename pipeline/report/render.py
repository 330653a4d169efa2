"""The records -> one self-contained HTML page, streamed through the Jinja2 templates in
`pipeline/report/templates/` and written whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

from ..errors import ExportError
from .read import KINDS, read_report
from .rows import FactRow, Report, TimelineEvent
from .svg import TimelineMark, timeline_charts


LINK_CHARS = 48  # longest source-link text




def fmt_number(v: float | None) -> str:
    """A figure as people write it: 1,590 / 16.4 billion / 0.12."""
    if v is None:
        return ""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:,.3f}".rstrip("0").rstrip(".") + " " + word
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def short_label(text: str | None, limit: int = LINK_CHARS) -> str:
    """A source link's text: titles repeat on every quote, so they are cut to keep the page small."""
    text = text or "source"
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def fact_value(f: FactRow) -> str:
    if f.value is None and f.low is not None and f.high is not None:
        return f"{fmt_number(f.low)}–{fmt_number(f.high)}"
    return fmt_number(f.value)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("pipeline.report", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fmt_number
    env.filters["short"] = short_label
    env.globals["fact_value"] = fact_value
    return env


def _timeline_marks(events: Sequence[TimelineEvent]) -> list[TimelineMark]:
    return [TimelineMark(e.event_id, e.start, e.end, e.granularity,
                         f"{e.date} · {e.trigger}" + (f" · {', '.join(e.actors)}" if e.actors else ""))
            for e in events]


def render_report(report: Report) -> Iterator[str]:
    """The page, in pieces (articles are read while it is written)."""
    template = _environment().get_template("report.html.j2")
    return template.generate(r=report, charts=timeline_charts(_timeline_marks(report.timeline)), kinds=KINDS)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # a read-only place: there is nothing of ours to remove
        pass


def write_report(db_path: str | Path, out_path: str | Path) -> Path:
    """Build the report of the database at db_path into out_path; returns the path written."""
    out = Path(out_path)
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; give the report's file name (e.g. {out / 'report.html'})")
    report = read_report(db_path)
    tmp = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8") as fh:
            for piece in render_report(report):
                fh.write(piece)
        tmp.replace(out)
    except OSError as exc:
        _remove(tmp)
        raise ExportError(f"{out}: cannot be written ({exc.strerror or exc})") from None
    except BaseException:
        _remove(tmp)
        raise
    return out
