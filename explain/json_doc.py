"""The ``cplaw.explanation/1`` JSON document.

``{"format", "kind", "query", "roots", "nodes", "edges", "answer"}``: each node is ``{"id", "kind", "internal",
…attributes}`` and each edge ``{"from", "to"}`` points from what is explained to what explains it; ``answer``
is the one-sentence answer in zh and en; ``internal`` marks the steps folded away unless ``--detail full``.
Node kinds: conclusion, input, rule, period, comparison, absent, in_force, not_derived, holds, failed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..labels import LANGS
from .tree import answer, build, internal

if TYPE_CHECKING:
    import networkx as nx

FORMAT = "cplaw.explanation/1"


def to_json_data(graph: nx.DiGraph) -> dict[str, Any]:
    return {"format": FORMAT, "kind": graph.graph.get("kind"), "query": graph.graph.get("query"),
            "roots": list(graph.graph.get("roots", [])),
            "nodes": [{"id": n, **d, "internal": internal(d)} for n, d in graph.nodes(data=True)],
            "edges": [{"from": a, "to": b} for a, b in graph.edges()],
            "answer": {lang: answer(graph, build(graph, lang), lang) for lang in LANGS}}


def to_json(graph: nx.DiGraph) -> str:
    return json.dumps(to_json_data(graph), ensure_ascii=False, indent=2)
