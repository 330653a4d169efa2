"""Body extraction and metadata on pages written for these tests, in several languages.

None of these strings come from the corpus: they check that the rules in
config/boilerplate.toml hold for outlets and languages the corpus lacks.
"""

from __future__ import annotations

import json

import pytest

from conftest import invoke
from pipeline.normalize.boilerplate import load_rules, segment
from pipeline.config import load_settings
from pipeline.ingest import documents_from_bytes
from pipeline.normalize.metadata import parse_date
from pipeline.normalize import Normalizer

BODY = ("Alibaba Cloud said on Monday that it would double its data-centre capacity in Malaysia "
        "over the next two years, citing demand from local banks and retailers.\n\n"
        "The company did not disclose the cost of the expansion, but analysts estimated it at "
        "several hundred million dollars.\n\n"
        "Rivals Tencent Cloud and Huawei Cloud have also announced new regions in Southeast Asia this year.")
LAST = "Rivals Tencent Cloud and Huawei Cloud have also announced new regions in Southeast Asia this year."


@pytest.fixture(scope="module")
def normalizer():
    return Normalizer(load_settings())


def article(normalizer, text: str, name: str = "page.txt", fmt: str = "txt"):
    docs = list(documents_from_bytes(text.encode("utf-8"), name, fmt, normalizer.settings.ingest))
    return normalizer(docs[0])


def test_spanish_page(normalizer):
    page = (f"Alibaba amplía su nube en Malasia\n\nPor María López\n\nPublicado el 3 de marzo de 2026\n\n{BODY}\n\n"
            "Artículos relacionados\n\nTencent presenta su nuevo modelo\n\nhace 5 minutos\n\n"
            "Baidu recorta precios\n\nhace 2 horas\n")
    a = article(normalizer, page)
    assert (a.title, a.author, a.published) == ("Alibaba amplía su nube en Malasia", "María López", "2026-03-03")
    assert a.clean_text.startswith("Alibaba Cloud said on Monday") and a.clean_text.endswith(LAST)
    assert {s.kind for s in a.sections} >= {"title", "byline", "meta", "related"}


def test_german_page_with_updated_date(normalizer):
    page = (f"Alibaba baut Rechenzentren in Malaysia aus\n\nVon Anna Schmidt\n\n"
            f"Veröffentlicht am 5. Januar 2026 · Aktualisiert am 7. Januar 2026\n\n{BODY}\n\n"
            "Das könnte Sie auch interessieren\n\nHuawei stellt neuen Chip vor\n")
    a = article(normalizer, page)
    assert (a.author, a.published, a.updated) == ("Anna Schmidt", "2026-01-05", "2026-01-07")
    assert a.clean_text.endswith(LAST) and "Huawei stellt" not in a.clean_text


def test_french_summary_and_faq_are_sections(normalizer):
    page = (f"Alibaba mise sur la Malaisie\n\nPar Jean Dupont\n\nEn bref\n\nAlibaba double ses capacités "
            f"en Malaisie pour répondre à la demande.\n\n{BODY}\n\n" + "Paragraphe de remplissage.\n\n" * 0 +
            "Questions fréquentes\n\nQ : Pourquoi la Malaisie ?\n\nR : Pour la demande locale.\n\n"
            "À lire aussi\n\nLe cloud en Europe\n")
    a = article(normalizer, page)
    kinds = {s.kind: s for s in a.sections}
    assert "Alibaba double ses capacités" in kinds["summary"].text
    assert "Pourquoi la Malaisie" in kinds["qa"].text and kinds["qa"].label == "Questions fréquentes"
    assert "Le cloud en Europe" in kinds["related"].text
    assert a.clean_text.startswith("Alibaba Cloud said") and a.clean_text.endswith(LAST)
    assert a.author == "Jean Dupont"


def test_chinese_markers_and_byline(normalizer):
    page = f"阿里云扩建马来西亚数据中心\n\n作者：张伟\n\n发布时间：2026年5月8日\n\n{BODY}\n\n相关阅读\n\n腾讯发布新模型\n"
    a = article(normalizer, page)
    assert (a.title, a.author, a.published) == ("阿里云扩建马来西亚数据中心", "张伟", "2026-05-08")
    assert a.clean_text.endswith(LAST)


def test_related_list_without_a_marker_is_cut_by_its_timestamps(normalizer):
    page = (f"{BODY}\n\nNvidia shares slip after export curbs\n\nChipmakers fell in early trade.\n\nReuters 5 hours ago\n\n"
            "Samsung wins memory order\n\nThe deal covers HBM supply.\n\nReuters 7 hours ago\n")
    a = article(normalizer, page)
    assert a.clean_text.endswith(LAST)
    assert "Samsung" not in a.clean_text and "Nvidia shares slip" not in a.clean_text


def test_social_tail_and_attribution_with_author(normalizer):
    page = (f"Cloud race heats up in Asia\n\n{BODY}\n\nOriginally published by Asia Tech Review, author: Lee Min\n\n"
            "Follow us on Twitter: https://twitter.com/example\n\nSubscribe to our newsletter for daily updates\n")
    a = article(normalizer, page)
    assert a.clean_text.endswith(LAST)
    assert a.author == "Lee Min"
    assert [s.kind for s in a.sections] == ["title", "attribution", "social"]


def test_foreign_script_ui_lines_dropped_and_cjk_words_kept_and_spaced(normalizer):
    page = (f"{BODY}\n\nВойти\n\nThe chips use a new封装 method that cut costs.\n\nКупить сейчас\n\nMore text follows here.")
    a = article(normalizer, page)
    assert "Войти" not in a.clean_text and "Купить" not in a.clean_text
    assert "a new 封装 method" in a.clean_text
    assert any(s.kind == "foreign" for s in a.sections)


def test_a_bare_paragraph_is_all_body_and_nothing_is_guessed(normalizer):
    text = "Huawei said on Tuesday it had shipped more Ascend chips than expected. Analysts were surprised."
    a = article(normalizer, text)
    assert a.clean_text == text
    assert (a.title, a.author, a.published, a.outlet) == (None, None, None, None)
    assert a.sections == ()


def test_an_early_related_heading_does_not_cut_the_article(normalizer):
    page = "Related\n\n" + BODY + "\n\nMore analysis of the cloud market follows in the next weeks.\n" * 3
    a = article(normalizer, page)
    assert "Alibaba Cloud said on Monday" in a.clean_text


def test_jsonl_record_fields_win_and_text_fills_the_rest(tmp_path):
    f = tmp_path / "feed.jsonl"
    text = f"Given title repeated\n\nBy Rita Chen\n\nPublished March 9, 2026\n\n{BODY}\n\nRelated\n\nOther story\n"
    f.write_text(json.dumps({"id": "x1", "text": text, "title": "Given title repeated", "published": "2026-03-10"}) + "\n")
    out = json.loads(invoke("inspect", f).stdout)
    art = out["article"]
    assert out["id"] == "x1"
    assert (art["title"], art["published"], art["author"]) == ("Given title repeated", "2026-03-10", "Rita Chen")
    assert art["clean_text"].startswith("Alibaba Cloud said") and art["clean_text"].endswith(LAST)


@pytest.mark.parametrize("text, expected", [
    ("2026-05-08", "2026-05-08"),
    ("2025.12.16", "2025-12-16"),
    ("2026年5月8日", "2026-05-08"),
    ("21.04.2026", "2026-04-21"),
    ("March 3, 2026", "2026-03-03"),
    ("3 марта 2026", "2026-03-03"),
    (" · 📁 Industry · 👁 9 views · ⏱️ 10 min read", None),
    ("2026-02-30", None),
    ("", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_rules_load_every_language_asked_for():
    rules = load_rules(load_settings().config_dir)
    for marker in ("related", "you may also like", "похожее", "letture associate", "相关阅读",
                   "artículos relacionados", "articles similaires", "ähnliche artikel"):
        assert marker in rules.related, marker
    layout = segment("Title here now\n\nSome body text that is long enough to be a body line.", rules)
    assert layout.found.title == "Title here now"
