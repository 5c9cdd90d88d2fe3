"""The same rules on Spark SQL (PySpark, local mode, ``local[2]``): every scenario profile derives on Spark what
the bottom-up engine derives (each fact with the rules that derived it), and `cplaw screen --engine spark`
writes the tables a DuckDB run writes. Spark needs Java: these tests are skipped, saying so, where it is absent
(.ci/run installs Debian's openjdk headless JRE). They start a JVM and run ≈ 350 Spark jobs each: `slow`.
"""

from __future__ import annotations

import datetime as _dt
import pathlib
import shutil

import pytest
import yaml

pytest.importorskip("duckdb")
pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed: pip install \"cplaw[spark]\"")

from cplaw import RuleBase  # noqa: E402
from cplaw.engines import session_class  # noqa: E402
from cplaw.facts_mapping import base_facts  # noqa: E402
from cplaw.sql.register import OUTPUTS  # noqa: E402
from cplaw.sql.run import Case, Run  # noqa: E402

SCENARIOS = sorted(pathlib.Path(__file__).parent.glob("scenarios/**/[0-9]*.yaml"))
needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime (none on PATH)")


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


@pytest.fixture(scope="module")
def spark():
    from cplaw.sql.spark import spark_session
    return spark_session("local[2]")


def test_the_spark_sql_is_generated_from_the_same_syntax_trees(rules: RuleBase) -> None:
    """No JVM needed: each clause's Spark SQL keeps pyDatalog's None-matches-None equality, adds months with
    ADD_MONTHS (which, since Spark 3.0, ends on the month's last day only where the month has no corresponding
    day, as 民法典 art. 202 counts) and looks calendar days up by a join, as the DuckDB SQL does."""
    run = Run(rules.program, rules._rule_base_facts, [], template=Case("", [], _dt.date(2021, 3, 1), ()))
    texts = {c.id: run.clause_sql(c, "spark") for c in run.clauses}
    duck = {c.id: run.clause_sql(c) for c in run.clauses}
    assert sum(t.count("IS NOT DISTINCT FROM") for t in texts.values()) == \
        sum(t.count("IS NOT DISTINCT FROM") for t in duck.values()) > 500
    assert sum("ADD_MONTHS(" in t for t in texts.values()) > 100
    assert sum("LEFT JOIN cal" in t for t in texts.values()) == sum("LEFT JOIN cal" in t for t in duck.values()) > 50
    assert not any("INTERVAL" in t for t in texts.values())


@needs_java
@pytest.mark.slow
def test_months_are_added_on_spark_as_the_civil_code_counts(spark) -> None:
    """Art. 202: a period in months ends on the corresponding day; where the month has none, on its last day.
    Worked by hand: 2020-01-31 + 1 month → 2020-02-29 (a leap year), 2019-01-31 + 1 month → 2019-02-28,
    2019-02-28 + 1 month → 2019-03-28 (not the month's end), 2016-02-29 + 12 months → 2017-02-28."""
    row = spark.sql("SELECT ADD_MONTHS(DATE '2020-01-31', 1), ADD_MONTHS(DATE '2019-01-31', 1), "
                    "ADD_MONTHS(DATE '2019-02-28', 1), ADD_MONTHS(DATE '2016-02-29', 12)").collect()[0]
    assert list(row) == [_dt.date(2020, 2, 29), _dt.date(2019, 2, 28), _dt.date(2019, 3, 28), _dt.date(2017, 2, 28)]


@needs_java
@pytest.mark.slow
def test_every_scenario_on_spark_derives_what_the_bottom_up_engine_derives(rules: RuleBase, spark) -> None:
    """Every scenario profile with its own as-of date and options, in one Spark run of the clauses the screen's
    outputs need (mandatory, due, status, sanction and all they rest on): each derived fact, with the rules that
    derived it, equals the bottom-up engine's. A mismatch names the scenario and the first differing conclusion."""
    from cplaw.sql.spark import SparkDerivation
    program, rule_base = rules.program, rules._rule_base_facts
    names, cases, references = [], [], []
    for path in SCENARIOS:
        scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "expect_error" in scenario:
            continue
        profile = rules.profile(scenario["profile"])
        day, options = _dt.date.fromisoformat(str(scenario["as_of"])), tuple(scenario.get("options", ()))
        own = base_facts(profile, day, program, options, {})
        whole = base_facts(profile, day, program, options, rule_base)
        names.append(path.name)
        cases.append(Case(profile.enterprise.province, own.facts, day, options))
        references.append(session_class("bottomup")(program, whole.facts).everything())
    run = Run(program, rule_base, cases, outputs=OUTPUTS)
    run.load()
    SparkDerivation(run, spark).evaluate()
    needed = {c.head.predicate for c in run.clauses if id(c) in run.chosen()}
    assert {"mandatory", "due", "status", "sanction", "violation", "grade"} <= needed
    derived = run.models()
    for e, (name, reference) in enumerate(zip(names, references)):
        for predicate in (p for p in program.predicates if p in needed):
            want = sorted(reference.get(predicate, []), key=repr)
            got = sorted(derived[e].get(predicate, []), key=repr)
            assert got == want, (f"{name}: first differing conclusion {predicate}: Spark alone derived "
                                 f"{[r for r in got if r not in want][:3]}, the reference alone "
                                 f"{[r for r in want if r not in got][:3]}")
    assert len(names) > 250
    assert sum(bool(m.get("sanction")) for m in derived.values()) > 20


@needs_java
@pytest.mark.slow
def test_screen_on_spark_writes_the_tables_duckdb_writes(rules: RuleBase, spark, tmp_path: pathlib.Path) -> None:
    """`cplaw screen --engine spark` on a register in tables (generated, every province; one id holding a quote
    and a semicolon, one bad row): the three output tables equal the DuckDB run's, row for row, and the bad row
    is reported by table, row and column on both."""
    import json

    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cplaw.cli import main
    from cplaw.sql.corpus import generate
    from cplaw.sql.register import register_tables, write_register
    templates = []
    for path in SCENARIOS:
        scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "expect_error" not in scenario:
            templates.append((json.loads(json.dumps(scenario["profile"], default=str)),
                              _dt.date.fromisoformat(str(scenario["as_of"]))))
    documents = [g.profile for g in generate(templates, [], 400, 11)]
    documents[0]["enterprise"]["id"] = "x'; DROP TABLE f_due; --"
    tables = register_tables(documents)
    enterprises = tables["enterprises"].to_pylist()
    enterprises[1]["province"] = "Atlantis"
    tables["enterprises"] = pa.Table.from_pylist(enterprises, schema=tables["enterprises"].schema)
    write_register(tables, tmp_path / "register")
    for engine in ("duckdb", "spark"):
        assert main(["screen", str(tmp_path / "register"), "--as-of", "2021-03-01", "--out",
                     str(tmp_path / f"{engine}.parquet"), "--engine", engine, "--spark-master", "local[2]"]) == 1
    for part in ("", ".obligations", ".sanctions"):
        a, b = (pq.read_table(tmp_path / f"{engine}{part}.parquet") for engine in ("duckdb", "spark"))
        assert a.num_rows > 0 and a.schema == b.schema
        only = duckdb.sql("SELECT count(*) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b)").fetchall()[0][0]
        also = duckdb.sql("SELECT count(*) FROM (SELECT * FROM b EXCEPT ALL SELECT * FROM a)").fetchall()[0][0]
        assert (only, also) == (0, 0), part
    screened = pq.read_table(tmp_path / "spark.parquet").column("enterprise").to_pylist()
    assert documents[0]["enterprise"]["id"] in screened and documents[1]["enterprise"]["id"] not in screened
    for engine in ("duckdb", "spark"):
        errors = [json.loads(line) for line in (tmp_path / f"{engine}.errors.jsonl").read_text("utf-8").splitlines()]
        assert [(e["table"], e["column"]) for e in errors] == [("enterprises", "province")]
