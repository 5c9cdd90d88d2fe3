"""``cplaw screen``: a register of enterprises screened as of one date in SQL (DuckDB; the rules on Spark with
``derive=cplaw.sql.spark.on_spark(...)``).

Input: a folder of profiles, a JSON Lines file (one cplaw.profile/1 per line), or a register in tables
(Parquet or CSV, facts/schema/register.md: loaded, checked and made facts in SQL by cplaw.sql.register). Output (``--out FILE``,
Parquet by default, or CSV): FILE, one row per enterprise (id, province, grounds, obligations by status,
earliest open deadline, sanctions); FILE's stem + ``.obligations`` and ``.sanctions`` beside it, the detail
tables; with JSON Lines one object per enterprise holding its grounds, obligations and sanctions. A bad
profile (or a number SQL cannot hold exactly, or a duplicate id) goes to FILE's stem + ``.errors.jsonl`` with
its input (file and line) and field path; the others are still screened, and the run exits 1.

Statuses are those the rules derive; the assessment document's ``undetermined`` (a deadline in a year whose
holiday arrangement is not known yet) is worked out by ``cplaw assess`` only.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import pathlib
import queue
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from ..api import RuleBase
from ..batch import BatchItem, from_arguments, with_progress
from ..errors import CplawError, ProfileError
from ..facts_mapping import base_facts
from ..labels import label
from ..profile import Profile, _provinces, load_profile, profile_from_document
from .layout import number_problem
from .register import BATCH_SIZE, OUTPUTS, Register, is_register, profile_document, screen_register
from .run import Case, Run

Derive = Callable[[Run, str | None], None]  # derives a loaded run's predicates (DuckDB's own, or cplaw.sql.spark's)


def on_duckdb(run: Run, progress: str | None) -> None:
    run.evaluate(progress)

if TYPE_CHECKING:
    from rich.table import Table

STATUSES = ("met", "late", "overdue", "pending")
WORKERS = min(2, os.cpu_count() or 1)  # batches derived side by side by default: each holds one batch in memory
OBLIGATIONS = """
SELECT s.province AS _p, s.e AS _e, s.id AS enterprise, d.a0 AS duty, d.a1 AS instrument, d.a2 AS round, d.a4 AS due,
       d.a3 AS due_nominal, st.a4 AS status
FROM f_due d JOIN {enterprises} s ON s.e = d.e
LEFT JOIN f_status st ON st.e = d.e AND st.a0 = d.a0 AND st.a1 = d.a1 AND st.a2 IS NOT DISTINCT FROM d.a2
     AND st.a3 IS NOT DISTINCT FROM d.a4"""
SANCTIONS = """
SELECT s.province AS _p, s.e AS _e, s.id AS enterprise, x.a0 AS duty, x.a5 AS measure, CAST(x.a7 AS BIGINT) AS fine_min,
       CAST(x.a8 AS BIGINT) AS fine_max, x.a3 AS provision, x.a1 AS instrument, x.a2 AS round
FROM (SELECT DISTINCT e, a0, a1, a2, a3, a5, a7, a8 FROM f_sanction) x JOIN {enterprises} s ON s.e = x.e"""
GROUNDS = "SELECT DISTINCT e AS _e, a0 AS ground FROM f_mandatory"
ENTERPRISES = """
SELECT s.province AS _p, s.e AS _e, s.id AS enterprise, s.province, g.grounds, {counts}, o.earliest_open_due,
       coalesce(x.n, 0) AS sanctions
FROM {enterprises} s
LEFT JOIN (SELECT _e, string_agg(ground, ',' ORDER BY ground) AS grounds FROM b_grounds GROUP BY _e) g ON g._e = s.e
LEFT JOIN (SELECT _e, {by_status}, min(due) FILTER (WHERE status = 'pending') AS earliest_open_due
           FROM b_obligations GROUP BY _e) o ON o._e = s.e
LEFT JOIN (SELECT _e, count(*) AS n FROM b_sanctions GROUP BY _e) x ON x._e = s.e"""
TABLES = {  # output table → the order of its rows: by province, then by the enterprise's place in the input
    # (``_p``, ``_e``: dropped from the tables but the grounds' ``_e``, which the summary joins on); a register's
    # batches are slices of that order, so their tables are put together one after another
    "obligations": "_p, _e, round, due, duty, instrument, due_nominal, status",
    "sanctions": "_p, _e, round, duty, measure, provision, instrument, fine_min, fine_max",
    "grounds": "_e, ground",
    "screening": "_p, _e"}


def read_register(source: str) -> Iterator[BatchItem]:
    """The profiles of a folder (or one file), or of a JSON Lines file (``*.jsonl``), each named."""
    path = pathlib.Path(source)
    if path.is_file() and path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    yield BatchItem(f"{path}:{number}", text=line.rstrip("\r\n"))
        return
    yield from from_arguments([source])


def _profile(item: BatchItem) -> Profile:
    if item.text is not None:
        try:
            document = json.loads(item.text)
        except ValueError as err:
            raise CplawError(f"{item.name}: not a JSON document ({err})") from None
        return profile_from_document(document, item.name)
    return load_profile(item.profile)


def find_profile(source: str, enterprise: str) -> Profile:
    """The register's profile of one enterprise (by its id); entries that cannot be read are passed over."""
    if is_register(pathlib.Path(source)):
        document = profile_document(pathlib.Path(source), enterprise)
        if document is not None:
            return profile_from_document(document, f"{source}: enterprise {enterprise!r}")
        raise CplawError(f"{source}: no enterprise with the id {enterprise!r}")
    for item in read_register(source):
        try:
            profile = _profile(item)
        except CplawError:
            continue
        if profile.enterprise.id == enterprise:
            return profile
    raise CplawError(f"{source}: no enterprise with the id {enterprise!r}")


def _number_issues(profile: Profile) -> list[str]:
    found = []
    for records, fields in ((profile.emissions, ("value", "limit")), (profile.totals, ("value", "quota")),
                            (profile.energy, ("value", "limit")), (profile.events, ("score",))):
        for record in records:
            for name in fields:
                value = getattr(record, name)
                problem = value is not None and number_problem(value)
                if problem:
                    found.append(f"{record.path}.{name}: {problem}")
    return found


def screen(rules: RuleBase, source: str, as_of: _dt.date, options: tuple[str, ...], lang: str = "en",
           batch_size: int = BATCH_SIZE, derive: Derive = on_duckdb, workers: int = 1,
           database: pathlib.Path | None = None, memory_limit: str | None = None) -> tuple[Run, list[dict]]:
    """Read the register, refuse what cannot be screened (with where it is), load the rest into DuckDB and have
    ``derive`` run the rules (a register in tables ``batch_size`` enterprises at a time, ``workers`` batches
    side by side, the output rows by province and then in the input's order; held in a new DuckDB ``database``
    file where one is named, DuckDB's memory bounded by ``memory_limit`` where given)."""
    if is_register(pathlib.Path(source)):
        try:
            register = screen_register(rules.program, rules._rule_base_facts, pathlib.Path(source), as_of, options,
                                       batch_size, database, memory_limit)
            if register.count:
                _batches(register, derive, min(workers, register.count), label("screen", "strata", lang),
                         label("screen", "batches", lang))
            else:
                _whole(register.run)
        except duckdb.OutOfMemoryException as err:
            raise CplawError(f"DuckDB ran out of memory ({str(err).splitlines()[0]}); screen with --database FILE, a "
                             "larger --memory-limit, a smaller --batch-size or fewer --workers") from None
        return register.run, register.errors
    if database is not None or memory_limit is not None:
        raise CplawError(f"{source}: a database file and a memory limit are for a register in tables "
                         "(facts/schema/register.md); a folder of profiles or a JSON Lines file is screened in memory")
    errors: list[dict[str, Any]] = []
    cases: list[Case] = []
    ids: list[tuple[int, str, str, str]] = []
    seen: dict[str, str] = {}
    for item in with_progress(read_register(source), None, label("screen", "reading", lang)):
        try:
            profile = _profile(item)
            facts = base_facts(profile, as_of, rules.program, options, {})
        except ProfileError as err:
            errors.extend({"input": item.name, "field": i.path, "error": i.message} for i in err.issues)
            continue
        except CplawError as err:
            errors.append({"input": item.name, "field": None, "error": str(err)})
            continue
        ent = profile.enterprise
        problems = _number_issues(profile)
        if ent.id in seen:
            problems.append(f"enterprise.id: duplicate enterprise id {ent.id!r} (first in {seen[ent.id]})")
        if problems:
            errors.extend({"input": item.name, "field": p.split(":")[0], "error": p} for p in problems)
            continue
        seen[ent.id] = item.name
        ids.append((len(cases), ent.id, ent.province, item.name))
        cases.append(Case(ent.province, facts.facts, as_of, options))
    if not cases:
        raise CplawError(f"{source}: no enterprise could be screened ({len(errors)} errors)")
    run = Run(rules.program, rules._rule_base_facts, cases, outputs=OUTPUTS)
    run.load()
    run.con.execute("SET preserve_insertion_order = false")  # the derived tables have no order
    derive(run, label("screen", "strata", lang))
    run.check_calendar()
    run.con.register("incoming", pa.table({"e": pa.array([i[0] for i in ids], pa.int32()),
                                           "id": [i[1] for i in ids], "province": [i[2] for i in ids],
                                           "source": [i[3] for i in ids]}))
    run.con.execute("CREATE TABLE screened AS SELECT * FROM incoming")
    run.con.unregister("incoming")
    _whole(run)
    return run, errors


def _batches(register: Register, derive: Derive, workers: int, strata: str, batches: str) -> None:
    """Every batch of the register derived by ``workers`` workers side by side (DuckDB's threads shared out
    among them), each batch's output tables kept in its worker's schema; then put together in ``main``, batch
    after batch. One batch alone shows its strata's progress; several, the batches'."""
    con = register.run.con
    threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
    con.execute(f"SET threads = {max(1, threads // workers):d}")
    con.execute("SET preserve_insertion_order = false")  # the derived tables have no order (a global setting)
    runs = [register.worker(k) for k in range(workers)]
    numbers: queue.SimpleQueue[int] = queue.SimpleQueue()
    for number in range(register.count):
        numbers.put(number)
    done: queue.SimpleQueue[tuple[int, int] | BaseException] = queue.SimpleQueue()

    def work(k: int) -> None:
        """Batches taken in turn by worker ``k`` until none is left (a failure is passed on to the caller)."""
        run = runs[k]
        try:
            while True:
                try:
                    number = numbers.get_nowait()
                except queue.Empty:
                    return
                register.load_batch(run, number)
                derive(run, strata if register.count == 1 else None)
                run.check_calendar()
                _tables(run, "batch", f"_{number:d}")
                done.put((number, k))
        except BaseException as err:
            done.put(err)
            raise

    where: dict[int, int] = {}  # batch → the worker that derived it
    try:
        with ThreadPoolExecutor(workers) as pool:
            for k in range(workers):
                pool.submit(work, k)
            finished = (done.get() for _ in range(register.count))
            for item in with_progress(finished, register.count, batches) if register.count > 1 else finished:
                if isinstance(item, BaseException):
                    while not numbers.empty():  # the other workers stop after their current batch
                        numbers.get_nowait()
                    raise item
                where[item[0]] = item[1]
    finally:
        con.execute(f"SET threads = {threads:d}")
    _ordered(con, {table: [f"b{where[n]:d}.{table}_{n:d}" for n in range(register.count)] for table in TABLES})
    register.run.statements += sum(run.statements for run in runs)


def _whole(run: Run) -> None:
    """The output tables of a run screened in one part (its ``screened`` enterprises)."""
    _tables(run, "screened", "_0")
    _ordered(run.con, {table: [f"{table}_0"] for table in TABLES})


def _tables(run: Run, enterprises: str, suffix: str) -> None:
    """The output tables of the run's ``enterprises`` (e, id, province), each created as its name + ``suffix``
    (in no order: ``_ordered`` sorts them)."""
    by_status = ", ".join(f"count(*) FILTER (WHERE status = '{s}') AS {s}" for s in STATUSES)
    counts = ", ".join(f"coalesce(o.{s}, 0) AS {s}" for s in STATUSES)
    for table, query in zip(TABLES, (OBLIGATIONS, SANCTIONS, GROUNDS, ENTERPRISES)):
        query = query.format(counts=counts, by_status=by_status, enterprises=enterprises)
        run.con.execute(f"CREATE OR REPLACE TEMP TABLE b_{table} AS {query}")
        run.con.execute(f"CREATE TABLE {table}{suffix} AS SELECT * FROM b_{table}")


def _ordered(con: duckdb.DuckDBPyConnection, parts: dict[str, list[str]]) -> None:
    """The output tables, each its ``parts`` (batches, in order) one after another, each part sorted as
    TABLES says (a part at a time: no sort of the whole register)."""
    con.execute("SET preserve_insertion_order = true")
    for table, order in TABLES.items():
        keep = "*" if table == "grounds" else "* EXCLUDE (_p, _e)"
        for number, part in enumerate(parts[table]):
            rows = f"SELECT {keep} FROM {part} ORDER BY {order}"
            con.execute(f"INSERT INTO {table} {rows}" if number else f"CREATE TABLE {table} AS {rows}")
            con.execute(f"DROP TABLE {part}")


def write(run: Run, out: pathlib.Path, fmt: str) -> list[pathlib.Path]:
    """The tables as Parquet (written by DuckDB, row group by row group) or CSV files, or the enterprises as
    JSON Lines; the paths written."""
    if fmt == "jsonl":
        return [_write_jsonl(run, out)]
    import pyarrow.csv as pacsv
    written = []
    for table, path in (("screening", out), ("obligations", _beside(out, "obligations")),
                        ("sanctions", _beside(out, "sanctions"))):
        rows = run.con.table(table)
        if fmt == "parquet":
            rows.write_parquet(str(path))
        else:
            pacsv.write_csv(rows.to_arrow_table(), str(path))
        written.append(path)
    return written


def _beside(out: pathlib.Path, part: str) -> pathlib.Path:
    return out.with_name(f"{out.stem}.{part}{out.suffix}")


def _write_jsonl(run: Run, out: pathlib.Path) -> pathlib.Path:
    def rows(query: str) -> list[dict[str, Any]]:
        cursor = run.con.execute(query)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]
    obligations: dict[str, list] = {}
    for row in rows("SELECT * FROM obligations"):
        obligations.setdefault(row.pop("enterprise"), []).append(row)
    sanctions: dict[str, list] = {}
    for row in rows("SELECT * FROM sanctions"):
        sanctions.setdefault(row.pop("enterprise"), []).append(row)
    with out.open("w", encoding="utf-8") as handle:
        for row in rows("SELECT enterprise, grounds FROM screening"):
            ent = row["enterprise"]
            handle.write(json.dumps({"enterprise": ent, "mandatory_audit": (row["grounds"] or "").split(",")
                                     if row["grounds"] else [], "obligations": obligations.get(ent, []),
                                     "sanctions": sanctions.get(ent, [])}, ensure_ascii=False, default=str) + "\n")
    return out


def summary(run: Run, lang: str) -> Table:
    """A table by province: enterprises, enterprises by ground of mandatory audit, duties by status, sanctions;
    and the totals."""
    from rich.table import Table
    grounds = [g for g in run.program.enums["ground"].values]
    ground_counts = ", ".join(f"count(DISTINCT m._e) FILTER (WHERE m.ground = '{g}')" for g in grounds)
    status_counts = ", ".join(f"(SELECT count(*) FROM obligations o JOIN screened t ON t.id = o.enterprise "
                              f"WHERE t.province = s.province AND o.status = '{st}')" for st in STATUSES)
    rows = run.con.execute(
        f"SELECT s.province, count(DISTINCT s.e), {ground_counts}, {status_counts}, (SELECT count(*) FROM sanctions x "
        "JOIN screened t ON t.id = x.enterprise WHERE t.province = s.province) FROM screened s "
        "LEFT JOIN grounds m ON m._e = s.e GROUP BY s.province ORDER BY s.province").fetchall()
    names = {code: (short if lang == "zh" else f"{short} ({code})") for code, _, short in _provinces()}
    table = Table(title=label("screen", "title", lang))
    table.add_column(label("screen", "province", lang))
    for heading in ([label("screen", "enterprises", lang)]
                    + [label("screen", "ground_count", lang, ground=label("web", f"ground.{g}", lang)) for g in grounds]
                    + [label("screen", "status_count", lang, status=label("enums", f"status.{st}", lang))
                       for st in STATUSES] + [label("screen", "sanctions", lang)]):
        table.add_column(heading, justify="right")
    for province, *counts in rows:
        table.add_row(names.get(province, province), *map(str, counts))
    if rows:
        table.add_section()
        table.add_row(label("screen", "total", lang), *(str(sum(r[i] for r in rows)) for i in range(1, len(rows[0]))))
    return table
