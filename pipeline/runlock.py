"""One `facts run` per database at a time, across processes.

DuckDB's own file lock is released between write batches (so readers can get
in), which alone would let a second run slip in between two batches. An
advisory flock on `<db>.lock`, held for the whole run, makes the second run
fail at once; the kernel drops it when the process dies, even on SIGKILL.
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
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock_path, "a+")
    except OSError as exc:
        raise StorageError(f"{db_path}: cannot create the run lock {lock_path} ({exc.strerror or exc}); "
                           "use a --db in a writable folder") from None
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip()
            raise DatabaseLocked(
                f"{db_path} is being written by another `facts run`"
                f"{f' (pid {holder})' if holder else ''}. Wait for it to finish, or use another --db."
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fh.close()
