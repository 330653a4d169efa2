"""Bad input: each is reported by name, recorded in ingest_errors, and the batch goes on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from conftest import CORPUS, invoke

GOOD = (CORPUS / "001_94624d9e0a2585ee.txt").read_text(encoding="utf-8")[:3000]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(200)
CHINESE = ("华为昇腾芯片的出货量在二零二五年大幅增长。深度求索发布了新的模型，"
           "并宣布其推理服务将迁移到国产算力平台上运行。分析人士认为，这标志着中国人工智能产业的一个转折点。\n") * 3
LATIN = ("The café’s owner said “déjà vu” when the Zürich committee — again — approved the naïve plan. "
         "Señor Müller paid €1,200 for the façade.\n") * 3


def errors(db):
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT path, line, error, message FROM ingest_errors ORDER BY path, line").fetchall()
    con.close()
    return rows


def article_texts(db):
    con = duckdb.connect(str(db), read_only=True)
    rows = dict(con.execute("SELECT path, clean_text FROM articles").fetchall())
    con.close()
    return rows


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    inp = d / "in"
    inp.mkdir()
    (inp / "good.txt").write_text(GOOD, encoding="utf-8")
    (inp / "empty.txt").write_bytes(b"")
    (inp / "blank.txt").write_text("   \n\t\n  \n")
    (inp / "image.txt").write_bytes(PNG)
    (inp / "utf16.txt").write_bytes(("UTF-16 edition.\n" + LATIN).encode("utf-16"))  # with BOM
    (inp / "gb18030.txt").write_bytes(CHINESE.encode("gb18030"))
    (inp / "cp1252.txt").write_bytes(LATIN.encode("cp1252"))
    (inp / "huge.txt").write_text("Huawei shipped chips. " * 2000)
    lines = [
        json.dumps({"id": "r1", "text": GOOD[:1500] + " one", "title": "First", "published": "2026-04-01",
                    "source": "Example Wire", "author": "A. Writer", "url": "https://example.com/1"}),
        '{"id": "r2", "text": "unterminated',
        json.dumps({"id": "r3", "title": "no text here"}),
        json.dumps({"id": "r4", "content": GOOD[1500:3000] + " four"}),
    ]
    (inp / "records.jsonl").write_text("\n".join(lines) + "\n")
    cfg = d / "limits.toml"
    cfg.write_text("[ingest]\nmax_bytes = 20_000\n")
    db = d / "bad.duckdb"
    result = invoke("run", inp, "--db", db, "--workers", "1", "--config", cfg)
    return inp, db, result


def test_batch_goes_on_and_counts(bad_batch):
    inp, db, result = bad_batch
    assert result.exit_code == 0, result.output
    # good, utf16, gb18030, cp1252, r1, r4 stored; empty, blank, image, huge, r2, r3 rejected
    assert "6 new, 0 unchanged, 0 replaced, 6 rejected" in result.stdout


@pytest.mark.parametrize("name, line, code, words", [
    ("empty.txt", None, "empty", "file is empty"),
    ("blank.txt", None, "empty", "only whitespace"),
    ("image.txt", None, "binary", "binary data"),
    ("huge.txt", None, "too_large", "over the limit of 20,000"),
    ("records.jsonl", 2, "bad_json", "not valid JSON"),
    ("records.jsonl", 3, "no_text", "record has no text"),
])
def test_each_reject_is_recorded_with_its_file(bad_batch, name, line, code, words):
    inp, db, result = bad_batch
    path = str(inp / name)
    match = [r for r in errors(db) if r[0] == path and r[1] == line]
    assert len(match) == 1, errors(db)
    _, _, err, message = match[0]
    assert err == code
    assert words in message and path in message
    assert message in result.output  # told to the user too


def test_encodings_are_decoded_not_mangled(bad_batch):
    inp, db, _ = bad_batch
    texts = article_texts(db)
    assert "华为昇腾芯片的出货量" in texts[str(inp / "gb18030.txt")]
    for name in ("utf16.txt", "cp1252.txt"):
        text = texts[str(inp / name)]
        assert "The café’s owner said “déjà vu” when the Zürich committee — again" in text
        assert "Señor Müller paid €1,200 for the façade." in text
    con = duckdb.connect(str(db), read_only=True)
    enc = dict(con.execute("SELECT path, lower(encoding) FROM articles").fetchall())
    con.close()
    assert enc[str(inp / "utf16.txt")] == "utf-16"
    assert enc[str(inp / "gb18030.txt")] in ("gb18030", "gbk", "gb2312")
    assert enc[str(inp / "cp1252.txt")] == "cp1252"


def test_jsonl_records_keep_their_id_and_metadata(bad_batch):
    inp, db, _ = bad_batch
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT source_id, title, outlet, author, CAST(published AS VARCHAR), url FROM articles "
        "WHERE source_id IS NOT NULL ORDER BY source_id").fetchall()
    con.close()
    assert rows[0] == ("r1", "First", "Example Wire", "A. Writer", "2026-04-01", "https://example.com/1")
    assert rows[1][0] == "r4" and len(rows) == 2


def test_missing_path_is_a_usage_error_with_exit_2(tmp_path):
    result = invoke("run", tmp_path / "nope", "--db", tmp_path / "x.duckdb")
    assert result.exit_code == 2
    assert "does not exist" in result.output
    assert not (tmp_path / "x.duckdb").exists()


def _drop_file_read_override() -> None:
    """In the child, before exec: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the
    bounding set, so even root obeys file modes (root owns the chmod-000 file; every
    other file it owns stays readable)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    PR_CAPBSET_DROP = 24
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_unreadable_file_is_rejected_and_the_batch_goes_on(tmp_path):
    import subprocess

    from conftest import FACTS, ROOT

    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD + " locked", encoding="utf-8")
    os.chmod(locked, 0o000)
    db = tmp_path / "perm.duckdb"
    preexec = _drop_file_read_override if os.geteuid() == 0 else None
    proc = subprocess.run([*FACTS, "run", str(tmp_path), "--db", str(db), "--workers", "1"], cwd=ROOT,
                          capture_output=True, text=True, preexec_fn=preexec, timeout=300)
    os.chmod(locked, 0o600)
    assert proc.returncode == 0, proc.stderr
    assert "1 new, 0 unchanged, 0 replaced, 1 rejected" in proc.stdout
    assert f"{locked}: permission denied" in proc.stderr
    assert [(r[0], r[2]) for r in errors(db)] == [(str(locked), "unreadable")]


def test_unsupported_file_named_explicitly_is_rejected(tmp_path):
    f = tmp_path / "notes.md"
    f.write_text("# hello")
    result = invoke("run", f, "--db", tmp_path / "x.duckdb", "--workers", "1")
    assert result.exit_code == 0
    assert "unsupported file type '.md'" in result.output
