"""The label vocabulary (facts/labels.yaml): every enum value and phrase in both languages, no inline branches."""

from __future__ import annotations

import pathlib
import re

from cplaw import RuleBase
from cplaw.labels import LANGS, label, vocabulary

ROOT = pathlib.Path(__file__).parent.parent


def test_every_enum_value_has_both_labels() -> None:
    program = RuleBase.load().program
    missing = [f"{enum.name}.{value} ({lang})" for enum in program.enums.values() for value in enum.values
               for lang in LANGS if label("enums", f"{enum.name}.{value}", lang) == f"{enum.name}.{value}"]
    assert missing == []


def _entries(node, path=""):
    if isinstance(node, dict) and set(node) & set(LANGS):
        yield path, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from _entries(child, f"{path}.{key}" if path else key)


def test_every_phrase_has_both_languages_and_the_same_placeholders() -> None:
    for section in ("enums", "phrases"):
        for path, entry in _entries(vocabulary()[section]):
            assert set(entry) == set(LANGS), path
            holes = [set(re.findall(r"{(\w+)}", str(entry[lang]))) for lang in LANGS]
            assert holes[0] == holes[1], path


def test_no_inline_language_branches() -> None:
    sources = list((ROOT / "explain").glob("*.py")) + [ROOT / "cplaw" / "queries.py"]
    offenders = [p.name for p in sources if re.search(r"""lang\s*==\s*["']zh|zh\s*=\s*lang""", p.read_text())]
    assert offenders == []
