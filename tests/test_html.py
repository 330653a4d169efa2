"""HTML input goes through trafilatura: main text and metadata, boilerplate out."""

from __future__ import annotations

import json

import pytest

from conftest import invoke

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Huawei widens Ascend shipments | Example Tech News</title>
<meta property="og:site_name" content="Example Tech News">
<meta name="author" content="Li Wei">
<meta property="article:published_time" content="2026-03-14T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/markets">Markets</a> <a href="/login">Log in</a></nav>
<article>
<h1>Huawei widens Ascend shipments</h1>
<p>Huawei said on Tuesday that shipments of its Ascend 910C accelerators to Chinese cloud providers
doubled in the first quarter, as Alibaba and Tencent expanded their data centers in Shenzhen and Hangzhou.</p>
<p>The company expects demand to keep rising through 2026, according to a statement from its
Shenzhen headquarters. Analysts at Morgan Stanley said the shift away from Nvidia hardware was accelerating.</p>
<p>DeepSeek, the Hangzhou-based developer, has moved part of its inference work to the new chips,
the statement said.</p>
</article>
<footer>Related: <a href="/x">Ten gadgets you need</a> · Share on X · Subscribe to our newsletter</footer>
</body></html>
"""


def test_html_main_text_and_metadata(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(PAGE, encoding="utf-8")
    result = invoke("inspect", f)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    art = out["article"]
    assert art["title"] == "Huawei widens Ascend shipments"
    assert art["author"] == "Li Wei"
    assert art["published"] == "2026-03-14"
    assert art["outlet"] == "Example Tech News"
    assert "doubled in the first quarter" in art["clean_text"]
    assert "Subscribe to our newsletter" not in art["clean_text"]
    assert "Log in" not in art["clean_text"]
    names = {e["name"] for e in out["entities"]}
    assert {"Huawei", "Alibaba", "Shenzhen"} <= names
    # mentions located in the raw HTML give back their surface
    mapped = 0
    for ent in out["entities"]:
        for m in ent["mentions"]:
            if m["raw_start"] is not None and m["raw_end"] > m["raw_start"]:
                assert PAGE[m["raw_start"]:m["raw_end"]] == m["text"]
                mapped += 1
    assert mapped >= 3


@pytest.mark.parametrize("depth", [300, 5000])
def test_page_nested_deeper_than_the_parser_goes_keeps_its_text(tmp_path, depth):
    """libxml2 stops at 256 levels (2,048 as a huge tree): such a page once gave no body."""
    para = "<p>Huawei said on Monday that its revenue rose 12 percent in 2025, helped by phone sales.</p>"
    page = "<html><head><title>Deep</title></head><body>" + "<div>" * depth + para * 3 + "</div>" * depth + "</body></html>"
    f = tmp_path / "deep.html"
    f.write_text(page, encoding="utf-8")
    result = invoke("inspect", f)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["article"]["clean_text"].count("revenue rose 12 percent") == 3
    for m in out["entities"][0]["mentions"]:
        assert page[m["raw_start"]:m["raw_end"]] == m["text"] == "Huawei"


def test_flattening_keeps_text_entities_and_comments_in_order():
    from pipeline.normalize.html_depth import flatten_deep

    page = "<body>" + "<div>" * 6 + "<p>a &amp; b<br>c</p><!-- x --><p><img src=y>d</p>" + "</div>" * 6 + "</body>"
    assert flatten_deep(page, 10) is None  # not deep: left to the parser as it is
    # the top two levels and the bottom two stay; the wrappers between give up their tags
    assert flatten_deep(page, 4) == \
        "<body><div><div><p>a &amp; b<br>c</p><!-- x --><p><img src=y>d</p></div></div></body>"


def test_html_favor_must_be_one_of_trafilaturas_trade_offs(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[normalize]\nhtml_favor = "fast"\n', encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    result = invoke("inspect", page, "--config", cfg)
    assert result.exit_code == 1
    assert "html_favor must be one of precision, balanced, recall" in result.output


def test_trafilaturas_body_is_not_cut_again_by_the_text_rules(tmp_path):
    """An in-body "Read more" box used to cut every paragraph after it as `related`."""
    extra = ("<p>Read more</p><p>The chips are made by SMIC in Shanghai, according to two people familiar "
             "with the matter who asked not to be named.</p></article>")
    page = PAGE.replace("</article>", extra)
    f = tmp_path / "page.html"
    f.write_text(page, encoding="utf-8")
    out = json.loads(invoke("inspect", f).stdout)
    assert "The chips are made by SMIC in Shanghai" in out["article"]["clean_text"]
