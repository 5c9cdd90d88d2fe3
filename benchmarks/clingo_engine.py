"""How fast would clingo (a well-kept ASP system, PyPI `clingo`) answer the same IR? A measured translation.

Every clause becomes an ASP rule concluding ``p__by(Rule, Args…)`` (the provenance), with a bridge
``p(Args…) :- p__by(_, Args…)``. Constants are opaque: each distinct Python value is interned to a number,
so equality is Python's, as in the other engines. Computations and comparisons are not ASP arithmetic
(dates, periods, Decimals): they call back into Python during grounding through cplaw.builtins.evaluate
(``X = @value(k, Vars…)``, ``@test(k, Vars…) = 1``). The program is stratified, so grounding decides the
one model, read off after solving.

Not an engine of cplaw (clingo is not a dependency): it measures the choice in docs/engines.md.
Run:  pip install clingo && python benchmarks/clingo_engine.py
"""

from __future__ import annotations

import pathlib
import statistics
import time
from typing import Any

import clingo
import yaml

from cplaw import RuleBase, ir
from cplaw.builtins import evaluate
from cplaw.engine import applicable_clauses
from cplaw.engines.bottomup import TESTS
from cplaw.facts_mapping import base_facts

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "facts" / "examples" / "dongguan-dyeing.yaml"


class Values:
    """Python values ↔ clingo numbers (equal values, one number)."""

    def __init__(self) -> None:
        self.number: dict[Any, int] = {}
        self.value: list[Any] = []

    def __call__(self, value: Any) -> int:
        key = (type(value) is str, value)  # a string never equals a number or a date
        found = self.number.get(key)
        if found is None:
            found = self.number[key] = len(self.value)
            self.value.append(value)
        return found


class Translation:
    def __init__(self, program: ir.Program, values: Values):
        self.program, self.values = program, values
        self.computations: list[tuple[ir.Comparison | ir.Expr, tuple[str, ...]]] = []

    def var(self, name: str) -> str:
        return "V" + name

    def term(self, term: ir.Expr) -> str:
        if isinstance(term, ir.Var):
            return "_" if term.anonymous else self.var(term.name)
        return str(self.values(term.value))

    def computed(self, item, names: tuple[str, ...]) -> str:
        self.computations.append((item, names))
        args = ", ".join([str(len(self.computations) - 1)] + [self.var(n) for n in names])
        return args

    def body(self, literals) -> list[str]:
        bound: set[str] = set()
        out = []
        for lit in literals:
            if isinstance(lit, ir.Atom):
                args = ", ".join(self.term(a) for a in lit.args)
                out.append(("not " if lit.negated else "") + f"{lit.predicate}({args})")
            else:
                left, right = lit.left, lit.right
                if lit.op == "=" and isinstance(right, ir.Var) and right.name not in bound:
                    left, right = right, left
                if lit.op == "=" and isinstance(left, ir.Var) and left.name not in bound:
                    names = tuple(dict.fromkeys(v.name for v in ir.expr_vars(right)))
                    out.append(f"{self.var(left.name)} = @value({self.computed(right, names)})")
                else:
                    names = tuple(dict.fromkeys(v.name for v in lit.vars()))
                    out.append(f"@test({self.computed(lit, names)}) = 1")
            bound.update(v.name for v in lit.vars() if not v.anonymous)
        return out

    def program_text(self, clauses: list[ir.CompiledClause]) -> str:
        lines = []
        for pred in self.program.predicates.values():
            if pred.kind == "derived":
                args = ", ".join(f"A{i}" for i in range(pred.arity))
                lines.append(f"{pred.name}({args}) :- {pred.name}__by(_, {args}).".replace("(, ", "(").replace("(_, )", "(_)"))
        for clause in clauses:
            head = ", ".join([str(self.values(clause.rule))] + [self.term(a) for a in clause.head.args])
            body = self.body(clause.body)
            lines.append(f"{clause.head.predicate}__by({head})" + (f" :- {', '.join(body)}." if body else "."))
        return "\n".join(lines)


class Context:
    def __init__(self, translation: Translation):
        self.t = translation

    def _binding(self, k: int, args) -> tuple[Any, dict[str, Any]]:
        item, names = self.t.computations[k]
        return item, {n: self.t.values.value[a.number] for n, a in zip(names, args)}

    def value(self, k, *args):
        item, binding = self._binding(k.number, args)
        try:
            result = evaluate(item, binding)
        except Exception as error:  # noqa: BLE001 — as pyDatalog does
            result = error
        return clingo.Number(self.t.values(result))

    def test(self, k, *args):
        lit, binding = self._binding(k.number, args)
        return clingo.Number(int(TESTS[lit.op](evaluate(lit.left, binding), evaluate(lit.right, binding))))


def assess_clingo(rules: RuleBase, profile, as_of: str) -> dict[str, set]:
    from cplaw.api import parse_as_of
    day = parse_as_of(as_of)
    facts = base_facts(profile, day, rules.program, (), rules._rule_base_facts).facts
    values = Values()
    translation = Translation(rules.program, values)
    text = translation.program_text(applicable_clauses(rules.program, facts))
    fact_text = "\n".join(f"{name}({', '.join(str(values(a)) for a in args)})." if args else f"{name}."
                          for name, args in facts)
    control = clingo.Control(["--warn=none"])
    control.add("base", [], text + "\n" + fact_text)
    control.ground([("base", [])], context=Context(translation))
    model: dict[str, set] = {}
    with control.solve(yield_=True) as handle:
        for m in handle:
            for symbol in m.symbols(atoms=True):
                if symbol.name.endswith("__by"):
                    rule, *args = (values.value[a.number] for a in symbol.arguments)
                    model.setdefault(symbol.name[:-4], set()).add((rule, tuple(args)))
    return model


def main() -> None:
    rules = RuleBase.load()
    profile = rules.profile(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    for as_of in ("2010-04-01", "2026-11-22"):
        reference = rules.assess(profile, as_of, engine="bottomup").session.everything()
        got = assess_clingo(rules, profile, as_of)
        same = {k: set(v) for k, v in reference.items()} == got
        times = []
        for _ in range(10):
            t = time.perf_counter()
            assess_clingo(rules, profile, as_of)
            times.append(time.perf_counter() - t)
        bottomup = statistics.median(
            [(lambda t0: (rules.assess(profile, as_of), time.perf_counter() - t0)[1])(time.perf_counter())
             for _ in range(10)])
        print(f"as of {as_of}: clingo (translate + ground + solve, derivations only) "
              f"{statistics.median(times) * 1000:.1f} ms, same derivations as bottom-up: {same}; "
              f"bottom-up whole assessment {bottomup * 1000:.1f} ms")


if __name__ == "__main__":
    main()
