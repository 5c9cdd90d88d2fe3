"""An explanation as a self-contained HTML page: the answer, then nested reasons that fold (<details>),
each with the article's words."""

from __future__ import annotations

import networkx as nx

from ..labels import label
from .cite import cite_text
from .html import render_page
from .text import folded
from .tree import Reason, answer, build, cite_line


def _view(item: Reason, lang: str, quoted: set[tuple], repeat: bool) -> dict:
    def cites(group):
        shown = []
        for cite in group:
            key = (cite["instrument"], cite["article"], cite.get("paragraph"), cite.get("item"))
            if key in quoted and not repeat:
                continue
            words = key not in quoted
            text = cite_line(cite, lang, quoted)
            shown.append({"ref": cite_text(cite, lang) if words else text,
                          "words": cite.get("text") if words else None})
        return shown

    return {"text": item.text + (label("phrases", "see_above", lang) if item.repeated else ""),
            "kind": item.kind, "cites": cites(item.cites), "notes": item.notes,
            "children": [_view(c, lang, quoted, repeat) for c in item.children],
            "general": cites(item.general_cites)}


def to_html(graph: nx.DiGraph, lang: str = "en", detail: str = "brief") -> str:
    trees = build(graph, lang, detail)
    why_not = graph.graph.get("kind") == "why_not"
    items = [route for tree in trees for route in tree.children] if why_not else trees
    quoted: set[tuple] = set()
    views = [_view(item, lang, quoted, False) for item in items]  # an article is cited once
    hidden = folded(items)
    return render_page("explanation.html.j2", lang=lang, answer=answer(graph, trees, lang), items=views,
                       folded=label("phrases", "folded", lang, n=hidden) if hidden else None,
                       title=label("phrases", "html_title", lang, query=graph.graph.get("query", "")))
