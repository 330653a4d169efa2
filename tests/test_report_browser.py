"""The report in a real browser: Debian's headless Chromium (tests/chromium.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chromium import browser_or_skip
from pipeline.report import write_report


@pytest.fixture(scope="module")
def browser():
    b = browser_or_skip()
    yield b
    b.close()


def is_png(path: Path) -> bool:
    data = path.read_bytes()
    return data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_report_opens_offline_without_errors_and_expands_a_fact(corpus_db, tmp_path, browser):
    html = write_report(corpus_db, tmp_path / "report.html")
    browser.open(html.resolve().as_uri())
    assert browser.js("document.getElementById('n-articles').textContent") == "5"

    facts = browser.js("document.querySelectorAll('#facts tbody tr').length")
    assert facts > 0
    opened = browser.js("""(() => {
        const det = document.querySelector('#facts tbody tr details');
        det.querySelector('summary').click();
        const marks = [...det.querySelectorAll('mark')];
        return {open: det.open, marks: marks.map(m => m.textContent),
                visible: marks.length > 0 && marks[0].getBoundingClientRect().height > 0};
    })()""")
    assert opened["open"] and opened["visible"] and all(opened["marks"]), opened

    sorted_values = browser.js("""(() => {
        const th = document.querySelector('#facts thead th');
        th.click();
        return [...document.querySelectorAll('#facts tbody tr td:first-child')]
            .map(td => td.dataset.sort).filter(v => v !== '').map(Number);
    })()""")
    assert sorted_values == sorted(sorted_values)

    article = browser.js("""(() => {
        const det = document.querySelector('details.article');
        det.querySelector('summary').click();
        return new Promise(done => setTimeout(() => done({
            spans: det.querySelectorAll('.text.clean .hl').length,
            text: det.querySelector('.text.clean').textContent.length,
            clean: JSON.parse(det.querySelector('script.art-data').textContent).clean.length}), 50));
    })()""")
    assert article["spans"] > 0 and article["text"] == article["clean"], article
    raw = browser.js("""(() => {
        const det = document.querySelector('details.article');
        const box = det.querySelector('.raw-toggle'); box.click();
        return {cut: det.querySelectorAll('.text.raw .hl.cut').length,
                shown: !det.querySelector('.text.raw').hidden,
                raw: det.querySelector('.text.raw').textContent.length,
                want: JSON.parse(det.querySelector('script.art-data').textContent).raw.length};
    })()""")
    assert raw["shown"] and raw["raw"] == raw["want"], raw

    jumped = browser.js("""(() => {
        const a = document.querySelector('#timeline a.src');
        const [, aid, s, e] = /^#src-([0-9a-f]+)-(\\d+)-(\\d+)$/.exec(a.getAttribute('href'));
        a.click();
        return new Promise(done => setTimeout(() => {
            const det = document.getElementById('art-' + aid);
            const hl = CSS.highlights.get('quote');
            const range = hl && [...hl][0];
            const text = JSON.parse(det.querySelector('script.art-data').textContent).clean;
            done({open: det.open, got: range ? range.toString() : null, want: text.slice(+s, +e)});
        }, 100));
    })()""")
    assert jumped["open"] and jumped["got"] == jumped["want"], jumped

    shot = browser.screenshot(tmp_path / "report.png")
    assert is_png(shot)
    assert browser.console_errors() == []


def test_hostile_article_does_not_run_in_the_browser(tmp_path, browser, settings):
    from pipeline.runner import run_batch

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.txt").write_text(
        "Hostile markup test\n\nAcme Corp said on March 3, 2024 that revenue rose to $5 million. "
        "<script>window.pwned = 1; alert(1)</script> <img src=x onerror=\"window.pwned=2\"> "
        "The company employs 300 people in Berlin.\n", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    run_batch([tmp_path / "in"], db, settings, workers=1)
    html = write_report(db, tmp_path / "x.html")
    browser.open(html.resolve().as_uri())
    result = browser.js("""(() => {
        document.querySelectorAll('details.article').forEach(d => { d.open = true; });
        return new Promise(done => setTimeout(() => done({
            pwned: window.pwned === undefined ? null : window.pwned,
            text: document.querySelector('details.article .text.clean').textContent}), 100));
    })()""")
    assert result["pwned"] is None
    assert "<script>window.pwned = 1; alert(1)</script>" in result["text"]
    assert browser.console_errors() == []


def test_long_tables_show_a_page_of_rows_and_sort_all_of_them(corpus_db, tmp_path, browser):
    """A corpus with more facts than a page: 200 rows drawn, the rest kept for sorting and 'show all'."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from report_scale import multiply

    db = tmp_path / "x3.duckdb"
    multiply(corpus_db, db, 3)
    html = write_report(db, tmp_path / "x3.html")
    browser.open(html.resolve().as_uri())
    state = """(() => {
        const rows = [...document.querySelectorAll('#facts tbody tr')];
        const shown = rows.filter(r => getComputedStyle(r).display !== 'none');
        const btn = document.querySelector('#facts button.show-all');
        return {rows: rows.length, shown: shown.length, button: btn ? btn.textContent : null,
                first: shown.length ? shown[0].rowIndex : null};
    })()"""
    before = browser.js(state)
    assert before["rows"] > 400 and before["shown"] == 200 and "Show all" in before["button"], before
    values = browser.js("""(() => {
        document.querySelector('#facts thead th').click();
        return [...document.querySelectorAll('#facts tbody tr')].map(r => r.cells[0].dataset.sort)
            .filter(v => v !== '').map(Number);
    })()""")
    assert values == sorted(values) and len(values) > 200
    assert browser.js(state)["shown"] == 200
    after = browser.js("(() => { document.querySelector('#facts button.show-all').click(); return 0; })()")
    assert after == 0
    final = browser.js(state)
    assert final["shown"] == final["rows"] and final["button"] is None, final
    assert browser.console_errors() == []
