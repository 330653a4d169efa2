"""Canonicalization rules on sentences from other domains, with no gazetteer entries."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.engine import Extractor
from pipeline.extraction.canonical import MentionIn, acronym_fits, canonicalize, find_acronyms
from pipeline.names import entity_key
from pipeline.ingest import documents_from_bytes

NEWS = """Maria Gonzalez, the chief executive of Northwind Logistics, said on Tuesday that the company would open a depot in Rotterdam.

Gonzalez told reporters that Northwind had doubled its profits. Northwind Logistics shares rose 4% in Amsterdam.

The European Medicines Agency (EMA) approved a new malaria vaccine developed by Halvorsen Biotech. The EMA said the vaccine could reach Kenya and Ghana next year.

Dr. Amal Haddad, who led the trial at Karolinska Institute, said Haddad's team had followed 4,000 children. Halvorsen's chief scientist praised the work."""


@pytest.fixture(scope="module")
def no_gazetteer(tmp_path_factory):
    d = tmp_path_factory.mktemp("cfg")
    cfg = d / "pipeline.toml"
    cfg.write_text('[extract]\ngazetteers = []\n')
    return Extractor(load_settings(cfg))


def entities_of(extractor, text):
    doc = next(iter(documents_from_bytes(text.encode(), "news.txt", "txt", extractor.settings.ingest)))
    [result] = extractor.process([doc])
    return {e.name: e for e in result.extraction.entities}


def test_short_forms_acronyms_and_possessives_without_gazetteer(no_gazetteer):
    ents = entities_of(no_gazetteer, NEWS)
    gonzalez = ents["Maria Gonzalez"]
    assert gonzalez.type == "PERSON" and {"Maria Gonzalez", "Gonzalez"} <= set(gonzalez.aliases)
    ema = ents["European Medicines Agency"]
    assert {"EMA", "European Medicines Agency"} <= set(ema.aliases) and ema.type == "ORG"
    assert "EMA" not in ents
    haddad = ents["Amal Haddad"]
    assert any(a.startswith("Haddad") for a in haddad.aliases if a != "Amal Haddad")
    assert "Haddad" not in ents
    northwind = ents["Northwind Logistics"]
    assert len(northwind.mentions) >= 2 and "Northwind" not in ents


def test_ids_are_stable_and_shared_across_articles(no_gazetteer):
    a = entities_of(no_gazetteer, NEWS)
    b = entities_of(no_gazetteer, "Shares of Northwind Logistics fell in Rotterdam on Friday, Maria Gonzalez said.")
    assert a["Northwind Logistics"].id == b["Northwind Logistics"].id
    assert a["Rotterdam"].id == b["Rotterdam"].id


@pytest.mark.parametrize("a, b", [
    ("Mt Cook", "Mount Cook"),
    ("Mt. Everest", "Mount Everest"),
    ("Nvidia's", "NVIDIA"), ("DeepSeek-V4", "DeepSeek V4"), ("the Federal Reserve", "Federal Reserve"),
    ("Halvorsen’s", "Halvorsen"), ("U.S.", "U.S"), ("U.S. Surgeon General", "US Surgeon General"),
    ("the U.N.'s", "UN"),
])
def test_surface_variants_fold_to_one_key(a, b):
    assert entity_key(a) == entity_key(b)


def test_versions_stay_apart_from_their_maker():
    assert entity_key("DeepSeek V3") != entity_key("DeepSeek")
    assert entity_key("Ascend 910B") != entity_key("Ascend 910C")


def test_acronym_definitions_both_ways():
    text = ("The Bureau of Industry and Security (BIS) acted. WHO (World Health Organization) warned. "
            "CUDA, which stands for Compute Unified Device Architecture, is a platform.")
    acr = find_acronyms(text)
    assert acr["bis"] == "bureau of industry and security"
    assert acr["cuda"] == "compute unified device architecture"
    assert acronym_fits("WHO", ["World", "Health", "Organization"])
    assert not acronym_fits("NASA", ["National", "Health", "Service"])


def test_bare_model_code_resolves_to_the_product_named_before():
    text = "Acme launched the Falcon X9 in May. The X9 sold well, and the X9 will get an update."
    ms = [MentionIn(13, 22, "Falcon X9", "PRODUCT"), MentionIn(36, 38, "X9", "PRODUCT"),
          MentionIn(60, 62, "X9", "PRODUCT"), MentionIn(0, 4, "Acme", "ORG")]
    out = {name: members for name, _, members in canonicalize(ms, text)}
    assert out["Falcon X9"] == [0, 1, 2] and "X9" not in out


def test_ambiguous_short_name_is_left_alone():
    text = "Li Wei met Zhang Wei. Later, Wei said the talks went well."
    ms = [MentionIn(0, 6, "Li Wei", "PERSON"), MentionIn(11, 20, "Zhang Wei", "PERSON"),
          MentionIn(29, 32, "Wei", "PERSON")]
    names = [name for name, _, _ in canonicalize(ms, text)]
    assert names == ["Li Wei", "Zhang Wei", "Wei"]


def test_honorifics_and_roles_are_not_part_of_the_name(no_gazetteer):
    """'Dr Amal Haddad' in one article and 'Amal Haddad' in another are one person; a role
    written before the name ('Comedian Maria Gonzalez') is not part of it either."""
    a = entities_of(no_gazetteer, "Dr Amal Haddad will lead the clinic in Leeds, the trust said on Monday.")
    b = entities_of(no_gazetteer, "The trust named Amal Haddad to lead its Leeds clinic.")
    assert "Amal Haddad" in a and a["Amal Haddad"].id == b["Amal Haddad"].id
    c = entities_of(no_gazetteer, "Comedian Maria Gonzalez will host the awards in Madrid next year.")
    assert "Maria Gonzalez" in c and not any(n.lower().startswith("comedian") for n in c)


def test_a_middle_initial_does_not_make_another_person(no_gazetteer):
    from pipeline.names import person_key

    assert person_key("Regina M. Benjamin") == person_key("Regina Benjamin") == "regina benjamin"
    assert person_key("J. Smith") == "j. smith"  # a first initial is the name itself
    a = entities_of(no_gazetteer, "Health officials said Amal K. Haddad will lead the clinic in Leeds.")
    b = entities_of(no_gazetteer, "The trust named Amal Haddad to lead its Leeds clinic.")
    assert a["Amal K. Haddad"].id == b["Amal Haddad"].id


def test_nationality_adjectives_describe_and_nouns_name(no_gazetteer):
    text = ("A Norwegian trawler rescued 12 Filipino sailors off the Faroe Islands on Sunday. "
            "The Norwegians said the sailors were in good health.")
    ents = entities_of(no_gazetteer, text)
    assert "Norwegian" not in ents and "Filipino" not in ents  # adjectives: what kind of trawler, which sailors
    assert ents["Norwegians"].type == "NORP"  # a noun: the people, still a mention


def test_a_place_or_person_before_an_office_or_body_is_that_office(no_gazetteer):
    text = ("U.K. Attorney General Jane Hart said on Monday that the Morrison administration had "
            "ignored the court. Hart spoke in London.")
    ents = entities_of(no_gazetteer, text)
    assert ents["U.K. Attorney General"].type == "ORG"
    assert ents["Morrison administration"].type == "ORG"
    assert "London" in ents and "Jane Hart" in ents
    assert "U.K." not in ents and "Morrison" not in ents  # inside the office and the body, not mentions of their own
