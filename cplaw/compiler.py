"""Compile rule files into a checked, engine-neutral Program.

The compiler owns the engine's pitfalls (research/pydatalog-notes.md): it refuses anything a check flags,
orders every body so that negations and comparisons come after the literals that bind them, and guards
each rule with its instrument's in-force interval at the rule's applicability date.
"""

from __future__ import annotations

import datetime as _dt
from importlib import resources
from pathlib import Path

from . import ir
from .errors import CplawError, Diagnostic, RuleError
from .limits import read_text

AS_OF = "AsOf__"  # the variable bound to the assessment date in guarded rules


def vocabulary_files() -> list[tuple[str, str]]:
    """The packaged fact vocabulary, which every rule base is compiled with."""
    vocabulary = resources.files("cplaw.facts").joinpath("vocabulary.cplaw")
    return [("facts/vocabulary.cplaw", vocabulary.read_text(encoding="utf-8"))]


def rule_base_files(path: str | Path | None = None) -> list[tuple[str, str]]:
    """The packaged rule base, or the vocabulary with the rule files at ``path``."""
    return packaged_rule_files() if path is None else vocabulary_files() + files_at(path)


def packaged_rule_files() -> list[tuple[str, str]]:
    """The vocabulary and every rule file shipped in the package, as (display path, text)."""
    found = vocabulary_files()
    root = resources.files("cplaw.rules")
    stack = [(root, "cplaw/rules")]
    while stack:
        folder, label = stack.pop()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                stack.append((entry, f"{label}/{entry.name}"))
            elif entry.name.endswith(".cplaw"):
                found.append((f"{label}/{entry.name}", entry.read_text(encoding="utf-8")))
    return found


def files_at(path: str | Path) -> list[tuple[str, str]]:
    """Rule files at a path: one file, or every *.cplaw below a folder (sorted)."""
    path = Path(path)
    if not path.exists():
        raise CplawError(f"{path}: no such file or folder")
    paths = sorted(path.rglob("*.cplaw")) if path.is_dir() else [path]
    if not paths:
        raise CplawError(f"{path}: no *.cplaw rule file in this folder")
    return [(str(p), read_text(p)) for p in paths]


def compile_files(files: list[tuple[str, str]]) -> ir.Program:
    """Parse, check and compile. Raises RuleError listing every problem found."""
    from .checks import (  # the parser and the checks (lark, networkx) load only to compile
        Checker,
        dependency_strata,
    )
    from .parser import parse_text, source_lines
    parsed: list[ir.RuleFile] = []
    diagnostics: list[Diagnostic] = []
    sources: dict[str, list[str]] = {}
    for path, text in files:
        sources[path] = source_lines(text)
        rule_file, problems = parse_text(text, path)
        parsed.append(rule_file)
        diagnostics.extend(problems)
    checker = Checker(parsed, sources)
    diagnostics.extend(checker.run())
    if not diagnostics:
        diagnostics.extend(checker.check_instruments())
    if diagnostics:
        raise RuleError(diagnostics)
    clauses = [compile_clause(rule, index, clause, checker.instruments)
               for rule in checker.rules.values() for index, clause in enumerate(rule.clauses)]
    return ir.Program(checker.instruments, checker.articles, checker.enums, checker.predicates,
                      checker.rules, clauses, [p for p, _ in files], dependency_strata(clauses))


def in_force_guards(instrument: ir.Instrument, day: ir.Var) -> list[ir.Comparison]:
    """``day`` lies within the instrument's in-force interval."""
    guards = [ir.Comparison(">=", day, ir.Const(instrument.in_force_from, "date"), guard=instrument.id)]
    if instrument.in_force_to is not None:
        guards.append(ir.Comparison("<=", day, ir.Const(instrument.in_force_to, "date"), guard=instrument.id))
    return guards


def compile_clause(rule: ir.Rule, index: int, clause: ir.Clause,
                   instruments: dict[str, ir.Instrument]) -> ir.CompiledClause:
    body: list[ir.Literal] = list(clause.body)
    within = applies_from = province = None
    instrument = instruments.get(rule.instrument) if rule.instrument else None
    if instrument is not None and instrument.jurisdiction != "CN":  # a province's rules bind its enterprises
        province = instrument.jurisdiction
        body.insert(0, ir.Atom("province", (ir.Const(province, "string"),)))
    if not rule.timeless and instrument is not None:
        day = rule.applies_at
        if day is None:
            day = ir.Var(AS_OF)
            body.insert(0, ir.Atom("as_of", (day,)))
            within = (instrument.in_force_from, instrument.in_force_to)
        else:
            applies_from = instrument.in_force_from
        body.extend(in_force_guards(instrument, day))
        if rule.applies_at is not None:  # bind the day first, so the guard prunes before the rest runs
            binder = next((lit for lit in body if isinstance(lit, ir.Atom) and not lit.negated
                           and day.name in {v.name for v in lit.vars()}), None)
            if binder is not None:
                body.remove(binder)
                body.insert(0, binder)
    ordered, variables = order_body(body)
    return ir.CompiledClause(rule.id, index, clause.head, tuple(ordered), tuple(variables), within, applies_from,
                             province)


def order_body(body: list[ir.Literal]) -> tuple[list[ir.Literal], list[str]]:
    """Order literals so each one's inputs are bound before it: filters as early as they can run,
    positive atoms in written order otherwise. (pyDatalog evaluates a negation or comparison placed
    before its binding literal as if unbound: silently wrong.)"""
    remaining = list(body)
    ordered: list[ir.Literal] = []
    bound: list[str] = []
    while remaining:
        chosen = next((lit for lit in remaining if _ready_filter(lit, bound)), None)
        if chosen is None:
            chosen = next((lit for lit in remaining if isinstance(lit, ir.Atom) and not lit.negated), None)
        if chosen is None:  # unreachable after the safety check
            raise AssertionError(f"cannot order body: {', '.join(map(str, remaining))}")
        remaining.remove(chosen)
        ordered.append(chosen)
        for v in _binds(chosen, bound):
            if v not in bound:
                bound.append(v)
    return ordered, bound


def _ready_filter(lit: ir.Literal, bound: list[str]) -> bool:
    from .checks import _assignment_target
    if isinstance(lit, ir.Atom):
        return lit.negated and all(v.anonymous or v.name in bound for v in lit.vars())
    if _assignment_target(lit, set(bound)) is not None:
        return True
    return all(v.name in bound for v in lit.vars())


def _binds(lit: ir.Literal, bound: list[str]) -> list[str]:
    from .checks import _assignment_target
    if isinstance(lit, ir.Atom):
        return [] if lit.negated else [v.name for v in lit.vars() if not v.anonymous]
    target = _assignment_target(lit, set(bound))
    return [target.name] if target is not None else []


def first_day_of_law(program: ir.Program) -> _dt.date | None:
    """The earliest day on which a national cleaner-production instrument is in force (a provincial text
    made before the Law, such as Guangdong's of 2001, does not bring it forward; nor does a text no rule encodes,
    such as the 放假办法 of 1999 the calendar cites)."""
    encoded = {r.instrument for r in program.rules.values()}
    days = [i.in_force_from for i in program.instruments.values()
            if not i.general and i.jurisdiction == "CN" and i.id in encoded]
    return min(days) if days else None
