"""The rule base compiled to SQL (DuckDB) gives the same assessments as the reference engines: every scenario
through one DuckDB run, compared with pyDatalog's document (conclusions, rule ids, cites, missing facts) and
with every derived fact and the rules that derived it. The default run takes every fourth scenario; the
`slow` run (CI: `pytest -m slow`) all of them.
"""

from __future__ import annotations

import datetime as _dt
import pathlib

import pytest
import yaml

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

from cplaw import RuleBase, ir  # noqa: E402
from cplaw.errors import CplawError  # noqa: E402
from cplaw.sql.session import assess_on_sql, item  # noqa: E402

SCENARIOS = sorted(pathlib.Path(__file__).parent.glob("scenarios/**/[0-9]*.yaml"))
SAMPLE = SCENARIOS[::8]


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


def _cases(paths, options=None):
    for path in paths:
        scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "expect_error" in scenario:
            continue
        chosen = tuple(scenario.get("options", ())) if options is None else options
        yield path, scenario["profile"], str(scenario["as_of"]), chosen


def _compare(rules: RuleBase, cases, engine: str = "pydatalog", missing: bool = True) -> int:
    """All cases in one DuckDB run, each compared with its assessment on ``engine``: the documents (with the
    missing facts where ``missing``), every derived fact with its rules, and the rules that fired."""
    cases = list(cases)
    items = [item(rules, profile, as_of, chosen) for _, profile, as_of, chosen in cases]
    compared = 0
    for (path, profile, as_of, chosen), got in zip(cases, assess_on_sql(rules, items, missing)):
        reference = rules.assess(profile, as_of, chosen, engine=engine, missing=missing)
        for key in reference.data:
            assert got.data[key] == reference.data[key], f"{path.name}: first difference in {key}"
        expected = reference.session.everything()
        assert got.session.everything().keys() == expected.keys(), path.name
        for name, rows in expected.items():
            assert sorted(got.session.everything()[name], key=repr) == sorted(rows, key=repr), (path.name, name)
        assert got.session.rules_that_fired() == reference.session.rules_that_fired(), path.name
        compared += 1
    return compared


def test_the_sampled_scenarios_agree_with_pydatalog(rules: RuleBase) -> None:
    assert _compare(rules, _cases(SAMPLE)) > 25


@pytest.mark.slow
def test_every_scenario_agrees_with_the_bottom_up_engine(rules: RuleBase) -> None:
    assert _compare(rules, _cases(SCENARIOS), engine="bottomup") > 250


def test_every_option_agrees(rules: RuleBase) -> None:
    """Each alternative reading on every sixteenth scenario: all of them in one run, each case with its own
    date and option (so the as-of date and the options are keyed columns there)."""
    cases = [case for option in sorted(rules.options()) for case in _cases(SCENARIOS[::16], (option,))]
    assert _compare(rules, cases, engine="bottomup", missing=False) == len(cases) > 100


def test_one_date_for_all_is_computed_once_and_still_agrees(rules: RuleBase) -> None:
    """With one as-of date and no option for the whole run, the as-of date is one unkeyed row and the clauses
    not in force that day are left out before SQL runs: the answers do not change."""
    cases = [(p, prof, "2016-09-01", ()) for p, prof, _, _ in _cases(SCENARIOS[::6])]
    assert _compare(rules, cases, engine="bottomup", missing=False) > 30


def test_null_matches_null_and_equal_numbers_match(rules: RuleBase) -> None:
    """pyDatalog matches None with None and Decimal("100") with 100 (so SQL joins are IS NOT DISTINCT FROM);
    a date left empty and equal numbers written two ways."""
    profile = {"format": "cplaw.profile/1", "enterprise": {"id": "N'; DROP TABLE f_event; --", "province": "广东"},
               "emissions": [{"pollutant": "COD", "value": 200, "limit": 100, "date": "2008-11-20"},
                             {"pollutant": "COD", "value": 200.0, "limit": 100},
                             {"pollutant": "BOD", "value": 100, "limit": 100.0}]}
    reference = rules.assess(profile, _dt.date(2010, 4, 1), engine="pydatalog")
    (got,) = assess_on_sql(rules, [item(rules, profile, "2010-04-01")])
    assert got.data == reference.data
    assert got.data["enterprise"] == "N'; DROP TABLE f_event; --"
    assert [g["ground"] for g in got.data["mandatory_audit"]] == ["double_exceed"]


def test_a_why_tree_from_the_sql_session_is_the_reference_one(rules: RuleBase) -> None:
    from test_differential import canonical
    example = pathlib.Path(__file__).parents[1] / "facts" / "examples" / "dongguan-dyeing.yaml"
    reference = rules.assess(str(example), "2010-04-01", engine="pydatalog")
    (got,) = assess_on_sql(rules, [item(rules, str(example), "2010-04-01")])
    for query in ("mandatory", "due", "violation", "sanction"):
        assert canonical(got.explain(query)) == canonical(reference.explain(query)), query
    assert canonical(got.why_not("mandatory(toxic)")) == canonical(reference.why_not("mandatory(toxic)"))


def test_the_screen_tables_are_the_documents_conclusions(rules: RuleBase, tmp_path: pathlib.Path) -> None:
    """`cplaw screen` on a JSON Lines register: each enterprise's grounds, obligations (duty, instrument, round,
    due, nominal due, status) and sanctions (duty, measure, fines, provision) are those of its assessment;
    a bad line, an unknown province and a duplicate id go to the errors file and the run exits 1."""
    import json

    from cplaw.cli import main
    profiles = [json.loads(json.dumps(prof, default=str)) for _, prof, _, _ in _cases(SCENARIOS[::10])]
    for i, prof in enumerate(profiles):
        prof["enterprise"]["id"] = f"E{i}'; --"
    register = tmp_path / "register.jsonl"
    bad = [json.dumps({"format": "cplaw.profile/1", "enterprise": {"id": "E0'; --", "province": "广东"}}),
           json.dumps({"format": "cplaw.profile/1", "enterprise": {"id": "Z", "province": "Atlantis"}}), "{not json",
           '{"format": "cplaw.profile/1", "enterprise": {"id": "big", "province": "44"}, "emissions": '
           '[{"pollutant": "COD", "value": 1e21, "limit": 100, "date": "2008-11-20"}]}']
    register.write_text("\n".join([json.dumps(p, ensure_ascii=False) for p in profiles] + bad) + "\n",
                        encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["screen", str(register), "--as-of", "2021-03-01", "--out", str(out)]) == 1
    screened = {row["enterprise"]: row for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert len(screened) == len(profiles)
    for prof in profiles:
        doc = rules.assess(prof, "2021-03-01", missing=False).data
        row = screened[prof["enterprise"]["id"]]
        assert row["mandatory_audit"] == sorted({g["ground"] for g in doc["mandatory_audit"]})
        expected = sorted((o["duty"], o["instrument"], o["round"], o["due"], o["due_nominal"], o["status"])
                          for o in doc["obligations"] if o["status"] != "undetermined")
        got = sorted((o["duty"], o["instrument"], o["round"], o["due"], o["due_nominal"], o["status"])
                     for o in row["obligations"]
                     if (o["duty"], o["round"], o["due"]) not in {(u["duty"], u["round"], u["due"])
                                                                  for u in doc["obligations"]
                                                                  if u["status"] == "undetermined"})
        assert got == expected, prof["enterprise"]["id"]
        assert sorted({(s["duty"], s["measure"], s["fine_min"], s["fine_max"], s["provision"]) for s in doc["sanctions"]}) \
            == sorted({(s["duty"], s["measure"], s["fine_min"], s["fine_max"], s["provision"]) for s in row["sanctions"]})
    errors = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [e["input"].rsplit(":", 1)[1] for e in errors] == [str(len(profiles) + n) for n in (1, 2, 3, 4)]
    assert "duplicate enterprise id" in errors[0]["error"] and errors[1]["field"] == "enterprise.province"
    assert errors[3]["field"] == "emissions[0].value" and "holds exactly" in errors[3]["error"]


def test_screen_explains_one_enterprise_on_the_reference_engine(tmp_path: pathlib.Path, capsys, monkeypatch) -> None:
    """`--explain ID` prints the enterprise's why-trees as `cplaw why` does on pyDatalog."""
    from cplaw.cli import main
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    example = pathlib.Path(__file__).parents[1] / "facts" / "examples" / "dongguan-dyeing.yaml"
    folder = tmp_path / "register"
    folder.mkdir()
    (folder / "a.yaml").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    enterprise = yaml.safe_load(example.read_text(encoding="utf-8"))["enterprise"]["id"]
    assert main(["screen", str(folder), "--as-of", "2010-04-01", "--explain", enterprise]) == 0
    explained = capsys.readouterr().out
    assert main(["why", str(example), "mandatory", "--as-of", "2010-04-01", "--engine", "pydatalog"]) == 0
    assert explained.startswith(capsys.readouterr().out)
    assert main(["screen", str(folder), "--as-of", "2010-04-01", "--explain", "nobody"]) == 1


# ── a register in tables (facts/schema/register.json) ─────────────────────────────────────────────────────
def _documents(paths) -> list[dict]:
    import json
    docs = []
    for path, prof, _, _ in _cases(paths):
        doc = json.loads(json.dumps(prof, default=str))
        doc["enterprise"]["id"] = path.stem
        docs.append(doc)
    return docs


def _rows(path: pathlib.Path) -> dict[str, dict]:
    import json
    return {row["enterprise"]: row for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def _by_province(docs: list[dict]) -> list[str]:
    """The documents' ids in the order a screen writes them: by province code, then in the input's order."""
    from cplaw.profile import _provinces
    code = {name: c for c, full, short in _provinces() for name in (c, full, short)}
    return [d["enterprise"]["id"] for _, _, d in sorted((code[d["enterprise"]["province"]], i, d)
                                                         for i, d in enumerate(docs))]


def _as_sets(row: dict) -> tuple:
    import json
    return (row["mandatory_audit"], sorted(map(json.dumps, row["obligations"])), sorted(map(json.dumps, row["sanctions"])))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_register_in_tables_screens_as_its_profiles_do(rules: RuleBase, tmp_path: pathlib.Path, fmt: str,
                                                         capsys) -> None:
    """The scenario profiles written as the register's tables (Parquet, CSV) screen to the very rows the same
    profiles give as JSON Lines: grounds, obligations and sanctions, enterprise by enterprise."""
    import json

    from cplaw.cli import main
    from cplaw.sql.register import register_tables, write_register
    docs = _documents(SCENARIOS[::3] if fmt == "parquet" else SCENARIOS[1::7])
    write_register(register_tables(docs), tmp_path / "register", fmt)
    (tmp_path / "register.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs),
                                            encoding="utf-8")
    for source, out in (("register", "tables.jsonl"), ("register.jsonl", "lines.jsonl")):
        assert main(["screen", str(tmp_path / source), "--as-of", "2021-03-01", "--out", str(tmp_path / out)]) == 0
    totals = [line for line in capsys.readouterr().out.splitlines() if line.startswith(("│ Total", "│ 合计"))]
    assert [line.split("│")[2].strip() for line in totals] == [str(len(docs))] * 2  # the summary's enterprises
    tables, lines = _rows(tmp_path / "tables.jsonl"), _rows(tmp_path / "lines.jsonl")
    assert list(tables) == list(lines) == _by_province(docs)
    for ent, row in tables.items():
        assert _as_sets(row) == _as_sets(lines[ent]), ent
    assert sum(bool(r["obligations"]) for r in tables.values()) > len(docs) // 3
    if fmt == "parquet":  # --explain builds the one profile asked about from the tables
        explained, asked = [], next(ent for ent, row in tables.items() if row["mandatory_audit"])
        for source in ("register", "register.jsonl"):
            assert main(["screen", str(tmp_path / source), "--as-of", "2021-03-01", "--explain", asked]) == 0
            explained.append(capsys.readouterr().out)
        assert explained[0] == explained[1] and "art." in explained[0]


def test_a_register_screened_in_batches_gives_what_one_batch_gives(rules: RuleBase, tmp_path: pathlib.Path,
                                                                   capsys) -> None:
    """Batches of a few enterprises (each batch running only its provinces' clauses) give every enterprise the
    rows one batch gives it, and the same summary; a batch size below 1 is refused."""
    from cplaw.cli import main
    from cplaw.sql.register import register_tables, write_register
    docs = _documents(SCENARIOS[::2])
    write_register(register_tables(docs), tmp_path / "register")
    summaries = []
    for size, workers, out in (("100000", "1", "one.jsonl"), ("5", "1", "many.jsonl"), ("5", "3", "side.jsonl"),
                               ("7", "2", "disk.jsonl")):
        on_disk = ["--database", str(tmp_path / "screen.duckdb"), "--memory-limit", "1GB"] if out == "disk.jsonl" else []
        assert main(["screen", str(tmp_path / "register"), "--as-of", "2021-03-01", "--out", str(tmp_path / out),
                     "--batch-size", size, "--workers", workers, *on_disk]) == 0
        summaries.append(capsys.readouterr().out)
    one, many = _rows(tmp_path / "one.jsonl"), _rows(tmp_path / "many.jsonl")
    # by province, then in the register's order, in batches too
    assert list(one) == list(many) and sorted(one) == sorted(d["enterprise"]["id"] for d in docs)
    assert list(one) == _by_province(docs) != [d["enterprise"]["id"] for d in docs]
    for ent, row in one.items():
        assert _as_sets(row) == _as_sets(many[ent]), ent
    assert len(set(summaries)) == 1 and len({d["enterprise"].get("province") for d in docs}) > 5
    # workers deriving batches side by side, in memory or in a database file, write what one worker writes
    for out in ("side.jsonl", "disk.jsonl"):
        assert (tmp_path / out).read_text("utf-8") == (tmp_path / "many.jsonl").read_text("utf-8")
    assert (tmp_path / "screen.duckdb").stat().st_size > 0
    for source in ("register", "register.jsonl"):  # a database file is never overwritten; it holds tables only
        (tmp_path / "register.jsonl").write_text("", encoding="utf-8")
        assert main(["screen", str(tmp_path / source), "--as-of", "2021-03-01", "--database",
                     str(tmp_path / ("screen.duckdb" if source == "register" else "new.duckdb")),
                     "--out", str(tmp_path / "none.jsonl")]) == 1
        assert ("exists" if source == "register" else "register in tables") in capsys.readouterr().err
    assert main(["screen", str(tmp_path / "register"), "--as-of", "2021-03-01", "--memory-limit", "lots",
                 "--out", str(tmp_path / "none.jsonl")]) == 1
    assert "memory limit 'lots'" in capsys.readouterr().err
    for flag in ("--batch-size", "--workers"):
        assert main(["screen", str(tmp_path / "register"), "--as-of", "2021-03-01", flag, "0",
                     "--out", str(tmp_path / "none.jsonl")]) == 1
        assert ("batch size" if flag == "--batch-size" else "--workers") in capsys.readouterr().err


def test_a_worker_that_fails_stops_the_screen_with_its_error(rules: RuleBase, tmp_path: pathlib.Path) -> None:
    """An error in one worker's batch reaches the caller (the other workers stop after their batch)."""
    from cplaw.sql.register import register_tables, write_register
    from cplaw.sql.screen import on_duckdb, screen
    write_register(register_tables(_documents(SCENARIOS[:40])), tmp_path / "register")
    derived = []

    def derive(run, progress):
        if derived:
            raise CplawError("the second batch fails")
        derived.append(run)
        on_duckdb(run, progress)

    with pytest.raises(CplawError, match="the second batch fails"):
        screen(rules, str(tmp_path / "register"), _dt.date(2021, 3, 1), (), batch_size=5, derive=derive, workers=2)


BAD_ENTERPRISES = """id,name,province,city,industry,size,monitoring,central,nuclear_facility
"Q'1; DROP TABLE screened; --",甲,广东,东莞,2611|2614,large,provincial,false,
B2,乙,火星,,,,,,
C3,丙,44,,26x1,,,,
C3,丙二,44,,,,,,
D4,丁,浙江,杭州,,,,maybe,
E5,戊,44,,,,,,
F6,己,福建,厦门市,,medium,,,
G7,庚,湖北,东莞,,,,,
"""
BAD_EVENTS = """enterprise,type,date,ground,list,level,media,to,result,score,deadline,duty,authority
"Q'1; DROP TABLE screened; --",listed,2019-02-30,double_exceed,,,,,,,,,
F6,listed,2019-03-01,double_exceed,,,,,,,,,
Z9,listed,2019-03-01,double_exceed,,,,,,,,,
E5,evaluation,2019-05-01,,,,,,,,,,
F6,notified,2019-03-05,,,,,,,,,,
"""
BAD_EMISSIONS = """enterprise,pollutant,value,limit,unit,date
E5,COD,12.5,abc,mg/L,2019-01-01
F6,COD,200,100,mg/L,2019-01-01
F6,SO2,1e30,100,mg/L,2019-01-01
"""


def test_bad_rows_of_a_register_are_reported_by_table_row_and_column(rules: RuleBase, tmp_path: pathlib.Path) -> None:
    """Each bad row is reported once, with its table, row (1 = the first row under the header) and column: a bad
    date, an unknown province, a duplicate id, a row of an enterprise not in the register, a wrong type, a
    number SQL cannot hold exactly, a city not in the province, a field an event's type requires. The id holding
    a quote and a semicolon is data, never SQL. Every enterprise no bad row belongs to is screened; exit 1."""
    import json

    from cplaw.cli import main
    register = tmp_path / "register"
    register.mkdir()
    for name, text in (("enterprises", BAD_ENTERPRISES), ("events", BAD_EVENTS), ("emissions", BAD_EMISSIONS)):
        (register / f"{name}.csv").write_text(text, encoding="utf-8")
    (register / "emissions.csv").write_text(BAD_EMISSIONS.replace("F6,SO2,1e30,100,mg/L,2019-01-01\n", ""),
                                            encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["screen", str(register), "--as-of", "2020-07-01", "--out", str(out)]) == 1
    errors = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    got = [(e["table"], e["row"], e["column"], e["enterprise"]) for e in errors]
    assert got == [("emissions", 1, "limit", "E5"),
                   ("enterprises", 2, "province", "B2"),
                   ("enterprises", 3, "industry", "C3"),
                   ("enterprises", 4, "id", "C3"),
                   ("enterprises", 5, "central", "D4"),
                   ("enterprises", 8, "city", "G7"),
                   ("events", 1, "date", "Q'1; DROP TABLE screened; --"),
                   ("events", 3, "enterprise", "Z9"),
                   ("events", 4, "result", "E5")]
    words = [e["error"] for e in errors]
    assert words[0] == "'abc' is not a number" and words[1].startswith("unknown province '火星'")
    assert words[3].startswith("duplicate enterprise id 'C3' (also at row 3)") and "'maybe'" in words[4]
    assert words[6] == "'2019-02-30' is not a calendar date (YYYY-MM-DD)" and "'Z9'" in words[7]
    assert all(e["input"].endswith(f"{e['table']}.csv") for e in errors)
    screened = _rows(out)
    assert list(screened) == ["F6"]  # 厦门市 in 福建; listed for exceeding both standards, notified, not yet late
    assert screened["F6"]["mandatory_audit"] == ["double_exceed"]
    # a number beyond what DECIMAL(38, 18) holds exactly is refused, not rounded
    (register / "emissions.csv").write_text(BAD_EMISSIONS, encoding="utf-8")
    assert main(["screen", str(register), "--as-of", "2020-07-01", "--out", str(out)]) == 1
    errors = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ("emissions", 3, "value", "F6") in [(e["table"], e["row"], e["column"], e["enterprise"]) for e in errors]
    assert _rows(out) == {}


def test_a_register_file_with_an_unknown_column_is_refused_whole(tmp_path: pathlib.Path, capsys) -> None:
    from cplaw.cli import main
    (tmp_path / "enterprises.csv").write_text("id,provnce\nA,44\n", encoding="utf-8")
    assert main(["screen", str(tmp_path), "--as-of", "2020-07-01", "--out", str(tmp_path / "o.parquet")]) == 1
    err = capsys.readouterr().err
    assert "unknown column 'provnce'" in err and "no column 'province'" in err


# ── the differential on a generated corpus (cplaw.sql.corpus; 10,000: benchmarks/differential.py) ─────────
def _templates() -> list[tuple[dict, _dt.date]]:
    import json
    return [(json.loads(json.dumps(prof, default=str)), _dt.date.fromisoformat(as_of))
            for _, prof, as_of, _ in _cases(SCENARIOS)]


def _differential(rules: RuleBase, n: int, engine: str, seed: int = 13) -> dict:
    from cplaw.sql.corpus import differential, generate
    corpus = list(generate(_templates(), sorted(rules.options()), n, seed))
    compared, covered, mismatches = differential(rules, corpus, engine)
    assert not mismatches, "\n".join(map(str, mismatches[:5]))
    assert compared == n
    return covered


def test_a_generated_corpus_agrees_with_the_bottom_up_engine(rules: RuleBase) -> None:
    """300 generated enterprises (fixed seed): every province, era and option; every derived fact and its rules
    equal the bottom-up engine's."""
    covered = _differential(rules, 300, "bottomup")
    assert len(covered["province"]) == 31 and covered["era"] == set(range(7))
    assert covered["option"] == set(rules.options())
    assert covered["ground"] == {"double_exceed", "toxic", "energy", "provincial"}
    assert covered["status"] == {"met", "late", "overdue", "pending"}


def test_a_generated_corpus_agrees_with_pydatalog(rules: RuleBase) -> None:
    _differential(rules, 24, "pydatalog", seed=7)


@pytest.mark.slow
def test_ten_thousand_generated_enterprises_agree_with_the_bottom_up_engine(rules: RuleBase) -> None:
    """About 90 s on the shared 2-core machine (benchmarks/differential.py runs the same)."""
    covered = _differential(rules, 10000, "bottomup", seed=2026)
    assert len(covered["province"]) == 31 and covered["option"] == set(rules.options())


def test_a_parquet_register_may_hold_typed_and_list_columns(tmp_path: pathlib.Path) -> None:
    """Dates, numbers, flags and lists as Parquet's own types read as their text would: the enterprise exceeds
    both standards (200 > 100) and uses a heavy metal as a raw material, so both grounds hold."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from cplaw.cli import main
    pq.write_table(pa.table({"id": ["T1"], "province": ["广东"], "industry": pa.array([["2611", "2614"]]),
                             "central": [False]}), tmp_path / "enterprises.parquet")
    pq.write_table(pa.table({"enterprise": ["T1", "T1"], "pollutant": ["COD", "SO2"], "value": [200.0, 12.5],
                             "limit": [100.0, 50.0], "date": [_dt.date(2019, 1, 1), _dt.date(2019, 2, 1)]}),
                   tmp_path / "emissions.parquet")
    pq.write_table(pa.table({"enterprise": ["T1"], "name": ["铬酐"], "use": ["raw_material"],
                             "catalogs": pa.array([[]], pa.list_(pa.string())), "hazards": pa.array([["heavy_metal"]])}),
                   tmp_path / "substances.parquet")
    assert main(["screen", str(tmp_path), "--as-of", "2020-07-01", "--out", str(tmp_path / "o.jsonl")]) == 0
    (row,) = map(json.loads, (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines())
    assert row["mandatory_audit"] == ["double_exceed", "toxic"]


def test_a_screen_derives_only_what_its_output_tables_read(rules: RuleBase) -> None:
    """A screen's run keeps the clauses of mandatory / due / status / sanction and of every derived predicate
    their clauses read (positively or negated), and leaves the rest (`note`) out."""
    from cplaw.sql.register import OUTPUTS
    from cplaw.sql.run import Case, Run
    run = Run(rules.program, rules._rule_base_facts, [], template=Case("", [], _dt.date(2021, 3, 1), ()),
              outputs=OUTPUTS)
    chosen = [c for c in run.clauses if id(c) in run.chosen()]
    heads = {c.head.predicate for c in chosen}
    derivable = {c.head.predicate for c in run.clauses}
    assert heads >= OUTPUTS and "note" not in heads and len(chosen) < len(run.clauses)
    read = {lit.predicate for c in chosen for lit in c.body if isinstance(lit, ir.Atom)}
    assert read & derivable <= heads
    assert [c for c in run.clauses if c.head.predicate in heads and id(c) not in run.chosen()] == []


def test_fact_tables_hold_each_derived_fact_once(rules: RuleBase, tmp_path: pathlib.Path) -> None:
    """After a screen's batch, every derived predicate's f_ (a view of w_ where one rule derives it, a table
    otherwise) holds exactly the distinct facts of its witnesses; both kinds occur. The run keeps the memory limit
    it was given."""
    from cplaw.sql.register import register_tables, write_register
    from cplaw.sql.screen import screen
    write_register(register_tables(_documents(SCENARIOS[::4])), tmp_path / "register")
    run, _ = screen(rules, str(tmp_path / "register"), _dt.date(2021, 3, 1), (), memory_limit="1GB")
    assert run.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == "953.6 MiB"
    worker = run.con.cursor()
    worker.execute("SET search_path = 'b0,main'")
    views = {v for (v,) in worker.execute("SELECT view_name FROM duckdb_views() WHERE schema_name = 'b0'").fetchall()}
    assert len(views) > 20 and len([n for n in run.layout.derived() if f"f_{n}" not in views]) > 20
    for name in run.layout.derived():
        columns = ", ".join(c for c, _ in run.layout.columns(name))
        facts, distinct, witnessed = worker.execute(
            f"SELECT (SELECT count(*) FROM f_{name}), (SELECT count(*) FROM (SELECT DISTINCT * FROM f_{name})), "
            f"(SELECT count(*) FROM (SELECT DISTINCT {columns} FROM w_{name}))").fetchall()[0]
        assert facts == distinct == witnessed, name
