"""`facts serve`: the served view equals the database, stays current, and its pages link a
conflict to both articles; a real Chromium follows one.

Needs the serve extra (datasette); skipped where it is not installed."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

pytest.importorskip("datasette")

from chromium import browser_or_skip  # noqa: E402
from conftest import invoke, run_files  # noqa: E402
from pipeline.errors import DatabaseMissing  # noqa: E402
from pipeline.serve import app, make_datasette, view  # noqa: E402
from test_reconcile import A, B  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "corpus").glob("*.txt"))


def served_rows(view_path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(f"file:{view_path}?mode=ro", uri=True)
    try:
        return {t.name: sorted(con.execute(f'SELECT * FROM "{t.name}"').fetchall(), key=repr) for t in view.TABLES}
    finally:
        con.close()


def duck_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t.name: con.execute(f"SELECT count(*) FROM ({t.select})").fetchone()[0] for t in view.TABLES}
    finally:
        con.close()


@pytest.fixture(scope="module")
def conflict_db(tmp_path_factory) -> Path:
    """Two articles written to disagree (a figure and a date) and one corpus article."""
    folder = tmp_path_factory.mktemp("serve")
    return run_files(folder, {"a.txt": A, "b.txt": B, "corpus.txt": CORPUS[0].read_text(encoding="utf-8")})


def test_the_view_holds_every_row_and_says_which_article_each_quote_is_from(conflict_db, tmp_path):
    path = tmp_path / "v.sqlite"
    done = view.refresh(conflict_db, path)
    assert done.rebuilt
    rows = served_rows(path)
    assert {t: len(r) for t, r in rows.items()} == duck_counts(conflict_db)
    con = sqlite3.connect(path)
    conflicts = con.execute("SELECT c.quote_a, c.quote_b, aa.clean_text, ab.clean_text, c.reason FROM conflicts c "
                            "JOIN articles aa ON aa.article_id = c.article_a "
                            "JOIN articles ab ON ab.article_id = c.article_b").fetchall()
    assert conflicts and len(conflicts) == len(rows["conflicts"])
    for quote_a, quote_b, text_a, text_b, _ in conflicts:
        assert quote_a in text_a and quote_b in text_b
    # datasette links by declared keys: a conflict's articles, a fact's story and subject
    fks = {(r[3], r[2]) for r in con.execute("PRAGMA foreign_key_list(conflicts)").fetchall()}
    assert {("article_a", "articles"), ("article_b", "articles"), ("story_id", "stories")} <= fks
    assert view.is_current(conflict_db, path)
    assert view.refresh(conflict_db, path).copied == {}  # nothing moved: nothing copied


def test_a_refresh_after_a_run_copies_only_what_changed_and_equals_a_fresh_build(tmp_path):
    db = run_files(tmp_path, {"c0.txt": CORPUS[0].read_text(encoding="utf-8"),
                              "c1.txt": CORPUS[1].read_text(encoding="utf-8")})
    path = tmp_path / "v.sqlite"
    view.refresh(db, path)
    assert view.is_current(db, path)
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(B, encoding="utf-8")
    assert invoke("run", tmp_path / "a.txt", tmp_path / "b.txt", "--db", db, "--workers", "1").exit_code == 0
    assert not view.is_current(db, path)
    done = view.refresh(db, path)
    assert not done.rebuilt
    assert done.copied["articles"] == 2  # the two new articles, not the two stored before
    assert done.copied["conflicts"] >= 1
    fresh = tmp_path / "fresh.sqlite"
    view.refresh(db, fresh)
    assert served_rows(path) == served_rows(fresh)


def test_a_refresh_that_fails_leaves_the_old_view_and_the_next_one_completes(conflict_db, tmp_path, monkeypatch):
    db = tmp_path / "db.duckdb"
    shutil.copy(conflict_db, db)
    path = tmp_path / "v.sqlite"
    view.refresh(db, path)
    before = served_rows(path)
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM conflicts")
    con.execute("UPDATE articles SET title = 'changed' WHERE article_id = (SELECT min(article_id) FROM articles)")
    con.close()
    real = view._refresh_table

    def dies_at_conflicts(con, v, table, columns, progress):
        if table.name == "conflicts":
            raise KeyboardInterrupt  # as a Ctrl-C or kill in the middle of the copy
        return real(con, v, table, columns, progress)

    monkeypatch.setattr(view, "_refresh_table", dies_at_conflicts)
    with pytest.raises(KeyboardInterrupt):
        view.refresh(db, path)
    assert served_rows(path) == before  # the articles already copied were rolled back with the rest
    monkeypatch.setattr(view, "_refresh_table", real)
    view.refresh(db, path)
    after = served_rows(path)
    assert after["conflicts"] == [] and any(r[4] == "changed" for r in after["articles"])


def test_the_view_waits_while_a_run_holds_the_database(conflict_db, tmp_path):
    db = tmp_path / "db.duckdb"
    shutil.copy(conflict_db, db)
    path = tmp_path / "v.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); sys.stdin.read()", str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        said: list[str] = []
        refresher = app.Refresher(db, path, say=said.append)
        assert refresher.once() is False and not path.exists()
    finally:
        holder.communicate("")
    assert refresher.once() is True and view.is_current(db, path)


def get(ds, path: str):
    async def fetch():
        await ds.invoke_startup()
        return await ds.client.get(path)
    return asyncio.run(fetch())


def test_pages_link_a_conflict_to_its_articles_and_a_story_to_its_timeline(conflict_db, tmp_path):
    path = tmp_path / "v.sqlite"
    view.refresh(conflict_db, path)
    ds = make_datasette(path)
    con = sqlite3.connect(path)
    conflict_id, article_a, story_id = con.execute(
        "SELECT conflict_id, article_a, story_id FROM conflicts WHERE reason = 'value'").fetchone()
    entity_id = con.execute("SELECT subject_entity_id FROM conflicts WHERE subject_entity_id IS NOT NULL").fetchone()

    page = get(ds, "/facts/conflicts")
    assert page.status_code == 200 and f'href="/facts/articles/{article_a}"' in page.text
    assert 'data-column="kind"' in page.text and 'data-column="reason"' in page.text  # the facets shown
    read = get(ds, "/facts/conflicts_to_read")
    assert read.status_code == 200 and f'href="/facts/articles/{article_a}"' in read.text
    assert "$16.4 billion" in read.text and "$12 billion" in read.text
    story = get(ds, f"/facts/stories/{story_id}")
    assert story.status_code == 200 and f"story_timeline?story_id={story_id}" in story.text
    assert re.search(r"\d+ rows?</a>\s*from story_id in conflicts", story.text)
    timeline = get(ds, f"/facts/story_timeline?story_id={story_id}")
    assert timeline.status_code == 200 and "/facts/articles/" in timeline.text
    if entity_id:
        figures = get(ds, f"/facts/entity_figures?entity_id={entity_id[0]}")
        assert figures.status_code == 200 and "/facts/articles/" in figures.text
    assert get(ds, "/facts/figures_by_measure?measure=").status_code == 200
    # read-only: a write typed as SQL is refused and changes nothing
    n = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    refused = get(ds, "/facts?sql=DELETE+FROM+articles")
    assert refused.status_code == 400
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == n
    assert "_facts_view" not in get(ds, "/facts").text  # the view's own bookkeeping is hidden


def test_serve_without_datasette_or_database_says_so_in_one_line(tmp_path, monkeypatch):
    missing = invoke("serve", "--db", tmp_path / "none.duckdb")
    assert missing.exit_code == 1 and missing.output.startswith("Error:") and "no such database" in missing.output
    with pytest.raises(DatabaseMissing):
        app.start_view(tmp_path / "none.duckdb")
    monkeypatch.setitem(sys.modules, "datasette.app", None)  # as if the serve extra were not installed
    result = invoke("serve", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 1 and "pip install 'facts[serve]'" in result.output
    assert "Traceback" not in result.output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_page(url: str, proc: subprocess.Popen, seconds: float = 60.0) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"facts serve exited: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


@pytest.mark.slow
def test_in_chromium_a_conflict_leads_to_its_article_and_a_new_run_shows_up(conflict_db, tmp_path):
    db = tmp_path / "db.duckdb"
    shutil.copy(conflict_db, db)
    browser = browser_or_skip()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", str(db), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_page(f"{base}/facts", proc)
        browser.open(f"{base}/facts/conflicts_to_read")
        quote = browser.js("document.querySelector('td.col-quote_a').textContent.trim()")
        href = browser.js("document.querySelector('td.col-article_a a').getAttribute('href')")
        assert href.startswith("/facts/articles/")
        since = len(browser.events)
        browser.js("document.querySelector('td.col-article_a a').click()")
        browser.wait_event("Page.loadEventFired", since)
        assert browser.js("location.pathname") == href
        text = browser.js("document.querySelector('td.col-clean_text').textContent")
        assert quote and quote in text
        assert browser.js("document.querySelector('h1').textContent").startswith("articles:")
        assert not browser.console_errors()

        # a run adds an article while the server is up: the page shows it without a restart
        (tmp_path / "new.txt").write_text(CORPUS[1].read_text(encoding="utf-8"), encoding="utf-8")
        assert invoke("run", tmp_path / "new.txt", "--db", db, "--workers", "1").exit_code == 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            browser.open(f"{base}/facts/articles.json?_shape=array&_col=path")
            paths = browser.js("document.body.innerText")
            if "new.txt" in paths:
                break
            time.sleep(0.5)
        assert "new.txt" in paths
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        browser.close()


def test_a_port_in_use_is_one_line(conflict_db):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        result = invoke("serve", "--db", conflict_db, "--port", s.getsockname()[1])
    assert result.exit_code == 1 and "choose another with --port" in result.output


def test_a_first_build_shows_its_tables_as_they_come_and_a_cut_one_is_finished_next_time(
        conflict_db, tmp_path, monkeypatch):
    path = tmp_path / "v.sqlite"
    real = view._refresh_table

    def cut_at_articles(con, v, table, columns, progress):
        if table.name == "articles":
            raise KeyboardInterrupt  # the server stopped in the middle of its first build
        return real(con, v, table, columns, progress)

    monkeypatch.setattr(view, "_refresh_table", cut_at_articles)
    with pytest.raises(KeyboardInterrupt):
        view.refresh(conflict_db, path, stepwise=True)
    partial = served_rows(path)
    assert partial["conflicts"] and partial["stories"] and not partial["articles"] and not partial["mentions"]
    state = view.stored_state(path)
    assert state["building"].startswith("6 of 15 tables copied") and "fingerprint" not in state
    page = get(make_datasette(path), "/facts/conflicts")
    assert "Building the served view: 6 of 15 tables copied" in page.text

    monkeypatch.setattr(view, "_refresh_table", real)
    done = view.refresh(conflict_db, path, stepwise=True)
    assert not done.rebuilt and "conflicts" not in done.copied and done.copied["articles"] > 0
    assert "building" not in view.stored_state(path)
    fresh = tmp_path / "fresh.sqlite"
    view.refresh(conflict_db, fresh)
    assert served_rows(path) == served_rows(fresh)
    assert "Building the served view" not in get(make_datasette(path), "/facts/conflicts").text


def test_a_view_that_cannot_be_written_is_one_line_naming_it(conflict_db, tmp_path):
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("my notes, not a database\n" * 100, encoding="utf-8")
    result = invoke("serve", "--db", conflict_db, "--view", not_sqlite, "--port", free_port())
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{not_sqlite}: the served view cannot be written" in result.output and "--view" in result.output
    assert not_sqlite.read_text(encoding="utf-8").startswith("my notes")
