"""An explanation as Graphviz DOT: the reason tree left to right, labels wrapped, a CJK font that exists.

The font is Noto Sans CJK SC (Debian/Ubuntu: fonts-noto-cjk), with WenQuanYi Micro Hei as fallback; both
are named so fontconfig finds whichever is installed.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from ..labels import label
from .tree import Reason, answer, build, shown_cites

if TYPE_CHECKING:
    import networkx as nx

FONT = "Noto Sans CJK SC,WenQuanYi Micro Hei,sans-serif"
WIDTH = 36  # columns per line; a CJK character takes two
SHAPES = {"conclusion": "box", "input": "folder", "period": "cds", "failed": "octagon", "out_of_force": "octagon", "not_derived": "box",
          "holds": "box", "route": "note", "in_force": "component", "absent": "box", "comparison": "plain"}


_NO_LINE_START = set("，。、；：！？）》〕」』”’")  # Chinese line-breaking: these close the line, never open one


def wrap(text: str, width: int = WIDTH) -> list[str]:
    """Lines of at most ``width`` columns, breaking between words in English and anywhere in Chinese."""
    lines, line, cols = [], "", 0
    for token in _tokens(text):
        w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in token)
        if cols + w > width and line.strip() and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line, cols = token.lstrip(), w
        else:
            line, cols = line + token, cols + w
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _tokens(text: str):
    word = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            if word:
                yield word
                word = ""
            yield ch
        elif ch == " ":
            yield word + " "
            word = ""
        else:
            word += ch
    if word:
        yield word


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def node_label(item: Reason, lang: str, quoted: set[tuple]) -> str:
    """The reason's sentence, then each article it cites that no node before it quoted: its reference (unless the
    sentence names it already) and its words, as text and HTML quote them."""
    lines = wrap(item.text)
    for ref, words in shown_cites(item, item.cites + item.general_cites, lang, quoted):
        quote = label("phrases", "cite_words", lang, text=words) if words else ""
        lines += wrap(f"{ref}{quote}" if ref else quote.lstrip(":： "))
    return "\\l".join(_escape(line) for line in lines) + "\\l"


def to_dot(graph: nx.DiGraph, lang: str = "en", detail: str = "brief") -> str:
    """DOT of the reason tree (``detail="full"``: every internal step too)."""
    trees = build(graph, lang, detail)
    title = "\\n".join(_escape(line) for line in wrap(answer(graph, trees, lang), 2 * WIDTH))
    out = ["digraph explanation {", "  rankdir=LR;", "  ranksep=0.35; nodesep=0.15;",
           f'  graph [fontname="{FONT}", labelloc=t, label="{title}"];',
           f'  node [fontname="{FONT}", fontsize=10, style=rounded, margin="0.12,0.06"];',
           f'  edge [fontname="{FONT}", arrowsize=0.6];']
    ids: dict[int, str] = {}
    quoted: set[tuple] = set()  # an article is quoted once in the graph

    def emit(item: Reason) -> str:
        key = id(item)
        if key not in ids:
            ids[key] = f"n{len(ids)}"
            shape = SHAPES.get(item.kind, "box")
            out.append(f'  {ids[key]} [shape={shape}, label="{node_label(item, lang, quoted)}"];')
            for child in item.children:
                out.append(f"  {ids[key]} -> {emit(child)};")
        return ids[key]

    for tree in trees:
        emit(tree)
    if not trees:
        out.append(f'  empty [shape=plaintext, label="{_escape(label("phrases", "why_none", lang, query=graph.graph.get("query", "")))}"];')
    out.append("}")
    return "\n".join(out)
