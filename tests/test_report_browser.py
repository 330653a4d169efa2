"""The report in a real browser: Debian's headless Chromium, driven over the DevTools protocol.

No driver download and no extra package: Chromium is started with
--remote-debugging-pipe and spoken to with a few lines of stdlib (JSON messages
ending in NUL on fds 3 and 4).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from pipeline.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 60.0  # guards against a hung browser; nothing here measures time
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-pipe"]


class Chromium:
    """A headless Chromium and one page in it, over the DevTools pipe."""

    def __init__(self, binary: Path = CHROMIUM, width: int = 1280, height: int = 900):
        self.profile = tempfile.mkdtemp(prefix="facts-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds() -> None:  # in the child: Chromium reads fd 3 and writes fd 4
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen([str(binary), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     close_fds=False, preexec_fn=wire_fds)
        os.close(to_child_r)
        os.close(from_child_w)
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self._inbox: queue.Queue = queue.Queue()
        self.events: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    def _read(self) -> None:
        buf = b""
        with os.fdopen(self._from_child, "rb", buffering=0) as fh:
            while chunk := fh.read(65536):
                buf += chunk
                *messages, buf = buf.split(b"\0")
                for m in messages:
                    self._inbox.put(json.loads(m))
        self._inbox.put(None)

    def _pump(self) -> None:
        msg = self._inbox.get(timeout=TIMEOUT)
        if msg is None:
            raise RuntimeError("Chromium closed the DevTools pipe")
        if "id" in msg:
            self._replies[msg["id"]] = msg
        else:
            self.events.append(msg)

    def call(self, method: str, session: bool = False, **params) -> dict:
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self.session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        while self._next_id not in self._replies:
            self._pump()
        reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_event(self, method: str, since: int = 0) -> dict:
        """The first `method` event from events[since:] on, waiting for it if needed."""
        seen = since
        while True:
            for ev in self.events[seen:]:
                if ev.get("method") == method:
                    return ev
            seen = len(self.events)
            self._pump()

    def open(self, url: str) -> None:
        since = len(self.events)
        self.call("Page.navigate", session=True, url=url)
        self.wait_event("Page.loadEventFired", since)

    def js(self, expression: str):
        """Evaluate in the page (promises awaited); an exception in the page fails the call."""
        result = self.call("Runtime.evaluate", session=True, expression=expression, awaitPromise=True,
                           returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, full_height: int | None = None) -> Path:
        params = {"format": "png"}
        if full_height:
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": self.js("document.documentElement.clientWidth"),
                                "height": full_height, "scale": 1})
        import base64
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", session=True, **params)["data"]))
        return path

    def console_errors(self) -> list[str]:
        errors = []
        for ev in self.events:
            m, p = ev.get("method"), ev.get("params", {})
            if m == "Runtime.exceptionThrown":
                errors.append(json.dumps(p["exceptionDetails"])[:500])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append(" ".join(str(a.get("value", a.get("description"))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                errors.append(f"{p['entry'].get('source')}: {p['entry'].get('text')} {p['entry'].get('url', '')}")
        return errors

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: apt-get install chromium chromium-driver")
    b = Chromium()
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
