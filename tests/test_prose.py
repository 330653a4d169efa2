"""Which lines of a copied page are the article (pipeline/prose.py), on pages written for
these tests in two languages: menus, buttons, footers and repeated lines go, prose stays,
short lines inside the article stay, and text that is already an article is left alone."""

from __future__ import annotations

import pytest

from pipeline.normalize.boilerplate import load_rules
from pipeline.config import load_settings
from pipeline.normalize.prose import prose_lines

SETTINGS = load_rules(load_settings().config_dir).prose

DE = [
    "Startseite", "Politik", "Wirtschaft", "Sport", "Anmelden", "Suche",
    "Stadtrat beschließt neuen Radweg",
    "Der Stadtrat hat am Dienstagabend mit großer Mehrheit beschlossen, dass entlang der Hauptstraße "
    "ein neuer Radweg gebaut wird, der die Innenstadt mit dem Bahnhof verbinden soll.",
    "Die Kosten von rund zwei Millionen Euro werden zum größten Teil vom Land getragen, wie die "
    "Bürgermeisterin nach der Sitzung sagte, und die Bauarbeiten sollen im Frühjahr beginnen.",
    "Kritik aus der Opposition",
    "Die Opposition hält den Zeitplan für zu ehrgeizig und fürchtet, dass sich die Arbeiten bis in den "
    "Sommer ziehen und der Verkehr in der Innenstadt dann über Monate behindert wird.",
    "Impressum | Datenschutz | Kontakt",
    "Startseite",
]


def test_menus_and_footer_go_the_article_and_its_heading_stay():
    keep = prose_lines(DE, "de", SETTINGS)
    kept = [line for line, k in zip(DE, keep) if k]
    assert kept[0].startswith("Der Stadtrat hat am Dienstagabend")
    assert "Kritik aus der Opposition" in kept  # a short heading between two paragraphs is the article's
    assert kept[-1].startswith("Die Opposition hält")
    assert not {"Startseite", "Politik", "Anmelden", "Impressum | Datenschutz | Kontakt"} & set(kept)


EN = [
    "Skip to main content", "World", "Business", "Tech", "Subscribe",
    "The city council voted on Tuesday to build a new bike lane along the main road, which will link "
    "the old town with the railway station and is expected to open by the end of next year.",
    "Most of the cost of about two million dollars will be paid by the state, the mayor told reporters "
    "after the meeting, and the work is due to start in the spring if the weather allows it.",
    "Advertisement", "Photo: City of Springfield", "Share on Facebook", "Share on X",
    "Members of the opposition said that the timetable was too ambitious and that they feared the work "
    "would drag on into the summer, when traffic in the centre is at its worst.",
    "Residents who live along the road will be able to comment on the plans at a public meeting that "
    "is to be held in the town hall in two weeks, according to a statement from the council.",
    "Most read", "Ten gadgets you need this summer", "Celebrity chef opens new restaurant",
    "Terms of use", "Privacy policy", "Cookie settings",
]


def test_an_article_split_by_an_ad_block_keeps_both_parts():
    keep = prose_lines(EN, "en", SETTINGS)
    kept = [line for line, k in zip(EN, keep) if k]
    assert [k[:20] for k in kept if len(k) > 100] == [
        "The city council vot", "Most of the cost of ", "Members of the oppos", "Residents who live a"]
    assert not {"Skip to main content", "Subscribe", "Most read", "Privacy policy",
                "Ten gadgets you need this summer"} & set(kept)


def test_text_that_is_already_an_article_is_left_alone():
    article = ["Council votes for a new bike lane.", "The vote was 12 to 3.", "Work starts in spring.",
               "Residents can comment at a meeting.", "Opposition members criticised the plan."]
    assert prose_lines(article, "en", SETTINGS) is None


@pytest.mark.parametrize("language", ["zh", None, "xx"])
def test_no_stop_list_no_opinion(language):
    assert prose_lines(EN, language, SETTINGS) is None
