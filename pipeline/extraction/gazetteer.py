"""The seed gazetteer (config/entities.toml): entries, filters, and ruler patterns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config_files import read_config
from ..errors import ConfigError


@dataclass(frozen=True)
class GazEntry:
    name: str
    type: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Gazetteer:
    entries: tuple[GazEntry, ...]
    generic_terms: frozenset[str]
    org_suffixes: frozenset[str]
    leading_noise: frozenset[str]
    foreign_share: float  # entity_rules.toml [filters]: above it, a span in another script is dropped
    descriptor_labels: frozenset[str] = frozenset()
    extensions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def patterns(self) -> dict[str, list[dict]]:
        """Phrase patterns for spaCy's entity_ruler, by the token attribute they match on.

        A form with a digit or an inner capital ("DeepSeek", "NVIDIA", "910B") matches
        in any case ("LOWER"); a plain word ("Meta", "Apple", "Arm") only as written
        ("ORTH"), so the common word ("meta", "arm") is not taken for the name. Hyphen =
        space. Phrase patterns, not token patterns: the PhraseMatcher's cost does not
        grow with the number of entries (the token Matcher's does).
        """
        out: dict[str, list[dict]] = {"LOWER": [], "ORTH": []}
        seen = set()
        for e in self.entries:
            for form in (e.name, *e.aliases):
                for variant in {form, form.replace("-", " "), form.replace(" ", "-")}:
                    attr = "LOWER" if _distinctive(variant) else "ORTH"
                    key = (e.name, attr, variant.lower() if attr == "LOWER" else variant)
                    if key in seen:
                        continue
                    seen.add(key)
                    out[attr].append({"label": e.type, "pattern": variant, "id": e.name})
        return out


def _distinctive(form: str) -> bool:
    return len(form) >= 4 and (any(c.isdigit() for c in form)
                               or any(c.isupper() for w in form.split() for c in w[1:]))


def load_gazetteer(paths: list[Path], rules_path: Path) -> Gazetteer:
    """Entries from the gazetteer files; filters from the rules file (and any gazetteer's [filters])."""
    entries: list[GazEntry] = []
    generic: set[str] = set()
    suffixes: set[str] = set()
    noise: set[str] = set()
    descriptors: set[str] = set()
    extensions: dict[str, set[str]] = {}
    foreign_share = None
    for path in [rules_path, *paths]:
        data = read_config(path)
        filters = data.get("filters", {})
        generic.update(filters.get("generic_terms", []))
        suffixes.update(filters.get("org_suffixes", []))
        noise.update(w.lower() for w in filters.get("leading_noise", []))
        descriptors.update(filters.get("descriptor_labels", []))
        if path == rules_path:
            foreign_share = filters["foreign_share"]  # required there (config_files.py checks)
        for label, phrases in data.get("extensions", {}).items():
            extensions.setdefault(label, set()).update(p.lower() for p in phrases)
        for i, item in enumerate(data.get("entity", []), start=1):
            if not isinstance(item, dict) or not item.get("name") or not item.get("type"):
                raise ConfigError(f"{path}: [[entity]] #{i} needs a name and a type")
            entries.append(GazEntry(item["name"], item["type"], tuple(item.get("aliases", []))))
    return Gazetteer(tuple(entries), frozenset(generic), frozenset(suffixes), frozenset(noise), foreign_share,
                     frozenset(descriptors), {k: tuple(sorted(v)) for k, v in extensions.items()})
