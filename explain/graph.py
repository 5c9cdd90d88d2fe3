"""Explanation graphs, rebuilt from what the engine derived.

``why``: for each fact matching a query, a DiGraph conclusion → rule application → premises. For every rule
the engine reports as having derived the fact (``p__by`` provenance), the rule's body is asked again with
the head bound; the first answer binds each premise, which is then explained in turn (input facts point to
their profile field; comparisons show their values; negations read "no … was found"; period computations
show the nominal and effective last day and why they differ).

``why-not``: for a conclusion that does not hold, each rule clause whose head could match, and the first
condition of its (compiled) body that no binding satisfies.

Edges point from what is explained to what explains it. Node attributes are JSON-safe.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import networkx as nx

from .. import ir
from ..assessment import citation
from ..binding import substitute, unify_head, value_text
from ..builtins import ADD_PERIOD, BUILTINS, effective_cites, evaluate
from ..engines import EngineSession
from ..facts_mapping import field_path
from ..periods import Deadline, calendar_covers, calendar_note, rest_day_name


def atom_text(predicate: str, args) -> str:
    return f"{predicate}({', '.join(map(value_text, args))})"


def _expr_text(expr: ir.Expr, binding: dict[str, Any]) -> str:
    if isinstance(expr, ir.Var):
        return value_text(binding.get(expr.name, expr.name))
    if isinstance(expr, ir.Const):
        return value_text(expr.value) if expr.type != "string" else f'"{expr.value}"'
    if isinstance(expr, ir.Call):
        return f"{expr.function}({', '.join(_expr_text(a, binding) for a in expr.args)})"
    return f"{_expr_text(expr.left, binding)} {expr.op} {_expr_text(expr.right, binding)}"


MAX_WHY_NOT_DEPTH = 6  # how many conclusions deep a why-not follows a failing condition


class Explainer:
    """Builds explanation graphs against one engine session (any engine: cplaw.engines.EngineSession)."""

    def __init__(self, session: EngineSession):
        self.session = session
        self.program = session.program
        self.graph = nx.DiGraph()

    # ── helpers ─────────────────────────────────────────────────────────────
    def _rule_attrs(self, rule_id: str, clause_index: int) -> dict[str, Any]:
        rule = self.program.rules[rule_id]
        inst = self.program.instruments.get(rule.instrument)
        return {"kind": "rule", "rule": rule_id, "clause": clause_index,
                "instrument": rule.instrument, "status": inst.status if inst else None,
                "cites": [citation(self.program, ref) for ref in rule.cites],
                "readings": [{"name": r.name, "text": r.text} for r in rule.readings]}

    def _pattern(self, atom: ir.Atom) -> tuple:
        return tuple(a.value if isinstance(a, ir.Const) else None for a in atom.args)

    # ── why ─────────────────────────────────────────────────────────────────
    def fact(self, predicate: str, args: tuple) -> str:
        node = "fact:" + atom_text(predicate, args)
        if node in self.graph:
            return node
        pred = self.program.predicates[predicate]
        attrs = {"predicate": predicate, "args": [value_text(a) for a in args], "zh": pred.zh, "en": pred.en}
        if pred.kind == "input":
            self.graph.add_node(node, kind="input", path=field_path(predicate, args, self.program), **attrs)
            return node
        self.graph.add_node(node, kind="conclusion", **attrs)
        for rule_id in sorted({r for r, _ in self.session.derived_by(predicate, args)}):
            for clause in self.session.clauses_for(predicate):
                if clause.rule == rule_id and self._application(node, clause, args):
                    break
        return node

    def _application(self, node: str, clause: ir.CompiledClause, args: tuple) -> bool:
        binding = unify_head(clause.head, args)
        if binding is None:
            return False
        body = [substitute(lit, binding) for lit in clause.body]
        free = [v for v in clause.variables if v not in binding]
        answers = self.session.solve(body, free)
        if not answers:
            return False
        full = {**binding, **min(answers, key=_order)}  # the engine's answer order varies with the hash seed
        rule_node = f"rule:{clause.id}:{node[5:]}"
        self.graph.add_node(rule_node, **self._rule_attrs(clause.rule, clause.index))
        self.graph.add_edge(node, rule_node)
        for position, lit in enumerate(clause.body):
            premise = self.premise(lit, full, f"{rule_node}:{position}")
            if premise:
                self.graph.add_edge(rule_node, premise)
        return True

    def premise(self, lit: ir.Literal, binding: dict[str, Any], node_id: str) -> str | None:
        if isinstance(lit, ir.Atom):
            bound = substitute(lit, binding)
            pattern = self._pattern(bound)
            if lit.negated:
                shown = [value_text(v) if v is not None else "_" for v in pattern]
                self.graph.add_node(node_id, kind="absent", predicate=lit.predicate, args=shown,
                                    text=f"no {lit.predicate}({', '.join(shown)}) was found")
                return node_id
            matches = self.session.ask(lit.predicate, pattern)
            return self.fact(lit.predicate, min(matches, key=repr)) if matches else None
        if lit.guard:
            inst = self.program.instruments[lit.guard]
            day = evaluate(lit.left, binding)
            if lit.op != ">=":  # one node for the pair of guards
                return None
            self.graph.add_node(f"in_force:{inst.id}:{value_text(day)}", kind="in_force", instrument=inst.id,
                                day=value_text(day), start=value_text(inst.in_force_from),
                                end=value_text(inst.in_force_to) if inst.in_force_to else None,
                                status=inst.status)
            return f"in_force:{inst.id}:{value_text(day)}"
        return self._computation(lit, binding, node_id)

    def _computation(self, lit: ir.Comparison, binding: dict[str, Any], node_id: str) -> str:
        text = f"{_expr_text(lit.left, binding)} {lit.op} {_expr_text(lit.right, binding)}"
        attrs: dict[str, Any] = {"kind": "comparison", "text": text}
        expr = lit.right
        if lit.op == "=" and isinstance(expr, ir.BinOp) and isinstance(expr.right, ir.Const) \
                and expr.right.type == "period":
            start = evaluate(expr.left, binding)
            deadline = Deadline.compute(start, expr.right.value)
            attrs = {"kind": "period", "text": f"{value_text(start)} + {expr.right.value} = "
                     f"{value_text(deadline.nominal)}", "start": value_text(start),
                     "period": str(expr.right.value), "period_zh": expr.right.value.zh,
                     "nominal": value_text(deadline.nominal), "calendar_note": deadline.calendar_note,
                     "calendar_years": _uncovered_years(start, deadline.nominal, deadline.effective),
                     "cites": self._builtin_cites(ADD_PERIOD)}
        elif lit.op == "=" and isinstance(expr, ir.Call) and expr.function == "effective":
            nominal = evaluate(expr.args[0], binding)
            effective = evaluate(expr, binding)
            attrs = {"kind": "period", "text": f"effective({value_text(nominal)}) = {value_text(effective)}",
                     "nominal": value_text(nominal), "effective": value_text(effective),
                     "moved_because": rest_day_name(nominal) if effective != nominal else None,
                     "calendar_note": None if calendar_covers(nominal) else calendar_note(str(nominal.year)),
                     "calendar_years": _uncovered_years(nominal),
                     "cites": self._builtin_cites(BUILTINS["effective"], effective_cites(nominal))}
        self.graph.add_node(node_id, **attrs)
        return node_id

    def _builtin_cites(self, builtin, cites=None) -> list[dict[str, Any]]:
        refs = [ir.ArticleRef(inst, art, para) for inst, art, para in (cites or builtin.cites)]
        return [citation(self.program, r) for r in refs if r.key in self.program.articles]

    def why(self, atom: ir.Atom) -> nx.DiGraph:
        self.graph.graph.update(kind="why", query=str(atom))
        rows = sorted(self.session.ask(atom.predicate, self._pattern(atom)), key=lambda r: tuple(map(value_text, r)))
        roots = [self.fact(atom.predicate, row) for row in rows]  # in a fixed order, whichever engine ran
        self.graph.graph["roots"] = roots
        return self.graph

    # ── why not ─────────────────────────────────────────────────────────────
    def why_not(self, atom: ir.Atom) -> nx.DiGraph:
        root = "query:" + str(atom)
        self.graph.graph.update(kind="why_not", query=str(atom), roots=[root])
        self.graph.graph["holds"] = self._not_derived(atom, root, depth=0)
        return self.graph

    def _not_derived(self, atom: ir.Atom, node: str, depth: int) -> bool:
        """Add ``node`` for an atom; if it does not hold, each rule clause that could conclude it and that
        clause's first failing condition, explained in turn where it is a conclusion itself.
        Returns whether the atom holds."""
        if node in self.graph:  # the same sub-question, reached again: already explained
            return self.graph.nodes[node]["kind"] == "holds"
        pattern = self._pattern(atom)
        holds = bool(self.session.ask(atom.predicate, pattern))
        pred = self.program.predicates[atom.predicate]
        self.graph.add_node(node, kind="holds" if holds else "not_derived", predicate=atom.predicate,
                            args=[value_text(v) if v is not None else "_" for v in pattern], zh=pred.zh, en=pred.en)
        if holds:
            return True
        if pred.kind == "input":
            self.graph.nodes[node]["text"] = "the profile gives no such fact"
            return False
        routes = 0
        for clause in self.session.clauses_for(atom.predicate):
            binding = unify_head(clause.head, pattern)
            if binding is None:
                continue
            routes += 1
            attempt = f"{node}|{clause.id}"
            self.graph.add_node(attempt, **self._rule_attrs(clause.rule, clause.index))
            self.graph.add_edge(node, attempt)
            failed = self._first_failure([substitute(lit, binding) for lit in clause.body])
            if failed is None:
                continue
            index, prefix_binding = failed
            lit = substitute(clause.body[index], {**binding, **prefix_binding})
            if isinstance(lit, ir.Atom) and not lit.negated and depth < MAX_WHY_NOT_DEPTH \
                    and self.program.predicates[lit.predicate].kind == "derived":
                child = f"not:{lit}"
                self._not_derived(lit, child, depth + 1)
            else:
                child = f"{attempt}|failed"
                self.graph.add_node(child, kind="failed", text=_literal_text(lit), position=index,
                                    guard=clause.body[index].guard if isinstance(lit, ir.Comparison) else None)
            self.graph.add_edge(attempt, child)
        if not routes:
            self._out_of_force(atom, node, pattern)
        return False

    def _out_of_force(self, atom: ir.Atom, node: str, pattern: tuple) -> None:
        """Where no rule in force can conclude ``atom``: the enterprise's rules that could, were they in force on
        the as-of date (a provision not yet in force, or no longer applied), one route per rule, each saying
        when it applies. Taken from the rule base's in-force guards, as the engine left those clauses out."""
        as_of = next(iter(self.session.ask("as_of")), (None,))[0]
        province = next(iter(self.session.ask("province")), (None,))[0]
        if as_of is None:
            return
        shown: set[str] = set()
        for clause in self.program.clauses:
            if clause.head.predicate != atom.predicate or clause.rule in shown or clause.can_apply(as_of) \
                    or clause.province not in (None, province) or unify_head(clause.head, pattern) is None:
                continue
            shown.add(clause.rule)
            start, end = (clause.applies_from, None) if clause.applies_from else clause.as_of_within or (None, None)
            before = start is not None and as_of < start  # else the provision applied until ``end``
            attempt = f"{node}|{clause.id}"
            # routes in order of how near the as-of date their provision applies (the nearest first)
            nearest = abs((start if before else end) - as_of).days
            self.graph.add_node(attempt, **self._rule_attrs(clause.rule, clause.index), order=f"{nearest:07d}")
            self.graph.add_edge(node, attempt)
            child = f"{attempt}|out_of_force"
            self.graph.add_node(child, kind="out_of_force", as_of=value_text(as_of),
                                start=value_text(start) if start else None, end=value_text(end) if end else None,
                                when="before" if before else "after")
            self.graph.add_edge(attempt, child)

    def _first_failure(self, body: list[ir.Literal]) -> tuple[int, dict[str, Any]] | None:
        previous: dict[str, Any] = {}
        for k in range(len(body)):
            variables = _bound_names(body[: k + 1])
            answers = self.session.solve(body[: k + 1], variables)
            if not answers:
                return k, previous
            previous = min(answers, key=_order)
        return None


def _order(answer: dict[str, Any]) -> str:
    return repr(sorted(answer.items()))


def _bound_names(literals: list[ir.Literal]) -> list[str]:
    names: list[str] = []
    for lit in literals:
        if isinstance(lit, ir.Atom) and lit.negated:
            continue
        for v in lit.vars():
            if not v.anonymous and v.name not in names:
                names.append(v.name)
    return names


def _literal_text(lit: ir.Literal) -> str:
    if isinstance(lit, ir.Atom):
        core = f"{lit.predicate}({', '.join(_expr_text(a, {}) if not (isinstance(a, ir.Var) and a.anonymous) else '_' for a in lit.args)})"
        return f"not {core}" if lit.negated else core
    return f"{_expr_text(lit.left, {})} {lit.op} {_expr_text(lit.right, {})}"


def _uncovered_years(*days: Any) -> str | None:
    """The years, among those of ``days``, whose official holiday arrangement is not known."""
    years = sorted({str(d.year) for d in days if isinstance(d, _dt.date) and not calendar_covers(d)})
    return ", ".join(years) or None
