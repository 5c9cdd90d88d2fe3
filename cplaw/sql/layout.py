"""How a Program's predicates are laid out as SQL tables, and how values cross into and out of SQL.

Every predicate has a fact table ``f_<name>`` (one row per distinct fact) with columns ``a0 … an`` typed from
the predicate's declared parameter types; a derived predicate also has a witness table ``w_<name>``: the
same columns plus ``rule``, one row per (fact, rule that derived it), which is pyDatalog's ``p__by``.

A predicate is *keyed* when its facts differ between enterprises: its tables then start with an ``e``
column (the enterprise's number in the run). Facts that are the same for every enterprise (the national
texts; the as-of date and the options when the whole run shares them) are kept once, unkeyed, and a clause
that reads only unkeyed predicates is computed once for all enterprises.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import ir

NUMBER = "DECIMAL(38, 18)"  # exact for |x| < 10**20 with at most 18 decimals; anything else is refused
NUMBER_LIMIT = Decimal(10) ** 20
NUMBER_QUANTUM = Decimal(10) ** -18
SQL_TYPES = {"date": "DATE", "number": NUMBER, "int": "BIGINT"}  # every other type (string, ref, enums,
# provision) is text; a provision is held as its citation text, which names it uniquely


def sql_type(param_type: str) -> str:
    return SQL_TYPES.get(param_type, "VARCHAR")


def number_problem(value: Any) -> str | None:
    """Why a number cannot be held exactly by the SQL engines, or None when it can."""
    number = Decimal(value) if isinstance(value, int) else value
    if not isinstance(number, Decimal) or not number.is_finite():
        return f"{value!r} is not a finite number"
    if abs(number) >= NUMBER_LIMIT or number != number.quantize(NUMBER_QUANTUM, rounding="ROUND_DOWN"):
        return (f"{value} is outside what the SQL screening holds exactly (below 10^20, at most 18 decimals); "
                "assess this enterprise with `cplaw assess`")
    return None


@dataclass(frozen=True)
class Layout:
    """The tables of one run: which predicates are keyed, and each one's column types."""

    program: ir.Program
    keyed: frozenset[str]
    types: dict[str, tuple[str, ...]]  # predicate → parameter types (the vocabulary's)

    @classmethod
    def of(cls, program: ir.Program, clauses: list[ir.CompiledClause], unkeyed_inputs: set[str]) -> Layout:
        """Keyed: every input predicate but ``unkeyed_inputs``, and every derived predicate some clause of
        which reads a keyed predicate (a fixpoint over the clauses). Where the as-of date is keyed, an
        `applies at Day` clause reads it too (its guard, cplaw.sql.translate)."""
        keyed = {name for name, p in program.predicates.items() if p.kind == "input" and name not in unkeyed_inputs}
        changed = True
        while changed:
            changed = False
            for clause in clauses:
                head = clause.head.predicate
                reads_as_of = clause.applies_from is not None and "as_of" in keyed
                if head not in keyed and (reads_as_of or any(isinstance(lit, ir.Atom) and lit.predicate in keyed
                                                             for lit in clause.body)):
                    keyed.add(head)
                    changed = True
        types = {name: tuple(p.type for p in pred.params) for name, pred in program.predicates.items()}
        return cls(program, frozenset(keyed), types)

    def columns(self, predicate: str, witness: bool = False) -> list[tuple[str, str]]:
        """(name, SQL type) of a predicate's table; a zero-arity unkeyed table gets one constant column."""
        cols = [("e", "INTEGER")] if predicate in self.keyed else []
        cols += [(f"a{i}", sql_type(t)) for i, t in enumerate(self.types[predicate])]
        if not cols:
            cols = [("u", "BOOLEAN")]
        if witness:
            cols.append(("rule", "VARCHAR"))
        return cols

    def derived(self) -> list[str]:
        return [name for name, p in self.program.predicates.items() if p.kind == "derived"]


def provisions(program: ir.Program) -> dict[str, ir.Provision]:
    """Every provision value the rules can produce, by the text SQL holds it as."""
    found: dict[str, ir.Provision] = {}
    for clause in program.clauses:
        for lit in (clause.head, *clause.body):
            terms = lit.args if isinstance(lit, ir.Atom) else (lit.left, lit.right)
            for term in terms:
                if isinstance(term, ir.Const) and term.type == "provision":
                    found[str(term.value)] = term.value
    return found


def number_constants(program: ir.Program) -> dict[Any, Any]:
    """The rules' own numbers, each as the rules wrote it (an SQL decimal maps back to it)."""
    found: dict[Any, Any] = {}
    for clause in program.clauses:
        for lit in (clause.head, *clause.body):
            terms = lit.args if isinstance(lit, ir.Atom) else (lit.left, lit.right)
            for term in terms:
                if isinstance(term, ir.Const) and term.type == "number":
                    found.setdefault(term.value, term.value)
    return found


class Decoder:
    """Turns SQL values back into the Python values the other engines hold: provisions from their text, and
    numbers into the very objects (int or Decimal, as written) of the facts or rules they came from."""

    def __init__(self, program: ir.Program, layout: Layout):
        self.layout = layout
        self.provisions = provisions(program)
        self.numbers = number_constants(program)

    def row(self, predicate: str, values: tuple, numbers: dict[Any, Any]) -> tuple:
        out = []
        for kind, value in zip(self.layout.types[predicate], values):
            if value is None:
                out.append(None)
            elif kind == "provision":
                out.append(self.provisions[value])
            elif kind == "number":
                out.append(numbers.get(value, self.numbers.get(value, _plain(value))))
            else:
                out.append(value)
        return tuple(out)


def _plain(value: Decimal) -> Decimal | int:
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else normal


def encode(kind: str, value: Any) -> Any:
    """A Python value as the SQL column of type ``kind`` holds it."""
    if value is None:
        return None
    if kind == "provision":
        return str(value)
    if kind == "number":
        return Decimal(value) if isinstance(value, int) else value
    if kind == "date" and not isinstance(value, _dt.date):
        raise TypeError(f"expected a date, got {value!r}")
    return value
