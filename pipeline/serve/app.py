"""`facts serve`: the database in a browser, on datasette, kept current while runs add to it.

Datasette reads the served view (view.py), a SQLite copy beside the database. A thread
watches the DuckDB file and refreshes the view when it changes; while a run holds the
database it waits and tries again, so the page shows the last committed state.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable

from ..config import ServeSettings, load_settings
from ..errors import DatabaseLocked, PipelineError, StorageError
from . import view

DATABASE_NAME = "facts"  # the served database's name in every URL: /facts/conflicts


class ServeUnavailable(PipelineError):
    """datasette is not installed (the optional `facts[serve]` extra)."""


def _datasette():
    try:
        import datasette.app  # noqa: F401
    except ImportError:
        raise ServeUnavailable("facts serve needs datasette, the optional serve extra: "
                               "pip install 'facts[serve]' (a checkout: make install)") from None
    return datasette.app


def metadata() -> dict:
    return json.loads(resources.files(__package__).joinpath("metadata.json").read_text(encoding="utf-8"))


def make_datasette(view_path: str | Path, settings: ServeSettings | None = None):
    """A read-only Datasette over the served view, with the product's queries, facets and links."""
    app = _datasette()
    from datasette.database import Database
    from datasette.plugins import pm

    from . import plugin

    settings = settings or load_settings().serve
    if not pm.is_registered(plugin):
        pm.register(plugin, name="facts-serve")
    ds = app.Datasette(metadata=metadata(), template_dir=str(resources.files(__package__).joinpath("templates")),
                       settings={"default_page_size": settings.page_size, "allow_download": False})
    ds.add_database(Database(ds, path=str(view_path), is_mutable=True), name=DATABASE_NAME)
    return ds


@dataclass
class Refresher:
    """Keeps a view current with its database, checking the file every `every` seconds.

    A view made from nothing is built table by table (view.refresh stepwise), so pages answer
    while it fills; later refreshes are one transaction each."""

    db_path: Path
    view_path: Path
    every: float = 2.0
    say: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr)
    _stop: threading.Event = field(default_factory=threading.Event)
    _seen: str | None = None
    _waiting_said: bool = False
    error: PipelineError | None = None  # why the first build failed

    def once(self) -> bool:
        """Refresh if the database file moved since the last look; False when a run holds it."""
        fingerprint = view.source_fingerprint(self.db_path)
        if fingerprint == self._seen:
            return True
        first = "fingerprint" not in view.stored_state(self.view_path)
        if first:
            self.say(f"building the served view {self.view_path} (first time: tables appear one by one; "
                     "later refreshes copy only what changed)")
        try:
            done = view.refresh(self.db_path, self.view_path, stepwise=True,
                                progress=(lambda m: self.say("  " + m)) if first else None)
        except sqlite3.DatabaseError as exc:  # the view's place: read-only, full, not a SQLite file
            raise StorageError(f"{self.view_path}: the served view cannot be written ({exc}); "
                               "give another file with --view") from None
        except DatabaseLocked:
            if not self._waiting_said:
                self.say(f"{self.db_path} is held by a run: the view is refreshed when it lets go")
                self._waiting_said = True
            return False  # the view stays as it was until the run lets go
        self._seen, self._waiting_said = fingerprint, False
        if first:
            self.say(f"served view built in {done.seconds:.1f} s")
        elif done.copied:
            rows = sum(done.copied.values())
            self.say(f"view refreshed in {done.seconds:.1f} s: {rows:,} rows of "
                     f"{', '.join(done.copied)} copied from {self.db_path}")
        return True

    def _loop(self) -> None:
        while True:
            try:
                self.once()
            except PipelineError as exc:
                if "shape" not in view.stored_state(self.view_path):
                    self.error = exc  # no view to serve: start_view raises it
                    return
                self.say(f"view not refreshed: {exc}")  # e.g. the database was removed: keep the last view
            if self._stop.wait(self.every):
                return

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._loop, name="facts-view-refresh", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()


def start_view(db_path: str | Path, view_path: str | Path | None = None, every: float = 2.0,
               say: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr)) -> tuple[Path, Refresher]:
    """Check the database, start the thread that keeps its view current, and return once the
    view can be opened (at once if it exists; after its tables are made if not)."""
    from ..errors import DatabaseMissing
    from ..store import store

    db = Path(db_path)
    store.check_database_file(db)
    if not db.exists():
        raise DatabaseMissing(f"{db}: no such database (create it with `facts run`)")
    path = Path(view_path) if view_path else view.view_path_for(db)
    refresher = Refresher(db, path, every=every, say=say)
    thread = refresher.start()
    while "shape" not in view.stored_state(path):
        if not thread.is_alive():  # the first look failed on something that is not a held lock
            raise refresher.error or ServeUnavailable(f"{path}: the served view could not be made "
                                                      "(see the message above)")
        time.sleep(0.05)
    return path, refresher


def _check_port(host: str, port: int) -> None:
    """Say a taken port before building anything (uvicorn would log it after the build)."""
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a closing port is free
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ServeUnavailable(f"cannot listen on {host}:{port} ({exc.strerror}); "
                                   "choose another with --port") from None


def serve(db_path: str | Path, settings: ServeSettings | None = None, *, view_path: str | Path | None = None,
          host: str | None = None, port: int | None = None) -> None:
    """Serve the database until interrupted: the view is refreshed whenever the database changes."""
    _datasette()
    import asyncio

    import uvicorn

    settings = settings or load_settings().serve
    host, port = host or settings.host, port or settings.port
    _check_port(host, port)
    # the last view is served at once; the thread brings it up to date behind it
    path, refresher = start_view(db_path, view_path, every=settings.refresh_seconds)
    ds = make_datasette(path, settings)
    asyncio.run(ds.invoke_startup())
    print(f"serving {db_path} at http://{host}:{port}/{DATABASE_NAME} (Ctrl-C to stop)", file=sys.stderr)
    try:
        uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
    finally:
        refresher.stop()
