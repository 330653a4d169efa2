"""Files -> RawDocument: find inputs, open only regular files, read bounded, and hand each
input's bytes to decoding (decode.py) or to the JSON reader (json_records.py)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..config import IngestSettings, load_settings
from ..records import IngestError, RawDocument
from .decode import article_id_for, decode
from .json_records import json_records, jsonl_documents, jsonl_lines, too_large


FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl"}


def shown_name(name: str | os.PathLike) -> str:
    """The printable, stable form of a file name used for `path`, `source_key` and messages.

    A name that is not valid UTF-8 reaches Python with surrogate escapes, which
    cannot be stored (DuckDB and the article hash want UTF-8); its undecodable
    bytes are shown as `\\xNN` (os.fsencode, then UTF-8 with backslashreplace):
    b"caf\\xe9.txt" is shown as `caf\\xe9.txt`. Valid names are unchanged.
    """
    s = os.fspath(name)
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return os.fsencode(s).decode("utf-8", "backslashreplace")


def discover(paths: Iterable[str | os.PathLike], settings: IngestSettings) -> list[Path]:
    """Files named, and regular files with a known extension under folders named (sorted).

    Path.is_file() is a stat() that is true for regular files only, so FIFOs,
    sockets and devices in folders are skipped without being opened.
    """
    found: list[Path] = []
    exts = {e.lower() for e in settings.extensions}
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found.extend(sorted(f for f in path.rglob("*")
                                if f.is_file() and f.suffix.lower() in exts and not f.name.startswith(".")))
        else:
            found.append(path)
    return found


def read_documents(paths: Iterable[Path], settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    """Stream documents (one per file, one per JSON record) and rejections."""
    for path in paths:
        yield from _read_one(path, settings)


class _NotRegular(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _open_regular(path: str | os.PathLike) -> tuple[IO[bytes], int]:
    """Open a regular file for reading -> (file, size); anything else raises _NotRegular
    before it is opened (reading a FIFO or a device blocks or never ends). The
    descriptor is checked again (fstat), in case the name changed in between;
    O_NONBLOCK keeps even that open from waiting on a FIFO's writer."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise _NotRegular(_kind(st.st_mode))
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _NotRegular(_kind(st.st_mode))
        return os.fdopen(fd, "rb"), st.st_size
    except BaseException:
        os.close(fd)
        raise


def _limit(fmt: str, settings: IngestSettings) -> tuple[int, str]:
    """(size limit, its config key) of one record: a .json document is parsed whole."""
    return (settings.max_json_bytes, "max_json_bytes") if fmt == "json" else (settings.max_bytes, "max_bytes")


def _read_one(path: Path, settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    name = shown_name(path)
    fmt = FORMATS.get(path.suffix.lower())
    if not os.path.lexists(path):  # a path given by a caller that names nothing (the CLI checks first)
        yield IngestError(name, "missing", f"{name}: no such file or folder")
        return
    if fmt is None:
        yield IngestError(name, "unsupported", f"{name}: unsupported file type '{shown_name(path.suffix)}' "
                          f"(expected one of {', '.join(settings.extensions)})")
        return
    limit, key = _limit(fmt, settings)
    try:
        fh, size = _open_regular(path)
        with fh:
            if fmt == "jsonl":
                yield from jsonl_documents(fh, name, settings)
                return
            if size > limit:
                yield too_large(name, size, limit, key)
                return
            data = fh.read(limit + 1)  # bounded even if the file grew since fstat
    except _NotRegular as exc:
        yield IngestError(name, "not_a_file", f"{name}: {exc.kind}, not a regular file; not read")
        return
    except PermissionError:
        yield IngestError(name, "unreadable", f"{name}: permission denied")
        return
    except OSError as exc:
        yield IngestError(name, "unreadable", f"{name}: cannot read ({exc.strerror or exc})")
        return
    yield from documents_from_bytes(data, name, fmt, settings)  # checks len(data) against the limit


def documents_from_bytes(data: bytes, name: str, fmt: str,
                         settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    """Decode one input's bytes into documents; also used for stdin."""
    if fmt == "jsonl":
        yield from jsonl_documents(io.BytesIO(data), name, settings)
        return
    if not data.strip():
        yield IngestError(name, "empty", f"{name}: file is empty" if not data
                          else f"{name}: file holds only whitespace")
        return
    limit, key = _limit(fmt, settings)
    if len(data) > limit:
        yield too_large(name, len(data), limit, key)
        return
    try:
        text, enc = decode(data, settings)
    except UnicodeDecodeError as exc:  # a ValueError too: caught first
        yield IngestError(name, "encoding", f"{name}: cannot decode ({exc.reason})")
        return
    except ValueError:
        yield IngestError(name, "binary", f"{name}: binary data, not text (is it really {Path(name).suffix or 'text'}?)")
        return
    if not text.strip():
        yield IngestError(name, "empty", f"{name}: file holds only whitespace")
        return
    if fmt == "json":
        yield from json_records(text, name, enc, settings)
    else:
        yield RawDocument(path=name, source_key=name, raw_text=text, article_id=article_id_for(text),
                          encoding=enc, fmt=fmt)


def count_documents(path: str | os.PathLike, settings: IngestSettings | None = None) -> int:
    """Documents and rejections reading `path` will give, for a progress bar: one for a
    file, one per non-blank line of a .jsonl (split as jsonl_lines does). Opens
    regular files only, so a FIFO cannot block it."""
    settings = settings or load_settings().ingest
    if Path(path).suffix.lower() != ".jsonl":
        return 1
    try:
        fh, _ = _open_regular(path)
        with fh:
            _, lines = jsonl_lines(fh, settings)
            n = sum(1 for _, body, _ in lines if body is None or body.strip())
    except (OSError, ValueError, _NotRegular):
        return 1
    return max(n, 1)  # an empty file is one rejection
