"""Files -> RawDocument: find inputs, read bytes, detect the encoding, hash.

Every problem with one input (a file, a JSON record, a file name) becomes an
IngestError naming the file (and the line, for JSON) and the batch goes on;
nothing read can hang or crash a run:

- only regular files are opened (a FIFO, socket or device named on the command
  line is rejected from its stat(), never opened) and no read is unbounded;
- the size limit `[ingest] max_bytes` belongs to one record: one .txt/.html
  file, one line of a .jsonl, one record of a .json; a .jsonl file of any size
  is streamed line by line (lines end at b"\\n" only, as JSON lines are defined),
  while a .json document is parsed whole and so has its own `max_json_bytes`;
- a file name that is not valid UTF-8 is read under its real name and shown
  (in `path`, `source_key`, messages) with the bad bytes as `\\xNN`
  (see shown_name).

Encoding detection is charset-normalizer's; we only short-cut the unambiguous
cases (BOMs, valid UTF-8) and mend the common mixed case (mostly UTF-8 with some
legacy lines).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from charset_normalizer import from_bytes

from .config import IngestSettings, load_settings
from .records import IngestError, Metadata, RawDocument

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WIDE_BOMS = tuple(b for b in _BOMS if b[1] != "utf-8-sig")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_BYTE = re.compile("[\udc80-\udcff]")  # an undecodable byte under surrogateescape
_GOOD_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl"}
_SAMPLE = 65536  # bytes looked at for NUL bytes and wide (UTF-16/32) encodings
_SKIP_CHUNK = 1 << 20  # the rest of an over-long line is skipped in pieces this big


def article_id_for(text: str) -> str:
    """contract: article identity = sha256 of the decoded raw text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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


def decode(data: bytes, settings: IngestSettings) -> tuple[str, str]:
    """Bytes -> (text, encoding). Raises ValueError('binary') for non-text data.

    Binary means NUL-heavy data that is not UTF-16/32, or bytes no encoding
    decodes, or a decoded text whose control characters exceed
    `max_control_ratio` (set high: a few control characters are noise in text
    and normalization removes them; only data made mostly of them is not text).
    Text that is not valid UTF-8 but mostly is (see `mixed_utf8_min_share`) is
    decoded line by line: encoding "utf-8+<legacy>".
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    sample = data[:_SAMPLE]
    nuls = sample.count(0)
    if nuls:
        wide = _wide_encoding(data)
        if wide is not None:
            text, enc = data.decode(wide), wide.replace("_", "-")
            _check_controls(text, settings)
            return text, enc
        if nuls / len(sample) > settings.max_nul_ratio:
            raise ValueError("binary")
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        mixed = _decode_mixed(data, settings)
        if mixed is not None:
            text, enc = mixed
        else:
            best = _detect(data, settings)
            if best is None:
                raise ValueError("binary") from None
            text, enc = str(best), best.encoding
    _check_controls(text, settings)
    return text, enc


def _check_controls(text: str, settings: IngestSettings) -> None:
    sample = text[:_SAMPLE]
    if sample and len(_CONTROL.findall(sample)) / len(sample) > settings.max_control_ratio:
        raise ValueError("binary")


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 from a BOM, or, without one, charset-normalizer's verdict on the NUL pattern."""
    for bom, enc in _WIDE_BOMS:
        if data.startswith(bom):
            return enc
    sample = data[:_SAMPLE - _SAMPLE % 4] if len(data) > _SAMPLE else data
    best = from_bytes(sample).best()
    if best is not None and best.encoding.startswith(("utf_16", "utf_32")):
        try:  # incremental: a sample may end inside a character
            codecs.getincrementaldecoder(best.encoding)().decode(sample, final=len(sample) == len(data))
        except UnicodeDecodeError:
            return None
        return best.encoding
    return None


def _detect(data: bytes, settings: IngestSettings):
    """charset-normalizer's guess, with a prior for the common legacy encodings.

    On short Western text several single-byte code pages decode with similar
    "chaos" and the detector may pick a rare one (cp1257 for cp1252 text); a
    preferred encoding within the configured margin of the best one wins.
    UTF-16/32 guesses are dropped: those come here only without NUL bytes,
    which real UTF-16/32 text (spaces, newlines) always has.
    """
    matches = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return None
    best = matches[0]
    for name in settings.preferred_encodings:
        for m in matches:
            if m.encoding == name and m.chaos <= best.chaos + settings.encoding_preference_margin \
                    and m.coherence >= best.coherence - 0.01:
                return m
    return best


def _decode_mixed(data: bytes, settings: IngestSettings) -> tuple[str, str] | None:
    """Mostly-UTF-8 bytes with some legacy lines (a concatenation, one stray byte): each
    line UTF-8 when valid, else the legacy encoding detected on the invalid lines.

    "Mostly": of the non-ASCII characters (each undecodable byte counted as one),
    at least `mixed_utf8_min_share` decode as UTF-8. Legacy text almost never
    holds valid multi-byte UTF-8 by chance, so decoding it whole as one legacy
    code page would turn all the real UTF-8 into mojibake. In an invalid line,
    with a single-byte legacy code page, only the invalid bytes are decoded as
    legacy (one stray byte does not spoil the line's UTF-8).
    """
    escaped = data.decode("utf-8", "surrogateescape")
    bad = len(_BAD_BYTE.findall(escaped))
    good = len(_GOOD_NON_ASCII.findall(escaped))
    if good == 0 or good / (good + bad) < settings.mixed_utf8_min_share:
        return None
    lines = data.split(b"\n")
    invalid = {i for i, line in enumerate(lines) if not _is_utf8(line)}
    legacy = _legacy_encoding(b"\n".join(lines[i] for i in sorted(invalid)), settings)
    handler = _fallback_handler(legacy) if _single_byte(legacy) else None
    out = []
    for i, line in enumerate(lines):
        if i not in invalid:
            out.append(line.decode("utf-8"))
        elif handler is not None:
            out.append(line.decode("utf-8", handler))
        else:
            out.append(line.decode(legacy, "replace"))
    return "\n".join(out), f"utf-8+{legacy}"


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _legacy_encoding(data: bytes, settings: IngestSettings) -> str:
    best = _detect(data, settings)
    if best is not None:
        return best.encoding
    return settings.preferred_encodings[0] if settings.preferred_encodings else "latin-1"


@lru_cache(maxsize=None)
def _single_byte(encoding: str) -> bool:
    """True for code pages where every byte is one character (cp1252, latin-1, koi8-r...)."""
    try:
        return len(bytes(range(256)).decode(encoding, "replace")) == 256
    except LookupError:
        return False


@lru_cache(maxsize=None)
def _fallback_handler(encoding: str) -> str:
    """A codecs error handler: bytes invalid as UTF-8 are decoded with `encoding`."""
    name = f"facts-utf8-else-{encoding}"

    def handler(exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)
        return exc.object[exc.start:exc.end].decode(encoding, "replace"), exc.end

    codecs.register_error(name, handler)
    return name


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


def _too_large(name: str, size: int, limit: int, key: str, what: str = "file", line: int | None = None) -> IngestError:
    where = f"{name}:{line}" if line is not None else name
    return IngestError(name, "too_large", f"{where}: {what} is {size:,} bytes, over the limit of "
                       f"{limit:,} (ingest.{key} in config)", line)


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
                yield from _jsonl_documents(fh, name, settings)
                return
            if size > limit:
                yield _too_large(name, size, limit, key)
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
        yield from _jsonl_documents(io.BytesIO(data), name, settings)
        return
    if not data.strip():
        yield IngestError(name, "empty", f"{name}: file is empty" if not data
                          else f"{name}: file holds only whitespace")
        return
    limit, key = _limit(fmt, settings)
    if len(data) > limit:
        yield _too_large(name, len(data), limit, key)
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
        yield from _json_records(text, name, enc, settings)
    else:
        yield RawDocument(path=name, source_key=name, raw_text=text, article_id=article_id_for(text),
                          encoding=enc, fmt=fmt)


def _jsonl_lines(fh: IO[bytes], settings: IngestSettings) -> tuple[str | None, Iterator[tuple[int, Any, int]]]:
    """(wide encoding or None, iterator of (line number, line or None when over max_bytes, size)).

    Lines end at "\\n" only (a trailing "\\r" is dropped): U+2028, U+0085 or a form
    feed inside a JSON string do not end a record. ASCII-compatible files are
    split as bytes and each line decoded on its own; UTF-16/32 files (BOM, or
    NUL pattern) are read through a decoder, their limit counted in characters.
    Memory stays bounded by max_bytes whatever the size of the file or a line.
    Raises ValueError('binary') when the head is NUL-heavy, not UTF-16/32, and
    does not open like JSON: a binary file is one rejection, while JSON lines
    with some binary lines keep their good records (bad lines rejected one by one).
    """
    head = fh.read(_SAMPLE)
    fh.seek(0)
    wide = None
    nuls = head.count(0)
    if nuls or head.startswith(tuple(b for b, _ in _WIDE_BOMS)):
        wide = _wide_encoding(head)
        if wide is None and nuls / len(head) > settings.max_nul_ratio \
                and not head.lstrip().startswith((b"{", b"[")):
            raise ValueError("binary")
    stream: Any = fh if wide is None else io.TextIOWrapper(fh, encoding=wide, errors="replace", newline="\n")
    return (wide.replace("_", "-") if wide else None), _split_lines(stream, settings.max_bytes,
                                                                      b"\n" if wide is None else "\n")


def _split_lines(stream: Any, limit: int, nl: Any) -> Iterator[tuple[int, Any, int]]:
    cr = "\r" if isinstance(nl, str) else b"\r"
    lineno = 0
    while True:
        line = stream.readline(limit + 2)
        if not line:
            return
        lineno += 1
        ended = line.endswith(nl)
        body = line[:-1] if ended else line
        if body.endswith(cr):
            body = body[:-1]
        if len(body) <= limit:
            yield lineno, body, len(body)
            continue
        size = len(body)
        while not ended:  # skip the rest of the line, a piece at a time
            more = stream.readline(_SKIP_CHUNK)
            if not more:
                break
            ended = more.endswith(nl)
            size += len(more) - (1 if ended else 0)
        yield lineno, None, size


def count_documents(path: str | os.PathLike, settings: IngestSettings | None = None) -> int:
    """Documents and rejections reading `path` will give, for a progress bar: one for a
    file, one per non-blank line of a .jsonl (split as _jsonl_lines does). Opens
    regular files only, so a FIFO cannot block it."""
    settings = settings or load_settings().ingest
    if Path(path).suffix.lower() != ".jsonl":
        return 1
    try:
        fh, _ = _open_regular(path)
        with fh:
            _, lines = _jsonl_lines(fh, settings)
            n = sum(1 for _, body, _ in lines if body is None or body.strip())
    except (OSError, ValueError, _NotRegular):
        return 1
    return max(n, 1)  # an empty file is one rejection


def _jsonl_documents(fh: IO[bytes], name: str, settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    """One document per line; a later record with an id already seen in the file is
    rejected (duplicate_id): one source_key holds one record."""
    try:
        wide, lines = _jsonl_lines(fh, settings)
    except ValueError:
        yield IngestError(name, "binary", f"{name}: binary data, not text (is it really .jsonl?)")
        return
    seen: dict[str, int] = {}
    any_line = False
    for lineno, body, size in lines:
        where = f"{name}:{lineno}"
        if body is None:
            any_line = True
            yield _too_large(name, size, settings.max_bytes, "max_bytes", "line", lineno)
            continue
        if not body.strip():
            continue
        any_line = True
        if wide is not None:
            text, enc = body, wide
        else:
            try:
                text, enc = decode(body, settings)
            except UnicodeDecodeError as exc:
                yield IngestError(name, "encoding", f"{where}: cannot decode ({exc.reason})", lineno)
                continue
            except ValueError:
                yield IngestError(name, "binary", f"{where}: binary data, not text", lineno)
                continue
        obj = _parse_json(text, name, lineno, "at column {col}")
        if isinstance(obj, IngestError):
            yield obj
            continue
        yield _checked(_record(obj, name, lineno, enc, settings), seen, "line", settings)
    if not any_line:
        empty = fh.seek(0, io.SEEK_END) == 0 if wide is None else False
        yield IngestError(name, "empty", f"{name}: file is empty" if empty else f"{name}: file holds only whitespace")


def _parse_json(text: str, name: str, line: int | None, where_fmt: str) -> Any:
    """json.loads, every failure a bad_json rejection (syntax, nesting deeper than the
    interpreter's recursion limit, integers longer than Python converts). Raw control
    characters in strings (a form feed, a tab) are accepted (strict=False): text
    exports carry them and normalization removes them."""
    where = f"{name}:{line}" if line is not None else name
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        at = where_fmt.format(col=exc.colno, line=exc.lineno)
        return IngestError(name, "bad_json", f"{where}: not valid JSON ({exc.msg} {at})",
                           line if line is not None else exc.lineno)
    except RecursionError:
        return IngestError(name, "bad_json", f"{where}: not valid JSON here (nested too deeply to read)", line)
    except ValueError as exc:
        return IngestError(name, "bad_json", f"{where}: not valid JSON here ({exc})", line)


def _checked(doc: RawDocument | IngestError, seen: dict[str, int], unit: str,
             settings: IngestSettings) -> RawDocument | IngestError:
    """Per-record rules: the size limit, and one record per id within a file."""
    if isinstance(doc, IngestError):
        return doc
    size = len(doc.raw_text.encode("utf-8"))
    if unit == "record" and size > settings.max_bytes:
        return _too_large(doc.path, size, settings.max_bytes, "max_bytes", "record text", doc.line)
    if doc.source_id is not None:
        first = seen.setdefault(doc.source_id, doc.line or 1)
        if first != (doc.line or 1):
            return IngestError(doc.path, "duplicate_id",
                               f"{doc.path}:{doc.line}: same id {doc.source_id!r} as {unit} {first}; "
                               f"this {unit} is skipped", doc.line)
    return doc


def _json_records(text: str, name: str, enc: str, settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    obj = _parse_json(text, name, None, "at line {line}")
    if isinstance(obj, IngestError):
        yield obj
        return
    items = obj if isinstance(obj, list) else [obj]
    seen: dict[str, int] = {}
    for i, item in enumerate(items, start=1):
        yield _checked(_record(item, name, i if isinstance(obj, list) else None, enc, settings),
                       seen, "record", settings)


def _repair(s: str) -> str:
    """A JSON string may escape a lone surrogate ("\\ud800"); no UTF-8 text can hold
    one (the article id hashes UTF-8, DuckDB stores UTF-8), so each becomes U+FFFD,
    as a UTF-8 decoder does with bad bytes. Escaped pairs arrive already joined."""
    return s if s.isascii() else _LONE_SURROGATE.sub("\ufffd", s)


def _first(obj: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    for f in fields:
        v = obj.get(f)
        if isinstance(v, list):
            v = ", ".join(str(x) for x in v if x)
        if v not in (None, ""):
            return _repair(str(v).strip()) if not isinstance(v, dict) else None
    return None


def _record(obj: Any, name: str, line: int | None, enc: str, settings: IngestSettings) -> RawDocument | IngestError:
    where = f"{name}:{line}" if line is not None else name
    if not isinstance(obj, dict):
        return IngestError(name, "bad_record", f"{where}: expected a JSON object, got {type(obj).__name__}", line)
    text = None
    for f in settings.text_fields:
        if isinstance(obj.get(f), str) and obj[f].strip():
            text = _repair(obj[f])
            break
    if text is None:
        return IngestError(name, "no_text", f"{where}: record has no text (looked for {', '.join(settings.text_fields)})", line)
    try:
        source_id = _first(obj, settings.id_fields)
        meta = Metadata(
            title=_first(obj, settings.title_fields),
            url=_first(obj, settings.url_fields),
            published=_first(obj, settings.published_fields),
            outlet=_first(obj, settings.outlet_fields),
            author=_first(obj, settings.author_fields),
            language=_first(obj, ("language", "lang")),
        )
    except (RecursionError, ValueError) as exc:  # str() of a deeply nested or huge-int field
        return IngestError(name, "bad_record", f"{where}: a metadata field cannot be read ({type(exc).__name__})", line)
    key = f"{name}#{source_id}" if source_id is not None else f"{name}#L{line or 1}"
    fmt = "html" if re.match(r"\s*<(!doctype|html|body|div|p|article)\b", text, re.I) else "txt"
    return RawDocument(path=name, source_key=key, raw_text=text, article_id=article_id_for(text),
                       encoding=enc, fmt=fmt, source_id=source_id, line=line, meta=meta)
