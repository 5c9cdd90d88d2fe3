"""The label vocabulary (facts/labels.yaml): one place for every word an answer shows, in zh and en."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("zh", "en")


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The whole vocabulary, loaded once."""
    text = resources.files("cplaw.facts").joinpath("labels.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def label(section: str, key: str, lang: str, **values: Any) -> str:
    """The wording of ``key`` in ``section`` (for enums: ``"duty.start_audit"``), in ``lang``, with
    ``{placeholders}`` filled from ``values``. An unknown key is returned as it is, so a gap shows."""
    node: Any = vocabulary().get(section, {})
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or lang not in node:
        return key
    return node[lang].format(**values) if values else node[lang]
