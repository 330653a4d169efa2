"""Load config/*.toml into one frozen Settings object, passed to every stage.

The defaults file ships in the repository's config/ folder; a user's file given
with --config is read on top of it, so a partial file works. Unknown sections or
keys are errors (a typo must not be silently ignored).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config_files import DEFAULT_CONFIG_DIR, check_folder
from .errors import ConfigError

@dataclass(frozen=True)
class ModelSettings:
    name: str
    fallbacks: tuple[str, ...]


@dataclass(frozen=True)
class RunSettings:
    workers: int
    batch_size: int
    write_batch: int
    lock_wait_seconds: float


@dataclass(frozen=True)
class IngestSettings:
    max_bytes: int  # one record: a .txt/.html file, a .jsonl line, a .json record's text
    max_json_bytes: int  # a whole .json file (parsed in one piece)
    extensions: tuple[str, ...]
    max_control_ratio: float
    max_nul_ratio: float
    mixed_utf8_min_share: float
    preferred_encodings: tuple[str, ...]
    encoding_preference_margin: float
    text_fields: tuple[str, ...]
    title_fields: tuple[str, ...]
    url_fields: tuple[str, ...]
    published_fields: tuple[str, ...]
    outlet_fields: tuple[str, ...]
    author_fields: tuple[str, ...]
    id_fields: tuple[str, ...]


HTML_FAVOR = ("precision", "balanced", "recall")  # trafilatura's trade-offs


@dataclass(frozen=True)
class NormalizeSettings:
    languages: tuple[str, ...]
    language_min_confidence: float
    language_sample_chars: int
    default_language: str
    language_min_chars: int
    remove_boilerplate: bool
    html_max_depth: int
    html_favor: str
    html_recut: bool


@dataclass(frozen=True)
class ExtractSettings:
    entity_labels: tuple[str, ...]
    gazetteers: tuple[str, ...]
    max_chunk_chars: int  # spaCy reads a longer text in pieces (pipeline.toml says why)
    languages: tuple[str, ...]


@dataclass(frozen=True)
class LinkSettings:
    max_spelling_edits: int
    spelling_min_chars: int
    type_groups: tuple[str, ...]
    place_labels: tuple[str, ...]


@dataclass(frozen=True)
class StorySettings:
    entity_weight: float
    figure_weight: float
    figure_min: float
    threshold: float
    rarity_ceiling: float
    min_edge: float
    max_postings: int
    max_days_apart: int
    attach_threshold: float
    attach_max_size: int
    disjoint_names: float


@dataclass(frozen=True)
class ReconcileSettings:
    value_tolerance: float
    approx_tolerance: float
    sentence_alike: float
    measure_overlap: float
    near_chars: int
    duplicate_jaccard: float
    shingle_words: int
    restatement_share: float
    restatement_min: int
    restatement_max_articles: int


@dataclass(frozen=True)
class ExportSettings:
    articles_exclude: tuple[str, ...]


@dataclass(frozen=True)
class QuerySettings:
    timeout_seconds: float
    memory_limit: str
    max_temp_size: str
    max_sql_bytes: int


@dataclass(frozen=True)
class ServeSettings:
    host: str
    port: int
    refresh_seconds: float
    page_size: int


@dataclass(frozen=True)
class Settings:
    """Every setting, read from the configuration folder (config/ unless $FACTS_CONFIG_DIR or
    config_dir= says another) and a user's file on top; `load_settings()` makes one. The values
    are in the shipped config/pipeline.toml only: a section here has no defaults of its own."""

    model: ModelSettings
    run: RunSettings
    ingest: IngestSettings
    normalize: NormalizeSettings
    extract: ExtractSettings
    link: LinkSettings
    stories: StorySettings
    reconcile: ReconcileSettings
    export: ExportSettings
    query: QuerySettings
    serve: ServeSettings
    config_dir: Path

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["config_dir"] = str(self.config_dir)
        return d


_SECTION_CLASSES = {
    "model": ModelSettings,
    "run": RunSettings,
    "ingest": IngestSettings,
    "normalize": NormalizeSettings,
    "extract": ExtractSettings,
    "link": LinkSettings,
    "stories": StorySettings,
    "reconcile": ReconcileSettings,
    "export": ExportSettings,
    "query": QuerySettings,
    "serve": ServeSettings,
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _merge(base: dict[str, dict], extra: dict[str, Any], path: Path) -> None:
    for section, values in extra.items():
        cls = _SECTION_CLASSES.get(section)
        if cls is None:
            raise ConfigError(
                f"{path}: unknown section [{section}] (known: {', '.join(_SECTION_CLASSES)})"
            )
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [{section}] must be a table")
        known = {f.name: f for f in dataclasses.fields(cls)}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(
                    f"{path}: unknown key '{key}' in [{section}] (known: {', '.join(known)})"
                )
            base.setdefault(section, {})[key] = value


def _coerce(cls: type, values: dict[str, Any], path: str, section: str) -> Any:
    """One section from its merged values, each checked against the field's type."""
    kwargs = {}
    hints = typing.get_type_hints(cls)
    missing = [f.name for f in dataclasses.fields(cls) if f.name not in values]
    if missing:
        raise ConfigError(f"{path}: [{section}] lacks {', '.join(repr(m) for m in missing)} "
                          "(see config/pipeline.toml as shipped)")
    for f in dataclasses.fields(cls):
        value, kind = values[f.name], hints[f.name]
        if typing.get_origin(kind) is tuple:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: [{section}] '{f.name}' must be a list of strings")
            value = tuple(value)
        elif kind in (bool, str):
            if not isinstance(value, kind):
                raise ConfigError(f"{path}: [{section}] '{f.name}' must be {'true or false' if kind is bool else 'a string'}")
        elif kind in (int, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or (kind is int and isinstance(value, float) and not value.is_integer()):
                raise ConfigError(f"{path}: [{section}] '{f.name}' must be {'a whole number' if kind is int else 'a number'}")
            value = kind(value)
            if value < 0:
                raise ConfigError(f"{path}: [{section}] '{f.name}' must not be negative")
        kwargs[f.name] = value
    return cls(**kwargs)


def load_settings(user_file: str | os.PathLike | None = None,
                  config_dir: str | os.PathLike | None = None) -> Settings:
    """Every setting: <config_dir>/pipeline.toml, the user's file on top, and every other file of
    the folder checked against the shipped shape (config_files.py), so a typo anywhere stops
    before a run starts."""
    cdir = Path(config_dir) if config_dir else Path(os.environ.get("FACTS_CONFIG_DIR", DEFAULT_CONFIG_DIR))
    merged: dict[str, dict] = {}
    default_file = cdir / "pipeline.toml"
    _merge(merged, _read_toml(default_file), default_file)
    if user_file is not None:
        upath = Path(user_file)
        _merge(merged, _read_toml(upath), upath)
    where = f"{default_file}" + (f" + {user_file}" if user_file is not None else "")
    sections = {name: _coerce(cls, merged.get(name, {}), where, name) for name, cls in _SECTION_CLASSES.items()}
    if sections["normalize"].html_favor not in HTML_FAVOR:
        raise ConfigError(f"{user_file or default_file}: [normalize] html_favor must be one of "
                          f"{', '.join(HTML_FAVOR)}, not {sections['normalize'].html_favor!r}")
    check_folder(cdir)
    return Settings(**sections, config_dir=cdir)


def resolve_workers(settings: Settings, workers: int | None) -> int:
    """--workers wins over config; 0 means one per core."""
    n = settings.run.workers if workers is None else workers
    return n if n > 0 else (os.cpu_count() or 1)
