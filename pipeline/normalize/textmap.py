"""Text that remembers where each character came from.

Every normalization step rewrites the text through `MappedText`, which keeps,
for each character, the raw offsets it stands for. That is what lets every
extracted item carry exact `raw_start`/`raw_end` offsets however much the text
was cleaned. A replacement of equal length maps character by character; a
replacement of another length is aligned with difflib so the unchanged parts
stay exact and only the changed characters map to their whole raw span.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from typing import Callable, Iterable

Replacement = str | Callable[[re.Match], str]


@dataclass
class MappedText:
    text: str
    starts: list[int]
    ends: list[int]

    @classmethod
    def identity(cls, raw: str, offset: int = 0) -> "MappedText":
        n = len(raw)
        return cls(raw, list(range(offset, offset + n)), list(range(offset + 1, offset + n + 1)))

    def __len__(self) -> int:
        return len(self.text)

    def slice(self, a: int, b: int) -> "MappedText":
        return MappedText(self.text[a:b], self.starts[a:b], self.ends[a:b])

    @staticmethod
    def join(parts: Iterable["MappedText"], sep: str | list[str] = "") -> "MappedText":
        """Concatenate with a separator (or one per gap); separators map to the gap."""
        texts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for k, part in enumerate(parts):
            gap = (sep[k - 1] if isinstance(sep, list) else sep) if k else ""
            if gap:
                anchor = ends[-1] if ends else (part.starts[0] if part.starts else 0)
                texts.append(gap)
                starts.extend([anchor] * len(gap))
                ends.extend([part.starts[0] if part.starts else anchor] * len(gap))
            texts.append(part.text)
            starts.extend(part.starts)
            ends.extend(part.ends)
        return MappedText("".join(texts), starts, ends)

    def raw_span(self, start: int, end: int) -> tuple[int | None, int | None]:
        if start >= end or end > len(self.starts):
            return None, None
        return self.starts[start], self.ends[end - 1]

    def sub(self, pattern: re.Pattern | str, repl: Replacement) -> "MappedText":
        """re.sub that carries the offset map along."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        texts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        changed = False
        for m in rx.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            old = m.group(0)
            if new == old:
                continue
            changed = True
            a, b = m.span()
            texts.append(self.text[pos:a])
            starts.extend(self.starts[pos:a])
            ends.extend(self.ends[pos:a])
            if a == b:  # pure insertion: anchor on the next character (or the end)
                anchor = self.starts[a] if a < len(self.starts) else (self.ends[-1] if self.ends else 0)
                s, e = [anchor] * len(new), [anchor] * len(new)
            else:
                s, e = _align(old, new, self.starts[a:b], self.ends[a:b])
            texts.append(new)
            starts.extend(s)
            ends.extend(e)
            pos = b
        if not changed:
            return self
        texts.append(self.text[pos:])
        starts.extend(self.starts[pos:])
        ends.extend(self.ends[pos:])
        return MappedText("".join(texts), starts, ends)

    def map_lines(self, fn: Callable[[str], str], only: re.Pattern | str | None = None) -> "MappedText":
        """Apply a str->str function to each line (or each line matching `only`)."""
        rx = re.compile(only) if only is not None else re.compile(r"[^\n]+")
        return self.sub(rx, lambda m: fn(m.group(0)))


def _align(old: str, new: str, s: list[int], e: list[int]) -> tuple[list[int], list[int]]:
    """Offsets for `new`, which replaces `old` whose chars map to s/e."""
    if not new:
        return [], []
    if len(new) == len(old) and all(a == b or _expect(a) == b for a, b in zip(old, new)):
        return list(s), list(e)  # one for one; equal length alone is not enough ("ﬁ" -> "fi" and a control dropped)
    if not old:
        return [0] * len(new), [0] * len(new)
    lo, hi = s[0], e[-1]
    if len(old) * len(new) > 4_000_000:  # too long to align: map the whole span
        return [lo] * len(new), [hi] * len(new)
    # Old text is first rewritten unit by unit (a character with its combining marks) into what
    # a fixer makes of it: its compatibility form ("Ａ" -> "A", "ﬁ" -> "fi", "e" + U+0301 -> "é"),
    # nothing for a control character. That expectation differs from `new` only where a fixer
    # did more (mojibake), so the diff aligns each character with what it became, never with a
    # look-alike elsewhere in a repetitive line.
    units = _units(old)
    keys: list[str] = []
    owner: list[int] = []  # keys[k] comes from units[owner[k]]
    for u, (a, b) in enumerate(units):
        for ch in _expect(old[a:b]):
            keys.append(ch)
            owner.append(u)
    out_s: list[int] = []
    out_e: list[int] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, keys, list(new), autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i1, i2):
                a, b = units[owner[k]]
                out_s.append(s[a])
                out_e.append(e[b - 1])
        elif tag in ("replace", "insert"):
            if i2 > i1:
                a, b = s[units[owner[i1]][0]], e[units[owner[i2 - 1]][1] - 1]
            else:  # pure insertion: anchor on the neighbour
                a = b = s[units[owner[i1]][0]] if i1 < len(owner) else hi
            out_s.extend([a] * (j2 - j1))
            out_e.extend([b] * (j2 - j1))
        # delete: nothing in new
    return out_s, out_e


def _units(text: str) -> list[tuple[int, int]]:
    """(start, end) of each character with the combining marks that follow it."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        out.append((i, j))
        i = j
    return out


@lru_cache(maxsize=4096)
def _expect(unit: str) -> str:
    """What cleaning is expected to make of one unit, as ftfy does: '' for a control character;
    the compatibility form of a Latin ligature ('ﬁ' -> 'fi') or a full- or half-width form
    ('Ａ' -> 'A'); else the composed form ('e' + U+0301 -> 'é'). Other compatibility characters
    (a no-break space) stay as they are, as ftfy leaves them."""
    first = ord(unit[0])
    if unicodedata.category(unit[0]) == "Cc" and unit not in "\n\t":
        return ""
    if 0xFB00 <= first <= 0xFB06 or 0xFF00 <= first <= 0xFFEF:
        return unicodedata.normalize("NFKC", unit)
    return unicodedata.normalize("NFC", unit)
