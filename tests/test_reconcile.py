"""Reconciliation on the real corpus and on article pairs written to contradict each other."""

from __future__ import annotations

import duckdb
import pytest

from conftest import invoke
from pipeline.reconcile import Item, values_compatible, load_fx, load_synonyms, measure_words
from pipeline.reconcile.items import UnitScales
from pipeline.reconcile.rules import Matching
from pipeline.config import load_settings
from pipeline.runner import run_batch

FX = Matching(load_fx(load_settings().config_dir / "fx_rates.csv"), load_settings().reconcile)
SYNONYMS = load_synonyms(load_settings().config_dir / "units.toml")
SCALES = UnitScales()


def item(value=None, unit="USD", family="currency", qualifier="exact", low=None, high=None, year=2024, scale=None):
    return Item("i", "a", "quantity", "e", "revenue", value, low, high, unit, family, qualifier, None, "", 0, 0,
                year, {"scale": scale, "base": SCALES.base(unit, family)})


@pytest.mark.parametrize("a, b, ok", [
    (item(1590, "EFLOPS", "compute"), item(1600, "EFLOPS", "compute", "approx"), True),
    (item(1590, "EFLOPS", "compute"), item(1700, "EFLOPS", "compute"), False),
    (item(100e9, "CNY", qualifier="more_than"), item(10e9, "USD", qualifier="more_than"), True),
    (item(7e9, "CNY", year=2018), item(1.06e9, "USD", year=2018), True),
    (item(173e6), item(1.73e9), False),
    (item(low=0.12, high=0.15, unit="percent", family="percent", qualifier="range"), item(0.13, "percent", "percent"), True),
    (item(20, "percent", "percent"), item(20, "GPU", "count"), False),
    # an amount whose currency a translation left out: the same number, not converted
    (item(1e9, None, None, scale="billion"), item(1e9, "CNY"), True),
    (item(8e8, None, None, "approx", scale="million"), item(8e8, "CNY"), True),
    (item(1e9, None, None, scale="billion"), item(7e9, "CNY"), False),
    (item(1e9, None, None), item(1e9, "CNY"), False),  # a plain number with no scale word is not an amount
    # physical units of one dimension are compared in one unit, at the precision each was stated
    (item(18, "month", "duration"), item(2, "year", "duration"), False),
    (item(24, "month", "duration"), item(2, "year", "duration"), True),
    (item(10, "mile", "length"), item(16.1, "km", "length"), True),
    (item(1.2, "mile", "length"), item(12, "km", "length"), False),
    (item(5, "tonne", "mass", "approx"), item(5200, "kilogram", "mass"), True),
    (item(10, "km", "length"), item(10, "kilogram", "mass"), False),
])
def test_value_compatibility(a, b, ok):
    assert values_compatible(a, b, FX) is ok


@pytest.mark.parametrize("a, b, same", [
    ("40,000 enterprises", "companies", True),
    ("3,200 institutions", "organizations", True),
    ("businesses", "firms", True),
    ("users", "customers", False),
    ("employees", "partners", False),
])
def test_count_synonyms_meet_in_measure_words(a, b, same):
    wa, wb = measure_words(a, SYNONYMS), measure_words(b, SYNONYMS)
    assert bool(wa & wb) is same, (wa, wb)


A = ("Siemens buys Varian\n\nOn March 3, 2021, Siemens acquired Varian for $16.4 billion, the company said in Munich. "
     "Siemens Healthineers employs about 66,000 people worldwide.\n")
B = ("Siemens closes Varian deal\n\nOn April 15, 2021, Siemens acquired Varian for $12 billion, the company said in Munich. "
     "The deal makes Siemens Healthineers a leader in cancer care, analysts in Frankfurt said.\n")


@pytest.mark.xfail(strict=True, reason="issue 31: the conflict model learned on ECB+ train (threshold held to precision "
                   ">= 0.5 on held-out topics) scores these two acquisitions' dates and prices below its threshold; "
                   "kept strict so that a better model shows")
def test_contradicting_articles_give_a_value_and_a_date_conflict(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(A)
    (tmp_path / "in" / "b.txt").write_text(B)
    db = tmp_path / "c.duckdb"
    run_batch([tmp_path / "in"], db, load_settings(), workers=1)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT reason, quote_a, quote_b FROM conflicts ORDER BY reason").fetchall()
    con.close()
    reasons = {r[0]: r for r in rows}
    assert set(reasons) == {"date", "value"}, rows
    assert {reasons["value"][1], reasons["value"][2]} == {"$16.4 billion", "$12 billion"}
    date_quotes = reasons["date"][1] + reasons["date"][2]
    assert "March 3, 2021" in date_quotes and "April 15, 2021" in date_quotes


def test_corpus_translations_merge_and_are_one_independent_source(corpus_db):
    con = duckdb.connect(str(corpus_db), read_only=True)
    paths = dict(con.execute("SELECT article_id, path FROM articles").fetchall())
    a003 = next(a for a, p in paths.items() if p.endswith("003_d6d848c216c6765c.txt"))
    a004 = next(a for a, p in paths.items() if p.endswith("004_8952365edbc23382.txt"))
    n003 = con.execute("SELECT count(*) FROM quantities WHERE article_id = ?", [a003]).fetchall()[0][0]
    twinned = con.execute("""
        SELECT count(DISTINCT s3.item_id) FROM fact_sources s3 JOIN fact_sources s4 USING (fact_id)
        WHERE s3.article_id = ? AND s4.article_id = ?
          AND s3.item_id IN (SELECT quantity_id FROM quantities)""", [a003, a004]).fetchall()[0][0]
    link = con.execute("SELECT kind FROM article_links WHERE ? IN (article_id_a, article_id_b) AND ? IN "
                       "(article_id_a, article_id_b)", [a003, a004]).fetchall()
    both = con.execute("""
        SELECT max(n_independent_sources), max(n_sources) FROM facts f WHERE fact_id IN (
            SELECT fact_id FROM fact_sources WHERE article_id = ? INTERSECT
            SELECT fact_id FROM fact_sources WHERE article_id = ?)""", [a003, a004]).fetchall()[0]
    con.close()
    share = twinned / n003
    print(f"\nshare of 003's quantities merged with a 004 twin: {twinned}/{n003} = {share:.3f}")
    assert share >= 0.85  # 0.898 with the learned frame model (issue 31); 0.943 with the rules fit on these articles
    assert link == [("restatement",)]
    assert both[1] >= 2


def test_reconcile_command_rebuilds_the_same_tables(corpus_db, tmp_path):
    import shutil

    db = tmp_path / "r.duckdb"
    shutil.copy(corpus_db, db)
    con = duckdb.connect(str(db), read_only=True)
    before = sorted(con.execute("SELECT fact_id, n_sources FROM facts").fetchall())
    con.close()
    result = invoke("reconcile", "--db", db)  # nothing changed since `facts run`: nothing to redo
    assert result.exit_code == 0 and "reconciled_articles 0" in result.stdout, result.output
    result = invoke("reconcile", "--db", db, "--full")
    assert result.exit_code == 0 and "facts" in result.stdout and "reconciled_articles 5" in result.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert sorted(con.execute("SELECT fact_id, n_sources FROM facts").fetchall()) == before
    con.close()


@pytest.mark.xfail(strict=True, reason="issue 31: the learned conflict model weighs a factor of 10 ('$173 million' vs "
                   "'$1.73 billion', a translation's slip) as two different figures; kept strict so a fix shows")
def test_translations_that_disagree_on_a_figure_are_flagged(corpus_db):
    """003 and 004 translate one article; one says Intel lost $173 million in 1985, the other $1.73 billion."""
    con = duckdb.connect(str(corpus_db), read_only=True)
    rows = con.execute("SELECT reason, quote_a, quote_b FROM v_conflicts").fetchall()
    con.close()
    pairs = [{qa, qb} for reason, qa, qb in rows if reason == "value"]
    assert {"$173 million", "$1.73 billion"} in pairs, rows


def test_syndicated_copies_link_to_one_article_and_count_as_one_source(tmp_path):
    """Four copies of one wire story (each outlet adds its own line) and one unrelated story:
    each copy is linked once, to the first, and the facts they state have one independent source."""
    story = ("Acme Robotics said on Tuesday that it had raised $120 million in a funding round led by Northwind "
             "Capital, valuing the company at $2.4 billion. The startup, founded in 2019 in Pittsburgh, makes "
             "warehouse robots and employs about 450 people. Its revenue grew 85% last year to $64 million, "
             "chief executive Dana Whitfield told reporters, and it plans to open a factory in Ohio that will "
             "employ 300 workers. Acme's robots are used by 40 retailers across North America, the company "
             "said, and the new money will pay for research into picking arms and for hiring engineers.\n")
    other = ("Harbor City council approved a budget of $310 million for the coming year on Monday, including "
             "$45 million for road repairs and $12 million for two new libraries, officials said.\n")
    (tmp_path / "in").mkdir()
    for k, outlet in enumerate(["Daily Ledger", "Metro Times", "Valley Post", "Coastal Herald"]):
        (tmp_path / "in" / f"copy{k}.txt").write_text(f"Acme Robotics raises $120 million\n\nBy {outlet} staff\n\n{story}")
    (tmp_path / "in" / "other.txt").write_text(f"Harbor City passes its budget\n\n{other}")
    db = tmp_path / "s.duckdb"
    run_batch([tmp_path / "in"], db, load_settings(), workers=1)
    con = duckdb.connect(str(db), read_only=True)
    links = con.execute("SELECT article_id_a, article_id_b, kind FROM article_links").fetchall()
    copies = {a for (a,) in con.execute("SELECT article_id FROM articles WHERE path LIKE '%copy%'").fetchall()}
    funding = con.execute("""SELECT n_sources, n_independent_sources FROM facts f
        WHERE fact_id IN (SELECT fact_id FROM fact_sources WHERE quote = '$120 million')""").fetchall()
    con.close()
    assert len(links) == 3 and {k for _, _, k in links} == {"duplicate"}, links
    assert len({a for a, _, _ in links}) == 1 and {b for _, b, _ in links} | {links[0][0]} == copies
    assert (4, 1) in funding, funding


def test_a_changed_reconcile_threshold_says_the_stored_facts_are_stale(tmp_path):
    """[reconcile] is in the matching fingerprint: facts built with other tolerances are flagged
    (the one-line note of `facts run` / `facts reconcile`), and `--full` applies the new ones."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(A)
    (tmp_path / "in" / "b.txt").write_text(B)
    db = tmp_path / "c.duckdb"
    run_batch([tmp_path / "in"], db, load_settings(), workers=1)
    same = invoke("reconcile", "--db", db)
    assert same.exit_code == 0 and "differ from those the stored facts were built with" not in same.output
    user = tmp_path / "looser.toml"
    user.write_text("[reconcile]\nvalue_tolerance = 0.05\n", encoding="utf-8")
    changed = invoke("reconcile", "--db", db, "--config", user)
    assert changed.exit_code == 0 and "differ from those the stored facts were built with" in changed.stderr
    full = invoke("reconcile", "--db", db, "--config", user, "--full")
    assert full.exit_code == 0 and "differ from" not in full.stderr
    again = invoke("reconcile", "--db", db, "--config", user)
    assert "differ from" not in again.stderr
