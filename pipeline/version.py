"""The version of facts: stored with every run (runs.facts_version) and printed by --version."""

__version__ = "0.1.0"
