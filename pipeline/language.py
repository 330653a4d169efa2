"""Language of an article body, with lingua (a well-kept, offline detector).

The detector is restricted to the configured candidate languages (faster and
steadier than all 75) and built lazily once per process. Below the configured
confidence the language is unknown (None), never guessed.
"""

from __future__ import annotations

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder


class LanguageDetector:
    def __init__(self, candidates: tuple[str, ...], min_confidence: float, sample_chars: int):
        self.candidates = candidates
        self.min_confidence = min_confidence
        self.sample_chars = sample_chars
        self._detector = None

    def _build(self):
        langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in self.candidates]
        return LanguageDetectorBuilder.from_languages(*langs).with_preloaded_language_models().build()

    def __call__(self, text: str) -> str | None:
        sample = text[: self.sample_chars]
        if len(sample.strip()) < 20:
            return None
        if self._detector is None:
            self._detector = self._build()
        values = self._detector.compute_language_confidence_values(sample)
        if not values or values[0].value < self.min_confidence:
            return None
        return values[0].language.iso_code_639_1.name.lower()
