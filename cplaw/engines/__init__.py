"""The engines that run a compiled Program, and the one session interface they all offer.

Each engine evaluates the same IR (cplaw.ir) with the same builtins (cplaw.builtins) and answers through
``EngineSession``; the assessment builder and the Explainer use nothing else, so an explanation is always a
derivation of the engine that answered. tests/test_differential.py proves the engines agree.
"""

from __future__ import annotations

from typing import Any, Protocol

from .. import ir
from ..engine import Fact


class EngineSession(Protocol):
    """One enterprise's facts evaluated against a program."""

    program: ir.Program
    facts: list[Fact]

    @property
    def clauses(self) -> list[ir.CompiledClause]:
        """The clauses that can apply to this enterprise on its as-of date."""

    def clauses_for(self, predicate: str) -> list[ir.CompiledClause]:
        """Those of ``clauses`` concluding ``predicate``."""

    def ask(self, predicate: str, pattern: tuple[Any, ...] | None = None) -> list[tuple]:
        """The facts of ``predicate`` that hold and match ``pattern`` (None in a position: any value)."""

    def derived_by(self, predicate: str, pattern: tuple[Any, ...] | None = None) -> list[tuple[str, tuple]]:
        """(rule id, args) for each rule that derived a fact of ``predicate`` matching ``pattern``."""

    def everything(self) -> dict[str, list[tuple[str, tuple]]]:
        """Every derived fact with the rule that derived it, by predicate."""

    def rules_that_fired(self) -> set[str]:
        """Every rule that derived at least one fact."""

    def solve(self, literals: list[ir.Literal], variables: list[str]) -> list[dict[str, Any]]:
        """All bindings of ``variables`` satisfying the conjunction (ordered so each literal's inputs are
        bound before it), e.g. a rule body with its head bound."""


ENGINES = ("bottomup", "pydatalog")
DEFAULT_ENGINE = "bottomup"  # the fastest engine that passes tests/test_differential.py (docs/engines.md)


def session_class(engine: str | None):
    """The Session class of an engine by name (None: the default)."""
    name = engine or DEFAULT_ENGINE
    if name == "pydatalog":
        from ..engine import Session
        return Session
    if name == "bottomup":
        from .bottomup import Session
        return Session
    from ..errors import CplawError
    raise CplawError(f"unknown engine {name!r}; engines: {', '.join(ENGINES)}")
