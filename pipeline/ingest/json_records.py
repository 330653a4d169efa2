"""JSON and JSON lines -> RawDocument: one document per record, its text and metadata read
from the configured fields; a .jsonl of any size streamed line by line, each line bounded."""

from __future__ import annotations

import io
import json
import re
from typing import IO, Any, Iterator

from ..config import IngestSettings
from ..records import IngestError, Metadata, RawDocument
from .decode import LONE_SURROGATE, SAMPLE, WIDE_BOMS, article_id_for, decode, wide_encoding


_SKIP_CHUNK = 1 << 20  # the rest of an over-long line is skipped in pieces this big


def too_large(name: str, size: int, limit: int, key: str, what: str = "file", line: int | None = None) -> IngestError:
    where = f"{name}:{line}" if line is not None else name
    return IngestError(name, "too_large", f"{where}: {what} is {size:,} bytes, over the limit of "
                       f"{limit:,} (ingest.{key} in config)", line)


def jsonl_lines(fh: IO[bytes], settings: IngestSettings) -> tuple[str | None, Iterator[tuple[int, Any, int]]]:
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
    head = fh.read(SAMPLE)
    fh.seek(0)
    wide = None
    nuls = head.count(0)
    if nuls or head.startswith(tuple(b for b, _ in WIDE_BOMS)):
        wide = wide_encoding(head)
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


def jsonl_documents(fh: IO[bytes], name: str, settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    """One document per line; a later record with an id already seen in the file is
    rejected (duplicate_id): one source_key holds one record."""
    try:
        wide, lines = jsonl_lines(fh, settings)
    except ValueError:
        yield IngestError(name, "binary", f"{name}: binary data, not text (is it really .jsonl?)")
        return
    seen: dict[str, int] = {}
    any_line = False
    for lineno, body, size in lines:
        where = f"{name}:{lineno}"
        if body is None:
            any_line = True
            yield too_large(name, size, settings.max_bytes, "max_bytes", "line", lineno)
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
        return too_large(doc.path, size, settings.max_bytes, "max_bytes", "record text", doc.line)
    if doc.source_id is not None:
        first = seen.setdefault(doc.source_id, doc.line or 1)
        if first != (doc.line or 1):
            return IngestError(doc.path, "duplicate_id",
                               f"{doc.path}:{doc.line}: same id {doc.source_id!r} as {unit} {first}; "
                               f"this {unit} is skipped", doc.line)
    return doc


def json_records(text: str, name: str, enc: str, settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
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
    return s if s.isascii() else LONE_SURROGATE.sub("\ufffd", s)


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
