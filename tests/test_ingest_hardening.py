"""Input reading under hostile input: every problem is a recorded rejection with its
file and line, nothing valid is lost, and no input hangs or crashes a run.

Real files in tmp_path, the real pipeline (run_batch, the CLI), real DuckDB files.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import threading
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from conftest import CORPUS, FACTS, ROOT, invoke
from pipeline.ingest import read_documents
from pipeline.records import IngestError, RawDocument
from pipeline.runner import count_inputs, run_batch

GOOD = (CORPUS / "001_94624d9e0a2585ee.txt").read_text(encoding="utf-8")[:2000]
LATIN = ("The café’s owner said “déjà vu” when the Zürich committee — again — approved the naïve plan. "
         "Señor Müller paid €1,200 for the façade.\n")
SENTENCE = "Huawei shipped 2,000 Ascend chips to Shenzhen in March 2026, the company said."


def rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def errors(db):
    return rows(db, "SELECT path, line, error, message FROM ingest_errors ORDER BY path, line")


def articles(db):
    """source_key -> (path, line-free fields) for every stored article."""
    return {r[0]: r[1:] for r in rows(db, "SELECT source_key, path, source_id, raw_text, encoding, article_id, "
                                          "clean_text FROM articles")}


def record(i: int, text: str, **extra) -> str:
    return json.dumps({"id": f"r{i}", "text": text, **extra}, ensure_ascii=False)


# 1. lone surrogate escapes in JSON strings

def test_lone_surrogate_in_json_string_becomes_replacement_character(tmp_path, settings):
    f = tmp_path / "s.jsonl"
    f.write_text(
        '{"id":"a","text":"' + SENTENCE + ' x \\ud800 y","title":"T \\udc00"}\n'
        '{"id":"b","text":"' + SENTENCE + ' smile \\ud83d\\ude00 ok"}\n'
        '{"id":"c\\udfff","text":"' + SENTENCE + ' third"}\n', encoding="utf-8")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    summary = run_batch([tmp_path], db, settings, workers=1)
    assert summary.counts["new"] == 4 and summary.rejected == 0, summary.errors
    stored = articles(db)
    raw_a = stored[f"{f}#a"][2]
    assert raw_a.endswith(" x \ufffd y")
    assert stored[f"{f}#b"][2].endswith(" smile \U0001F600 ok")  # a valid pair stays one character
    assert f"{f}#c\ufffd" in stored
    assert stored[f"{f}#a"][4] == hashlib.sha256(raw_a.encode("utf-8")).hexdigest()[:16]
    assert rows(db, "SELECT title FROM articles WHERE source_id = 'a'") == [("T \ufffd",)]


# 2. nesting deeper than the recursion limit

def test_deeply_nested_json_is_bad_json_and_the_batch_goes_on(tmp_path, settings):
    (tmp_path / "x.json").write_text("[" * 100_000)
    (tmp_path / "y.jsonl").write_text(record(1, SENTENCE) + "\n" + "[" * 100_000 + "\n"
                                      + record(3, SENTENCE + " Again.") + "\n")
    db = tmp_path / "n.duckdb"
    summary = run_batch([tmp_path], db, settings, workers=1)
    assert summary.new == 2 and summary.rejected == 2
    got = {(Path(p).name, line, code) for p, line, code, _ in errors(db)}
    assert got == {("x.json", None, "bad_json"), ("y.jsonl", 2, "bad_json")}
    for path, line, _, message in errors(db):
        assert message.startswith(f"{path}:{line}:" if line else f"{path}:")
        assert "nested too deeply" in message


# 3. file names that are not UTF-8

def test_file_name_not_utf8_is_read_and_stored_with_escaped_name(tmp_path, settings):
    d = tmp_path / "d"
    d.mkdir()
    bad = os.fsdecode(os.fsencode(str(d)) + b"/caf\xe9.txt")
    Path(bad).write_text(GOOD, encoding="utf-8")
    (d / "good.txt").write_text(LATIN * 3, encoding="utf-8")
    db = tmp_path / "f.duckdb"
    summary = run_batch([d], db, settings, workers=1)
    assert summary.new == 2 and summary.rejected == 0, summary.errors
    shown = f"{d}/caf\\xe9.txt"
    assert rows(db, f"SELECT path, source_key FROM articles WHERE path LIKE '%caf%'") == [(shown, shown)]
    again = run_batch([d], db, settings, workers=1)  # stable: the same name is the same slot
    assert again.unchanged == 2 and again.new == 0
    # a non-UTF-8 name that is rejected is recorded under the same printable form
    Path(os.fsdecode(os.fsencode(str(d)) + b"/\xff.txt")).write_bytes(b"")
    run_batch([d], db, settings, workers=1)
    assert (f"{d}/\\xff.txt", None, "empty") in [r[:3] for r in errors(db)]


# 4. FIFOs, devices: never opened; reads bounded

def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # an unbounded read fails, not the machine


def test_fifo_and_device_are_rejected_without_being_read(tmp_path):
    fifo = tmp_path / "p.txt"
    os.mkfifo(fifo)
    zero = tmp_path / "z.txt"
    zero.symlink_to("/dev/zero")  # a device: reading it never ends
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "q.txt")
    (folder / "also.txt").write_text(LATIN * 3, encoding="utf-8")
    db = tmp_path / "p.duckdb"
    proc = subprocess.run([*FACTS, "run", str(fifo), str(zero), str(good), str(folder), "--db", str(db),
                           "--workers", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          preexec_fn=_limit_memory)
    assert proc.returncode == 0, proc.stderr
    assert "2 new, 0 unchanged, 0 replaced, 2 rejected" in proc.stdout
    assert [r[:3] for r in errors(db)] == [(str(fifo), None, "not_a_file"), (str(zero), None, "not_a_file")]
    assert f"{fifo}: a named pipe (FIFO), not a regular file; not read" in proc.stderr
    assert f"{zero}: a device, not a regular file; not read" in proc.stderr

    proc = subprocess.run([*FACTS, "inspect", str(fifo)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["error"] == "not_a_file" and out["path"] == str(fifo)


# 5. JSON lines end at "\n" only

def test_json_lines_split_on_newline_only(tmp_path, settings):
    f = tmp_path / "l.jsonl"
    tricky = SENTENCE + " Line\u2028separator, next\u0085line, form\x0cfeed."
    f.write_bytes((record(1, SENTENCE) + "\r\n" + record(2, tricky) + "\r\n\n"
                   + record(4, SENTENCE + " Fourth.") + "\n").encode("utf-8"))
    db = tmp_path / "l.duckdb"
    summary = run_batch([f], db, settings, workers=1)
    assert summary.rejected == 0, summary.errors
    assert summary.new == 3
    assert sorted(rows(db, "SELECT source_id FROM articles")) == [("r1",), ("r2",), ("r4",)]
    assert [(d.source_id, d.line) for d in read_documents([f], settings.ingest)] == [("r1", 1), ("r2", 2), ("r4", 4)]
    assert rows(db, "SELECT raw_text FROM articles WHERE source_id = 'r2'") == [(tricky,)]
    # stdin splits the same way
    result = invoke("inspect", "-", "--format", "jsonl", input=f.read_bytes())
    assert [(o["id"], o["line"]) for o in map(json.loads, result.stdout.splitlines())] == \
        [("r1", 1), ("r2", 2), ("r4", 4)]


# 6. the size limit belongs to one record; .jsonl files stream

def test_size_limit_applies_per_record_not_per_jsonl_file(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    lines = [record(i, f"Record {i}. " + GOOD[i * 100:i * 100 + 900]) for i in range(1, 11)]
    lines.insert(4, record(99, "Too long. " + GOOD))  # line 5: about 2,050 bytes
    (inp / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (inp / "list.json").write_text(json.dumps([{"id": f"j{i}", "text": f"Item {i}. " + GOOD[:1000]}
                                               for i in range(3)] + [{"id": "jbig", "text": GOOD}]))
    cfg = tmp_path / "limits.toml"
    cfg.write_text("[ingest]\nmax_bytes = 2_000\n")
    db = tmp_path / "big.duckdb"
    result = invoke("run", inp, "--db", db, "--workers", "1", "--config", cfg)
    assert result.exit_code == 0, result.output
    assert "13 new, 0 unchanged, 0 replaced, 2 rejected" in result.stdout
    errs = [r[:3] for r in errors(db)]
    assert errs == [(str(inp / "export.jsonl"), 5, "too_large"), (str(inp / "list.json"), 4, "too_large")]
    assert f"{inp / 'export.jsonl'}:5: line is " in result.output and "over the limit of 2,000" in result.output
    # a .json document is parsed whole: its own whole-file limit
    cfg.write_text("[ingest]\nmax_json_bytes = 2_000\n")
    db2 = tmp_path / "json.duckdb"
    result = invoke("run", inp / "list.json", "--db", db2, "--workers", "1", "--config", cfg)
    assert [r[2] for r in errors(db2)] == ["too_large"]
    assert "(ingest.max_json_bytes in config)" in result.output


def test_jsonl_is_streamed_in_bounded_memory_and_linear_time(tmp_path, settings):
    f = tmp_path / "huge.jsonl"
    small = replace(settings.ingest, max_bytes=1_000_000)
    with open(f, "w", encoding="utf-8") as fh:
        for i in range(2000):
            fh.write(record(i, f"Record {i}. " + GOOD[:5000]) + "\n")
        fh.write(record(5000, "x" * 12_000_000) + "\n")  # one 12 MB line, over the limit
        fh.write(record(5001, "after the long line") + "\n")
    assert f.stat().st_size > 15_000_000
    tracemalloc.start()
    n_docs, errs = 0, []
    for item in read_documents([f], small):
        if isinstance(item, RawDocument):
            n_docs += 1
        else:
            errs.append(item)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert n_docs == 2001
    assert [(e.error, e.line) for e in errs] == [("too_large", 2001)]
    assert peak < 6_000_000, f"peak {peak:,} bytes"
    # a line just under the default 5 MB limit is read in time linear in its size
    one = tmp_path / "one.jsonl"
    one.write_text(record(1, "Huawei shipped chips. " * 220_000) + "\n", encoding="utf-8")
    assert 4_500_000 < one.stat().st_size < settings.ingest.max_bytes
    t0 = time.perf_counter()
    docs = list(read_documents([one], settings.ingest))
    assert time.perf_counter() - t0 < 5
    assert [type(d) for d in docs] == [RawDocument]


# 7. mixed UTF-8 and legacy bytes

def test_mixed_utf8_and_latin1_lines_are_decoded_line_by_line(tmp_path, settings):
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes(SENTENCE.encode() + b"\n" + (LATIN * 3).encode("utf-8")
                      + "Crème brûlée à la carte, s'il vous plaît.\n".encode("latin-1"))
    stray = tmp_path / "stray.txt"  # a UTF-8 page with one stray Latin-1 byte
    stray.write_bytes(SENTENCE.encode() + b"\n" + (LATIN * 3).encode("utf-8") + b"A caf\xe9 on the corner.\n")
    db = tmp_path / "m.duckdb"
    summary = run_batch([tmp_path], db, settings, workers=1)
    assert summary.new == 2 and summary.rejected == 0, summary.errors
    stored = {Path(p).name: (raw, enc) for p, raw, enc in rows(db, "SELECT path, raw_text, encoding FROM articles")}
    for name, tail in (("mixed.txt", "Crème brûlée à la carte, s'il vous plaît.\n"),
                       ("stray.txt", "A café on the corner.\n")):
        raw, enc = stored[name]
        assert raw == SENTENCE + "\n" + LATIN * 3 + tail
        assert enc.startswith("utf-8+")


# 8. UTF-16 without a byte-order mark

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(tmp_path, settings, codec):
    text = SENTENCE + "\n" + LATIN * 3 + "华为昇腾芯片的出货量在二零二五年大幅增长。\n"
    f = tmp_path / "u.txt"
    f.write_bytes(text.encode(codec))
    db = tmp_path / "u.duckdb"
    summary = run_batch([f], db, settings, workers=1)
    assert summary.new == 1, summary.errors
    assert rows(db, "SELECT raw_text, encoding FROM articles") == [(text, codec)]


# 9. control characters are not binary

def test_control_characters_do_not_make_an_article_binary(tmp_path, settings):
    text = (SENTENCE + " \x01Chips\x02 and \x1bmodels\x07. " + SENTENCE)[:170]
    assert len(text) == 170
    f = tmp_path / "c.txt"
    f.write_text(text, encoding="utf-8")
    (tmp_path / "zeros.txt").write_bytes(bytes(4000))  # NUL-heavy: still binary
    # JSON lines with one binary line: that line is rejected, not the file
    (tmp_path / "part.jsonl").write_bytes(record(1, SENTENCE).encode() + b"\n" + bytes(300) + b"\n")
    db = tmp_path / "c.duckdb"
    summary = run_batch([tmp_path], db, settings, workers=1)
    assert summary.new == 2
    assert [(Path(p).name, line, code) for p, line, code, _ in errors(db)] == \
        [("part.jsonl", 2, "binary"), ("zeros.txt", None, "binary")]
    (raw, clean), = rows(db, "SELECT raw_text, clean_text FROM articles WHERE source_id IS NULL")
    assert raw == text
    assert not any(c in clean for c in "\x01\x02\x1b\x07")


# 10. one record per id in a file

def test_duplicate_id_in_one_jsonl_is_rejected_naming_both_lines(tmp_path, settings):
    a = tmp_path / "a.jsonl"
    a.write_text("\n".join([record(1, SENTENCE), record(2, SENTENCE + " Two."),
                            record(1, SENTENCE + " A different text, same id.")]) + "\n")
    b = tmp_path / "b.jsonl"
    b.write_text(record(1, SENTENCE + " In another file.") + "\n")
    db = tmp_path / "d.duckdb"
    summary = run_batch([a, b], db, settings, workers=1)
    assert summary.new == 3 and summary.rejected == 1
    assert errors(db) == [(str(a), 3, "duplicate_id", f"{a}:3: same id 'r1' as line 1; this line is skipped")]
    stored = articles(db)
    assert stored[f"{a}#r1"][2] == SENTENCE  # the first record keeps the slot
    assert stored[f"{b}#r1"][2] == SENTENCE + " In another file."


# 11. the progress count: no hang, same lines

def test_count_inputs_does_not_open_a_fifo_and_counts_as_ingest_reads(tmp_path, settings):
    fifo = tmp_path / "p.jsonl"
    os.mkfifo(fifo)
    f = tmp_path / "l.jsonl"
    f.write_bytes((record(1, "a\u2028b") + "\r\n\n" + record(2, "c\u0085d") + "\n   \n"
                   + record(3, "x" * 3000) + "\n" + record(4, "e")).encode("utf-8"))
    out: list[int] = []
    t = threading.Thread(target=lambda: out.append(count_inputs([fifo, f], settings.ingest)), daemon=True)
    t.start()
    t.join(30)
    if t.is_alive():  # unblock the reader so the thread ends, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        t.join(5)
        pytest.fail("count_inputs blocked on a FIFO")
    small = replace(settings.ingest, max_bytes=1000)
    assert out == [1 + len(list(read_documents([f], small)))] == [1 + 4]


def test_utf16_jsonl_without_bom_is_streamed_line_by_line(tmp_path, settings):
    lines = [record(i, f"{SENTENCE} \U0001F600 {i}\u2028end") for i in range(1, 1201)]  # > 64 KiB: head cut mid-record
    f = tmp_path / "w.jsonl"
    f.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16-le"))
    docs = list(read_documents([f], settings.ingest))
    assert [type(d) for d in docs] == [RawDocument] * 1200
    assert [(d.line, d.encoding) for d in docs[:2]] == [(1, "utf-16-le"), (2, "utf-16-le")]
    assert docs[-1].raw_text == f"{SENTENCE} \U0001F600 1200\u2028end"
    assert count_inputs([f], settings.ingest) == 1200
