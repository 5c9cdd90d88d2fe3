"""The derivation of a Run on Spark SQL (PySpark): the same clause SELECTs, generated for Spark's dialect from
the same syntax trees (cplaw.sql.translate), run stratum by stratum on a Spark session.

What runs where: DuckDB (on the machine running ``cplaw screen``) reads the register, checks it, makes the base
facts and builds the calendar tables; those tables go to Spark as Arrow; Spark derives every predicate the run
needs (one job per derived predicate, recursive strata by the same semi-naive loop driven from here); the
witness tables come back as Arrow into the run's DuckDB tables, where the output tables are written exactly as
for a DuckDB run. With ``--spark-master`` pointing at a cluster, the derivations run on its executors; the
machine running ``cplaw screen`` holds one batch's facts and conclusions at a time (``--batch-size``).

Nothing from the register enters the SQL text: Spark reads it from the tables it was given.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

from .. import ir
from ..errors import CplawError
from .run import ARROW, Run, delta_reads
from .translate import CALENDAR, ENTERPRISES, WORKDAYS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DIALECT = "spark"
LOCAL = "local[2]"
# Clauses per Spark job: adaptive execution builds all the joins of one query at once, and a union of 100 clauses
# exhausted a 4 GiB driver on 261 enterprises ("Not enough memory to build and broadcast the table"); in
# pieces of 16 the 261 scenarios derive in 126 s, not 171 s (chunks of 8: 124 s).
CHUNK = 16
LOG = pathlib.Path(tempfile.gettempdir()) / "cplaw-spark.log"  # the JVM's standard error
# For a local session: 4 GiB of driver memory (the driver is the executor); few shuffle partitions (the default
# 200 make a task per partition of tiny tables); no whole-stage code generation (each clause's plan runs once on
# little data: with it, 8 scenarios derived in 80 s, without it in 73 s).
LOCAL_CONF = {"spark.driver.memory": "4g", "spark.sql.shuffle.partitions": "4", "spark.sql.codegen.wholeStage": "false",
              "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false", "spark.sql.session.timeZone": "UTC"}


@contextlib.contextmanager
def _stderr_to(path: pathlib.Path) -> Iterator[None]:
    """Standard error (file descriptor 2, which the JVM Spark starts inherits) pointed at ``path`` meanwhile: the
    JVM's start-up notices and later warnings go to that log, not among cplaw's messages."""
    sys.stderr.flush()
    saved = os.dup(2)
    with path.open("ab") as log:
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def spark_session(master: str = LOCAL, conf: dict[str, str] | None = None) -> SparkSession:
    """A Spark session at ``master`` (``local[N]``, ``spark://host:7077``, ``yarn``, …), with LOCAL_CONF where
    the master is local."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise CplawError(f"--engine spark needs PySpark and a Java runtime: pip install \"cplaw[spark]\" ({err})"
                         ) from None
    builder = SparkSession.builder.master(master).appName("cplaw screen")
    for key, value in {**(LOCAL_CONF if master.startswith("local") else {}), **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        with _stderr_to(LOG):
            session = builder.getOrCreate()
    except Exception as err:  # the JVM could not start: no Java, or no cluster at the master given
        raise CplawError(f"Spark could not start at {master!r}: {str(err).splitlines()[0]} (its log: {LOG})"
                         ) from None
    session.sparkContext.setLogLevel("ERROR")
    # Constraint propagation through the UNION ALL of a checkpointed table with its own delta fails inside Spark
    # 4.x (NoSuchElementException in UnionBase.rewriteConstraints); the derivations need none of it.
    session.conf.set("spark.sql.constraintPropagation.enabled", "false")
    return session


def on_spark(master: str = LOCAL, conf: dict[str, str] | None = None) -> Callable[[Run, str | None], None]:
    """A ``derive`` for cplaw.sql.screen.screen: each batch's run derived on one Spark session."""
    session = spark_session(master, conf)

    def derive(run: Run, progress: str | None) -> None:
        SparkDerivation(run, session).evaluate(progress)
    return derive


@dataclass
class SparkDerivation:
    """Derives ``run``'s predicates on ``spark`` and puts the witness and fact tables back into the run's DuckDB
    tables (``evaluate`` stands in for Run.evaluate)."""

    run: Run
    spark: SparkSession
    statements: int = 0
    frames: dict[str, DataFrame] = field(default_factory=dict)

    def evaluate(self, progress: str | None = None) -> None:
        run = self.run
        self._send([f"f_{n}" for n, p in run.program.predicates.items() if p.kind == "input"]
                   + [CALENDAR, WORKDAYS, ENTERPRISES])
        for name in run.layout.derived():
            for prefix, witness in (("f_", False), ("w_", True)):
                self._view(f"{prefix}{name}", self._empty(name, witness))
        derived: list[str] = []
        for predicates, clauses, recursive in run.schedule(progress):
            if recursive:
                self._recursive(predicates, clauses)
            else:
                self._derive(next(iter(predicates)), clauses)
            derived.extend(predicates)
        self._receive(derived)
        run.statements += self.statements

    # ── tables in and out ──────────────────────────────────────────────────
    def _send(self, tables: list[str]) -> None:
        """The run's DuckDB tables as Spark views of the same names (through Arrow)."""
        for table in tables:
            arrow = self.run.con.sql(f"SELECT * FROM {table}").to_arrow_table()
            self._view(table, self.spark.createDataFrame(arrow).localCheckpoint())

    def _receive(self, derived: list[str]) -> None:
        """The witness tables Spark derived, into the run's w_ and f_ tables."""
        con, layout = self.run.con, self.run.layout
        for name in derived:
            witness = self.frames[f"w_{name}"].toArrow()
            con.register("incoming", witness)
            con.execute(f"INSERT INTO w_{name} SELECT * FROM incoming")
            con.unregister("incoming")
            columns = ", ".join(c for c, _ in layout.columns(name))
            con.execute(f"INSERT INTO f_{name} SELECT DISTINCT {columns} FROM w_{name}")

    def _empty(self, name: str, witness: bool) -> DataFrame:
        columns = self.run.layout.columns(name, witness)
        return self.spark.createDataFrame(pa.schema([(c, ARROW[t]) for c, t in columns]).empty_table())

    def _view(self, name: str, frame: DataFrame) -> None:
        self.frames[name] = frame
        frame.createOrReplaceTempView(name)

    def _sql(self, text: str) -> DataFrame:
        self.statements += 1
        return self.spark.sql(text)

    # ── derivation ─────────────────────────────────────────────────────────
    def _select(self, clause: ir.CompiledClause, reads: dict[int, str] | None = None) -> str:
        if reads:
            return self.run._query(clause, reads).sql(DIALECT, copy=False)
        return self.run.clause_sql(clause, DIALECT)

    def _derive(self, name: str, clauses: list[ir.CompiledClause]) -> None:
        pieces = []
        for start in range(0, len(clauses), CHUNK):
            union = " UNION ALL ".join(self._select(c) for c in clauses[start:start + CHUNK])
            pieces.append(self._sql(f"SELECT DISTINCT * FROM ({union}) AS derived").localCheckpoint())
        witness = pieces[0]
        for piece in pieces[1:]:
            witness = witness.unionAll(piece)
        self._view(f"w_{name}", witness.distinct().localCheckpoint() if len(pieces) > 1 else witness)
        columns = ", ".join(c for c, _ in self.run.layout.columns(name))
        self._view(f"f_{name}", self._sql(f"SELECT DISTINCT {columns} FROM w_{name}").localCheckpoint())

    def _recursive(self, predicates: frozenset[str], clauses: list[ir.CompiledClause]) -> None:
        """Semi-naive, as Run._recursive: each round after the first re-runs a clause once per body atom of the
        component, that atom reading only the facts the previous round added (``d_<name>``)."""
        rounds: dict[str, list[str]] = {n: [self._select(c) for c in clauses if c.head.predicate == n]
                                         for n in predicates}
        while True:
            added = False
            for name in sorted(predicates):
                if rounds[name]:
                    union = " UNION ALL ".join(rounds[name])
                    found = self._sql(f"SELECT * FROM ({union}) AS derived EXCEPT SELECT * FROM w_{name}")
                else:
                    found = self._empty(name, True)
                self._view(f"n_{name}", found.localCheckpoint())
            for name in sorted(predicates):
                columns = ", ".join(c for c, _ in self.run.layout.columns(name))
                delta = self._sql(f"SELECT {columns} FROM n_{name} EXCEPT SELECT {columns} FROM f_{name}")
                self._view(f"d_{name}", delta.localCheckpoint())
                self._view(f"w_{name}", self._sql(f"SELECT * FROM w_{name} UNION ALL SELECT * FROM n_{name}")
                           .localCheckpoint())
                self._view(f"f_{name}", self._sql(f"SELECT * FROM f_{name} UNION ALL SELECT * FROM d_{name}")
                           .localCheckpoint())
                added = added or not self.frames[f"d_{name}"].isEmpty()
            if not added:
                return
            rounds = {n: [] for n in predicates}
            for clause, reads in delta_reads(clauses, predicates):
                rounds[clause.head.predicate].append(self._select(clause, reads))
