"""One `facts run` over a folder holding every kind of bad input beside good files: every good
file and record is stored, every bad one is recorded with its reason, nothing hangs.

CASES is also the table in the README's "Rejected inputs" section (a test keeps them equal)."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from conftest import FACTS, ROOT

pytestmark = pytest.mark.long  # one run over a folder of every kind of bad file

S = ("Huawei said on Monday that revenue from its cloud unit rose 12 percent in 2025, "
     "helped by demand for Ascend chips in Shenzhen and Beijing.")


def text(case: str) -> str:
    """A distinct good article per case (identical texts would count as `unchanged`)."""
    return f"{S} This is the {case} case, and the analysts at Morgan Stanley expect more growth."


def rec(case: str, **extra) -> str:
    return json.dumps({"id": case, "text": text(case), **extra})


def deep_html(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + f"<p>{text('deep html')}</p>" + "</div>" * depth + "</body></html>"


PAGE = ("<html><head><title>Cloud revenue</title></head><body><nav><a href='/'>Home</a></nav>"
        "<article><h1>Cloud revenue</h1><p>{}</p><p>{}</p></article></body></html>")

# name -> (bytes, what each of its records gets: "stored" or the ingest_errors code)
CASES: dict[str, tuple[bytes, list[str]]] = {
    "good.txt": (text("good").encode(), ["stored"]),
    "empty.txt": (b"", ["empty"]),
    "blank.txt": (b"  \n\t\n  ", ["empty"]),
    "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, ["binary"]),
    "too_large.txt": ((text("too large") + "\n").encode() * 30_000, ["too_large"]),
    "latin1.txt": (text("Latin-1 café").encode("cp1252"), ["stored"]),
    "utf16_bom.txt": (text("UTF-16 with BOM").encode("utf-16"), ["stored"]),
    "utf16le_no_bom.txt": (text("UTF-16LE without BOM").encode("utf-16-le"), ["stored"]),
    "utf16be_no_bom.txt": (text("UTF-16BE without BOM").encode("utf-16-be"), ["stored"]),
    "mixed_utf8_latin1.txt": (text("mixed café").encode() + b"\n" + "Le café était fermé.".encode("cp1252"), ["stored"]),
    "stray_latin1_byte.txt": (text("stray byte naïve").encode() + b" caf\xe9.", ["stored"]),
    "control_chars.txt": (("\x01\x02" + text("control characters") + "\x03\x1f").encode(), ["stored"]),
    "ligature_and_control.txt": (("The \ufb01nance unit: " + text("ligature") + "\x0b end.").encode(), ["stored"]),
    "number_then_unit_on_next_line.txt": ((text("next line") + "\nIt said 40\npercent of firms agreed.").encode(), ["stored"]),
    "crlf.txt": (text("CRLF").replace(", ", ",\r\n").encode(), ["stored"]),
    "utf8_bom.txt": (b"\xef\xbb\xbf" + text("UTF-8 BOM").encode(), ["stored"]),
    "one_long_line.txt": ((text("one long line") + " ") .encode() * 1500, ["stored"]),
    "stray_nul.txt": ((text("stray NUL") + "\x00 ") .encode() * 20, ["stored"]),
    "zero_width_only.txt": ("\u200b\u200b\ufeff\u200b".encode(), ["no_body"]),
    "caf\udce9.txt": (text("file name not UTF-8").encode(), ["stored"]),
    "page.html": (PAGE.format(text("HTML page"), S).encode(), ["stored"]),
    "no_text_at_all.html": (b"<html><head><title>T</title><script>var x = 1;</script></head><body><img src=a.png></body></html>",
                            ["no_body"]),
    "nested_5000_deep.html": (deep_html(5000).encode(), ["stored"]),
    "unclosed_tags.html": (f"<html><body><div><p>{text('unclosed tags')}<p>{S}<div><b>".encode(), ["stored"]),
    "cp1251_meta.html": (('<html><head><meta charset="windows-1251"></head><body><article><p>'
                          + text("Windows-1251") + " Москва.</p></article></body></html>").encode("cp1251"), ["stored"]),
    "not_json.json": (b'{"id": "x", "text": ', ["bad_json"]),
    "nested_json.json": (b"[" * 100_000, ["bad_json"]),
    "list_with_a_string.json": (f"[{rec('list 1')}, \"just a string\", {rec('list 2')}]".encode(), ["stored", "bad_record", "stored"]),
    "no_text_field.json": (b'{"id": "n", "title": "No body here"}', ["no_text"]),
    "text_not_a_string.json": (b'{"id": "t", "text": 42}', ["no_text"]),
    "scalar.json": (b"42", ["bad_record"]),
    "same_id_twice.json": (f"[{rec('dup json')}, {rec('dup json', title='again')}]".encode(), ["stored", "duplicate_id"]),
    "one_bad_line.jsonl": ("\n".join([rec("jsonl 1"), '{"id": "broken", ', rec("jsonl 3")]).encode(), ["stored", "bad_json", "stored"]),
    "line_separators_in_strings.jsonl": (json.dumps({"id": "ls", "text": text("U+2028 \u2028 U+0085 \x85 form feed \f")},
                                                    ensure_ascii=False).encode(), ["stored"]),
    "lone_surrogate.jsonl": (('{"id": "s", "text": "' + text("lone surrogate") + ' \\ud800"}').encode(), ["stored"]),
    "same_id_twice.jsonl": ("\n".join([rec("dup"), rec("dup", title="again")]).encode(), ["stored", "duplicate_id"]),
    "blank_lines.jsonl": (("\n\n" + rec("blank 1") + "\n  \n" + rec("blank 2") + "\n\n").encode(), ["stored", "stored"]),
    "huge_line.jsonl": ((json.dumps({"id": "h", "text": "word " * 1_100_000}) + "\n" + rec("after huge")).encode(),
                        ["too_large", "stored"]),
    "crlf.jsonl": ((rec("crlf 1") + "\r\n" + rec("crlf 2") + "\r\n").encode(), ["stored", "stored"]),
    "array_line.jsonl": (("[1, 2, 3]\n" + rec("after array")).encode(), ["bad_record", "stored"]),
    "nested_line.jsonl": (("[" * 50_000 + "\n" + rec("after nested")).encode(), ["bad_json", "stored"]),
    "truncated_last_line.jsonl": ((rec("before cut") + "\n" + rec("cut")[:40]).encode(), ["stored", "bad_json"]),
    "binary_line.jsonl": ((rec("before binary") + "\n").encode() + b"\x00" * 300 + b"\n" + rec("after binary").encode(),
                          ["stored", "binary", "stored"]),
    "html_record.jsonl": (json.dumps({"id": "html", "text": PAGE.format(text("HTML in a record"), S)}).encode(), ["stored"]),
    "mixed_encodings.jsonl": ((rec("utf-8 line") + "\n").encode() + rec("cp1252 line café").encode("cp1252"),
                              ["stored", "stored"]),
}
# Named on the command line, beside the folder.
EXPLICIT = {
    "notes.pdf": ["unsupported"],
    "pipe.txt": ["not_a_file"],  # a FIFO: never opened, so never blocks
    "device.txt": ["not_a_file"],  # a symlink to /dev/zero: never read
}
# In the folder but not inputs: hidden files, other extensions, folders named like files.
SKIPPED = [".hidden.txt", "image.png", "folder.txt"]


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad")
    d = base / "in"
    d.mkdir()
    for name, (data, _) in CASES.items():
        (d / name).write_bytes(data)
    (d / ".hidden.txt").write_text(text("hidden"))
    (d / "image.png").write_bytes(b"\x89PNG\r\n")
    (d / "folder.txt").mkdir()
    (d / "folder.txt" / "inner.txt").write_text(text("inside a folder named folder.txt"))
    (base / "notes.pdf").write_bytes(b"%PDF-1.4")
    os.mkfifo(base / "pipe.txt")
    (base / "device.txt").symlink_to("/dev/zero")
    db = base / "f.duckdb"
    proc = subprocess.run([*FACTS, "run", d, base / "pipe.txt", base / "device.txt", base / "notes.pdf",
                           "--db", db, "--workers", "2"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    con = duckdb.connect(str(db), read_only=True)
    got: dict[str, Counter] = {}
    for path, in con.execute("SELECT path FROM articles").fetchall():
        got.setdefault(Path(path).name, Counter())["stored"] += 1
    for path, error in con.execute("SELECT path, error FROM ingest_errors").fetchall():
        got.setdefault(Path(path).name, Counter())[error] += 1
    run = con.execute("SELECT status, n_new, n_rejected, n_failed FROM runs").fetchall()
    con.close()
    return proc, got, run


def test_the_run_completes_and_exits_zero(outcome):
    proc, _, run = outcome
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert [r[0] for r in run] == ["complete"] and run[0][3] == 0


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_gets_what_the_table_says(outcome, name):
    _, got, _ = outcome
    shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    assert got.get(shown, Counter()) == Counter(CASES[name][1])


@pytest.mark.parametrize("name", sorted(EXPLICIT))
def test_files_named_explicitly(outcome, name):
    _, got, _ = outcome
    assert got.get(name) == Counter(EXPLICIT[name])


def test_what_is_not_an_input_is_skipped(outcome):
    _, got, _ = outcome
    assert not {".hidden.txt", "image.png", "folder.txt"} & set(got)
    assert got["inner.txt"] == Counter(["stored"])  # a folder named *.txt is searched, not read


def test_the_readme_table_lists_every_case():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, (_, outcomes) in {**CASES, **{k: (b"", v) for k, v in EXPLICIT.items()}}.items():
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        row = f"| `{shown}` |"
        assert row in readme, row
        line = next(l for l in readme.splitlines() if l.startswith(row))
        for o in set(outcomes):
            assert f"`{o}`" in line or (o == "stored" and "stored" in line), (line, o)
