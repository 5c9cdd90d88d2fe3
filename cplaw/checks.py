"""Static checks on a parsed rule base. Every problem is collected; nothing is evaluated while any remains.

Checks: duplicate ids; unknown predicate, type or enum value; arity and type mismatches; unsafe variables
(in the head, a negation or a comparison but bound by no positive literal); negation through recursion;
a rule without a citation; a citation of an undeclared article; a named argument that is unknown, given
twice or missing, and a reading referred to but never declared, or declared again in other words
(cplaw.resolve).
"""

from __future__ import annotations

import dataclasses

import networkx as nx

from . import ir, resolve
from .builtins import ADD_PERIOD, BUILTINS
from .errors import Diagnostic

BASE_TYPES = {"date", "period", "number", "int", "string", "ref", "provision"}
NULLABLE = {"number", "int", "string", "date"}


class Checker:
    """Runs every check over a set of parsed files and collects diagnostics."""

    def __init__(self, files: list[ir.RuleFile], sources: dict[str, list[str]]):
        self.files = files
        self.sources = sources  # path → lines, for caret display
        self.diagnostics: list[Diagnostic] = []
        self.instruments: dict[str, ir.Instrument] = {}
        self.articles: dict[tuple, ir.Article] = {}
        self.enums: dict[str, ir.Enum] = {}
        self.predicates: dict[str, ir.Predicate] = {}
        self.rules: dict[str, ir.Rule] = {}
        self.enum_of_value: dict[str, set[str]] = {}
        self.refs_by_instrument: dict[str, list[ir.ArticleRef]] = {}
        self.unresolved: set[tuple[str, int]] = set()  # (rule id, clause index) whose names are wrong

    def error(self, pos: ir.Pos, message: str, code: str) -> None:
        lines = self.sources.get(pos.file, [])
        source_line = lines[pos.line - 1] if 0 < pos.line <= len(lines) else None
        self.diagnostics.append(Diagnostic(pos.file, pos.line, pos.column, message, code, source_line))

    # ── declarations ────────────────────────────────────────────────────────
    def declare(self) -> None:
        for f in self.files:
            if f.instrument:
                self._unique(self.instruments, f.instrument.id, f.instrument, "instrument")
            for a in f.articles:
                self._unique(self.articles, a.ref.key, a, f"article {a.ref}")
                self.refs_by_instrument.setdefault(a.ref.instrument, []).append(a.ref)
            for e in f.enums:
                self._unique(self.enums, e.name, e, "enum")
            for p in f.predicates:
                self._unique(self.predicates, p.name, p, "predicate")
            for r in f.rules:
                self._unique(self.rules, r.id, r, "rule id")
        for e in self.enums.values():
            for v in e.values:
                self.enum_of_value.setdefault(v, set()).add(e.name)
        for p in self.predicates.values():
            for param in p.params:
                if param.type not in BASE_TYPES and param.type not in self.enums:
                    self.error(p.pos, f"predicate {p.name}: unknown type {param.type!r} for {param.name}",
                               "unknown-type")

    def _unique(self, table: dict, key, value, what: str) -> None:
        if key in table:
            first = table[key].pos
            self.error(value.pos, f"duplicate {what} {key if isinstance(key, str) else ''}".rstrip()
                       + f" (first declared at {first.file}:{first.line})", "duplicate")
        else:
            table[key] = value

    # ── what is written by name ─────────────────────────────────────────────
    def resolve_names(self) -> None:
        """Readings referred to by name get their declared words; named arguments go to their positions.
        A clause whose names are wrong is kept as written and not checked further."""
        declared = resolve.declared_readings(list(self.rules.values()), self.error)
        for rule_id, rule in self.rules.items():
            rule = resolve.rule_readings(rule, declared, self.error)
            clauses = []
            for index, clause in enumerate(rule.clauses):
                resolved = resolve.named_clause(clause, self.predicates, self.error)
                if resolved is None:
                    self.unresolved.add((rule_id, index))
                clauses.append(resolved or clause)
            self.rules[rule_id] = dataclasses.replace(rule, clauses=tuple(clauses))

    # ── rules ───────────────────────────────────────────────────────────────
    def check_rules(self) -> None:
        for rule in self.rules.values():
            if not rule.cites:
                self.error(rule.pos, f"rule {rule.id} cites no article", "no-citation")
            for ref in rule.cites:
                if ref.instrument not in self.instruments:
                    self.error(ref.pos, f"rule {rule.id} cites unknown instrument {ref.instrument}",
                               "unknown-article")
                elif ref.key not in self.articles:
                    self.error(ref.pos, f"rule {rule.id} cites {ref}, which is not declared", "unknown-article")
            for index, clause in enumerate(rule.clauses):
                if (rule.id, index) not in self.unresolved:
                    self.check_clause(rule, clause)

    def check_clause(self, rule: ir.Rule, clause: ir.Clause) -> None:
        types: dict[str, str] = {}
        head = clause.head
        head_pred = self._atom(head, types, in_head=True)
        if head_pred and head_pred.kind == "input":
            self.error(head.pos, f"{head.predicate} is an input predicate: no rule may conclude it", "input-head")
        for lit in clause.body:
            if isinstance(lit, ir.Atom):
                self._atom(lit, types)
        self._safety_and_types(rule, clause, types)

    def _atom(self, atom: ir.Atom, types: dict[str, str], in_head: bool = False) -> ir.Predicate | None:
        pred = self.predicates.get(atom.predicate)
        if pred is None:
            self.error(atom.pos, f"unknown predicate {atom.predicate}", "unknown-predicate")
            return None
        if len(atom.args) != pred.arity:
            self.error(atom.pos, f"{atom.predicate} takes {pred.arity} argument"
                       f"{'s' if pred.arity != 1 else ''} ({', '.join(p.name for p in pred.params)}), "
                       f"given {len(atom.args)}", "arity")
            return pred
        for arg, param in zip(atom.args, pred.params):
            if isinstance(arg, ir.Var):
                if arg.anonymous:
                    if in_head:
                        self.error(arg.pos, "an anonymous variable '_' cannot stand in a rule's head", "unsafe")
                    continue
                known = types.get(arg.name)
                if known is None:
                    if not atom.negated:
                        types[arg.name] = param.type
                elif not _compatible(known, param.type):
                    self.error(arg.pos, f"variable {arg.name} is {known} here but {atom.predicate}'s "
                               f"{param.name} is {param.type}", "type")
            else:
                self._constant(arg, param.type, f"{atom.predicate}'s {param.name}")
        return pred

    def _constant(self, const: ir.Const, expected: str, where: str) -> None:
        if const.type == "provision":
            self._provision(const)
        if const.type == "null":
            if expected not in NULLABLE:
                self.error(const.pos, f"null is not allowed for {where} ({expected})", "type")
        elif expected in self.enums:
            if const.type != "symbol":
                self.error(const.pos, f"{where} takes a value of {expected}, not the {const.type} {const}", "type")
            elif const.value not in self.enums[expected].values:
                self.error(const.pos, f"{const.value!r} is not a value of {expected} "
                           f"(accepted: {', '.join(self.enums[expected].values)})", "type")
        elif const.type == "symbol":
            self.error(const.pos, f"{where} is {expected}; {const.value!r} is a bare name "
                       "(quote a string, or declare an enum)", "type")
        elif not _compatible(const.type, expected) and not (const.type == "string" and expected == "ref"):
            self.error(const.pos, f"{where} is {expected}, not the {const.type} {const}", "type")

    def _provision(self, const: ir.Const) -> None:
        """A provision constant names a declared instrument and a declared article (or a part of one)."""
        value: ir.Provision = const.value
        if value.instrument not in self.instruments:
            self.error(const.pos, f"provision {value} names unknown instrument {value.instrument}",
                       "unknown-article")
        elif not any(value.covers(ref) for ref in self.refs_by_instrument.get(value.instrument, ())):
            self.error(const.pos, f"provision {value} is not a declared article", "unknown-article")

    def _safety_and_types(self, rule: ir.Rule, clause: ir.Clause, types: dict[str, str]) -> None:
        bound = {v.name for lit in clause.body if isinstance(lit, ir.Atom) and not lit.negated for v in lit.vars()}
        comparisons = [lit for lit in clause.body if isinstance(lit, ir.Comparison)]
        progress = True
        while progress:  # assignments bind their left variable once their right side is bound
            progress = False
            for cmp in comparisons:
                target = _assignment_target(cmp, bound)
                if target is not None:
                    bound.add(target.name)
                    other = cmp.right if cmp.left == target else cmp.left
                    t = self._expr_type(other, types, report=False)  # reported once, below
                    if t and target.name not in types:
                        types[target.name] = t
                    progress = True
        for cmp in comparisons:
            for v in cmp.vars():
                if v.name not in bound:
                    self.error(v.pos, f"unsafe variable {v.name}: used in a comparison but bound by no "
                               "positive literal", "unsafe")
            left, right = self._expr_type(cmp.left, types), self._expr_type(cmp.right, types)
            for const, other_type in ((cmp.left, right), (cmp.right, left)):
                if isinstance(const, ir.Const) and const.type == "symbol" and other_type:
                    self._constant(const, other_type, f"the comparison {cmp}")
            if left and right and not (_compatible(left, right) or _compatible(right, left)):
                self.error(cmp.pos, f"cannot compare {left} with {right}: {cmp}", "type")
            elif cmp.op not in ("=", "!=") and left and left not in ("date", "number", "int"):
                self.error(cmp.pos, f"{cmp.op} needs dates or numbers, not {left}", "type")
        for lit in clause.body:
            if isinstance(lit, ir.Atom) and lit.negated:
                for v in lit.vars():
                    if not v.anonymous and v.name not in bound:
                        self.error(v.pos, f"unsafe variable {v.name}: in a negation but bound by no positive "
                                   "literal (use _ for 'any value')", "unsafe")
        for v in clause.head.vars():
            if not v.anonymous and v.name not in bound:
                self.error(v.pos, f"unsafe variable {v.name}: in the head but bound by no positive literal",
                           "unsafe")
        if rule.applies_at is not None and rule.applies_at.name not in bound:
            self.error(rule.applies_at.pos, f"rule {rule.id} applies at {rule.applies_at.name}, "
                       "which its first clause does not bind", "unsafe")
        if rule.applies_at is not None and types.get(rule.applies_at.name, "date") != "date":
            self.error(rule.applies_at.pos, f"rule {rule.id} applies at {rule.applies_at.name}, "
                       "which is not a date", "type")

    def _expr_type(self, expr: ir.Expr, types: dict[str, str], report: bool = True) -> str | None:
        """The type of an expression; its errors are reported unless ``report`` is off."""
        error = self.error if report else (lambda *_: None)
        if isinstance(expr, ir.Var):
            return types.get(expr.name)
        if isinstance(expr, ir.Const):
            return None if expr.type in ("null", "symbol") else expr.type
        if isinstance(expr, ir.Call):
            builtin = BUILTINS.get(expr.function)
            if builtin is None:
                error(expr.pos, f"unknown function {expr.function} (known: {', '.join(BUILTINS)})",
                           "unknown-function")
                return None
            if len(expr.args) != len(builtin.params):
                error(expr.pos, f"{expr.function} takes {len(builtin.params)} argument(s)", "arity")
            for arg, want in zip(expr.args, builtin.params):
                got = self._expr_type(arg, types, report)
                if got and not _compatible(got, want):
                    error(expr.pos, f"{expr.function} takes a {want}, not a {got}", "type")
            return builtin.result
        left, right = self._expr_type(expr.left, types, report), self._expr_type(expr.right, types, report)
        if left == "date" and right == "period" and expr.op == "+":
            return ADD_PERIOD.result
        if left in ("number", "int") and right in ("number", "int"):
            return "int" if left == right == "int" and expr.op != "/" else "number"
        if left and right:
            error(expr.pos, f"cannot compute {left} {expr.op} {right}", "type")
        return None

    # ── stratification ──────────────────────────────────────────────────────
    def check_stratification(self) -> None:
        graph = nx.DiGraph()
        negative: list[tuple[str, str, ir.Atom]] = []
        for rule in self.rules.values():
            for clause in rule.clauses:
                graph.add_node(clause.head.predicate)
                for lit in clause.body:
                    if isinstance(lit, ir.Atom):
                        graph.add_edge(lit.predicate, clause.head.predicate)
                        if lit.negated:
                            negative.append((lit.predicate, clause.head.predicate, lit))
        component = {n: i for i, scc in enumerate(nx.strongly_connected_components(graph)) for n in scc}
        for body_pred, head_pred, lit in negative:
            if component[body_pred] == component[head_pred]:
                self.error(lit.pos, f"negation through recursion: {head_pred} depends on 'not {body_pred}', "
                           f"and {body_pred} depends on {head_pred}", "stratification")

    # ── options ─────────────────────────────────────────────────────────────
    def check_options(self) -> None:
        """Each `option("name")` a rule tests names a reading, whose wording says what choosing it means."""
        readings = {r.name for rule in self.rules.values() for r in rule.readings}
        for rule in self.rules.values():
            for clause in rule.clauses:
                for lit in clause.body:
                    if isinstance(lit, ir.Atom) and lit.predicate == "option" and lit.args \
                            and isinstance(lit.args[0], ir.Const) and lit.args[0].value not in readings:
                        self.error(lit.args[0].pos, f"option {lit.args[0].value!r} is not the name of a reading: "
                                   "name the alternative with `reading NAME \"…\"` in the rule that takes it",
                                   "unknown-option")

    # ── provinces ───────────────────────────────────────────────────────────
    def check_provincial(self) -> None:
        """DESIGN.md principle 4: a provincial text creates no fine the statute lacks (unless it is itself a
        local regulation that sets fines); a hortatory text is recorded without rules."""
        for rule in self.rules.values():
            inst = self.instruments.get(rule.instrument or "")
            if inst is None:
                continue
            if inst.hortatory:
                self.error(rule.pos, f"rule {rule.id}: {inst.id} is recorded as hortatory, so it has no rules",
                           "hortatory")
            if inst.jurisdiction == "CN" or inst.sets_fines:
                continue
            for clause in rule.clauses:
                head = clause.head
                measure = self._field(head, "measure") if head.predicate in ("penalty", "sanction") else None
                if isinstance(measure, ir.Const) and measure.value == "fine":
                    self.error(head.pos, f"rule {rule.id}: a provincial text ({inst.id}) cannot create a fine; "
                               "map the breach to the statute's penalty article (punishable_under) instead, "
                               "or mark the instrument `sets_fines` if it is a local regulation that sets them",
                               "provincial-fine")

    def _field(self, atom: ir.Atom, keyword: str) -> ir.Term | None:
        """An atom's argument for a declared field (None when the predicate or field is not declared)."""
        pred = self.predicates.get(atom.predicate)
        fields = [p.keyword for p in pred.params] if pred else []
        return atom.args[fields.index(keyword)] if keyword in fields and len(atom.args) == len(fields) else None

    def run(self) -> list[Diagnostic]:
        self.declare()
        self.resolve_names()
        self.check_rules()
        self.check_stratification()
        self.check_options()
        self.check_provincial()
        self.check_empty()
        return self.diagnostics

    def check_empty(self) -> None:
        """A rule file holding nothing but blanks and comments is a mistake (a wrong path, a truncated
        file), not an empty law."""
        for f in self.files:
            if all(not line.strip() or line.lstrip().startswith("#") for line in self.sources.get(f.path, [])):
                self.error(ir.Pos(f.path, 1, 1), "empty rule file: it declares no instrument, article or rule",
                           "empty")

    def check_instruments(self) -> list[Diagnostic]:
        """A rule base with no instrument (run when the files are otherwise sound)."""
        if not self.instruments:
            self.error(ir.Pos(self.files[-1].path, 1, 1), "no instrument in the rule base: rule files declare "
                       "`instrument ID { … }` before their articles and rules", "empty")
        return self.diagnostics


def _compatible(got: str, want: str) -> bool:
    return got == want or (got == "int" and want == "number") or (got == "string" and want == "ref") \
        or (got == "ref" and want == "string")


def _assignment_target(cmp: ir.Comparison, bound: set[str]) -> ir.Var | None:
    """The variable an ``=`` comparison binds, given what is bound already (None if it binds nothing)."""
    if cmp.op != "=":
        return None
    for target, other in ((cmp.left, cmp.right), (cmp.right, cmp.left)):
        if isinstance(target, ir.Var) and target.name not in bound \
                and all(v.name in bound for v in ir.expr_vars(other)):
            return target
    return None


def dependency_strata(clauses: list[ir.CompiledClause]) -> list[list[str]]:
    """The derived predicates grouped into strata and put in evaluation order: the strongly connected components
    of the predicate dependency graph (body → head), topologically sorted; components without clauses (input
    predicates) left out. Computed once when the rule base is compiled and kept with it, so that evaluating
    never needs networkx."""
    graph = nx.DiGraph()
    graph.add_nodes_from(c.head.predicate for c in clauses)
    for clause in clauses:
        for lit in clause.body:
            if isinstance(lit, ir.Atom):
                graph.add_edge(lit.predicate, clause.head.predicate)
    heads = {c.head.predicate for c in clauses}
    components = nx.condensation(graph)
    return [sorted(members) for node in nx.topological_sort(components)
            if heads & (members := components.nodes[node]["members"])]

