"""A stratified, semi-naive bottom-up evaluator of the IR: the default in-process engine.

It computes the whole model of one enterprise's facts once, stratum by stratum (the predicates' strongly
connected components in dependency order; negation only reads lower strata, which the checks guarantee),
iterating recursive components semi-naively (each round joins only against the facts the previous round
added). Every derived fact keeps the rule ids that derived it, which is pyDatalog's ``p__by`` provenance.

It answers exactly as the pyDatalog backend (cplaw.engine) does, and tests/test_differential.py proves it:
- constants are opaque: two values match when Python's ``==`` says so, as pyDatalog compares ``Const.id``;
  so ``None`` matches ``None`` and ``Decimal("100")`` matches ``100``;
- expressions are computed by cplaw.builtins.evaluate, the functions pyDatalog calls; an exception raised
  inside one becomes the value (pyDatalog's ``Term_of(e)``), and a comparison raises as pyDatalog's does;
- ``X = expr`` binds X when it is unbound, oriented exactly as the pyDatalog backend orients it;
- a negated literal holds when no fact matches it, its unbound positions meaning any value.

The strata are computed once per Program (``prepare``, when a RuleBase is loaded) and each clause's plan
the first time an assessment needs it; nothing of the rule base is rebuilt per assessment.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .. import ir
from ..builtins import evaluate
from ..engine import Fact, applicable_clauses, canonical_order

Row = tuple[Any, ...]
Binding = dict[str, Any]

TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


# ── plans: a body as a sequence of steps over bindings ──────────────────────
@dataclass(frozen=True, slots=True)
class Scan:
    """A positive atom: look its facts up by the positions already known, bind the rest."""

    predicate: str
    key: tuple[int, ...]  # positions known before the step (a constant or a bound variable)
    key_terms: tuple[tuple[bool, Any], ...]  # (is a variable, its name or the constant)
    binds: tuple[tuple[int, str], ...]  # (position, variable) bound by the step
    same: tuple[tuple[int, int], ...]  # a variable repeated within the atom: (position, its first position)


@dataclass(frozen=True, slots=True)
class Absent:
    """A negated atom: no fact matches the known positions."""

    predicate: str
    key: tuple[int, ...]
    key_terms: tuple[tuple[bool, Any], ...]


@dataclass(frozen=True, slots=True)
class Assign:
    variable: str
    expr: ir.Expr


@dataclass(frozen=True, slots=True)
class Test:
    test: Callable[[Any, Any], bool]
    left: ir.Expr
    right: ir.Expr


Step = Scan | Absent | Assign | Test


def _known(atom: ir.Atom, bound: set[str]) -> tuple[tuple[int, ...], tuple[tuple[bool, Any], ...]]:
    positions, terms = [], []
    for i, arg in enumerate(atom.args):
        if isinstance(arg, ir.Const):
            positions.append(i)
            terms.append((False, arg.value))
        elif arg.name in bound:
            positions.append(i)
            terms.append((True, arg.name))
    return tuple(positions), tuple(terms)


def compile_body(literals: Iterable[ir.Literal]) -> list[Step]:
    """Steps for an ordered body; ``bound`` grows as pyDatalog's backend grows it (cplaw.engine._body)."""
    bound: set[str] = set()
    steps: list[Step] = []
    for lit in literals:
        if isinstance(lit, ir.Atom):
            key, key_terms = _known(lit, bound)
            if lit.negated:
                steps.append(Absent(lit.predicate, key, key_terms))
            else:
                binds, same, first = [], [], {}
                for i, arg in enumerate(lit.args):
                    if isinstance(arg, ir.Var) and arg.name not in bound:
                        if arg.name in first:
                            same.append((i, first[arg.name]))
                        else:
                            first[arg.name] = i
                            binds.append((i, arg.name))
                steps.append(Scan(lit.predicate, key, key_terms, tuple(binds), tuple(same)))
        else:
            left, right = lit.left, lit.right
            if lit.op == "=" and isinstance(right, ir.Var) and right.name not in bound:
                left, right = right, left
            if lit.op == "=" and isinstance(left, ir.Var) and left.name not in bound:
                steps.append(Assign(left.name, right))
            else:
                steps.append(Test(TESTS[lit.op], left, right))
        bound.update(v.name for v in lit.vars() if not v.anonymous)
    return steps


def _value(expr: ir.Expr, binding: Binding) -> Any:
    if isinstance(expr, ir.Var):
        return binding[expr.name]
    if isinstance(expr, ir.Const):
        return expr.value
    try:
        return evaluate(expr, binding)
    except Exception as error:  # noqa: BLE001 — pyDatalog makes the exception the value (Term_of(e))
        return error


@dataclass(frozen=True, slots=True)
class ClausePlan:
    clause: ir.CompiledClause
    steps: tuple[Step, ...]
    head: tuple[tuple[bool, Any], ...]  # per head argument: (is a variable, its name or the constant)
    recursive_steps: tuple[int, ...]  # positive steps reading a predicate of the clause's own component

    @classmethod
    def of(cls, clause: ir.CompiledClause, component: frozenset[str]) -> ClausePlan:
        steps = tuple(compile_body(clause.body))
        recursive = tuple(i for i, s in enumerate(steps) if isinstance(s, Scan) and s.predicate in component)
        head = tuple((True, a.name) if isinstance(a, ir.Var) else (False, a.value) for a in clause.head.args)
        return cls(clause, steps, head, recursive)


@dataclass(frozen=True, slots=True)
class Stratum:
    predicates: frozenset[str]
    clauses: tuple[ir.CompiledClause, ...]
    recursive: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """A Program ready for bottom-up evaluation: its strata in dependency order, and each clause's steps,
    compiled the first time an assessment needs the clause and kept for the rule base's lifetime."""

    strata: tuple[Stratum, ...]
    compiled: dict[int, ClausePlan]  # id(clause) → its plan

    def plans(self, stratum: Stratum, applicable: set[int]) -> list[ClausePlan]:
        found = []
        for clause in stratum.clauses:
            if id(clause) in applicable:
                plan = self.compiled.get(id(clause))
                if plan is None:
                    plan = self.compiled[id(clause)] = ClausePlan.of(clause, stratum.predicates)
                found.append(plan)
        return found


def prepare(program: ir.Program) -> Plan:
    """The program's plan, built once and kept with the program (a Program is not hashable)."""
    plan = program.__dict__.get("_bottomup_plan")
    if plan is None:
        plan = _stratify(program)
        program.__dict__["_bottomup_plan"] = plan
    return plan


def _stratify(program: ir.Program) -> Plan:
    """The strata the compiler found (``Program.strata``), each with its clauses and whether it recurses."""
    by_head: dict[str, list[ir.CompiledClause]] = {}
    for clause in program.clauses:
        by_head.setdefault(clause.head.predicate, []).append(clause)
    strata = []
    for names in program.strata:
        members = frozenset(names)
        clauses = tuple(c for name in names for c in by_head.get(name, ()))
        recursive = len(members) > 1 or any(isinstance(lit, ir.Atom) and not lit.negated
                                            and lit.predicate in members for c in clauses for lit in c.body)
        strata.append(Stratum(members, clauses, recursive))
    return Plan(tuple(strata), {})


# ── facts, indexed by the positions a step knows ────────────────────────────
class Relations:
    """Facts by predicate, each with the rule ids that derived it, and lookup indices built on demand."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[Row, list[str]]] = {}
        self._indices: dict[tuple[str, tuple[int, ...]], dict[Row, list[Row]]] = {}
        self._keys: dict[str, list[tuple[int, ...]]] = {}

    def lookup(self, predicate: str, key: tuple[int, ...], values: Row) -> list[Row]:
        index = self._indices.get((predicate, key))
        if index is None:
            index = {}
            for row in self.rows.get(predicate, ()):
                index.setdefault(tuple(row[i] for i in key), []).append(row)
            self._indices[(predicate, key)] = index
            self._keys.setdefault(predicate, []).append(key)
        return index.get(values, ())

    def add(self, predicate: str, row: Row, rule: str | None) -> bool:
        """Record a fact (and the rule that derived it); True when the fact is new."""
        rows = self.rows.setdefault(predicate, {})
        rules = rows.get(row)
        if rules is None:
            rows[row] = [rule] if rule is not None else []
            for key in self._keys.get(predicate, ()):
                self._indices[(predicate, key)].setdefault(tuple(row[i] for i in key), []).append(row)
            return True
        if rule is not None and rule not in rules:
            rules.append(rule)
        return False


def run(steps: Iterable[Step], relations: Relations, deltas: dict[int, Relations] | None = None) -> list[Binding]:
    """Every binding satisfying the steps; a step listed in ``deltas`` reads those facts instead."""
    bindings: list[Binding] = [{}]
    for position, step in enumerate(steps):
        if not bindings:
            break
        source = deltas.get(position, relations) if deltas else relations
        extended: list[Binding] = []
        if isinstance(step, Scan):
            for binding in bindings:
                values = tuple(binding[t] if var else t for var, t in step.key_terms)
                for row in source.lookup(step.predicate, step.key, values):
                    if any(row[i] != row[j] for i, j in step.same):
                        continue
                    new = binding.copy()
                    for i, name in step.binds:
                        new[name] = row[i]
                    extended.append(new)
        elif isinstance(step, Absent):
            for binding in bindings:
                values = tuple(binding[t] if var else t for var, t in step.key_terms)
                if not source.lookup(step.predicate, step.key, values):
                    extended.append(binding)
        elif isinstance(step, Assign):
            for binding in bindings:
                new = binding.copy()
                new[step.variable] = _value(step.expr, binding)
                extended.append(new)
        else:
            extended = [b for b in bindings if step.test(_value(step.left, b), _value(step.right, b))]
        bindings = extended
    return bindings


def _derive(plan: ClausePlan, relations: Relations, deltas: dict[int, Relations] | None = None) -> list[Row]:
    return [tuple(b[t] if var else t for var, t in plan.head) for b in run(plan.steps, relations, deltas)]


def evaluate_model(plan: Plan, facts: Iterable[Fact], applicable: set[int]) -> Relations:
    """The model of ``facts`` under the clauses in ``applicable`` (their ``id()``s: clauses are compared by
    identity, the cheapest test)."""
    relations = Relations()
    for name, args in facts:
        relations.add(name, tuple(args), None)
    for stratum in plan.strata:
        plans = plan.plans(stratum, applicable)
        delta = Relations()
        for p in plans:
            for row in _derive(p, relations):
                if relations.add(p.clause.head.predicate, row, p.clause.rule):
                    delta.add(p.clause.head.predicate, row, None)
        if not stratum.recursive:
            continue
        while delta.rows:
            new = Relations()
            for p in plans:
                for position in p.recursive_steps:
                    for row in _derive(p, relations, {position: delta}):
                        if relations.add(p.clause.head.predicate, row, p.clause.rule):
                            new.add(p.clause.head.predicate, row, None)
            delta = new
    return relations


# ── the session ─────────────────────────────────────────────────────────────
class Session:
    """One assessment: the model of one enterprise's facts, computed when the session is created."""

    def __init__(self, program: ir.Program, facts: list[Fact]):
        self.program = program
        self.facts = facts
        self.clauses = applicable_clauses(program, facts)
        self._by_head: dict[str, list[ir.CompiledClause]] = {}
        for clause in self.clauses:
            self._by_head.setdefault(clause.head.predicate, []).append(clause)
        self.relations = evaluate_model(prepare(program), facts, {id(c) for c in self.clauses})

    def clauses_for(self, predicate: str) -> list[ir.CompiledClause]:
        return self._by_head.get(predicate, [])

    def _matching(self, predicate: str, pattern: tuple[Any, ...] | None) -> Iterable[tuple[Row, list[str]]]:
        rows = self.relations.rows.get(predicate, {})
        if pattern is None or all(p is None for p in pattern):
            return rows.items()
        return [(row, rules) for row, rules in rows.items()
                if all(p is None or p == v for p, v in zip(pattern, row))]

    def ask(self, predicate: str, pattern: tuple[Any, ...] | None = None) -> list[tuple]:
        return sorted((row for row, _ in self._matching(predicate, pattern)), key=repr)

    def derived_by(self, predicate: str, pattern: tuple[Any, ...] | None = None) -> list[tuple[str, tuple]]:
        return sorted(((rule, row) for row, rules in self._matching(predicate, pattern) for rule in rules),
                      key=canonical_order)

    def everything(self) -> dict[str, list[tuple[str, tuple]]]:
        return {name: self.derived_by(name) for name, pred in self.program.predicates.items()
                if pred.kind == "derived" and self.relations.rows.get(name)}

    def rules_that_fired(self) -> set[str]:
        return {rule for rows in self.relations.rows.values() for rules in rows.values() for rule in rules}

    def solve(self, literals: list[ir.Literal], variables: list[str]) -> list[dict[str, Any]]:
        answers = {tuple(b[v] for v in variables) for b in run(compile_body(literals), self.relations)}
        return [dict(zip(variables, row)) for row in answers]
