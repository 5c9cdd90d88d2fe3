"""Renderers for explanation graphs, one module per format; this module keeps the old entry points.

text (explain/text.py), JSON ``cplaw.explanation/1`` (explain/json_doc.py), DOT (explain/dot.py), SVG
(explain/svg.py, via Graphviz) and HTML (explain/tree_html.py). All draw the reason tree of explain/tree.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .dot import to_dot
from .json_doc import FORMAT, to_json, to_json_data
from .text import to_text

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["FORMAT", "render", "to_dot", "to_html", "to_json", "to_json_data", "to_svg", "to_text"]


def to_svg(graph: nx.DiGraph, lang: str = "en", detail: str = "brief") -> str:
    from .svg import to_svg as svg
    return svg(graph, lang, detail)


def to_html(graph: nx.DiGraph, lang: str = "en", detail: str = "brief") -> str:
    from .tree_html import to_html as html
    return html(graph, lang, detail)


def render(graph: nx.DiGraph, fmt: str, lang: str = "en", detail: str = "brief") -> str:
    """The graph in ``fmt``: text, json, dot, svg or html."""
    if fmt == "json":
        return to_json(graph)
    return {"text": to_text, "dot": to_dot, "svg": to_svg, "html": to_html}[fmt](graph, lang, detail)
