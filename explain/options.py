"""`cplaw options`: the named readings a user may choose, each with the instrument it reads and its words."""

from __future__ import annotations

from typing import Any

from ..labels import label, rule_text
from .cite import title_text


def options_text(program: Any, lang: str) -> str:
    """Each named reading (``--option NAME``): its name, the instruments whose rules test it, its words."""
    titles = {inst.id: inst.title for inst in program.instruments.values()}
    lines = [label("phrases", "options_heading", lang), ""]
    for name, text in sorted(program.options().items()):
        where = sorted({rule.instrument for rule in program.rules.values() for r in rule.readings if r.name == name})
        lines.append(label("phrases", "option_name", lang, name=name, instruments=label("phrases", "enum_sep", lang)
                           .join(title_text(titles.get(i, i), lang) for i in where)))
        lines.append("  " + rule_text(text, lang, name))
    return "\n".join(lines)
