"""An explanation as a self-contained HTML page: the answer, then nested reasons that fold (<details>),
each with the article's words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..labels import label
from .html import render_page
from .text import folded
from .tree import Reason, answer, build, query_sentence, shown_cites

if TYPE_CHECKING:
    import networkx as nx


def _view(item: Reason, lang: str, quoted: set[tuple]) -> dict:
    def cites(group, trailing=False):
        return [{"ref": ref, "words": words} for ref, words in shown_cites(item, group, lang, quoted, trailing)]

    return {"text": item.text + (label("phrases", "see_above", lang) if item.repeated else ""),
            "kind": item.kind, "cites": cites(item.cites), "notes": item.notes,
            "children": [_view(c, lang, quoted) for c in item.children],
            "general": cites(item.general_cites, trailing=True)}


def tree_view(graph: nx.DiGraph, lang: str = "en", detail: str = "brief") -> dict:
    """The answer and its nested reasons, as the templates' ``reason`` macro (templates/tree.j2) draws them."""
    trees = build(graph, lang, detail)
    why_not = graph.graph.get("kind") == "why_not"
    items = [route for tree in trees for route in tree.children] if why_not else trees
    quoted: set[tuple] = set()
    views = [_view(item, lang, quoted) for item in items]  # an article is cited once
    hidden = folded(items)
    return {"answer": answer(graph, trees, lang), "items": views, "kind": "why_not" if why_not else "why",
            "folded": label("phrases", "folded", lang, n=hidden) if hidden else None,
            "title": label("phrases", "html_title", lang,
                           query=query_sentence(graph.graph.get("query", ""), lang))}


def to_html(graph: nx.DiGraph, lang: str = "en", detail: str = "brief") -> str:
    return render_page("explanation.html.j2", lang=lang, **tree_view(graph, lang, detail))
