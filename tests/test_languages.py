"""Extraction is for the languages its model and rules are written for ([extract] languages):
an article in another is stored with its language and status `language_not_extracted`, and
nothing is read from it with English rules; a short Latin-script text gets the default language
instead of a letter-statistics guess (issue 34). Real spaCy, real lingua."""

from __future__ import annotations

import duckdb

import pipeline

FRENCH = ("La SNCF prévoit de faire grève demain à Paris. Le syndicat a annoncé l'embauche de 2 000 agents "
          "en 2026, a déclaré le ministre des Transports lundi. Les voyageurs sont invités à reporter leur "
          "voyage. La direction de l'entreprise a proposé une prime de 300 euros, jugée insuffisante par les "
          "représentants du personnel, qui demandent une hausse des salaires de 5 % dès le mois de mars.")


def test_an_article_in_another_language_is_stored_not_read_with_english_rules(tmp_path):
    doc = pipeline.extract(FRENCH)
    assert (doc.article.language, doc.article.status) == ("fr", "language_not_extracted")
    assert not doc.entities and not doc.quantities and not doc.times and not doc.events
    (tmp_path / "fr.txt").write_text(FRENCH + "\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("Huawei said on Monday it would hire 2,000 engineers in Shenzhen.\n",
                                     encoding="utf-8")
    summary = pipeline.run(tmp_path, db=tmp_path / "facts.duckdb", workers=1)
    assert summary.new == 2 and summary.rejected == 0  # stored, not rejected
    con = duckdb.connect(str(tmp_path / "facts.duckdb"), read_only=True)
    rows = con.execute("SELECT a.language, a.status, count(m.mention_id) FROM articles a "
                       "LEFT JOIN mentions m USING (article_id) GROUP BY ALL ORDER BY 1").fetchall()
    con.close()
    assert rows[0][:2] == ("en", "ok") and rows[0][2] > 0
    assert rows[1] == ("fr", "language_not_extracted", 0)


def test_a_short_latin_text_gets_the_default_language_other_scripts_are_detected():
    doc = pipeline.extract("Huawei opened a lab in Shenzhen.")  # lingua alone said German
    assert doc.article.language == "en" and doc.article.status == "ok"
    assert {e.name for e in doc.entities} >= {"Huawei", "Shenzhen"}
    assert pipeline.extract("华为在深圳开设了一个新的人工智能实验室。").article.language == "zh"
