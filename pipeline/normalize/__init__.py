"""The normalize stage: a decoded input becomes an Article (clean body, sections, metadata),
every clean character keeping the raw offsets it came from.

One module a job: clean (unicode repair), textmap (the offset map), scripts (writing
systems), language (lingua), html and html_depth (HTML pages), boilerplate (marker rules),
prose (runs of prose), metadata and page_meta (what a page states about itself), and
normalizer (the steps in order).
"""

from .clean import clean_plain
from .normalizer import Normalizer, normalize

__all__ = ["Normalizer", "clean_plain", "normalize"]
