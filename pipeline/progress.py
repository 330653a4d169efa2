"""Progress for `facts run`: a rich bar on a terminal, plain lines otherwise.

The runner calls the reporter once per document (where, status), after telling it how many
documents it found (`start`): discovery and counting happen once, there, with the run's settings.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import click


class _Lines:
    """One line per document on stderr: [done/total] where: status."""

    def __init__(self) -> None:
        self.done, self.total = 0, 0

    def start(self, total: int) -> None:
        self.total = total

    def __call__(self, where: str, status: str) -> None:
        self.done += 1
        click.echo(f"[{self.done}/{self.total}] {where}: {status}", err=True)


class _Bar:
    def __init__(self, bar) -> None:
        self.bar = bar
        self.task = bar.add_task("articles", total=None)

    def start(self, total: int) -> None:
        self.bar.update(self.task, total=total or None)

    def __call__(self, where: str, status: str) -> None:
        self.bar.update(self.task, advance=1, description=f"articles ({status.split(':')[0]})")


@contextmanager
def reporter() -> Iterator[_Lines | _Bar]:
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), transient=True) as bar:
            yield _Bar(bar)
        return
    yield _Lines()
