"""The text of a Doc, joined once.

spaCy rebuilds `doc.text` from its tokens on every access (about 0.8 ms for a
2,600-token chunk, measured), and the components and record conversion read it six
times per chunk. The extractor seeds it from the input string, and every reader
goes through `doc_text`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

_KEY = "facts_text"


def doc_text(doc: Doc) -> str:
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text


def make_doc(nlp: Language, text: str) -> Doc:
    """Tokenize, remembering the text (a Doc's text is its input, character for character)."""
    doc = nlp.make_doc(text)
    doc.user_data[_KEY] = text
    return doc
