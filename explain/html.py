"""Self-contained HTML pages (Jinja2, autoescaped): the memo and the explanation tree, print-ready."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2

from ..labels import label


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("cplaw.explain", "templates"),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals["phrase"] = lambda key, lang, **values: label("phrases", key, lang, **values)
    return env


def render_page(template: str, **context: Any) -> str:
    """Render one of explain/templates/ with ``context``."""
    return _environment().get_template(template).render(**context)
