"""Renderers for explanation graphs: an indented tree (中文 or English), JSON, and Graphviz DOT.

The JSON form, ``cplaw.explanation/1``, is stable: ``{"format", "kind", "query", "roots", "nodes", "edges"}``
where each node is ``{"id", "kind", …attributes}`` and each edge ``{"from", "to"}`` points from what is
explained to what explains it. Node kinds: conclusion, input, rule, period, comparison, absent, in_force,
not_derived, holds, failed.
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

FORMAT = "cplaw.explanation/1"

_WORDS = {
    "en": {"because": "by rule", "input": "from the profile", "absent": "no {} was found", "in_force": "in force on",
           "not_derived": "does not hold", "holds": "holds (ask `why` instead)", "failed": "first failed condition:",
           "reading": "reading", "moved": "moved past", "nominal": "nominal last day", "calendar": "note",
           "no_rule": "no rule concludes it", "unofficial": "source"},
    "zh": {"because": "依据规则", "input": "来自企业档案", "absent": "未发现 {}", "in_force": "施行于",
           "not_derived": "不成立", "holds": "成立（请用 why 查询）", "failed": "首个不满足的条件：",
           "reading": "解释", "moved": "顺延，因遇", "nominal": "名义末日", "calendar": "说明",
           "no_rule": "没有可推出该结论的规则", "unofficial": "来源"},
}


def _cite_text(cite: dict[str, Any]) -> str:
    where = f"art. {cite['article']}"
    if cite.get("paragraph"):
        where += f"({cite['paragraph']})"
    if cite.get("item"):
        where += f"[{cite['item']}]"
    status = "" if cite["status"] == "verified" else f" [{cite['status']}]"
    if cite.get("number_confirmed") is False:
        status += " [article number unconfirmed]"
    reported = cite.get("reported")
    if reported:  # not the article's words: what others report, under its label, attributed, never 「」
        words = f" — {reported['by']}：“{reported['words']}”" if reported["words"] else f" — {reported['by']}"
        return f"{cite['instrument']} {where}{status}: [{reported['label']['zh']} / {reported['label']['en']}]{words}"
    return f"{cite['instrument']} {where}{status}: 「{cite['text']}」"


def _label(data: dict[str, Any], lang: str) -> list[str]:
    """The lines one node prints as."""
    w = _WORDS[lang]
    kind = data["kind"]
    if kind in ("conclusion", "input", "not_derived", "holds"):
        head = f"{data['predicate']}({', '.join(data['args'])})"
        desc = data.get(lang, "")
        if kind == "input":
            return [f"{head}  — {w['input']} {data.get('path') or ''}".rstrip()]
        if kind in ("not_derived", "holds"):
            extra = f"  ({data['text']})" if data.get("text") else ""
            return [f"{head} {w[kind]}{extra}  — {desc}"]
        return [f"{head}  — {desc}"]
    if kind == "rule":
        lines = [f"{w['because']} {data['rule']}"]
        lines += ["  " + _cite_text(c) for c in data["cites"]]
        lines += [f"  {w['reading']} {r['name']}: {r['text']}" for r in data.get("readings", [])]
        return lines
    if kind == "period":
        line = data["text"]
        if data.get("moved_because"):
            line += f"  ({w['moved']} {data['moved_because']}; {w['nominal']} {data['nominal']})"
        lines = [line] + ["  " + _cite_text(c) for c in data.get("cites", [])]
        if data.get("calendar_note"):
            lines.append(f"  {w['calendar']}: {data['calendar_note']}")
        return lines
    if kind == "in_force":
        end = data["end"] or "…"
        return [f"{data['instrument']} {w['in_force']} {data['day']} ({data['start']} … {end})"]
    if kind == "failed":
        return [f"{w['failed']} {data['text']}"]
    if kind == "absent":
        return [w["absent"].format(f"{data['predicate']}({', '.join(data['args'])})")]
    return [data.get("text", kind)]


def to_text(graph: nx.DiGraph, lang: str = "en") -> str:
    """An indented tree from each root; a node reached twice is printed once, then referred to."""
    out: list[str] = []
    printed: set[str] = set()

    def walk(node: str, depth: int) -> None:
        pad = "  " * depth
        lines = _label(graph.nodes[node], lang)
        if node in printed and graph.out_degree(node):
            out.append(f"{pad}{lines[0]}  (↑ see above)")
            return
        printed.add(node)
        out.extend(pad + line for line in lines)
        if graph.nodes[node]["kind"] == "not_derived" and not graph.out_degree(node) \
                and not graph.nodes[node].get("text"):
            out.append(f"{pad}  {_WORDS[lang]['no_rule']}")
        for child in graph.successors(node):
            walk(child, depth + 1)

    roots = graph.graph.get("roots", [])
    if not roots:
        out.append(f"{graph.graph.get('query', '')}: no matching fact was derived (try why-not)")
    for root in roots:
        walk(root, 0)
    return "\n".join(out)


def to_json_data(graph: nx.DiGraph) -> dict[str, Any]:
    return {"format": FORMAT, "kind": graph.graph.get("kind"), "query": graph.graph.get("query"),
            "roots": list(graph.graph.get("roots", [])),
            "nodes": [{"id": n, **d} for n, d in graph.nodes(data=True)],
            "edges": [{"from": a, "to": b} for a, b in graph.edges()]}


def to_json(graph: nx.DiGraph) -> str:
    return json.dumps(to_json_data(graph), ensure_ascii=False, indent=2)


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph: nx.DiGraph, lang: str = "en") -> str:
    """Graphviz DOT: conclusions as boxes, rules as notes, inputs as folders."""
    shapes = {"conclusion": "box", "rule": "note", "input": "folder", "period": "cds", "failed": "octagon",
              "not_derived": "box", "absent": "box", "in_force": "component"}
    ids = {n: f"n{i}" for i, n in enumerate(graph.nodes)}
    lines = ["digraph explanation {", "  rankdir=TB;", '  node [fontname="Noto Sans CJK SC"];']
    for node, data in graph.nodes(data=True):
        label = "\\n".join(_dot_escape(line[:120]) for line in _label(data, lang)[:4])
        lines.append(f'  {ids[node]} [shape={shapes.get(data["kind"], "ellipse")}, label="{label}"];')
    for a, b in graph.edges():
        lines.append(f"  {ids[a]} -> {ids[b]};")
    lines.append("}")
    return "\n".join(lines)
