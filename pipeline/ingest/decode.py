"""Bytes -> text: the encoding detected (charset-normalizer, with short cuts for BOMs and valid
UTF-8, and a mend for mostly-UTF-8 files with some legacy lines), and an article's identity."""

from __future__ import annotations

import codecs
import hashlib
import re
from functools import lru_cache

from charset_normalizer import from_bytes

from ..config import IngestSettings


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


WIDE_BOMS = tuple(b for b in _BOMS if b[1] != "utf-8-sig")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


_BAD_BYTE = re.compile("[\udc80-\udcff]")  # an undecodable byte under surrogateescape


_GOOD_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


SAMPLE = 65536  # bytes looked at for NUL bytes and wide (UTF-16/32) encodings


def article_id_for(text: str) -> str:
    """contract: article identity = sha256 of the decoded raw text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


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
    sample = data[:SAMPLE]
    nuls = sample.count(0)
    if nuls:
        wide = wide_encoding(data)
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
    sample = text[:SAMPLE]
    if sample and len(_CONTROL.findall(sample)) / len(sample) > settings.max_control_ratio:
        raise ValueError("binary")


def wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 from a BOM, or, without one, charset-normalizer's verdict on the NUL pattern."""
    for bom, enc in WIDE_BOMS:
        if data.startswith(bom):
            return enc
    sample = data[:SAMPLE - SAMPLE % 4] if len(data) > SAMPLE else data
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
