"""One `facts run` per database at a time, across processes.

DuckDB's own file lock is released between write batches (so readers can get
in), which alone would let a second run slip in between two batches. An
advisory flock on `<db>.lock`, held for the whole run, makes the second run
fail at once; the kernel drops it when the process dies, even on SIGKILL. The
file is removed when the run ends (a killed run leaves it; the next one reuses it).
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import DatabaseLocked, StorageError


@contextmanager
def run_lock(db_path: str | Path) -> Iterator[None]:
    from .store.store import check_database_file

    check_database_file(db_path)  # not beside a file that is no database
    lock_path = Path(f"{db_path}.lock")
    fh = _acquire(db_path, lock_path)
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        try:
            lock_path.unlink()  # while still held: no lock file is left beside the database
        except OSError:
            pass
        fh.close()


def _acquire(db_path: str | Path, lock_path: Path):
    """Open and flock the lock file; a file another run unlinked between our open and our flock
    is no lock (its holder has finished), so open again until the locked file is the one at the
    path."""
    while True:
        try:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(lock_path, "a+")
        except OSError as exc:
            raise StorageError(f"{db_path}: cannot create the run lock {lock_path} ({exc.strerror or exc}); "
                               "use a --db in a writable folder") from None
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip()
            fh.close()
            raise DatabaseLocked(
                f"{db_path} is being written by another `facts run`"
                f"{f' (pid {holder})' if holder else ''}. Wait for it to finish, or use another --db."
            ) from None
        try:
            if os.fstat(fh.fileno()).st_ino == os.stat(lock_path).st_ino:
                return fh
        except FileNotFoundError:
            pass
        fh.close()
