"""Progress for `facts run`: a rich bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

import click


@contextmanager
def reporter(total: int) -> Iterator[Callable[[str, str], None]]:
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), transient=True) as bar:
            task = bar.add_task("articles", total=total or None)

            def note(where: str, status: str) -> None:
                bar.update(task, advance=1, description=f"articles ({status.split(':')[0]})")
            yield note
        return
    done = 0

    def note(where: str, status: str) -> None:
        nonlocal done
        done += 1
        click.echo(f"[{done}/{total}] {where}: {status}", err=True)
    yield note
