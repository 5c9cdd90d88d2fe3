"""Run from a source checkout as well as from an installed package.

pyproject.toml ships the design card's top-level folders explain/, grammar/ and facts/ inside the package, as
cplaw.explain, cplaw.grammar and cplaw.facts. In a checkout they are siblings of cplaw/, so when cplaw is
imported straight from the checkout (its root on sys.path: a REPL there, ``python -c``, the tests without
installing), :func:`register` maps those names onto the sibling folders. An installed package has them
inside and nothing is registered.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import pathlib
import sys
from importlib.machinery import ModuleSpec

SUBPACKAGES = ("explain", "grammar", "facts")


class _SiblingFinder(importlib.abc.MetaPathFinder):
    """Finds ``cplaw.<name>`` (and what lies below it) in the checkout's top-level ``<name>/`` folder."""

    def __init__(self, root: pathlib.Path):
        self.root = root

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        parts = fullname.split(".")
        if len(parts) != 2 or parts[0] != "cplaw" or parts[1] not in SUBPACKAGES:
            return None  # deeper modules are found through the subpackage's own __path__
        folder = self.root / parts[1]
        return importlib.util.spec_from_file_location(fullname, folder / "__init__.py",
                                                      submodule_search_locations=[str(folder)])


def register() -> None:
    """Map cplaw.explain/grammar/facts onto the checkout's folders, when cplaw runs from a checkout."""
    package = pathlib.Path(__file__).resolve().parent
    root = package.parent
    from_checkout = all((root / name / "__init__.py").is_file() and not (package / name).exists()
                        for name in SUBPACKAGES)
    if from_checkout and not any(isinstance(f, _SiblingFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _SiblingFinder(root))
