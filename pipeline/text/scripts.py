"""Writing systems: which script a text is in, and spacing CJK glued to Latin.

Scraped English text often carries CJK words glued to Latin ("industry惯例",
"950/960搭载"): a space between them lets the tokenizer see two tokens; the
CJK words themselves are kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter


_CJK = r"\u2e80-\u2eff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# where CJK text touches Latin letters or digits (normalize/clean.py spaces them apart)
GLUED_CJK = re.compile(rf"(?<=[A-Za-z0-9%$€£¥.,;:!?)\]])(?=[{_CJK}])|(?<=[{_CJK}])(?=[A-Za-z0-9$€£¥(\[])")
_CJK_PUNCT = re.compile(r"[\u3000-\u303f\uff00-\uffef]")


def script_of(ch: str) -> str | None:
    """Coarse script of one letter: latin, cyrillic, cjk, greek, arabic, hebrew, other; None if not a letter."""
    if not ch.isalpha():
        return None
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o <= 0x1EFF:
        return "latin"
    if 0x400 <= o <= 0x52F:
        return "cyrillic"
    if 0x370 <= o <= 0x3FF:
        return "greek"
    if 0x590 <= o <= 0x5FF:
        return "hebrew"
    if 0x600 <= o <= 0x6FF or 0x750 <= o <= 0x77F:
        return "arabic"
    if (0x2E80 <= o <= 0x9FFF) or (0xAC00 <= o <= 0xD7AF) or (0xF900 <= o <= 0xFAFF) or (0x3040 <= o <= 0x30FF):
        return "cjk"
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0].lower() or "other"


def _latin_class() -> str:
    """A regex class of exactly the letters script_of calls latin."""
    cps = [o for o in [*range(0x250), *range(0x1E00, 0x1F00)] if chr(o).isalpha()]
    return "".join(re.escape(chr(o)) for o in cps)


_LATIN_CLASS = _latin_class()
_LATIN = re.compile(f"[{_LATIN_CLASS}]")
_LATIN_OR_ASCII = re.compile(f"[{_LATIN_CLASS}\x00-\x7f]+")


def script_counts(text: str) -> Counter:
    """Letters per script. Latin letters are counted by one regex; only what is left (other
    scripts, punctuation beyond ASCII) goes through script_of character by character."""
    counts = Counter(s for s in map(script_of, _LATIN_OR_ASCII.sub("", text)) if s)
    latin = len(_LATIN.findall(text))
    if latin:
        counts["latin"] += latin
    return counts


def main_script(text: str) -> str | None:
    counts = script_counts(text)
    return counts.most_common(1)[0][0] if counts else None


def foreign_share(text: str, main: str) -> tuple[float, int]:
    """(share of letters not in `main`, number of letters)."""
    counts = script_counts(text)
    total = sum(counts.values())
    if not total:
        return 0.0, 0
    return 1 - counts.get(main, 0) / total, total


def word_count(text: str) -> int:
    """Words: space-separated tokens, with each CJK character counted as one word."""
    cjk = len(re.findall(f"[{_CJK}]", text)) - len(_CJK_PUNCT.findall(text))
    latin = len(re.findall(rf"[^\s{_CJK}]+", text))
    return latin + max(0, cjk)
