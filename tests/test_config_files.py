"""Every file of a configuration folder is checked before a run starts (issue 35): a misspelt
key, an unknown section or a value of the wrong kind is one line naming the file and the key;
tables of data (unit words, currencies, stop lists) take new keys. Real files, copied from
config/ and edited as a user would."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import invoke
from pipeline.config import DEFAULT_CONFIG_DIR, load_settings
from pipeline.config_files import SCHEMA_FILE, shape_of
from pipeline.errors import ConfigError


def test_the_schema_is_the_shape_of_the_shipped_files():
    """config_schema.json is written from config/ (`python -m pipeline.config_files`): after a key
    is added to a shipped file, write it again."""
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == shape_of(DEFAULT_CONFIG_DIR)


# file, text to replace (first occurrence, at a line start), replacement, what the message must name
MISSPELT_KEYS = [
    ("boilerplate.toml", "max_lines =", "max_line =", "unknown key 'max_line' in [head]"),
    ("boilerplate.toml", "title_min_words =", "title_min_word =", "unknown key 'title_min_word' in [page_meta]"),
    ("entities.toml", "aliases =", "alias =", "unknown key 'alias' in [[entity]] number 1"),
    ("entity_rules.toml", "generic_terms =", "generic_term =", "unknown key 'generic_term' in [filters]"),
    ("fact_model.toml", "merge =", "merg =", "unknown key 'merg' in [thresholds]"),
    ("link_model.toml", "threshold =", "treshold =", "unknown key 'treshold' in the top level"),
    ("timex.toml", "tense_shift_min_days =", "tense_shift_min_day =",
     "unknown key 'tense_shift_min_day' in [resolve]"),
    ("units.toml", "window =", "windw =", "unknown key 'windw' in [currency_context]"),
    ("pipeline.toml", "workers =", "worker =", "unknown key 'worker' in [run]"),
]
UNKNOWN_SECTIONS = [
    ("boilerplate.toml", "[head]", "[headd]", "unknown section [headd]"),
    ("entities.toml", "[[entity]]", "[[entry]]", "unknown section [[entry]]"),
    ("entity_rules.toml", "[extensions]", "[extension]", "unknown section [extension]"),
    ("fact_model.toml", "[event_merge]", "[event_merges]", "unknown section [event_merges]"),
    ("link_model.toml", "[weights]", "[weight]", "unknown section [weight]"),
    ("timex.toml", "[resolve]", "[resolv]", "unknown section [resolv]"),
    ("units.toml", "[measure_verbs]", "[measure_verb]", "unknown section [measure_verb]"),
    ("units.toml", "[count_synonyms]", "[count_synonym]", "unknown section [count_synonym]"),
    ("pipeline.toml", "[serve]", "[server]", "unknown section [server]"),
]


def edited_folder(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(old)}", text, flags=re.M), f"{name} has no line starting {old!r}"
    path.write_text(re.sub(rf"^{re.escape(old)}", lambda m: new, text, count=1, flags=re.M), encoding="utf-8")
    return folder


@pytest.mark.parametrize("name, old, new, said", MISSPELT_KEYS + UNKNOWN_SECTIONS,
                         ids=[f"{c[0]}:{c[2]}" for c in MISSPELT_KEYS + UNKNOWN_SECTIONS])
def test_a_typo_in_any_config_file_is_one_error_naming_file_and_key(tmp_path, name, old, new, said):
    folder = edited_folder(tmp_path, name, old, new)
    with pytest.raises(ConfigError) as err:
        load_settings(config_dir=folder)
    message = str(err.value)
    assert message.startswith(str(folder / name)) and said in message and "\n" not in message
    assert "known:" in message  # the keys or sections that are there


def test_a_value_of_the_wrong_kind_and_a_missing_key_are_named(tmp_path):
    folder = edited_folder(tmp_path, "boilerplate.toml", "max_lines =", 'max_lines = "12" #')
    with pytest.raises(ConfigError, match=r"boilerplate.toml: \[head\] 'max_lines' must be a number, not a string"):
        load_settings(config_dir=folder)
    folder = edited_folder(tmp_path / "b", "timex.toml", "tense_shift_min_days =", "# tense_shift_min_days =")
    with pytest.raises(ConfigError, match=r"timex.toml: \[resolve\] lacks 'tense_shift_min_days'"):
        load_settings(config_dir=folder)
    folder = edited_folder(tmp_path / "c", "pipeline.toml", "batch_size =", "# batch_size =")
    with pytest.raises(ConfigError, match=r"pipeline.toml: \[run\] lacks 'batch_size'"):
        load_settings(config_dir=folder)
    folder = edited_folder(tmp_path / "d", "fx_rates.csv", "currency,year,usd_per_unit", "currency,yr,usd_per_unit")
    with pytest.raises(ConfigError, match=r"fx_rates.csv: the first line must name the columns currency, year"):
        load_settings(config_dir=folder)


def test_tables_of_data_take_new_keys(tmp_path):
    folder = edited_folder(tmp_path, "units.toml", "[measure_verbs]", '[measure_verbs]\nbequeath = "bequest"')
    assert load_settings(config_dir=folder).config_dir == folder
    folder = edited_folder(tmp_path / "b", "boilerplate.toml", "[prose.stoplists]", '[prose.stoplists]\nsv = "Swedish"')
    load_settings(config_dir=folder)
    folder = edited_folder(tmp_path / "c", "units.toml", "[measure_verbs]", "[measure_verbs]\nbequeath = 3")
    with pytest.raises(ConfigError, match=r"\[measure_verbs\] 'bequeath' must be a string, not a number"):
        load_settings(config_dir=folder)


def test_the_cli_stops_before_a_run_starts(tmp_path, monkeypatch):
    folder = edited_folder(tmp_path, "units.toml", "[measure_verbs]", "[measure_verb]")
    monkeypatch.setenv("FACTS_CONFIG_DIR", str(folder))
    (tmp_path / "a.txt").write_text("Huawei shipped 10,000 chips in March 2026.\n", encoding="utf-8")
    result = invoke("run", tmp_path / "a.txt", "--db", tmp_path / "facts.duckdb", "--workers", "1")
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith(f"Error: {folder / 'units.toml'}: unknown section [measure_verb]")
    assert not (tmp_path / "facts.duckdb").exists()
