"""Missing facts: what the profile does not say that would decide a conclusion a user asks about.

Derived from the rules, never from a list of cases. For each user-facing conclusion that does not hold
(``mandatory`` on each ground, ``due``, ``violation`` and ``sanction`` for each duty), every rule clause that
could conclude it is walked as in why-not, but *relaxed*: where the first failing condition is an input fact
the profile leaves open — a field it does not give at all (``enterprise.industry``), a substance with no
hazards or catalogues — the condition is taken as possible, and the walk goes on. A clause whose every failure
is such an open fact could hold once the facts are given: each of them is reported, with the conclusion it
decides and the articles of the rules that wait on it. A clause failing on a fact the profile does give (a
value below its limit, an event before a date, a negation) cannot be rescued by asking, so it asks nothing.
A conclusion that holds asks only where the engine's derivation of it rests on a negation an open input could
turn (``not sx_notified(Round)``); only there is an unrecorded event asked about (see _EVENTS_ASKED_FOR).

Conditions are matched in Python against the session's facts and the facts the engine derived
(``Session.facts``, ``Session.everything()``): nothing is derived here, so it costs a few tens of milliseconds.

Which input fields can be asked about is the vocabulary's `questions` section (facts/labels.yaml): a field
with no question there (a boolean flag, a measurement) is read as the profile gives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import ir
from .assessment import rule_citations
from .binding import substitute, unify_head, value_text
from .builtins import evaluate
from .engines import EngineSession
from .labels import LANGS, label, vocabulary

# The conclusions a user asks about, and the argument that names which one (a ground, a duty).
TARGETS = {"mandatory": "ground", "due": "duty", "violation": "duty", "sanction": "duty"}
MAX_DEPTH = 6
# An event the profile does not record did not happen (nothing done, no decision made, no stage reached yet). It
# is asked about only where a deadline was drawn from its absence: a derivation of the conclusions below resting
# on a negation (`not sx_notified(Round)`: the province counts from the notice, and with none recorded the rules
# count from the list) that the event would make true.
_EVENT_PREDICATES = ("event",)
_EVENTS_ASKED_FOR = ("due",)


@dataclass(frozen=True)
class Open:
    """One input the profile leaves open: its predicate and the key it is asked for."""

    predicate: str
    path: str
    event_type: str | None = None


@dataclass
class _Walk:
    session: EngineSession
    program: ir.Program
    events: bool = False  # whether an unrecorded event is open (see _EVENTS_ASKED_FOR), in the walk under way
    events_under_negation: bool = False  # whether it may be, below a negation the derivation rests on
    memo: dict[tuple, list[tuple[frozenset[Open], frozenset[str]]]] = field(default_factory=dict)
    busy: set[tuple] = field(default_factory=set)
    _reach: dict[bool, set[str]] = field(default_factory=dict)
    _table: dict[str, list[tuple]] = field(default_factory=dict)
    _derived: dict[str, list[tuple[str, tuple]]] | None = None
    _indexes: dict[tuple, dict[tuple, list[tuple]]] = field(default_factory=dict)

    def derived(self) -> dict[str, list[tuple[str, tuple]]]:
        """What the engine derived, (rule, row) by predicate: asked of the session once per walk."""
        if self._derived is None:
            self._derived = self.session.everything()
        return self._derived

    def reaches_open(self, predicate: str, events: bool | None = None) -> bool:
        """Whether a predicate can wait on an askable input at all, through positive conditions (a static
        fixpoint over this session's clauses): the walk skips what no question could decide."""
        events = self.events if events is None else events
        if events not in self._reach:
            askable = {name for name in vocabulary().get("questions", {})
                       if name in self.program.predicates and (events or name not in _EVENT_PREDICATES)}
            reach = set(askable)
            grew = True
            while grew:
                grew = False
                for clause in self.session.clauses:
                    head = clause.head.predicate
                    if head not in reach and any(isinstance(lit, ir.Atom) and not lit.negated
                                                 and lit.predicate in reach for lit in clause.body):
                        reach.add(head)
                        grew = True
            self._reach[events] = reach
        return predicate in self._reach[events]

    def holds(self, predicate: str, pattern: tuple) -> bool:
        """Whether a fact matches (None: any value), read from the session's facts and derived facts."""
        return any(all(p is None or p == a for p, a in zip(pattern, args)) for args in self.rows(predicate))

    # ── which inputs are open ───────────────────────────────────────────────
    def open_input(self, lit: ir.Atom, prefix_grounded: bool) -> Open | None:
        """The open input a failing positive input literal waits on, or None if the profile settles it."""
        questions = vocabulary().get("questions", {})
        name = lit.predicate
        if name not in questions:
            return None
        args = tuple(a.value if isinstance(a, ir.Const) else None for a in lit.args)
        params = self.program.predicates[name].params
        if params and params[0].type == "ref":
            if name in _EVENT_PREDICATES:
                kind = args[1] if len(args) > 1 else None
                if kind is None or not self.events or not prefix_grounded or self.holds(name, (None, kind, None)):
                    return None
                return Open(name, f"events[+].type={kind}", kind)
            ref = args[0]
            if ref is None or self.holds(name, (ref,) + (None,) * (len(args) - 1)):
                return None
            return Open(name, f"{ref}.{questions[name].get('field', name)}")
        if self.holds(name, ()):  # an enterprise field the profile gives: settled
            return None
        return Open(name, f"enterprise.{questions[name].get('field', name)}")

    def _from_profile(self, lit: ir.Literal) -> bool:
        """A positive condition met by what the profile records (a record, or a conclusion drawn from it)."""
        if not isinstance(lit, ir.Atom) or lit.negated:
            return False
        params = self.program.predicates[lit.predicate].params
        return self.program.predicates[lit.predicate].kind == "derived" or bool(params and params[0].type == "ref")

    # ── the relaxed walk ───────────────────────────────────────────────────
    def could_hold(self, atom: ir.Atom, depth: int) -> list[tuple[frozenset[Open], frozenset[str]]]:
        """Ways ``atom`` could hold: each the open inputs it waits on and the rules that wait on them.
        An empty list: it cannot hold, whatever is asked; [(∅, ∅)]: it holds already."""
        pattern = tuple(a.value if isinstance(a, ir.Const) else None for a in atom.args)
        key = (atom.predicate, pattern, self.events)
        if key in self.memo:
            return self.memo[key]
        if key in self.busy or depth > MAX_DEPTH:
            return []
        if self.holds(atom.predicate, pattern):
            return [(frozenset(), frozenset())]
        self.busy.add(key)
        ways: list[tuple[frozenset[Open], frozenset[str]]] = []
        for clause in self.session.clauses_for(atom.predicate):
            binding = unify_head(clause.head, pattern)
            if binding is not None and any(isinstance(lit, ir.Atom) and not lit.negated
                                           and self.reaches_open(lit.predicate) for lit in clause.body):
                way = self._clause(clause, [substitute(lit, binding) for lit in clause.body], depth)
                if way is not None and way not in ways:
                    ways.append(way)
        self.busy.discard(key)
        self.memo[key] = ways
        return ways

    def could_change(self, predicate: str, args: tuple, depth: int) -> list[tuple[frozenset[Open], frozenset[str]]]:
        """For a fact that holds: the open inputs that could undo or alter the derivation the engine made,
        found where it rests on a negation (``not sx_notified(Round)``: no notice recorded) that an open input
        could make true, directly or through the conclusions it rests on."""
        key = ("changed", predicate, args, self.events)
        if key in self.memo:
            return self.memo[key]
        if key in self.busy or depth > MAX_DEPTH:
            return []
        self.busy.add(key)
        ways: list[tuple[frozenset[Open], frozenset[str]]] = []
        rules = {rule for rule, row in self.derived().get(predicate, []) if row == args}
        for clause in self.session.clauses_for(predicate):
            binding = unify_head(clause.head, args) if clause.rule in rules else None
            answers = self._answers([substitute(lit, binding) for lit in clause.body]) if binding is not None else None
            if not answers:
                continue
            full = {**binding, **min(answers, key=lambda a: repr(sorted(a.items(), key=repr)))}
            for lit in clause.body:
                if not isinstance(lit, ir.Atom) or not self.reaches_open(lit.predicate, self.events_under_negation):
                    continue
                bound = substitute(lit, full)
                if lit.negated:
                    positive = ir.Atom(bound.predicate, bound.args)
                    outer, self.events = self.events, self.events_under_negation
                    found = [(w[0], w[1] | {clause.rule}) for w in self.could_hold(positive, depth + 1) if w[0]] \
                        if self.program.predicates[lit.predicate].kind == "derived" else []
                    self.events = outer
                elif self.program.predicates[lit.predicate].kind == "derived":
                    row = tuple(a.value for a in bound.args if isinstance(a, ir.Const))
                    found = self.could_change(lit.predicate, row, depth + 1) if len(row) == len(bound.args) else []
                else:
                    found = []
                ways += [w for w in found if w not in ways]
        self.busy.discard(key)
        self.memo[key] = ways
        return ways

    def _clause(self, clause: ir.CompiledClause, body: list[ir.Literal], depth: int):
        """The open inputs that stand between a clause and its conclusion, or None if something else does."""
        opened: set[Open] = set()
        rules: set[str] = set()
        grounded = False
        for _ in range(len(body) + 1):
            failed = self._first_failure(body)
            if failed is None:
                return (frozenset(opened), frozenset(rules)) if opened else None
            index, answer = failed
            lit = substitute(body[index], answer)
            grounded = grounded or any(self._from_profile(b) for b in body[:index])
            if not isinstance(lit, ir.Atom) or lit.negated:
                return None
            kind = self.program.predicates[lit.predicate].kind
            if kind == "input":
                item = self.open_input(lit, grounded)
                if item is None:
                    return None
                opened.add(item)
                rules.add(clause.rule)
            else:
                ways = [w for w in self.could_hold(lit, depth + 1) if w[0]] if self.reaches_open(lit.predicate) else []
                if not ways:
                    return None
                for way_opened, way_rules in ways:  # each route's open facts decide it
                    opened.update(way_opened)
                    rules.update(way_rules)
            body = _without(body[:index], answer) + _without(body[index + 1:], answer, lit)
        return None

    def _first_failure(self, body: list[ir.Literal]) -> tuple[int, dict[str, Any]] | None:
        """The first condition no binding of the ones before it satisfies, and the (first) binding of those
        before it; None if the body holds. Prefixes are searched by halving: a failing prefix fails longer."""
        if self._answers(body) != []:
            return None  # it holds, or cannot be evaluated without a value an open input would give: possible
        low, high, known = 0, len(body), [{}]  # body[:low] holds (bindings: known); body[:high] fails
        while high - low > 1:
            middle = (low + high) // 2
            answers = self._answers(body[:middle])
            if answers is None:
                return None
            if answers:
                low, known = middle, answers
            else:
                high = middle
        return low, min(known, key=lambda a: repr(sorted(a.items(), key=repr)))

    def _answers(self, body: list[ir.Literal]) -> list[dict[str, Any]] | None:
        """The bindings that satisfy a conjunction, matched against the session's facts and derived facts
        (what the engine concluded: nothing is derived here); None where a condition needs a value no
        condition before it gives (one an open input would have given)."""
        try:
            return list(self._match(body, 0, {}))
        except _Unbound:
            return None

    def rows(self, predicate: str) -> list[tuple]:
        """The facts of a predicate: the session's base facts, or what the engine derived."""
        if predicate not in self._table:
            if self.program.predicates[predicate].kind == "derived":
                rows = {args for _, args in self.derived().get(predicate, [])}
            else:
                rows = {args for name, args in self.session.facts if name == predicate}
            self._table[predicate] = list(rows)
        return self._table[predicate]

    def _candidates(self, atom: ir.Atom, binding: dict[str, Any]) -> list[tuple]:
        """The rows of an atom's predicate that agree with its constants and bound variables (an index per
        predicate and bound positions, built on first use)."""
        known = [(i, t.value if isinstance(t, ir.Const) else binding[t.name]) for i, t in enumerate(atom.args)
                 if isinstance(t, ir.Const) or (not t.anonymous and t.name in binding)]
        if not known:
            return self.rows(atom.predicate)
        positions = tuple(i for i, _ in known)
        index = self._indexes.get((atom.predicate, positions))
        if index is None:
            index = {}
            for row in self.rows(atom.predicate):
                index.setdefault(tuple(row[i] for i in positions), []).append(row)
            self._indexes[(atom.predicate, positions)] = index
        try:
            return index.get(tuple(v for _, v in known), [])
        except TypeError:  # an unhashable value: look through every row
            return self.rows(atom.predicate)

    def _match(self, body: list[ir.Literal], index: int, binding: dict[str, Any]):
        if index == len(body):
            yield binding
            return
        lit = body[index]
        if isinstance(lit, ir.Atom):
            found = False
            for row in self._candidates(lit, binding):
                extended = _unify(lit.args, row, binding, lit.negated)
                if extended is None:
                    continue
                if lit.negated:
                    found = True
                    break
                yield from self._match(body, index + 1, extended)
            if lit.negated and not found:
                yield from self._match(body, index + 1, binding)
            return
        left, right = lit.left, lit.right
        if lit.op == "=" and isinstance(left, ir.Var) and left.name not in binding:
            yield from self._match(body, index + 1, {**binding, left.name: _value(right, binding)})
        elif lit.op == "=" and isinstance(right, ir.Var) and right.name not in binding:
            yield from self._match(body, index + 1, {**binding, right.name: _value(left, binding)})
        elif _COMPARE[lit.op](_value(left, binding), _value(right, binding)):
            yield from self._match(body, index + 1, binding)


class _Unbound(Exception):
    """A condition reads a variable nothing has bound."""


_COMPARE = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _value(expr: ir.Expr, binding: dict[str, Any]) -> Any:
    if any(v.name not in binding for v in ir.expr_vars(expr)):
        raise _Unbound
    return evaluate(expr, binding)


def _unify(terms: tuple, row: tuple, binding: dict[str, Any], negated: bool) -> dict[str, Any] | None:
    """The binding extended to match a fact's row, or None. In a negation an unbound variable is any value."""
    extended = binding
    for term, value in zip(terms, row):
        if isinstance(term, ir.Const):
            if term.value != value:
                return None
        elif term.anonymous or (negated and term.name not in binding):
            continue
        elif term.name in extended:
            if extended[term.name] != value:
                return None
        else:
            extended = {**extended, term.name: value}
    return extended


def _without(body: list[ir.Literal], answer: dict[str, Any], dropped: ir.Literal | None = None) -> list[ir.Literal]:
    """The body bound by ``answer``; after an open literal is dropped, the conditions that needed a value only
    it would have given are dropped too (they are possible, not known)."""
    body = [substitute(lit, answer) for lit in body]
    if dropped is None:
        return body
    lost = {v.name for v in dropped.vars() if not v.anonymous}
    kept: list[ir.Literal] = []
    binds: set[str] = set()
    for lit in body:
        names = {v.name for v in lit.vars() if not v.anonymous}
        if isinstance(lit, ir.Atom) and not lit.negated:
            kept.append(lit)
            binds |= names
        elif not (names & lost - binds):
            kept.append(lit)
    return kept


def missing_facts(program: ir.Program, session: EngineSession) -> list[dict[str, Any]]:
    """The ``missing_facts`` of an assessment: each open input that could change a user-facing conclusion,
    with the question to ask (zh, en), the conclusions it decides and the articles that make it matter."""
    walk = _Walk(session, program)
    found: dict[Open, dict[str, Any]] = {}
    for predicate, enum in TARGETS.items():
        pred = program.predicates[predicate]
        position = next(i for i, p in enumerate(pred.params) if p.type == enum)
        for value in program.enums[enum].values:
            pattern = [ir.Var(f"_{i}", anonymous=True) for i in range(pred.arity)]
            pattern[position] = ir.Const(value, enum)
            atom = ir.Atom(predicate, tuple(pattern))
            walk.events_under_negation = predicate in _EVENTS_ASKED_FOR
            held = [args for args in walk.rows(predicate) if args[position] == value]
            ways = [w for args in held for w in walk.could_change(predicate, args, 0)] if held \
                else walk.could_hold(atom, 0)
            for opened, rules in ways:
                for item in opened:
                    entry = found.setdefault(item, {"rules": set(), "decides": []})
                    entry["rules"] |= rules
                    decided = {"predicate": predicate, "args": [value_text(value)]}
                    if decided not in entry["decides"]:
                        entry["decides"].append(decided)
    return [_item(program, item, entry) for item, entry in sorted(found.items(), key=lambda kv: kv[0].path)]


def _item(program: ir.Program, item: Open, entry: dict[str, Any]) -> dict[str, Any]:
    question = {}
    for lang in LANGS:
        values = {"type": label("enums", f"event_type.{item.event_type}", lang)} if item.event_type else {}
        question[lang] = label("questions", f"{item.predicate}.text", lang, **values)
    return {"path": item.path, "question": question, "decides": entry["decides"],
            "cites": rule_citations(program, sorted(entry["rules"]))}
