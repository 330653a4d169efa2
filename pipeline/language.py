"""Language of an article body, with lingua (a well-kept, offline detector).

The detector is restricted to the configured candidate languages (faster and
steadier than all 75) and built lazily once per process. A body sample of
LOW_ACCURACY_MIN_CHARS or more uses lingua's low-accuracy (trigram) mode, which
its authors give as reliable on longer texts and which loads in no time (the
full models take ~2 s per process); shorter texts get the full detector. Below
the configured confidence the language is unknown (None), never guessed.
"""

from __future__ import annotations

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder


LOW_ACCURACY_MIN_CHARS = 120


class LanguageDetector:
    def __init__(self, candidates: tuple[str, ...], min_confidence: float, sample_chars: int):
        self.candidates = candidates
        self.min_confidence = min_confidence
        self.sample_chars = sample_chars
        self._detectors: dict[bool, object] = {}

    def _detector(self, low_accuracy: bool):
        if low_accuracy not in self._detectors:
            langs = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in self.candidates]
            builder = LanguageDetectorBuilder.from_languages(*langs)
            builder = builder.with_low_accuracy_mode() if low_accuracy else builder.with_preloaded_language_models()
            self._detectors[low_accuracy] = builder.build()
        return self._detectors[low_accuracy]

    def __call__(self, text: str) -> str | None:
        sample = text[: self.sample_chars]
        if len(sample.strip()) < 20:
            return None
        detector = self._detector(low_accuracy=len(sample) >= LOW_ACCURACY_MIN_CHARS)
        values = detector.compute_language_confidence_values(sample)
        if not values or values[0].value < self.min_confidence:
            return None
        return values[0].language.iso_code_639_1.name.lower()
