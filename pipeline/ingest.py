"""Files -> RawDocument: find inputs, read bytes, detect the encoding, hash.

Every problem with one input becomes an IngestError naming the file (and the
line, for JSON lines) and the batch goes on. Encoding detection is
charset-normalizer's; we only short-cut the unambiguous cases (BOMs, valid UTF-8).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

from charset_normalizer import from_bytes

from .config import IngestSettings
from .records import IngestError, Metadata, RawDocument

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl"}


def article_id_for(text: str) -> str:
    """contract: article identity = sha256 of the decoded raw text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def discover(paths: Iterable[str | os.PathLike], settings: IngestSettings) -> list[Path]:
    """Files named, and files with a known extension under folders named (sorted)."""
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
    """Bytes -> (text, encoding). Raises ValueError('binary') for non-text data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    if b"\x00" in data[:65536]:
        raise ValueError("binary")
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        best = _detect(data, settings)
        if best is None:
            raise ValueError("binary") from None
        text, enc = str(best), best.encoding
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) / len(sample) > settings.max_control_ratio:
        raise ValueError("binary")
    return text, enc


def _detect(data: bytes, settings: IngestSettings):
    """charset-normalizer's guess, with a prior for the common legacy encodings.

    On short Western text several single-byte code pages decode with similar
    "chaos" and the detector may pick a rare one (cp1257 for cp1252 text); a
    preferred encoding within the configured margin of the best one wins.
    """
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    for name in settings.preferred_encodings:
        for m in matches:
            if m.encoding == name and m.chaos <= best.chaos + settings.encoding_preference_margin \
                    and m.coherence >= best.coherence - 0.01:
                return m
    return best


def read_documents(paths: Iterable[Path], settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    """Stream documents (one per file, one per JSON record) and rejections."""
    for path in paths:
        yield from _read_one(path, settings)


def _read_one(path: Path, settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    name = str(path)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        yield IngestError(name, "unsupported", f"{name}: unsupported file type '{path.suffix}' "
                          f"(expected one of {', '.join(settings.extensions)})")
        return
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            yield IngestError(name, "too_large", f"{name}: file is {size:,} bytes, over the limit of "
                              f"{settings.max_bytes:,} (ingest.max_bytes in config)")
            return
        data = path.read_bytes()
    except PermissionError:
        yield IngestError(name, "unreadable", f"{name}: permission denied")
        return
    except OSError as exc:
        yield IngestError(name, "unreadable", f"{name}: cannot read ({exc.strerror or exc})")
        return
    yield from documents_from_bytes(data, name, fmt, settings)


def documents_from_bytes(data: bytes, name: str, fmt: str,
                         settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    """Decode one input's bytes into documents; also used for stdin."""
    if not data.strip():
        yield IngestError(name, "empty", f"{name}: file is empty" if not data
                          else f"{name}: file holds only whitespace")
        return
    try:
        text, enc = decode(data, settings)
    except ValueError:
        yield IngestError(name, "binary", f"{name}: binary data, not text (is it really {Path(name).suffix or 'text'}?)")
        return
    except UnicodeDecodeError as exc:
        yield IngestError(name, "encoding", f"{name}: cannot decode ({exc.reason})")
        return
    if not text.strip():
        yield IngestError(name, "empty", f"{name}: file holds only whitespace")
        return
    if fmt == "jsonl":
        yield from _jsonl_records(text, name, enc, settings)
    elif fmt == "json":
        yield from _json_records(text, name, enc, settings)
    else:
        yield RawDocument(path=name, source_key=name, raw_text=text, article_id=article_id_for(text),
                          encoding=enc, fmt=fmt)


def _jsonl_records(text: str, name: str, enc: str, settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(name, "bad_json", f"{name}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})", lineno)
            continue
        yield _record(obj, name, lineno, enc, settings)


def _json_records(text: str, name: str, enc: str, settings: IngestSettings) -> Iterator[RawDocument | IngestError]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        yield IngestError(name, "bad_json", f"{name}: not valid JSON ({exc.msg} at line {exc.lineno})", exc.lineno)
        return
    items = obj if isinstance(obj, list) else [obj]
    for i, item in enumerate(items, start=1):
        yield _record(item, name, i if isinstance(obj, list) else None, enc, settings)


def _first(obj: dict[str, Any], fields: tuple[str, ...]) -> str | None:
    for f in fields:
        v = obj.get(f)
        if isinstance(v, list):
            v = ", ".join(str(x) for x in v if x)
        if v not in (None, ""):
            return str(v).strip() if not isinstance(v, dict) else None
    return None


def _record(obj: Any, name: str, line: int | None, enc: str, settings: IngestSettings) -> RawDocument | IngestError:
    where = f"{name}:{line}" if line is not None else name
    if not isinstance(obj, dict):
        return IngestError(name, "bad_record", f"{where}: expected a JSON object, got {type(obj).__name__}", line)
    text = None
    for f in settings.text_fields:
        if isinstance(obj.get(f), str) and obj[f].strip():
            text = obj[f]
            break
    if text is None:
        return IngestError(name, "no_text", f"{where}: record has no text (looked for {', '.join(settings.text_fields)})", line)
    source_id = _first(obj, settings.id_fields)
    key = f"{name}#{source_id}" if source_id is not None else f"{name}#L{line or 1}"
    meta = Metadata(
        title=_first(obj, settings.title_fields),
        url=_first(obj, settings.url_fields),
        published=_first(obj, settings.published_fields),
        outlet=_first(obj, settings.outlet_fields),
        author=_first(obj, settings.author_fields),
        language=_first(obj, ("language", "lang")),
    )
    fmt = "html" if re.match(r"\s*<(!doctype|html|body|div|p|article)\b", text, re.I) else "txt"
    return RawDocument(path=name, source_key=key, raw_text=text, article_id=article_id_for(text),
                       encoding=enc, fmt=fmt, source_id=source_id, line=line, meta=meta)
