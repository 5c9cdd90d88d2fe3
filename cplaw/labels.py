"""The label vocabulary (facts/labels.yaml): one place for every word an answer shows, in zh and en."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("zh", "en")


def _yaml_data(name: str) -> dict[str, Any]:
    """A YAML file of cplaw/facts, parsed once per change of its text: the parse is kept as JSON in the rule-base
    cache (cplaw/cache.py), since the pure-Python YAML parser costs a third of a second per process here."""
    from .cache import cached
    text = resources.files("cplaw.facts").joinpath(name).read_text(encoding="utf-8")
    return cached([(f"<facts/{name}>", text)], lambda: yaml.safe_load(text) or {})


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The whole vocabulary, loaded once."""
    return _yaml_data("labels.yaml")


def label(section: str, key: str, lang: str, **values: Any) -> str:
    """The wording of ``key`` in ``section`` (for enums: ``"duty.start_audit"``), in ``lang``, with
    ``{placeholders}`` filled from ``values``. An unknown key is returned as it is, so a gap shows."""
    node: Any = vocabulary().get(section, {})
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or lang not in node:
        return key
    return node[lang].format(**values) if values else node[lang]



@lru_cache(maxsize=1)
def rule_texts() -> dict[str, dict[str, dict[str, str]]]:
    """facts/rule_texts.yaml: each rule note's wording by language, keyed by its English text (the rule files'
    language); each named reading's, keyed by its name; each instrument header's note, keyed by the instrument."""
    data = _yaml_data("rule_texts.yaml")
    return {"note": {n["en"]: n for n in data.get("notes") or []}, "reading": dict(data.get("readings") or {}),
            "instrument": dict(data.get("instruments") or {})}


def rule_text(text: str, lang: str, reading: str | None = None) -> str:
    """A rule file's own words (a note's text, or the text of the reading named ``reading``) in ``lang``. The
    rule files are written in English; their other languages are in facts/rule_texts.yaml. A text not there
    stays as written, so a gap shows (and tests/test_labels.py fails)."""
    entry = rule_texts()["reading" if reading else "note"].get(reading or text) or {}
    return entry.get(lang, text)


def instrument_note(instrument: str, lang: str) -> str:
    """The note of ``instrument``'s header (how its text is dated, sourced and verified) in ``lang``; "" where the
    header has none. Every header note has its wording here in each language (tests/test_labels.py)."""
    return (rule_texts()["instrument"].get(instrument) or {}).get(lang, "")
