"""Resolve what rule files write by name into the positional IR every engine reads.

Two things are written by name: an atom's arguments (``penalty(provision: CN-CPPL-2012 art 39, Duty, …,
fine_min: 50000, …)``, each a field the predicate declares, in snake_case; a variable alone names its own
field) and readings (declared once with their words, ``reading NAME "…"``, and referred to elsewhere as
``reading NAME``). After resolution an atom's arguments stand in the declared order and a reading carries
its words wherever it is named, so the engines, the SQL compiler, impact and the caches see no difference.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from . import ir

Report = Callable[[ir.Pos, str, str], None]


def named_atom(atom: ir.Atom, pred: ir.Predicate, error: Report) -> ir.Atom | None:
    """The atom with its named arguments put in the declared order; None (after reporting) when a name is
    unknown, given twice or missing, or an argument has no name."""
    if atom.names is None:
        return atom
    fields = [p.keyword for p in pred.params]
    given: dict[str, ir.Term] = {}
    ok = True
    for arg, named in zip(atom.args, atom.names):
        if named is None:
            if not isinstance(arg, ir.Var) or arg.anonymous:
                error(getattr(arg, "pos", atom.pos), f"{atom.predicate}: {arg} has no name; among named arguments "
                      f"give each as field: value (fields: {', '.join(fields)})", "named-argument")
                ok = False
                continue
            name, pos = ir.field_name(arg.name), arg.pos
        else:
            name, pos = named
        if name not in fields:
            error(pos, f"{atom.predicate} has no field {name} (fields: {', '.join(fields)})", "named-argument")
            ok = False
        elif name in given:
            error(pos, f"{atom.predicate}: field {name} is given twice", "named-argument")
            ok = False
        else:
            given[name] = arg
    missing = [f for f in fields if f not in given]
    if missing and ok:
        error(atom.pos, f"{atom.predicate} lacks {', '.join(missing)}: with named arguments every field is "
              f"given (write {missing[0]}: _ for any value)", "named-argument")
        ok = False
    if not ok:
        return None
    return dataclasses.replace(atom, args=tuple(given[f] for f in fields), names=None)


def named_clause(clause: ir.Clause, predicates: dict[str, ir.Predicate], error: Report) -> ir.Clause | None:
    """The clause with every atom's arguments in declared order; None when some atom's names are wrong."""
    def resolve(lit):
        if not isinstance(lit, ir.Atom) or lit.names is None or lit.predicate not in predicates:
            return lit  # an unknown predicate is reported by the checks
        return named_atom(lit, predicates[lit.predicate], error)

    head, *body = (resolve(lit) for lit in (clause.head, *clause.body))
    if head is None or any(lit is None for lit in body):
        return None
    return dataclasses.replace(clause, head=head, body=tuple(body))


def declared_readings(rules: list[ir.Rule], error: Report) -> dict[str, ir.Reading]:
    """Each reading as declared (with its words). A second declaration in other words is an error; one in the
    same words is read as a reference, so that rule bases written before references (an older revision
    under ``cplaw impact --base``) still compile; tests/test_checks.py keeps the packaged base free of them."""
    declared: dict[str, tuple[ir.Reading, ir.Rule]] = {}
    for rule in rules:
        for reading in rule.readings:
            if reading.text is None:
                continue
            first, where = declared.setdefault(reading.name, (reading, rule))
            if first.text != reading.text:
                error(reading.pos, f"reading {reading.name} is declared already in other words, in rule "
                      f"{where.id} ({first.pos.file}:{first.pos.line}): one name, one reading; declare it "
                      f"once and refer to it elsewhere as `reading {reading.name}`", "duplicate")
    return {name: reading for name, (reading, _) in declared.items()}


def rule_readings(rule: ir.Rule, declared: dict[str, ir.Reading], error: Report) -> ir.Rule:
    """The rule with each reading it refers to by name given its declared words."""
    readings = []
    for reading in rule.readings:
        if reading.text is None:
            if reading.name not in declared:
                error(reading.pos, f"rule {rule.id} refers to reading {reading.name}, which no rule declares "
                      f"(declare it once with its words: reading {reading.name} \"…\")", "unknown-reading")
                continue
            reading = dataclasses.replace(reading, text=declared[reading.name].text)
        readings.append(reading)
    return dataclasses.replace(rule, readings=tuple(readings))
