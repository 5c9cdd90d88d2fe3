"""Evaluate a Program over many enterprises at once on DuckDB: load the facts as typed tables, run the strata
in dependency order (one INSERT per derived predicate; recursive strata by a semi-naive loop driven from
here), and read back any enterprise's model with the rule behind every derived fact.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from .. import ir
from ..batch import with_progress
from ..engine import Fact
from ..engines.bottomup import prepare
from ..errors import CplawError
from .calendar_table import calendar_tables
from .layout import Decoder, Layout, encode
from .translate import ENTERPRISES, clause_query

DIALECT = "duckdb"
CALENDAR_YEARS = 20  # the calendar table runs this many years past the latest date of the facts and rules
LONGEST_PERIOD_YEARS = 6  # more than any period the rules add to a day (5 years, 45 workdays, …)
ARROW = {"DATE": pa.date32(), "BIGINT": pa.int64(), "INTEGER": pa.int32(), "VARCHAR": pa.string(),
         "BOOLEAN": pa.bool_(), "DECIMAL(38, 18)": pa.decimal128(38, 18)}


@dataclass
class Case:
    """One enterprise to evaluate: its own base facts (as cplaw.facts_mapping.base_facts makes them, without
    the rule base's facts: those are added here by its province)."""

    province: str
    facts: list[Fact]
    as_of: _dt.date
    options: tuple[str, ...] = ()


@dataclass
class Run:
    """A DuckDB evaluation of ``cases`` (numbered 0…n-1 in the ``e`` column)."""

    program: ir.Program
    rule_base: dict[str, list[Fact]]
    cases: list[Case]
    con: duckdb.DuckDBPyConnection = field(default_factory=duckdb.connect)
    statements: int = 0
    template: Case | None = None  # a register's run: one as-of date and options for all (facts loaded in SQL)
    provinces: frozenset[str] | None = None  # where set: only these provinces' enterprises are loaded (a batch)
    outputs: frozenset[str] | None = None  # where set: only the predicates these need are derived
    views: set[str] = field(default_factory=set)  # the derived predicates whose f_ is a view of their w_

    def __post_init__(self) -> None:
        first = self.template or (self.cases[0] if self.cases else None)
        self.first = first
        self.uniform = first is not None and all((c.as_of, sorted(c.options)) == (first.as_of, sorted(first.options))
                                                 for c in self.cases)
        national = {name for name, _ in self.rule_base.get("CN", [])}
        provincial = {name for code, facts in self.rule_base.items() if code != "CN" for name, _ in facts}
        self.global_inputs = national - provincial
        unkeyed = set(self.global_inputs) | ({"as_of", "option"} if self.uniform else set())
        self.clauses = [c for c in self.program.clauses if not self.uniform or c.can_apply(first.as_of)]
        self.layout = Layout.of(self.program, self.clauses, unkeyed)
        self.decoder = Decoder(self.program, self.layout)

    # ── loading ────────────────────────────────────────────────────────────
    def load(self) -> None:
        """The input tables (every enterprise's facts where ``cases`` are given), the tables the derived
        predicates fill, and (where ``cases`` are given) the calendar tables their dates need."""
        rows: dict[str, list[tuple]] = {name: [] for name, p in self.program.predicates.items() if p.kind == "input"}
        keyed = self.layout.keyed
        for name, args in self.rule_base.get("CN", []):
            if name not in keyed:
                rows[name].append(tuple(args))
        if self.uniform and self.first is not None:
            first = self.first
            rows["as_of"].append((first.as_of,))
            rows["option"].extend((o,) for o in dict.fromkeys(first.options))
        for e, case in enumerate(self.cases):
            extra = [f for f in self.rule_base.get("CN", []) if f[0] in keyed] + self.rule_base.get(case.province, [])
            for name, args in case.facts + extra:
                if name in keyed:
                    rows[name].append((e, *args))
        for name, table in rows.items():
            self._create(f"f_{name}", self.layout.columns(name), table, self.layout.types[name], name in keyed)
        self._create(ENTERPRISES, [("e", "INTEGER")], [(e,) for e in range(len(self.cases))], (), True)
        self._create_derived()
        if self.cases:
            self.load_calendar([d for c in self.cases for _, args in c.facts for d in args if isinstance(d, _dt.date)])

    def _create_derived(self) -> None:
        for name in self.views:
            self.con.execute(f"DROP VIEW f_{name}")
        self.views.clear()
        for name in self.layout.derived():
            for prefix, witness in (("f_", False), ("w_", True)):
                cols = ", ".join(f"{c} {t}" for c, t in self.layout.columns(name, witness))
                self.con.execute(f"CREATE TABLE {prefix}{name} ({cols})")

    def clear(self) -> None:
        """Empty every table that holds enterprises' facts (the next batch of a register is loaded into them)."""
        for name, p in self.program.predicates.items():
            if p.kind == "input" and name in self.layout.keyed:
                self.con.execute(f"DELETE FROM f_{name}")
        for name in self.layout.derived():
            if name not in self.views:
                self.con.execute(f"DROP TABLE f_{name}")
            self.con.execute(f"DROP TABLE w_{name}")
        self.con.execute(f"DELETE FROM {ENTERPRISES}")
        self._create_derived()

    def load_calendar(self, days: list[_dt.date]) -> None:
        """The calendar tables, spanning ``days`` (the facts' dates), the as-of dates and the rules' dates."""
        for name, columns, data in calendar_tables(self._date_range(days)):
            self._create(name, columns, data, (), False)

    def _create(self, table: str, columns: list[tuple[str, str]], data: list[tuple], kinds: tuple[str, ...],
                keyed: bool) -> None:
        offset = 1 if keyed else 0
        arrays = []
        for i, (name, sql) in enumerate(columns):
            kind = kinds[i - offset] if 0 <= i - offset < len(kinds) else None
            values = [True] * len(data) if name == "u" else [encode(kind, row[i]) if kind else row[i] for row in data]
            arrays.append(pa.array(values, type=ARROW[sql]))
        arrow = pa.Table.from_arrays(arrays, names=[c for c, _ in columns])
        self.con.register("incoming", arrow)
        self.con.execute(f"CREATE TABLE {table} AS SELECT * FROM incoming")
        self.con.unregister("incoming")

    def _date_range(self, days: list[_dt.date]) -> tuple[_dt.date, _dt.date]:
        """The days the calendar table must cover: from the earliest date of any fact or rule to CALENDAR_YEARS
        after the latest (``check_calendar`` proves, after the run, that no count reached past its end)."""
        days = days + [c.as_of for c in self.cases] + ([self.first.as_of] if self.first else [])
        days += [t.value for cl in self.clauses for lit in cl.body if isinstance(lit, ir.Comparison)
                 for t in (lit.left, lit.right) if isinstance(t, ir.Const) and t.type == "date"]
        first, last = min(days), max(days)
        return first - _dt.timedelta(days=1), min(_dt.date(last.year + CALENDAR_YEARS, 12, 31), _dt.date(9999, 12, 1))

    def check_calendar(self) -> None:
        """Every day SQL counted from lies well inside the calendar table (else a lookup would have found no
        row): the latest derived day plus the longest period the rules count must not pass the table's end."""
        end = self.con.execute("SELECT max(day) FROM cal").fetchall()[0][0]
        columns = [f"SELECT max(a{i}) AS d FROM f_{name}" for name in self.layout.derived()
                   for i, kind in enumerate(self.layout.types[name]) if kind == "date"]
        latest = self.con.execute(f"SELECT max(d) FROM ({' UNION ALL '.join(columns)})").fetchall()[0][0]
        if latest is not None and _dt.date(min(latest.year + LONGEST_PERIOD_YEARS, 9999), 12, 31) > end:
            raise CplawError(f"a derived day ({latest}) comes too near the end of the calendar table ({end}); "
                             "raise cplaw.sql.run.CALENDAR_YEARS")

    # ── evaluation ─────────────────────────────────────────────────────────
    def execute(self, query: exp.Expression) -> duckdb.DuckDBPyConnection:
        self.statements += 1
        return self.con.execute(query.sql(DIALECT, copy=False))

    def evaluate(self, progress: str | None = None) -> None:
        """Every stratum in order (with a progress bar labelled ``progress`` on a terminal, where given)."""
        for predicates, clauses, recursive in self.schedule(progress):
            if recursive:
                self._recursive(predicates, clauses)
                continue
            for statement in self._statements(next(iter(predicates)), clauses):
                self.statements += 1
                self.con.execute(statement)

    def schedule(self, progress: str | None = None
                 ) -> Iterator[tuple[frozenset[str], list[ir.CompiledClause], bool]]:
        """What to derive, in order: each recursive stratum whole, else each predicate alone, with the chosen
        clauses that derive it and whether it recurses (a progress bar over the strata, where ``progress``)."""
        chosen = self.chosen()
        strata = prepare(self.program).strata
        for stratum in with_progress(strata, len(strata), progress) if progress else strata:
            clauses = [c for c in stratum.clauses if id(c) in chosen]
            if stratum.recursive and clauses:
                yield stratum.predicates, clauses, True
                continue
            for name in sorted(stratum.predicates):
                here = [c for c in clauses if c.head.predicate == name]
                if here:
                    yield frozenset({name}), here, False

    def chosen(self) -> set[int]:
        """The ids of the clauses this run evaluates: those that can apply as of the run's date, of the batch's
        provinces (or national), and (where ``outputs`` is set) deriving a predicate the outputs need."""
        clauses = [c for c in self.clauses if self.provinces is None or _province(c) in (None, *self.provinces)]
        if self.outputs is not None:
            needed = _needed(clauses, self.outputs)
            clauses = [c for c in clauses if c.head.predicate in needed]
        return {id(c) for c in clauses}

    def _query(self, clause: ir.CompiledClause, reads: dict[int, str] | None = None) -> exp.Select:
        return clause_query(clause, self.layout, reads, as_of_keyed="as_of" in self.layout.keyed)

    def clause_sql(self, clause: ir.CompiledClause, dialect: str = DIALECT) -> str:
        """The clause's SELECT as SQL text in ``dialect``, generated once per layout and dialect and kept with the
        program."""
        cache = self.program.__dict__.setdefault("_sql_clauses", {})
        key = (clause.id, self.layout.keyed, "as_of" in self.layout.keyed, dialect)
        if key not in cache:
            cache[key] = self._query(clause).sql(dialect, copy=False)
        return cache[key]

    def _fact_columns(self, name: str) -> list[str]:
        return [c for c, _ in self.layout.columns(name)]

    def _statements(self, name: str, clauses: list[ir.CompiledClause]) -> list[str]:
        """The statements deriving a non-recursive predicate: its witnesses, then its facts. Each clause's SELECT
        is generated once per layout and kept with the program as SQL text (the syntax trees cost more to build
        and print than DuckDB takes to run them), so that the batches of a register, which run different
        provinces' clauses, share them; the INSERT puts the clauses' SELECTs together. Where one rule derives
        the predicate, its witness rows (distinct) are its distinct facts, and ``f_`` becomes a view of ``w_``
        (no copy)."""
        selects = [self.clause_sql(clause) for clause in clauses]
        columns = ", ".join(self._fact_columns(name))
        witnesses = f"INSERT INTO w_{name} SELECT DISTINCT * FROM ({' UNION ALL '.join(selects)}) AS derived"
        if len({c.rule for c in clauses}) > 1:
            return [witnesses, f"INSERT INTO f_{name} SELECT DISTINCT {columns} FROM w_{name}"]
        self.views.add(name)
        return [witnesses, f"DROP TABLE f_{name}", f"CREATE VIEW f_{name} AS SELECT {columns} FROM w_{name}"]

    def _recursive(self, predicates: frozenset[str], clauses: list[ir.CompiledClause]) -> None:
        """Semi-naive: the first round runs every clause; each later one re-runs a clause once per body atom of
        the component, that atom reading only the facts the previous round added (``d_<name>``)."""
        rounds: dict[str, list[exp.Select]] = {n: [] for n in predicates}
        for clause in clauses:
            rounds[clause.head.predicate].append(self._query(clause))
        while True:
            for name in sorted(predicates):  # this round's derivations, read against the last round's d_ tables
                self.con.execute(f"DROP TABLE IF EXISTS n_{name}")
                if rounds[name]:
                    union = rounds[name][0] if len(rounds[name]) == 1 else exp.union(*rounds[name], distinct=False, copy=False)
                    new = exp.except_(exp.select("*").from_(union.subquery("derived")),
                                      exp.select("*").from_(f"w_{name}"))
                    self.execute(exp.Create(this=exp.to_table(f"n_{name}"), kind="TABLE", expression=new))
                else:
                    self.con.execute(f"CREATE TABLE n_{name} AS SELECT * FROM w_{name} LIMIT 0")
            added = False
            for name in sorted(predicates):
                columns = self._fact_columns(name)
                self.con.execute(f"DROP TABLE IF EXISTS d_{name}")
                delta = exp.except_(exp.select(*columns).from_(f"n_{name}"), exp.select(*columns).from_(f"f_{name}"))
                self.execute(exp.Create(this=exp.to_table(f"d_{name}"), kind="TABLE", expression=delta))
                self.con.execute(f"INSERT INTO w_{name} SELECT * FROM n_{name}")
                self.con.execute(f"INSERT INTO f_{name} SELECT * FROM d_{name}")
                added = added or self.con.execute(f"SELECT count(*) FROM d_{name}").fetchall()[0][0] > 0
            if not added:
                break
            rounds = {n: [] for n in predicates}
            for clause, reads in delta_reads(clauses, predicates):
                rounds[clause.head.predicate].append(self._query(clause, reads))

    # ── reading back ───────────────────────────────────────────────────────
    def models(self, cases: Iterable[int] | None = None) -> dict[int, dict[str, list[tuple[str, tuple]]]]:
        """Each enterprise's derived facts as (rule, args) by predicate, decoded to the engines' values."""
        wanted = list(range(len(self.cases))) if cases is None else list(cases)
        out: dict[int, dict[str, list[tuple[str, tuple]]]] = {e: {} for e in wanted}
        numbers = {e: _numbers(self.cases[e].facts) for e in wanted}
        self.con.execute("CREATE OR REPLACE TEMP TABLE wanted (e INTEGER)")
        self.con.executemany("INSERT INTO wanted VALUES (?)", [(e,) for e in wanted])
        for name in self.layout.derived():
            width = len(self.layout.types[name])
            if name in self.layout.keyed:
                rows = self.con.execute(f"SELECT w.* FROM w_{name} w JOIN wanted USING (e)").fetchall()
                for e, *values in rows:
                    args, rule = tuple(values[:width]), values[-1]
                    out[e].setdefault(name, []).append((rule, self.decoder.row(name, args, numbers[e])))
            else:
                rows = self.con.execute(f"SELECT * FROM w_{name}").fetchall()
                for e in wanted:
                    for values in rows:
                        args, rule = tuple(values[:width]), values[-1]
                        out[e].setdefault(name, []).append((rule, self.decoder.row(name, args, numbers[e])))
        return out


def delta_reads(clauses: list[ir.CompiledClause], predicates: frozenset[str]
                ) -> Iterator[tuple[ir.CompiledClause, dict[int, str]]]:
    """A semi-naive round's clause variants: each clause once per positive body atom of the component, that atom
    reading only the facts the previous round added (``d_<name>``)."""
    for clause in clauses:
        for position, lit in enumerate(clause.body):
            if isinstance(lit, ir.Atom) and not lit.negated and lit.predicate in predicates:
                yield clause, {position: f"d_{lit.predicate}"}


def _province(clause: ir.CompiledClause) -> str | None:
    """The province a clause's body requires (a positive ``province(Code)`` atom), or None: such a clause derives
    nothing for a batch of enterprises of other provinces."""
    for lit in clause.body:
        if isinstance(lit, ir.Atom) and not lit.negated and lit.predicate == "province" and isinstance(lit.args[0], ir.Const):
            return lit.args[0].value
    return None


def _needed(clauses: list[ir.CompiledClause], outputs: frozenset[str]) -> set[str]:
    """The predicates ``outputs`` depend on through ``clauses`` (read positively or under negation)."""
    by_head: dict[str, list[ir.CompiledClause]] = {}
    for clause in clauses:
        by_head.setdefault(clause.head.predicate, []).append(clause)
    needed, todo = set(outputs), list(outputs)
    while todo:
        for clause in by_head.get(todo.pop(), ()):
            for lit in clause.body:
                if isinstance(lit, ir.Atom) and lit.predicate not in needed:
                    needed.add(lit.predicate)
                    todo.append(lit.predicate)
    return needed


def _numbers(facts: list[Fact]) -> dict[Any, Any]:
    """The numbers of an enterprise's facts, each as the profile wrote it (a decimal from SQL maps back)."""
    found: dict[Any, Any] = {}
    for _, args in facts:
        for a in args:
            if isinstance(a, (int, Decimal)) and not isinstance(a, bool):
                found.setdefault(a, a)
    return found


def evaluate(program: ir.Program, rule_base: dict[str, list[Fact]], cases: list[Case], progress: str | None = None
             ) -> Run:
    run = Run(program, rule_base, cases)
    run.load()
    run.evaluate(progress)
    run.check_calendar()
    return run
