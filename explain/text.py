"""An explanation as indented text: the answer in one sentence, then the reasons, each with its articles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..labels import label
from .tree import Reason, answer, build, shown_cites

if TYPE_CHECKING:
    import networkx as nx


def lines_of(item: Reason, lang: str, quoted: set[tuple], depth: int) -> list[str]:
    """The lines of one reason and those under it; an article's words are quoted once."""
    pad = "  " * depth
    if item.repeated:
        return [f"{pad}- {item.text}{label('phrases', 'see_above', lang)}"]
    out = [f"{pad}- {item.text}"]

    def cites(group, trailing=False):
        for ref, words in shown_cites(item, group, lang, quoted, trailing):
            quote = label("phrases", "cite_words", lang, text=words) if words else ""
            out.append(f"{pad}    {ref}{quote}" if ref else f"{pad}    {quote.lstrip(':： ')}")

    cites(item.cites)
    out += [f"{pad}    {note}" for note in item.notes]
    for child in item.children:
        out += lines_of(child, lang, quoted, depth + 1)
    cites(item.general_cites, trailing=True)
    return out


def folded(items: list[Reason]) -> int:
    """How many internal steps were folded away under ``items``."""
    return sum(item.folded + folded(item.children) for item in items)


def to_text(graph: nx.DiGraph, lang: str = "en", detail: str = "brief") -> str:
    """The answer, then the reason tree (why-not: each route and its first failing condition)."""
    trees = build(graph, lang, detail)
    out = [answer(graph, trees, lang)]
    quoted: set[tuple] = set()
    items = [route for tree in trees for route in tree.children] if graph.graph.get("kind") == "why_not" else trees
    for item in items:
        out += lines_of(item, lang, quoted, 0)  # an article is cited once
    if folded(items):
        out.append(label("phrases", "folded", lang, n=folded(items)))
    return "\n".join(out)
