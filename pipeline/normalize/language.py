"""Language of an article body, with lingua (a well-kept, offline detector).

The detector is restricted to the configured candidate languages (faster and
steadier than all 75) and built lazily once per process, in lingua's
low-accuracy (trigram) mode for every text. The full models cost ~2 s to load and
~400 MiB in each worker; loading them only for short texts made a worker's memory
jump by that much the first time a short body came by (seen at 2,000 articles in
bench/memory.py). On short sentences in en/es/de/fr/zh/ru both modes gave the same
language. Below the configured confidence the language is unknown (None). A short body in
Latin script gets the configured default language unless it holds more function words (jusText's
stop lists) of the language detected than of the default: trigram statistics of one sentence
are a guess ("Huawei opened a lab in Shenzhen." came out German), while a short French brief
full of "de", "la", "les" is French, not English to be read with English rules.
"""

from __future__ import annotations

import re

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from ..text.scripts import main_script
from ..text.stopwords import stoplist

_WORDS = re.compile(r"[^\W\d_]+")


class LanguageDetector:
    def __init__(self, candidates: tuple[str, ...], min_confidence: float, sample_chars: int,
                 default: str | None = None, min_chars: int = 0, stoplists: dict[str, str] | None = None):
        self.candidates = candidates
        self.min_confidence = min_confidence
        self.sample_chars = sample_chars
        self.default = default
        self.min_chars = min_chars
        self.stoplists = stoplists or {}  # ISO 639-1 -> jusText's stop list name
        self._built = None

    def _detector(self):
        if self._built is None:
            langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in self.candidates]
            self._built = LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
        return self._built

    def __call__(self, text: str) -> str | None:
        sample = text[: self.sample_chars]
        if len(sample.strip()) < self.min_chars and main_script(sample) == "latin":
            return self._short(sample)
        if len(sample.strip()) < 20:
            return None
        values = self._detector().compute_language_confidence_values(sample)
        if not values or values[0].value < self.min_confidence:
            return None
        return values[0].language.iso_code_639_1.name.lower()

    def _short(self, sample: str) -> str | None:
        """A sentence or two: the default language, unless its function words say otherwise."""
        values = self._detector().compute_language_confidence_values(sample)
        guess = values[0].language.iso_code_639_1.name.lower() if values else None
        if guess is None or guess == self.default or guess not in self.stoplists \
                or self.default not in self.stoplists:
            return self.default
        words = [w.lower() for w in _WORDS.findall(sample)]
        hits = {lang: sum(w in stoplist(self.stoplists[lang]) for w in words) for lang in (guess, self.default)}
        return guess if hits[guess] > hits[self.default] else self.default
