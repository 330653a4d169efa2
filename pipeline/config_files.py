"""Check every file of a configuration folder against the shape of the files facts ships,
before a run starts.

The shape (config_schema.json, written from the shipped config/ by `python -m
pipeline.config_files`) is the shipped files' keys and the kind of each value: a key the
shipped file does not have at the same place is a typo (an error naming the file, the key and
the keys known there); a key it has must be there, with a value of the same kind. Some tables hold data
rather than settings (unit words, currencies, stop lists, gazetteer entries): any key is
welcome there, with values of the kind the shipped ones have. Without this, a misspelt key
was a bare KeyError in the middle of a run, and an unknown one was silently ignored.
"""

from __future__ import annotations

import copy
import csv
import json
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import ConfigError

# Per file, the tables whose keys are data ("a.b" is table b inside table a). Arrays of tables
# ([[entity]], [[pattern]]) are checked item by item against the keys the shipped items use.
DATA_TABLES: dict[str, tuple[str, ...]] = {
    "boilerplate.toml": ("page_meta.byline_prefixes", "prose.stoplists"),
    "entities.toml": (),
    "entity_rules.toml": ("extensions",),
    "fact_model.toml": (),
    "link_model.toml": (),
    "timex.toml": (),
    "units.toml": ("scales", "scales_case_sensitive", "number_words", "vague_numbers", "currencies",
                   "currency_prefixes", "qualifiers", "units", "measure_verbs", "count_synonyms",
                   "measure_classes", "fractions", "multipliers", "pint.names", "pint.families"),
}


# A checkout (and an editable install) reads config/ beside the package; an installed wheel
# carries the same files as pipeline/defaults (see pyproject.toml).
_CHECKOUT_CONFIG = Path(__file__).resolve().parent.parent / "config"
DEFAULT_CONFIG_DIR = _CHECKOUT_CONFIG if (_CHECKOUT_CONFIG / "pipeline.toml").is_file() \
    else Path(__file__).resolve().parent / "defaults"
SCHEMA_FILE = Path(__file__).with_name("config_schema.json")


def check_folder(config_dir: Path) -> None:
    """Raise ConfigError on the first file of config_dir that the shipped shape does not allow."""
    schema = _schema()
    for name, shape in schema["toml"].items():
        path = Path(config_dir) / name
        if not path.exists():
            raise ConfigError(f"{path}: config file not found (a configuration folder needs every file "
                              "config/ has)")
        _check(_load(path), shape, path, ())
    for name, header in schema["csv"].items():
        _check_csv_header(Path(config_dir) / name, header)


def shape_of(config_dir: Path) -> dict[str, Any]:
    """The shape of a folder's files: what check_folder holds other folders to (config_schema.json
    is this, for the shipped config/; tests/test_config_files.py keeps the two equal)."""
    toml = {name: _shape(_load(Path(config_dir) / name), (), DATA_TABLES[name]) for name in DATA_TABLES}
    csvs = {"fx_rates.csv": _csv_header(Path(config_dir) / "fx_rates.csv")}
    return {"toml": toml, "csv": csvs}


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def read_config(path: str | Path) -> dict[str, Any]:
    """A TOML file of the configuration, parsed once per version of the file (every loader of a
    stage reads through here); a copy, so no caller can change what the next one reads."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: config file not found")
    return copy.deepcopy(_load(path))


def _load(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return _load_cached(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load_cached(path: str, _mtime: int, _size: int) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _shape(value: Any, trail: tuple[str, ...], data: tuple[str, ...]) -> Any:
    """A scalar's kind; a table's keys and their shapes ({"*": shape} where keys are data); an
    array of tables' item keys, those some items leave out marked optional."""
    if isinstance(value, dict):
        if ".".join(trail) in data:
            return {"*": _shape(next(iter(value.values())), (*trail, "*"), data)} if value else {"*": "a string"}
        return {"keys": {k: _shape(v, (*trail, k), data) for k, v in value.items()}}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys = sorted(set().union(*(set(v) for v in value)))
        return {"items": keys, "optional": [k for k in keys if not all(k in v for v in value)]}
    return _kind(value)


def _where(trail: tuple[str, ...]) -> str:
    return f"[{'.'.join(trail)}]" if trail else "the top level"


def _check(value: Any, shape: Any, path: Path, trail: tuple[str, ...]) -> None:
    if isinstance(shape, str):
        if _kind(value) != shape:
            raise ConfigError(f"{path}: {_where(trail[:-1])} {trail[-1]!r} must be {shape}, not {_kind(value)}")
        return
    if "items" in shape:
        if not isinstance(value, list):
            raise ConfigError(f"{path}: [[{trail[-1]}]] must be an array of tables")
        allowed, required = set(shape["items"]), set(shape["items"]) - set(shape["optional"])
        for i, item in enumerate(value, 1):
            if not isinstance(item, dict):
                raise ConfigError(f"{path}: [[{trail[-1]}]] number {i} must be a table")
            unknown = sorted(set(item) - allowed)
            if unknown:
                raise ConfigError(f"{path}: unknown key {unknown[0]!r} in [[{trail[-1]}]] number {i} "
                                  f"(known: {', '.join(shape['items'])})")
            missing = sorted(required - set(item))
            if missing:
                raise ConfigError(f"{path}: [[{trail[-1]}]] number {i} lacks {', '.join(map(repr, missing))}")
        return
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {_where(trail[:-1])} {trail[-1]!r} must be a table, not {_kind(value)}")
    if "*" in shape:  # data: any key, values of the shipped kind
        for key, item in value.items():
            _check(item, shape["*"], path, (*trail, key))
        return
    known = shape["keys"]
    for key, item in value.items():
        if key not in known:
            if isinstance(item, dict):
                what = f"section [{'.'.join((*trail, key))}]"
            elif isinstance(item, list) and item and all(isinstance(i, dict) for i in item):
                what = f"section [[{'.'.join((*trail, key))}]]"
            else:
                what = f"key {key!r}"
            raise ConfigError(f"{path}: unknown {what} in {_where(trail)} (known: {', '.join(known)})")
        _check(item, known[key], path, (*trail, key))
    missing = [k for k in known if k not in value]
    if missing:
        raise ConfigError(f"{path}: {_where(trail)} lacks {', '.join(repr(k) for k in missing)} "
                          f"(see config/{path.name} as shipped)")


def _csv_header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return next((r for r in csv.reader(fh) if r and not r[0].startswith("#")), [])


def _check_csv_header(path: Path, want: list[str]) -> None:
    if not path.exists():
        raise ConfigError(f"{path}: config file not found")
    header = _csv_header(path)
    if header != want:
        raise ConfigError(f"{path}: the first line must name the columns {', '.join(want)} "
                          f"(found: {', '.join(header) or 'nothing'})")


if __name__ == "__main__":  # python -m pipeline.config_files: write the schema of the shipped config/
    SCHEMA_FILE.write_text(json.dumps(shape_of(DEFAULT_CONFIG_DIR), indent=1, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    print(SCHEMA_FILE)
