"""An explanation as SVG, laid out by Graphviz (``dot -Tsvg``) from explain/dot.py.

Graphviz is used rather than a hand-written layout: it places a tree of wrapped, multi-line labels well and
is packaged everywhere (Debian: graphviz). Without ``dot`` on PATH this is a clear error, not a broken file.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

from ..errors import CplawError
from .dot import to_dot

if TYPE_CHECKING:
    import networkx as nx


def to_svg(graph: nx.DiGraph, lang: str = "en", detail: str = "brief") -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise CplawError("--format svg needs Graphviz's `dot` on PATH (Debian/Ubuntu: apt-get install graphviz); "
                         "--format dot or html work without it")
    result = subprocess.run([dot, "-Tsvg"], input=to_dot(graph, lang, detail), capture_output=True, text=True,
                            timeout=60, check=False)
    if result.returncode != 0:
        raise CplawError(f"dot failed: {result.stderr.strip()}")
    return result.stdout
