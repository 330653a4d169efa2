"""Numbers in running text, in every form news and science write them, read in one place.

Digits ("1,500,000", "10 000", "2.80", ".5"), signs ("-1e-3", "−18"), scientific notation
("4e14", "2.48×10−5", "8x2^10"), fractions ("1/4", "2 1/2", "½", "2½"), and words ("a hundred
and two", "three million, two hundred & forty", "twenty-three", "two dozen", "two and a half",
"one-half", "two thirds", "three halves"). The words come from config/units.toml
([number_words], [fractions]); `NumberReader.find` returns each number's span and value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_VULGAR = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞"


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    value: float
    kind: str  # digits | words | fraction | scientific
    glued: str | None = None  # letters glued to the digits ("6GW", "4x", "910B")
    glued_end: int | None = None


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in sorted(words, key=len, reverse=True))


class NumberReader:
    def __init__(self, number_words: dict[str, float], fractions: dict[str, float], multipliers: dict[str, float],
                 glued_prefixes: tuple[str, ...] = ()):
        """glued_prefixes: letters a number may follow with no space ("RM1.2 billion", "USD10m",
        "$US12 million"); any other letters before digits make a code or a model ("A100")."""
        self.words = {k.lower(): v for k, v in number_words.items()}
        self.fractions = {k.lower(): v for k, v in fractions.items()}
        self.multipliers = {k.lower(): v for k, v in multipliers.items()}
        unit_words = [w for w in self.words if " " not in w and "-" not in w]
        word = rf"(?:{_alt(unit_words)})"
        mult = rf"(?:{_alt(self.multipliers)})"
        frac = rf"(?:{_alt(self.fractions)})"
        after_mult = "(?:" + "|".join(f"(?<={re.escape(w)})" for w in self.multipliers) + ")"
        # number words joined by spaces or hyphens; ", " "and" "&" only after a multiplier
        # ("a hundred and two", "three million, two hundred & forty"; not "two, three and four")
        part = rf"(?:{word}|{mult})"
        run = (rf"(?:(?:a|an)[\s-]+{mult}|{word})(?:[\s-]+{part}|{after_mult}(?:\s*,\s+|\s+(?:and|&)\s+){part})*")
        self._words = re.compile(
            rf"(?<![\w-])(?:(?:{run})(?:\s+and\s+a\s+(?:half|quarter))?(?:[\s-]+{frac})?"
            rf"|(?:a|an)\s+{frac}(?=\s+of\b)|half\s+(?:a|an)(?=\s))(?!\w|-\d)", re.I)
        prefixed = "".join(f"|(?<=(?<![A-Za-z]){re.escape(p)})" for p in sorted(glued_prefixes, key=len, reverse=True))
        self._digits = re.compile(
            rf"(?:(?<![\w.,/:^]){prefixed})(?P<sign>[-−](?=\d))?"
            r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:,\s\d{3})+(?![\d,])|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.])|\d+(?:\.\d+)?|\.\d+)"
            r"(?:(?P<mixed>\s+\d{1,2}/\d{1,3})|(?P<over>/\d{1,3})(?![\d/])|(?P<vulgar>[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]))?"
            r"(?:(?P<exp>[eE][-+−]?\d{1,3})|\s*[×x*]\s*(?P<base>10|2)\s*(?:\^|\*\*)?\s*(?P<pow>[-−]?\d{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+))?"
            r"(?P<glued>[A-Za-z×][A-Za-z]{0,4})?(?![\w:]|/\d|[.,]\d)")
        self._vulgar = re.compile(rf"(?<![\w\d])[{_VULGAR}](?![\w\d])")

    def starts_with_words(self, text: str) -> bool:
        """Whether text opens with a number in words ("five people"): the far end of a range."""
        return self._words.match(text) is not None

    def find(self, text: str) -> list[Number]:
        out: list[Number] = []
        for m in self._digits.finditer(text):
            n = self._digit_number(m)
            if n is not None:
                out.append(n)
        for m in self._vulgar.finditer(text):
            out.append(Number(m.start(), m.end(), unicodedata.numeric(m.group(0)), "fraction"))
        taken = [(n.start, n.end) for n in out]
        for m in self._words.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            v = self.word_value(m.group(0))
            if v is not None:
                out.append(Number(m.start(), m.end(), v, "words"))
        return sorted(out, key=lambda n: n.start)

    def _digit_number(self, m: re.Match) -> Number | None:
        raw = re.sub(r"[,\s\u00a0\u202f]", "", m.group("num"))
        value = float(raw)
        kind = "digits"
        if m.group("mixed"):
            a, b = m.group("mixed").split("/")
            if int(b) == 0 or int(a) >= int(b):
                return None
            value += int(a) / int(b)
            kind = "fraction"
        elif m.group("over"):
            den = int(m.group("over")[1:])
            if den == 0 or value >= den or "." in raw:
                return None  # "24/7", "9/11" stay what they are: not a fraction of a whole
            value /= den
            kind = "fraction"
        elif m.group("vulgar"):
            value += unicodedata.numeric(m.group("vulgar"))
            kind = "fraction"
        if m.group("exp"):
            value *= 10 ** int(m.group("exp")[1:].replace("−", "-"))
            kind = "scientific"
        elif m.group("base"):
            power = int(m.group("pow").translate(_SUPERSCRIPT).replace("−", "-"))
            value *= int(m.group("base")) ** power
            kind = "scientific"
        if m.group("sign"):
            value = -value
        glued = m.group("glued")
        end = m.start("glued") if glued else m.end()
        return Number(m.start(), end, value, kind, glued, m.end() if glued else None)

    def word_value(self, s: str) -> float | None:
        """'a hundred and two' -> 102, 'three million, two hundred & forty' -> 3000240,
        'two and a half' -> 2.5, 'two thirds' -> 0.667, 'one-half' -> 0.5."""
        tokens = [t for t in re.split(r"[\s,\-]+", s.lower()) if t and t not in ("and", "&")]
        if not tokens:
            return None
        if tokens in (["half", "a"], ["half", "an"]):  # "half a mile"
            return 0.5
        if tokens[-2:] in (["a", "half"], ["a", "quarter"]):
            extra = 0.5 if tokens[-1] == "half" else 0.25
            tokens = tokens[:-2]
        else:
            extra = 0.0
        denominator = None
        if len(tokens) >= 2 and tokens[-1] in self.fractions and tokens[-2] not in self.multipliers:
            denominator = self.fractions[tokens[-1]]
            tokens = tokens[:-1]
        total, current = 0.0, 0.0
        for t in tokens:
            if t in self.multipliers:
                current = max(current, 1.0) * self.multipliers[t]
                if self.multipliers[t] >= 1000:
                    total, current = total + current, 0.0
            elif t in self.words:
                current += self.words[t]
            elif t in ("a", "an"):
                current += 1
            else:
                return None
        value = total + current
        if denominator:
            return value / denominator
        return value + extra
