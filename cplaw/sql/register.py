"""A register in tables (facts/schema/register.json, described in facts/schema/register.md): Parquet or CSV files
loaded into DuckDB as tables, checked in SQL, and turned into the rules' base facts in SQL.

Every value enters DuckDB as data (an Arrow table, every column as text, with its row number ``_row``), never
as SQL text; the checks and the facts are queries over those tables. A bad row is reported with its table, row
and column; every enterprise a bad row belongs to is left out, and the others are screened.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import pathlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

from .. import ir, limits
from ..errors import CplawError
from ..profile import CATALOG_ALIASES, _cities, _provinces
from .run import Case, Run
from .translate import ENTERPRISES

FORMATS = (".parquet", ".csv")
CITY_SUFFIX = "(市|地区|盟)$"  # as cplaw.profile._CITY_SUFFIX
MUNICIPALITIES = ("11", "12", "31", "50")
NUMBER_TEXT = r"-?[0-9]{1,20}(\.[0-9]{1,18})?"  # what DECIMAL(38, 18) holds exactly (cplaw.sql.layout.NUMBER)


@functools.cache
def spec() -> dict[str, Any]:
    """The register layout (facts/schema/register.json)."""
    return json.loads(resources.files("cplaw.facts").joinpath("schema/register.json").read_text("utf-8"))


@functools.cache
def _profile_schema() -> dict[str, Any]:
    return json.loads(resources.files("cplaw.facts").joinpath("schema/profile.schema.json").read_text("utf-8"))


def _pointer(pointer: str) -> Any:
    node: Any = _profile_schema()
    for part in pointer.lstrip("#/").split("/"):
        node = node[part]
    return node


def is_register(path: pathlib.Path) -> bool:
    """A folder holding an enterprises table is a register in tables."""
    return path.is_dir() and any((path / f"enterprises{s}").is_file() for s in FORMATS)


# ── loading ────────────────────────────────────────────────────────────────────────────────────────────────
def _read(path: pathlib.Path) -> pa.Table:
    """A table file as Arrow, a CSV's every column as text (types are checked in SQL, where bad rows are found)."""
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq
            return pq.read_table(path)
        import pyarrow.csv as pacsv
        names = pacsv.open_csv(path).schema.names
        return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=True, quoted_strings_can_be_null=False))
    except (OSError, pa.ArrowInvalid) as err:
        raise CplawError(f"{path}: cannot be read as a table ({err})") from None


def _as_text(name: str, kind: pa.DataType) -> str:
    """The SQL expression giving column ``name`` as text: a list column joined by the list separator."""
    quoted = '"' + name.replace('"', '""') + '"'
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return f"array_to_string({quoted}, '{spec()['list_separator']}')"
    return f"CAST({quoted} AS VARCHAR)"


def load_tables(con: duckdb.DuckDBPyConnection, folder: pathlib.Path) -> dict[str, pathlib.Path]:
    """Each table of the layout as ``r_<table>`` (``_row`` and every column as text; a table not in the folder is
    empty). A file with a column the layout does not know, or without a required column, is refused whole."""
    files: dict[str, pathlib.Path] = {}
    for table, layout in spec()["tables"].items():
        found = [folder / f"{table}{s}" for s in FORMATS if (folder / f"{table}{s}").is_file()]
        if len(found) > 1:
            raise CplawError(f"{folder}: both {found[0].name} and {found[1].name}; keep one")
        columns = layout["columns"]
        if found:
            files[table] = found[0]
            data = _read(found[0])
            unknown = [n for n in data.column_names if n not in columns]
            missing = [n for n, c in columns.items() if c.get("required") and n not in data.column_names]
            if unknown or missing:
                raise CplawError(f"{found[0]}: " + "; ".join(
                    ([f"unknown column {', '.join(map(repr, unknown))} (the layout's columns: {', '.join(columns)})"]
                     if unknown else []) + ([f"no column {', '.join(map(repr, missing))}"] if missing else [])))
            data = data.append_column("_row", pa.array(range(1, data.num_rows + 1), pa.int64()))
            kinds = {f.name: f.type for f in data.schema}
        else:
            data, kinds = pa.table({"_row": pa.array([], pa.int64())}), {}
        select = ", ".join(["_row"] + [f'{_as_text(n, kinds[n]) if n in kinds else "CAST(NULL AS VARCHAR)"} AS "{n}"'
                                       for n in columns])
        con.register("incoming", data)
        con.execute(f"CREATE TABLE r_{table} AS SELECT {select} FROM incoming")
        con.unregister("incoming")
    return files


def _reference_tables(con: duckdb.DuckDBPyConnection, program: ir.Program) -> None:
    """What the checks compare with, as tables: the provinces (any of their names), the cities, the accepted
    values of every enumerated column."""
    names = [(code, n) for code, full, short in _provinces() for n in (code, full, short)]
    con.register("incoming", pa.table({"code": [c for c, _ in names], "name": [n for _, n in names]}))
    con.execute("CREATE TABLE ref_province AS SELECT * FROM incoming")
    cities = [(code, n, re.sub(CITY_SUFFIX, "", n)) for code, ns in _cities().items() for n in ns]
    cities += [(code, n, n) for code, full, short in _provinces() if code in MUNICIPALITIES for n in (full, short)]
    con.register("incoming", pa.table({"code": [c[0] for c in cities], "name": [c[1] for c in cities],
                                       "short": [c[2] for c in cities]}))
    con.execute("CREATE TABLE ref_city AS SELECT * FROM incoming")
    allowed = [(table, name, value) for table, name, values in _enums(program) for value in values]
    con.register("incoming", pa.table({"t": [a[0] for a in allowed], "c": [a[1] for a in allowed],
                                       "v": [a[2] for a in allowed]}))
    con.execute("CREATE TABLE ref_value AS SELECT * FROM incoming")
    con.register("incoming", pa.table({"alias": list(CATALOG_ALIASES), "name": list(CATALOG_ALIASES.values())}))
    con.execute("CREATE TABLE ref_catalogue AS SELECT * FROM incoming")
    con.unregister("incoming")


def _enums(program: ir.Program) -> list[tuple[str, str, list[str]]]:
    found = []
    for table, layout in spec()["tables"].items():
        for name, column in layout["columns"].items():
            if "enum" in column:
                found.append((table, name, [str(v) for v in _pointer(column["enum"])["enum"]]))
            elif column["type"] == "duty":
                found.append((table, name, list(program.enums["duty"].values)))
    return found


# ── checking ───────────────────────────────────────────────────────────────────────────────────────────────
def _q(name: str) -> str:
    return '"' + name + '"'


def _shown(column: str) -> str:
    """The value as the message shows it (register data enters the message as a value, never as SQL text)."""
    return f"'''' || {_q(column)} || ''''"


def _checks(table: str, columns: dict[str, dict[str, Any]]) -> list[str]:
    """SELECTs of (table, row, column, enterprise, error), one per kind of bad value in the table's columns."""
    key = "id" if table == "enterprises" else "enterprise"
    out = []

    def bad(column: str, condition: str, message: str) -> None:
        out.append(f"SELECT '{table}' AS t, _row AS row, '{column}' AS c, {_q(key)} AS enterprise, {message} AS error "
                   f"FROM r_{table} WHERE {condition}")

    sep = spec()["list_separator"]
    first, last = limits.EARLIEST_DATE, limits.LATEST_DATE
    for name, column in columns.items():
        kind, v = column["type"], _q(name)
        if column.get("required"):
            bad(name, f"{v} IS NULL OR {v} = ''", "'missing (required)'")
        present = f"{v} IS NOT NULL AND {v} <> ''"
        if kind == "date":
            bad(name, f"{present} AND (NOT regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                      f"OR TRY_CAST({v} AS DATE) IS NULL)",
                f"{_shown(name)} || ' is not a calendar date (YYYY-MM-DD)'")
            bad(name, f"TRY_CAST({v} AS DATE) NOT BETWEEN DATE '{first}' AND DATE '{last}'",
                f"{_shown(name)} || ' is outside the dates cplaw handles ({first} to {last}, cplaw.limits)'")
        elif kind == "number":
            bad(name, f"{present} AND NOT regexp_full_match({v}, '{NUMBER_TEXT}') AND TRY_CAST({v} AS DOUBLE) IS NULL",
                f"{_shown(name)} || ' is not a number'")
            bad(name, f"{present} AND NOT regexp_full_match({v}, '{NUMBER_TEXT}') AND TRY_CAST({v} AS DOUBLE) IS NOT NULL",
                f"{_shown(name)} || ' is outside what the SQL screening holds exactly (a plain decimal below 10^20, "
                f"at most 18 decimals); assess this enterprise with `cplaw assess`'")
        elif kind == "year":
            bad(name, f"{present} AND NOT regexp_full_match({v}, '-?[0-9]{{1,9}}')",
                f"{_shown(name)} || ' is not a whole year'")
            bad(name, f"TRY_CAST({v} AS INTEGER) NOT BETWEEN {first.year} AND {last.year}",
                f"{_shown(name)} || ' is outside the dates cplaw handles ({first} to {last}, cplaw.limits)'")
        elif kind == "bool":
            bad(name, f"{present} AND {v} NOT IN ('true', 'false')", f"{_shown(name)} || ' is not true or false'")
        elif kind in ("enum", "duty"):
            bad(name, f"{present} AND NOT EXISTS (SELECT 1 FROM ref_value a WHERE a.t = '{table}' AND a.c = '{name}' "
                      f"AND a.v = {v})",
                f"'unknown value ' || {_shown(name)} || '; accepted: ' || (SELECT string_agg(v, ', ') FROM ref_value "
                f"WHERE t = '{table}' AND c = '{name}')")
        elif kind == "list":
            item = (f"NOT EXISTS (SELECT 1 FROM ref_value a WHERE a.t = '{table}' AND a.c = '{name}' AND a.v = x)"
                    if "enum" in column else f"NOT regexp_full_match(x, '{column['pattern'].strip('^$')}')")
            problem = (f"'unknown value ' || '''' || x || '''' || '; accepted: ' || (SELECT string_agg(v, ', ') "
                       f"FROM ref_value WHERE t = '{table}' AND c = '{name}')" if "enum" in column
                       else f"'''' || x || '''' || ' {column['problem']}'")
            out.append(f"SELECT '{table}', _row, '{name}', {_q(key)}, {problem} FROM "
                       f"(SELECT _row, {_q(key)}, unnest(string_split({v}, '{sep}')) AS x FROM r_{table} "
                       f"WHERE {present}) WHERE {item}")
        elif kind == "province":
            bad(name, f"{present} AND NOT EXISTS (SELECT 1 FROM ref_province p WHERE p.name = {v})",
                f"'unknown province ' || {_shown(name)} || '; accepted: the short or full name (广东, 广东省) or the "
                f"GB/T 2260 code (44)'")
        elif kind == "city":
            bad(name, f"{present} AND NOT EXISTS (SELECT 1 FROM ref_province p JOIN ref_city c ON c.code = p.code "
                      f"WHERE p.name = province AND {v} IN (c.name, c.short)) "
                      f"AND EXISTS (SELECT 1 FROM ref_province p WHERE p.name = province)",
                f"'unknown city ' || {_shown(name)} || ' in the province ' || province")
        if "references" in column:
            bad(name, f"{present} AND NOT EXISTS (SELECT 1 FROM r_{column['references']} r WHERE r.id = {v})",
                f"'no enterprise with the id ' || {_shown(name)} || ' in the {column['references']} table'")
    if table == "enterprises":
        out.append("SELECT 'enterprises', _row, 'id', id, 'duplicate enterprise id ' || '''' || id || '''' || "
                   "' (also at row ' || first || '); no row with this id is screened' FROM (SELECT _row, id, "
                   "min(_row) OVER (PARTITION BY id) AS first FROM r_enterprises WHERE id IS NOT NULL AND id <> '') "
                   "WHERE _row > first")
    if table == "events":
        out.extend(_event_rules(columns))
    return out


def _event_rules(columns: dict[str, dict[str, Any]]) -> list[str]:
    """The profile schema's rules per event type (which fields a type requires, which it does not take)."""
    out = []
    for rule in _pointer("#/$defs/event/allOf"):
        condition = rule["if"]["properties"]["type"]
        types = [condition["const"]] if "const" in condition else condition["enum"]
        listed = ", ".join(f"'{t}'" for t in types)
        for name in rule["then"].get("required", []):
            out.append(f"SELECT 'events', _row, '{name}', enterprise, 'missing (an event of type ' || type || "
                       f"' requires it)' FROM r_events WHERE type IN ({listed}) AND ({_q(name)} IS NULL OR {_q(name)} = '')")
        for name in rule["then"].get("properties", {}):
            if name in columns:
                out.append(f"SELECT 'events', _row, '{name}', enterprise, 'an event of type ' || type || "
                           f"' does not take {name}' FROM r_events WHERE type IN ({listed}) AND {_q(name)} <> ''")
    return out


# ── the facts ──────────────────────────────────────────────────────────────────────────────────────────────
LATER = {  # the records not known on the as-of date ($as_of), left out as cplaw.facts_mapping leaves them out
    "emissions": "date > $as_of", "totals": "year > year($as_of)", "energy": "year > year($as_of)",
    "events": "date > $as_of"}
FACTS = {  # input predicate → SELECT (e, args…) over the checked tables
    "province": "SELECT e, province FROM t_enterprises",
    "monitoring": "SELECT e, monitoring FROM t_enterprises WHERE monitoring IS NOT NULL",
    "industry": "SELECT DISTINCT e, x FROM (SELECT e, unnest(industry) AS x FROM t_enterprises)",
    "size": "SELECT e, size FROM t_enterprises WHERE size IS NOT NULL",
    "city": "SELECT e, city FROM t_enterprises WHERE city IS NOT NULL",
    "enterprise_is": "SELECT e, 'central' FROM t_enterprises WHERE central UNION ALL "
                     "SELECT e, 'nuclear_facility' FROM t_enterprises WHERE nuclear_facility",
    "emission": "SELECT e, path, pollutant, value, \"limit\", date FROM t_emissions",
    "total": "SELECT e, path, pollutant, year, value, quota FROM t_totals",
    "non_key_pollutant": "SELECT e, path FROM t_totals WHERE NOT key_pollutant",
    "energy": "SELECT e, path, product, year, value, \"limit\" FROM t_energy",
    "substance": "SELECT e, path, name, use FROM t_substances",
    "catalogued": "SELECT DISTINCT e, path, coalesce(a.name, x) FROM (SELECT e, path, unnest(catalogs) AS x "
                  "FROM t_substances) LEFT JOIN ref_catalogue a ON a.alias = x",
    "hazard_of": "SELECT DISTINCT e, path, x FROM (SELECT e, path, unnest(hazards) AS x FROM t_substances)",
    "event": "SELECT e, path, type, date FROM t_events",
    "listed": "SELECT e, path, date, ground FROM t_events WHERE type = 'listed'",
    "event_to": "SELECT DISTINCT e, path, x FROM (SELECT e, path, unnest(\"to\") AS x FROM t_events)",
    "event_duty": "SELECT e, path, duty FROM t_events WHERE duty IS NOT NULL",
    "event_deadline": "SELECT e, path, deadline FROM t_events WHERE deadline IS NOT NULL",
    "event_score": "SELECT e, path, score FROM t_events WHERE score IS NOT NULL",
    "event_result": "SELECT e, path, result FROM t_events WHERE result IS NOT NULL",
    "listed_level": "SELECT e, path, level FROM t_events WHERE level IS NOT NULL",
    "event_authority": "SELECT e, path, authority FROM t_events WHERE authority IS NOT NULL",
}


@functools.cache
def _read_columns() -> dict[str, frozenset[str]]:
    """The columns of each typed table the facts (FACTS) and the as-of filter (LATER) read: only these are typed
    and kept (a register's names, units, ids in every row… are checked but not held through the batches)."""
    import sqlglot
    read: dict[str, set[str]] = {table: set() for table in spec()["tables"]}
    for query in [*FACTS.values(), *(f"SELECT 1 FROM t_{t} WHERE {c}" for t, c in LATER.items())]:
        tree = sqlglot.parse_one(query, dialect="duckdb")
        tables = {t.name[2:] for t in tree.find_all(sqlglot.exp.Table) if t.name.startswith("t_")}
        for table in tables:
            read[table] |= {c.name for c in tree.find_all(sqlglot.exp.Column)} & set(spec()["tables"][table]["columns"])
    return {table: frozenset(names) for table, names in read.items()}


def _typed(table: str, columns: dict[str, dict[str, Any]]) -> str:
    """The rows of the screened enterprises, typed: each record with its enterprise's number ``e`` and its
    field path (``events[2]``: its place among the enterprise's rows of the table, as in a profile), with the
    columns the facts read."""
    sep = spec()["list_separator"]
    values = []
    for name, column in columns.items():
        if name not in _read_columns()[table]:
            continue
        kind, v = column["type"], f"r.{_q(name)}"
        value = {"date": f"CAST({v} AS DATE)", "number": f"CAST({v} AS DECIMAL(38, 18))", "year": f"CAST({v} AS BIGINT)",
                 "bool": f"CAST({v} AS BOOLEAN)",
                 "list": f"coalesce(string_split(nullif({v}, ''), '{sep}'), [])"}.get(kind, f"nullif({v}, '')")
        if kind == "province":
            value = f"(SELECT p.code FROM ref_province p WHERE p.name = {v})"
        values.append(f"{value} AS {_q(name)}")
    if table == "enterprises":
        return f"SELECT s.e, s.batch, {', '.join(values)} FROM r_enterprises r JOIN screened s ON s._row = r._row"
    if table == "totals":
        values = [v if not v.endswith('"key_pollutant"') else 'coalesce(CAST(r."key_pollutant" AS BOOLEAN), true) '
                  'AS "key_pollutant"' for v in values]
    path = f"'{table}[' || (row_number() OVER (PARTITION BY r.enterprise ORDER BY r._row) - 1) || ']' AS path"
    return (f"SELECT s.e, s.batch, {path}, {', '.join(values)} FROM r_{table} r JOIN screened s ON s.id = r.enterprise")


BATCH_SIZE = 100_000  # enterprises evaluated together: no rule joins two enterprises, so batches bound memory
OUTPUTS = frozenset({"mandatory", "due", "status", "sanction"})  # what the screen's output tables read


@dataclass
class Register:
    """A register loaded and checked: the run over its screened enterprises, and the bad rows found.

    ``screened`` (e, id, province, source, batch) names the enterprises to screen. Batches follow the provinces
    (enterprises sorted by province, then by row), and each batch runs only the clauses of its own provinces (and
    the national ones). A batch is derived by a worker: a Run on its own cursor and schema of the register's
    database (``worker``), which reads the register's typed tables and calendar from ``main``; workers derive
    batches side by side."""

    run: Run
    errors: list[dict[str, Any]]
    count: int  # how many batches

    def worker(self, number: int) -> Run:
        """A Run on a new cursor of the register's database whose tables are its own (schema ``b<number>``,
        read before ``main``): it derives one batch after another (``load_batch``)."""
        con = self.run.con.cursor()
        con.execute(f"CREATE SCHEMA b{number:d}")
        con.execute(f"SET schema = 'b{number:d}'")
        con.execute(f"SET search_path = 'b{number:d},main'")
        run = Run(self.run.program, self.run.rule_base, [], con=con, template=self.run.template,
                  outputs=self.run.outputs)
        run.load()
        return run

    def load_batch(self, run: Run, number: int) -> None:
        """Batch ``number``'s facts loaded into a worker's tables (its previous batch's facts and conclusions
        cleared); ``batch`` (e, id, province) names its enterprises."""
        con = run.con
        run.clear()
        con.execute("CREATE OR REPLACE TABLE batch AS SELECT e, id, province FROM main.screened WHERE batch = $b "
                    "ORDER BY e", {"b": number})
        run.provinces = frozenset(p for (p,) in con.execute("SELECT DISTINCT province FROM batch").fetchall())
        for table in spec()["tables"]:  # the typed tables are sorted by batch: a batch's rows are together
            con.execute(f"CREATE OR REPLACE VIEW t_{table} AS SELECT * FROM main.all_{table} WHERE batch = {number:d}")
        for name, query in FACTS.items():
            if name in run.layout.keyed:
                con.execute(f"INSERT INTO f_{name} {query}")
        _rule_base_facts(run)
        con.execute(f"INSERT INTO {ENTERPRISES} SELECT e FROM batch")


def screen_register(program: ir.Program, rule_base: dict, folder: pathlib.Path, as_of: _dt.date,
                    options: tuple[str, ...], batch_size: int = BATCH_SIZE,
                    database: pathlib.Path | None = None, memory_limit: str | None = None) -> Register:
    """Load the register's tables and report its bad rows; every enterprise no bad row belongs to is screened,
    ``batch_size`` enterprises at a time (Register.load_batch). The tables are held in memory, or in a new
    DuckDB ``database`` file (which DuckDB keeps on disk beyond its ``memory_limit``, e.g. ``4GB``)."""
    if batch_size < 1:
        raise CplawError(f"the batch size must be at least 1 (not {batch_size})")
    if database is not None and database.exists():
        raise CplawError(f"{database}: exists; the screen's database must be a new file")
    config = {"memory_limit": memory_limit} if memory_limit is not None else {}
    try:
        con = duckdb.connect(str(database) if database is not None else ":memory:", config=config)
    except duckdb.Error as err:
        raise CplawError(f"{'memory limit ' + repr(memory_limit) if config else database}: {err}") from None
    run = Run(program, rule_base, [], con=con, template=Case("", [], as_of, options), outputs=OUTPUTS)
    con = run.con
    files = load_tables(con, folder)
    _reference_tables(con, program)
    checks = [q for table, layout in spec()["tables"].items() for q in _checks(table, layout["columns"])]
    con.execute(f"CREATE TABLE bad AS {' UNION ALL '.join(checks)}")
    errors = [{"input": str(files.get(t, folder / t)), "table": t, "row": row, "column": c, "enterprise": ent,
               "error": error}
              for t, row, c, ent, error in con.execute("SELECT * FROM bad ORDER BY t, row, c, error").fetchall()]
    con.execute("CREATE TABLE screened AS SELECT CAST(row_number() OVER (ORDER BY _row) - 1 AS INTEGER) AS e, id, "
                "(SELECT p.code FROM ref_province p WHERE p.name = province) AS province, "
                "'enterprises row ' || _row AS source, _row FROM r_enterprises r "
                "WHERE NOT EXISTS (SELECT 1 FROM bad b WHERE b.enterprise IS NOT DISTINCT FROM r.id)")
    con.execute("CREATE OR REPLACE TABLE screened AS SELECT *, CAST((row_number() OVER (ORDER BY province, e) - 1) "
                "// $size AS INTEGER) AS batch FROM screened ORDER BY e", {"size": batch_size})
    for table, layout in spec()["tables"].items():
        con.execute(f"CREATE TABLE all_{table} AS SELECT * FROM ({_typed(table, layout['columns'])}) ORDER BY batch, e")
        if table in LATER:
            con.execute(f"DELETE FROM all_{table} WHERE {LATER[table]}", {"as_of": as_of})
    for table in spec()["tables"]:  # the text tables are checked and typed: their memory goes to the batches
        con.execute(f"DROP TABLE r_{table}")
    run.load()
    run.load_calendar(_days(run))
    count = con.execute("SELECT coalesce(max(batch) + 1, 0) FROM screened").fetchall()[0][0]
    return Register(run, errors, count)


def _rule_base_facts(run: Run) -> None:
    """The rule base's facts that differ by province, for each enterprise of the batch's provinces (and the
    national ones every enterprise keys)."""
    for name in sorted(run.layout.keyed):
        rows = [(code, *args) for code, facts in run.rule_base.items() for pred, args in facts if pred == name]
        if not rows or run.program.predicates[name].kind != "input":
            continue
        columns = [("j", "VARCHAR")] + [c for c in run.layout.columns(name) if c[0] != "e"]
        run._create("rb", columns, rows, run.layout.types[name], True)
        run.con.execute(f"INSERT INTO f_{name} SELECT s.e, rb.* EXCLUDE (j) FROM rb JOIN batch s "
                        "ON rb.j IN ('CN', s.province)")
        run.con.execute("DROP TABLE rb")


def _days(run: Run) -> list[_dt.date]:
    """The earliest and latest date of the register's records and of the rule base's facts that differ by
    province (with the as-of date: the calendar tables span them)."""
    columns = [f"SELECT min({_q(name)}) AS lo, max({_q(name)}) AS hi FROM all_{table}"
               for table, layout in spec()["tables"].items()
               for name, column in layout["columns"].items() if column["type"] == "date" and name in _read_columns()[table]]
    lo, hi = run.con.execute(f"SELECT min(lo), max(hi) FROM ({' UNION ALL '.join(columns)})").fetchall()[0]
    keyed = run.layout.keyed
    days = [a for facts in run.rule_base.values() for name, args in facts if name in keyed for a in args
            if isinstance(a, _dt.date)]
    return days + [d for d in (lo, hi) if d is not None]


# ── writing a register ─────────────────────────────────────────────────────────────────────────────────────
def register_tables(documents: Iterable[dict[str, Any]]) -> dict[str, pa.Table]:
    """Profile documents (cplaw.profile/1, as dicts) as the register's tables, every value as text."""
    sep = spec()["list_separator"]
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in spec()["tables"]}

    def text(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (list, tuple)):
            return sep.join(map(str, value))
        return value.isoformat() if isinstance(value, _dt.date) else str(value)

    for doc in documents:
        ent = doc["enterprise"]
        rows["enterprises"].append({k: text(v) for k, v in ent.items()})
        for table in spec()["tables"]:
            if table != "enterprises":
                rows[table].extend({"enterprise": ent["id"], **{k: text(v) for k, v in record.items()}}
                                   for record in doc.get(table, []))
    return {table: pa.table({name: pa.array([r.get(name) for r in rows[table]], pa.string())
                             for name in layout["columns"]})
            for table, layout in spec()["tables"].items()}


def write_register(tables: dict[str, pa.Table], folder: pathlib.Path, fmt: str = "parquet") -> None:
    """The tables as ``folder/<table>.parquet`` (or ``.csv``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for table, data in tables.items():
        if fmt == "csv":
            import pyarrow.csv as pacsv
            pacsv.write_csv(data, folder / f"{table}.csv")
        else:
            import pyarrow.parquet as pq
            pq.write_table(data, folder / f"{table}.parquet")


def profile_document(folder: pathlib.Path, enterprise: str) -> dict[str, Any] | None:
    """One enterprise of the register as a profile document (for ``--explain``: documents are built only for
    the enterprises asked about), or None when no row of the enterprises table has its id."""
    con = duckdb.connect()
    load_tables(con, folder)
    sep = spec()["list_separator"]

    def value(kind: str, text: str) -> Any:
        if kind == "number":
            return Decimal(text) if re.fullmatch(NUMBER_TEXT, text) else text
        if kind == "year":
            return int(text) if re.fullmatch("-?[0-9]{1,9}", text) else text
        if kind == "bool":
            return {"true": True, "false": False}.get(text, text)
        return text.split(sep) if kind == "list" else text

    def records(table: str, key: str) -> list[dict[str, Any]]:
        columns = spec()["tables"][table]["columns"]
        cursor = con.execute(f"SELECT * EXCLUDE (_row) FROM r_{table} WHERE {key} = $id ORDER BY _row",
                             {"id": enterprise})
        names = [d[0] for d in cursor.description]
        return [{n: value(columns[n]["type"], v) for n, v in zip(names, row) if v not in (None, "") and n != "enterprise"}
                for row in cursor.fetchall()]

    found = records("enterprises", "id")
    if not found:
        return None
    doc: dict[str, Any] = {"format": "cplaw.profile/1", "enterprise": found[0]}
    for table in spec()["tables"]:
        if table != "enterprises" and (rows := records(table, "enterprise")):
            doc[table] = rows
    return doc
