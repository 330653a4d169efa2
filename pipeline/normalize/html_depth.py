"""Pages nested deeper than the HTML parser goes.

libxml2 (lxml, and so trafilatura) stops building a tree 256 elements deep (2,048 with its
huge-tree option), so the text of a page nested deeper is lost. A page like that is re-written
without the tags in the middle of its deep chains: an element is kept when it is near the top
(the page's layout) or near the bottom (paragraphs, links, the structure around the text),
and the wrappers in between give up their tags. Text, entities and comments stay verbatim
and in order, so extracted words are still found in the raw page (offsets stay exact). The
stdlib tokenizer walks the markup without recursion and without a depth limit.
"""

from __future__ import annotations

from html.parser import HTMLParser

# Elements that never hold content, so never add a level.
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


class _Tokens(HTMLParser):
    """Markup as verbatim pieces, with each element's depth and height (levels below it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.pieces: list[str] = []
        self.opens: dict[int, int] = {}  # piece index of a start tag -> its depth
        self.height: dict[int, int] = {}  # piece index of a start tag -> levels from it down
        self.closes: dict[int, int] = {}  # piece index of an end tag -> its start tag's index
        self.stack: list[int] = []

    def handle_starttag(self, tag, attrs):
        i = len(self.pieces)
        self.pieces.append(self.get_starttag_text() or f"<{tag}>")
        if tag not in _VOID:
            self.stack.append(i)
            self.opens[i] = len(self.stack)
            self.height[i] = 1

    def handle_endtag(self, tag):
        i = len(self.pieces)
        self.pieces.append(f"</{tag}>")
        if tag in _VOID or not self.stack:
            return
        start = self.stack.pop()
        self.closes[i] = start
        if self.stack:
            parent = self.stack[-1]
            self.height[parent] = max(self.height[parent], self.height[start] + 1)

    def handle_startendtag(self, tag, attrs):
        self.pieces.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_data(self, data):
        self.pieces.append(data)

    def handle_entityref(self, name):
        self.pieces.append(f"&{name};")

    def handle_charref(self, name):
        self.pieces.append(f"&#{name};")

    def handle_comment(self, data):
        self.pieces.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.pieces.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.pieces.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.pieces.append(f"<![{data}]>")


def flatten_deep(markup: str, max_depth: int) -> str | None:
    """The page with at most `max_depth` levels, or None when it is not that deep."""
    tokens = _Tokens()
    tokens.feed(markup)
    tokens.close()
    if max(tokens.opens.values(), default=0) <= max_depth:
        return None
    half = max_depth // 2
    dropped = {i for i, depth in tokens.opens.items() if depth > half and tokens.height[i] > half}
    return "".join(p for i, p in enumerate(tokens.pieces)
                   if i not in dropped and tokens.closes.get(i) not in dropped)
