"""The pyDatalog backend: runs a compiled Program on one enterprise's facts.

Driven through pyEngine's API (never through strings), with the guards research/pydatalog-notes.md asks for:
- ``Float_Precision`` is off; amounts are Decimal or int;
- bodies arrive ordered by the compiler; stratification was checked before anything gets here;
- each Session loads the program into a fresh ``Logic()`` of the thread that uses it, so no two
  assessments, rule bases or threads ever share facts;
- provenance: each clause of rule ``r`` concluding ``p(args)`` is loaded as ``p__by("r", args) <= body``
  plus one bridge ``p(args) <= p__by(R, args)``, so asking ``p__by`` tells which rules derived a fact; rule
  bodies read ``p__by`` directly where the literal is positive, and ``p`` (the bridge) where it is negated.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import threading
from collections.abc import Iterable
from typing import Any

from pyDatalog import Logic, pyEngine

from . import ir
from .builtins import ADD_PERIOD, BUILTINS, evaluate

pyEngine.Float_Precision = None  # pitfall 1: single-precision floats

Fact = tuple[str, tuple[Any, ...]]
ALL = "_all__"
_query_ids = itertools.count(1)


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while pyDatalog works: it builds many short-lived objects, and
    full collections scanning the compiled rule base were half an assessment's time (benchmarks/bench.py).
    Reference counting still frees what it can; the collector runs again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def by_name(predicate: str) -> str:
    return f"{predicate}__by"


def _term(node: ir.Expr):
    if isinstance(node, ir.Var):
        return pyEngine.Var(node.name)
    if isinstance(node, ir.Const):
        return pyEngine.Const(node.value)
    if not ir.expr_vars(node):  # pyDatalog leaves an all-constant operation unevaluated: fold it here
        return pyEngine.Const(evaluate(node, {}))
    if isinstance(node, ir.Call):
        return _call(BUILTINS[node.function].function, [_term(a) for a in node.args])
    if node.op == "+" and _is_period(node.right):
        return _call(ADD_PERIOD.function, [_term(node.left), _term(node.right)])
    return pyEngine.Operation(_term(node.left), node.op, _term(node.right))


def _is_period(node: ir.Expr) -> bool:
    return isinstance(node, ir.Const) and node.type == "period"


def _call(function, args: list):
    return pyEngine.Operation(pyEngine.Const(function), "(", pyEngine.VarTuple(tuple(args)))


_rule_vars = itertools.count(1)


def _literal(lit: ir.Literal, bound: set[str], derived: frozenset[str] = frozenset()):
    """One engine literal; ``bound`` is what the earlier literals bind (to orient assignments). A positive
    literal of a derived predicate reads the provenance table ``p__by`` directly, one tabled step less."""
    if isinstance(lit, ir.Atom):
        if not lit.negated and lit.predicate in derived:
            return pyEngine.Literal(by_name(lit.predicate),
                                    [pyEngine.Var(f"R__{next(_rule_vars)}")] + [_term(a) for a in lit.args])
        name = ("~" if lit.negated else "") + lit.predicate
        return pyEngine.Literal(name, [_term(a) for a in lit.args])
    left, right = lit.left, lit.right
    if lit.op == "=" and isinstance(right, ir.Var) and right.name not in bound:
        left, right = right, left  # the unbound side is the one an equation binds
    op = "==" if lit.op == "=" else lit.op
    return pyEngine.Literal(op, [_term(left), _term(right)])


def _body(literals: Iterable[ir.Literal], derived: frozenset[str] = frozenset()) -> list:
    bound: set[str] = set()
    result = []
    for lit in literals:
        result.append(_literal(lit, bound, derived))
        bound.update(v.name for v in lit.vars() if not getattr(v, "anonymous", False))
    return result


def applicable_clauses(program: ir.Program, facts: list[Fact]) -> list[ir.CompiledClause]:
    """The clauses that can apply to an enterprise on its as-of date: another province's rules, and rules
    whose in-force guard cannot hold on that date, are left out (their guards would fail anyway)."""
    as_of = next((args[0] for name, args in facts if name == "as_of"), None)
    province = next((args[0] for name, args in facts if name == "province"), None)
    return [c for c in program.clauses
            if (as_of is None or c.can_apply(as_of)) and (c.province is None or c.province == province)]


class Session:
    """One assessment's context: the program and one enterprise's facts, in the creating thread."""

    def __init__(self, program: ir.Program, facts: list[Fact]):
        self.program = program
        self.facts = facts
        self._thread = threading.get_ident()
        self._logic = None
        self._clauses: list[ir.CompiledClause] | None = None
        self._everything: dict[str, list[tuple[str, tuple]]] | None = None
        self._width = max((p.arity for p in program.predicates.values()), default=0)  # of _all__'s arguments
        self._activate()

    @property
    def clauses(self) -> list[ir.CompiledClause]:
        """The clauses that can apply to this enterprise on its as-of date: another province's rules, and
        rules whose in-force guard cannot hold on that date, are left out (their guards would fail anyway)."""
        if self._clauses is None:
            self._clauses = applicable_clauses(self.program, self.facts)
        return self._clauses

    def clauses_for(self, predicate: str) -> list[ir.CompiledClause]:
        return [c for c in self.clauses if c.head.predicate == predicate]

    def _check_thread(self) -> None:
        if threading.get_ident() != self._thread:
            raise RuntimeError("a cplaw Session is bound to the thread that created it")

    def _activate(self) -> None:
        """(Re)load into a fresh Logic if this thread's logic is not ours any more."""
        self._check_thread()
        if self._logic is not None and getattr(Logic.tl, "logic", None) is self._logic:
            return
        Logic()
        pyEngine.clear()
        self._logic = Logic.tl.logic
        for pred in self.program.predicates.values():
            pyEngine.insert(pyEngine.Pred(pred.name, pred.arity))
            if pred.kind == "derived":
                pyEngine.insert(pyEngine.Pred(by_name(pred.name), pred.arity + 1))
                variables = [pyEngine.Var(f"A{i}") for i in range(pred.arity)]
                by = pyEngine.Literal(by_name(pred.name), [pyEngine.Var("Rule__")] + variables)
                pyEngine.assert_(pyEngine.Clause(pyEngine.Literal(pred.name, variables), [by]))
                # _all__(name, rule, args…, padding): every derived fact, answered by one tabled query
                padding = [pyEngine.Const(None)] * (self._width - pred.arity)
                pyEngine.assert_(pyEngine.Clause(pyEngine.Literal(
                    ALL, [pyEngine.Const(pred.name), pyEngine.Var("Rule__")] + variables + padding), [by]))
        derived = frozenset(p.name for p in self.program.predicates.values() if p.kind == "derived")
        for clause in self.clauses:
            head = pyEngine.Literal(by_name(clause.head.predicate),
                                    [pyEngine.Const(clause.rule)] + [_term(a) for a in clause.head.args])
            pyEngine.assert_(pyEngine.Clause(head, _body(clause.body, derived)))
        for name, args in self.facts:
            pyEngine.assert_(pyEngine.Clause(pyEngine.Literal(name, [pyEngine.Const(a) for a in args]), []))

    def ask(self, predicate: str, pattern: tuple[Any, ...] | None = None) -> list[tuple]:
        """Facts of ``predicate`` matching ``pattern`` (None in a position: any value), sorted by repr."""
        if self.program.predicates[predicate].kind == "derived" and _unbound(pattern):
            return sorted({args for _, args in self.everything().get(predicate, [])}, key=repr)
        self._activate()
        arity = self.program.predicates[predicate].arity
        pattern = pattern or (None,) * arity
        return sorted(_answers(pyEngine.Literal(predicate, _pattern_terms(pattern)).ask(), pattern), key=repr)

    def derived_by(self, predicate: str, pattern: tuple[Any, ...] | None = None) -> list[tuple[str, tuple]]:
        """(rule id, args) for each rule that derives a fact of ``predicate`` matching ``pattern``."""
        if _unbound(pattern):
            return list(self.everything().get(predicate, []))
        self._activate()
        pattern = (None,) + pattern  # the rule id, then the arguments
        rows = _answers(pyEngine.Literal(by_name(predicate), _pattern_terms(pattern)).ask(), pattern)
        return sorted(((row[0], tuple(row[1:])) for row in rows), key=canonical_order)

    def everything(self) -> dict[str, list[tuple[str, tuple]]]:
        """Every derived fact with the rule that derived it, by predicate, from one query (cached):
        pyDatalog keeps no tables between queries, so one query is far cheaper than one per predicate."""
        self._check_thread()
        if self._everything is None:
            self._activate()
            rows = pyEngine.Literal(ALL, [pyEngine.Var(f"V{i}") for i in range(self._width + 2)]).ask() or []
            grouped: dict[str, list[tuple[str, tuple]]] = {}
            for name, rule, *args in rows:
                arity = self.program.predicates[name].arity
                grouped.setdefault(name, []).append((rule, tuple(args[:arity])))
            self._everything = {name: sorted(rows, key=canonical_order) for name, rows in grouped.items()}
        return self._everything

    def rules_that_fired(self) -> set[str]:
        """Every rule that derived at least one fact in this session."""
        return {rule for rows in self.everything().values() for rule, _ in rows}

    def solve(self, literals: list[ir.Literal], variables: list[str]) -> list[dict[str, Any]]:
        """All bindings of ``variables`` that satisfy the conjunction (already ordered and bound)."""
        self._activate()
        name = f"_cplaw_query_{next(_query_ids)}"
        head = pyEngine.Literal(name, [pyEngine.Var(v) for v in variables])
        clause = pyEngine.Clause(head, _body(literals))
        pyEngine.assert_(clause)
        try:
            rows = head.ask()
        finally:
            pyEngine.retract(clause)
        if rows is True:
            return [{}]
        return [dict(zip(variables, row)) for row in rows or []]


def canonical_order(derivation: tuple[str, tuple]) -> tuple[str, str]:
    """The order every engine lists derivations in, so that what reads them never depends on an engine's
    (or the hash seed's) order: by the fact's arguments, then the rule id."""
    rule, args = derivation
    return repr(args), rule


def _unbound(pattern: tuple[Any, ...] | None) -> bool:
    return pattern is None or all(p is None for p in pattern)


def _pattern_terms(pattern: tuple[Any, ...]) -> list:
    return [pyEngine.Var(f"Q{i}") if value is None else pyEngine.Const(value) for i, value in enumerate(pattern)]


def _answers(rows, pattern: tuple[Any, ...]) -> list[tuple]:
    """pyDatalog answers whole tuples, or True for a ground query that holds."""
    if rows is True:
        return [tuple(pattern)]
    return [tuple(row) for row in rows or []]
