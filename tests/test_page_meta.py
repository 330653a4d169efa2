"""Title, author and date a plain-text page states about itself (pipeline/page_meta.py).

Every page here is written for this test: a menu, the headline, a byline and a date, then prose
that repeats the headline's words, then page furniture."""

from __future__ import annotations

import pytest

from pipeline.config import DEFAULT_CONFIG_DIR, load_settings
from pipeline.normalize import Normalizer
from pipeline.normalize.page_meta import find_page_metadata, load_page_meta_settings
from pipeline.records import RawDocument

S = load_page_meta_settings(DEFAULT_CONFIG_DIR)


def meta(text: str, language: str | None):
    return find_page_metadata([l for l in text.split("\n") if l.strip()], language, None, S)


DE = """Startseite
Politik
Wirtschaft
Sport
Kultur
Stadtrat beschließt neuen Radweg am Flussufer
Von Anna Schmidt
12.03.2021, 14:05 Uhr
Der Stadtrat hat am Donnerstagabend mit großer Mehrheit beschlossen, am Flussufer einen neuen Radweg zu bauen, der die Altstadt mit dem Hafen verbindet.
Die Planung für den Radweg soll noch in diesem Jahr beginnen, sagte die Bürgermeisterin nach der Sitzung vor Journalisten im Rathaus.
Kritik kam von den Anwohnern am Flussufer, die eine Sperrung der Uferstraße während der Bauzeit befürchten und mehr Parkplätze fordern.
Mehr zum Thema
Newsletter abonnieren
"""

EN = """Skip to main content
Home
World
Business
Harbour cranes return to the old port after decades
By Jane Doe
March 4, 2020
Three harbour cranes that were removed from the old port in the seventies have returned this week, restored by volunteers over five years.
The cranes will stand on the quay as a museum, and visitors will be able to climb one of them on weekends from the summer.
The volunteers said the port authority paid for the transport, while local firms donated the paint and the steel.
Related articles
Share this article
"""

ES = """Inicio
Noticias
Deportes
El pueblo celebra la vuelta de su mercado semanal
Por Lucía Fernández
5 de mayo de 2022
Después de dos años sin puestos en la plaza, el mercado semanal del pueblo volvió este sábado con más de cuarenta vendedores y mucha gente.
Los vendedores de fruta y de queso fueron los más visitados, según contó el alcalde, que recorrió la plaza durante toda la mañana.
El ayuntamiento quiere que el mercado se celebre también los miércoles a partir del próximo mes, si el tiempo acompaña.
Comentarios
"""

FR = """Accueil
Régions
La bibliothèque municipale rouvre après deux ans de travaux
Par Claire Martin
Publié le 18 septembre 2019
La bibliothèque municipale a rouvert ses portes samedi matin après deux ans de travaux, avec une nouvelle salle pour les enfants et un café.
Les travaux de la bibliothèque ont coûté plus que prévu, a reconnu le maire, mais les habitants semblaient ravis de retrouver leurs livres.
Une fête est prévue le mois prochain pour célébrer la réouverture avec des lectures et des concerts dans le jardin.
Articles similaires
"""

PL = """Strona główna
Wiadomości
Nowy most nad rzeką otwarty dla pieszych
Autor: Piotr Nowak
7 października 2021
Nowy most nad rzeką został w czwartek otwarty dla pieszych i rowerzystów, a pierwsi mieszkańcy przeszli po nim już wczesnym rankiem.
Budowa mostu trwała dwa lata i kosztowała więcej, niż planowano, ale władze miasta uważają, że inwestycja była potrzebna.
Most łączy dwie dzielnice miasta, które do tej pory dzieliła długa droga przez centrum.
Komentarze
"""

NO_DATE = """Menu
Recipes
Slow roasted tomato soup for cold evenings
This slow roasted tomato soup takes an hour in the oven, but most of that time you can spend doing something else entirely.
Roast the tomatoes with garlic and onions until soft, then blend the soup with stock and a little cream before serving.
The soup keeps for three days in the fridge and tastes even better the day after you make it.
Print recipe
"""

# The first line is a menu item, the page <title> comes next as "Headline | Site", the headline repeats above the body.
REPEAT = """Skip to main content
Ferry service to the islands resumes on Monday | Coastal Herald
News
Weather
Ferry service to the islands resumes on Monday
Published 2 June 2023
The ferry service to the islands will resume on Monday after the repair of the ferry's engine, the operator said on Friday evening.
Islanders had relied on a small boat for supplies while the ferry was in the shipyard, and some schools had closed for the week.
The operator apologised for the delay and said the islands would get an extra ferry on Sundays during the summer.
"""


@pytest.mark.parametrize("text, lang, title, author, date", [
    (DE, "de", "Stadtrat beschließt neuen Radweg am Flussufer", "Anna Schmidt", "2021-03-12"),
    (EN, "en", "Harbour cranes return to the old port after decades", "Jane Doe", "2020-03-04"),
    (ES, "es", "El pueblo celebra la vuelta de su mercado semanal", "Lucía Fernández", "2022-05-05"),
    (FR, "fr", "La bibliothèque municipale rouvre après deux ans de travaux", "Claire Martin", "2019-09-18"),
    (PL, "pl", "Nowy most nad rzeką otwarty dla pieszych", "Piotr Nowak", "2021-10-07"),
])
def test_headline_byline_and_date_in_several_languages(text, lang, title, author, date):
    m = meta(text, lang)
    assert (m.title, m.author, m.published) == (title, author, date)


def test_menu_line_first_and_headline_repeated():
    m = meta(REPEAT, "en")
    assert m.title == "Ferry service to the islands resumes on Monday"
    assert m.outlet == "Coastal Herald"
    assert m.published == "2023-06-02"
    assert m.author is None


def test_no_date_stays_none():
    m = meta(NO_DATE, "en")
    assert m.title == "Slow roasted tomato soup for cold evenings"
    assert m.published is None and m.author is None


def test_menu_only_page_has_no_title():
    m = meta("Home\nNews\nSport\nWeather\nContact us\nImprint and privacy\n", "en")
    assert (m.title, m.author, m.published) == (None, None, None)


def test_name_line_beside_the_date_is_the_author():
    page = EN.replace("By Jane Doe", "Jane Doe")
    assert meta(page, "en").author == "Jane Doe"


def test_byline_after_the_date_on_one_line():
    page = EN.replace("By Jane Doe\nMarch 4, 2020", "Posted on March 4, 2020 by jdoe")
    m = meta(page, "en")
    assert (m.author, m.published) == ("jdoe", "2020-03-04")


def test_a_sentence_with_von_is_no_byline():
    page = DE.replace("Stadtrat beschließt neuen Radweg am Flussufer",
                      "Stadtrat beschließt Bau von Radweg am Flussufer")
    assert meta(page, "de").title == "Stadtrat beschließt Bau von Radweg am Flussufer"


def test_plain_text_article_gets_the_page_metadata():
    norm = Normalizer(load_settings())
    doc = RawDocument(path="p.txt", source_key="p.txt", raw_text=EN, article_id="x", encoding="utf-8", fmt="txt")
    art = norm(doc)
    assert (art.title, art.author, art.published) == (
        "Harbour cranes return to the old port after decades", "Jane Doe", "2020-03-04")


CRUMB = """Home » Gardening » Climbing plants
Climbing plants
How to prune climbing roses in late winter
Photo: Garden archive
Posted on 4 February 2022
Climbing roses flower on new growth, so pruning them in late winter keeps the plants healthy and full of flowers all summer long.
Cut out dead and weak stems first, then tie the strongest climbing shoots to the trellis so that the roses grow sideways and flower more.
Prune the side shoots back to two or three buds, and feed the roses with compost once the pruning is done in late winter.
Related posts
"""


def test_headline_beside_a_picture_credit_beats_the_breadcrumb():
    m = meta(CRUMB, "en")
    assert m.title == "How to prune climbing roses in late winter"
    assert m.published == "2022-02-04"


def test_abbreviated_month_and_time_after_the_year():
    page = DE.replace("12.03.2021, 14:05 Uhr", "Anna Schmidt | 12. Jan. 2021 | 14:05 Uhr")
    assert meta(page, "de").published == "2021-01-12"
    page = EN.replace("By Jane Doe", "By Jane Doe/June 5, 2020 9:49 am/Updated: Aug. 18, 2020")
    assert meta(page, "en").published == "2020-06-05"


def test_a_date_far_above_the_body_is_taken_when_none_is_near():
    lines = DE.split("\n")
    far = lines[:2] + ["12.03.2021"] + lines[2:5] + [f"Rubrik {k}" for k in range(12)] + lines[5:7] + lines[8:]
    assert meta("\n".join(far), "de").published == "2021-03-12"


def test_name_opening_the_date_line_and_a_glued_byline_word():
    page = DE.replace("Von Anna Schmidt\n12.03.2021, 14:05 Uhr", "Anna Schmidt | 12.03.2021, 14:05 Uhr")
    assert meta(page, "de").author == "Anna Schmidt"
    assert meta(EN.replace("By Jane Doe", "ByJane Doe"), "en").author == "Jane Doe"


def test_the_headline_beats_the_standfirst_under_it():
    page = DE.replace("Stadtrat beschließt neuen Radweg am Flussufer\n",
                      "Stadtrat beschließt neuen Radweg am Flussufer\n"
                      "Mit großer Mehrheit für den neuen Radweg von der Altstadt zum Hafen\n")
    assert meta(page, "de").title == "Stadtrat beschließt neuen Radweg am Flussufer"


def test_a_bare_name_under_the_headline_is_the_author_a_label_is_not():
    page = DE.replace("Von Anna Schmidt\n12.03.2021, 14:05 Uhr\n", "Anna Schmidt\n")
    assert meta(page, "de").author == "Anna Schmidt"
    assert meta(DE.replace("Von Anna Schmidt\n12.03.2021, 14:05 Uhr\n", "Neuer Radweg\n"), "de").author is None
    assert meta(DE.replace("Von Anna Schmidt", "Veröffentlicht von Anna Schmidt"), "de").author == "Anna Schmidt"


def test_a_month_after_the_name_is_not_part_of_it():
    assert meta(EN.replace("By Jane Doe\nMarch 4, 2020", "By Jane Doe Mar 4, 2020"), "en").author == "Jane Doe"
    assert meta(EN.replace("By Jane Doe\nMarch 4, 2020", "Jane Doe NOVEMBER 4, 2020"), "en").author == "Jane Doe"
    assert meta(EN.replace("By Jane Doe\nMarch 4, 2020", "Updated Mar 4, 2020"), "en").author is None
    assert meta(EN.replace("By Jane Doe", "By Joe S."), "en").author == "Joe S."


def test_a_byline_closing_the_article_and_a_name_with_its_role():
    page = DE.replace("Von Anna Schmidt\n", "").replace("Mehr zum Thema\n",
                                                        "Text: Anna Schmidt, Lokalredaktion\nMehr zum Thema\n")
    assert meta(page, "de").author == "Anna Schmidt"
    three = meta(DE.replace("Von Anna Schmidt", "Von Anna Schmidt, Peter Weber und Eva Roth"), "de").author
    assert three is not None and "Peter Weber" in three and three.endswith("Eva Roth")


def test_a_caption_closed_by_a_credit_is_no_title():
    caption = "Mit großer Mehrheit für den neuen Radweg zum Hafen Foto: Stadt"
    page = DE.replace("Stadtrat beschließt neuen Radweg am Flussufer\n", f"{caption}\n")
    assert meta(page, "de").title != caption
    assert meta(page.replace(" Foto: Stadt", ""), "de").title == caption[:-len(" Foto: Stadt")]
