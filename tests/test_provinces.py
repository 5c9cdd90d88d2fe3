"""The provincial machinery (docs/provinces.md): the province guard, stacking, coverage, data tables.

The provinces' legal conclusions are tested as data in tests/scenarios/provinces/; these tests pin the
machinery with a small test instrument of their own.
"""

from __future__ import annotations

import re

import pytest

from cplaw import RuleBase
from cplaw.cli import main
from cplaw.compiler import compile_files, packaged_rule_files
from cplaw.coverage import coverage, inventory

# A provincial text of 广东 (44) with a 60-day start: shorter than the national two months.
SIXTY_DAYS = """
instrument XX-GD-TEST {
  title "测试：六十日内开展审核"
  jurisdiction 44
  in_force 2005-01-01 .. open
  source "tests/test_provinces.py" lines 1..1
  status unofficial
}
article 1 at 1..1 "列入名单的企业应当在名单公布后60日内开展清洁生产审核。"
rule test.gd-start
  cites art 1
  applies at Listed
  due(start_audit, "XX-GD-TEST", Listed, Nominal, Due) :- listed(_, Listed, _), Nominal = Listed + 60 days, Due = effective(Nominal).
"""


def _profile(province: str) -> dict:
    return {"format": "cplaw.profile/1", "enterprise": {"id": "P-1", "province": province},
            "events": [{"type": "listed", "date": "2009-07-01", "ground": "double_exceed"}]}


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase(compile_files(packaged_rule_files() + [("tests/gd-test.cplaw", SIXTY_DAYS)]))


def test_a_provincial_rule_binds_only_its_province(rules) -> None:
    elsewhere = rules.assess(_profile("黑龙江"), "2009-10-01").data["obligations"]
    assert {o["instrument"] for o in elsewhere if o["duty"] == "start_audit"} == {"CN-IM-2004"}
    assert all("binds_first" not in o for o in elsewhere)


def test_stacked_duties_mark_the_one_that_binds_first(rules) -> None:
    """research/subtleties.md point 5: a list of 2009-07-01 gives 2009-08-30 under 60 days (a Sunday, so
    2009-08-31) and 2009-09-01 under two months (a Tuesday)."""
    starts = {o["instrument"]: o for o in rules.assess(_profile("广东"), "2009-10-01").data["obligations"]
              if o["duty"] == "start_audit"}
    assert (starts["XX-GD-TEST"]["due_nominal"], starts["XX-GD-TEST"]["due"]) == ("2009-08-30", "2009-08-31")
    assert starts["XX-GD-TEST"]["jurisdiction"] == "44" and starts["CN-IM-2004"]["jurisdiction"] == "CN"
    assert starts["CN-IM-2004"]["due"] == "2009-09-01"
    assert starts["XX-GD-TEST"]["binds_first"] is True and starts["CN-IM-2004"]["binds_first"] is False


def test_the_engine_does_not_load_other_provinces_rules(rules) -> None:
    session = rules.assess(_profile("黑龙江"), "2009-10-01").session
    assert not any(rule == "test.gd-start" for rows in session.everything().values() for rule, _ in rows)
    clause = next(c for c in rules.program.clauses if c.rule == "test.gd-start")
    assert clause.province == "44" and clause.body[0].predicate in ("listed", "province")


def test_coverage_lists_every_inventory_entry() -> None:
    report = coverage(RuleBase.load())
    assert [r["id"] for r in report["inventory"]] == [e["id"] for e in inventory()]
    assert len(report["inventory"]) == 78
    rows = {r["id"]: r for r in report["inventory"]}
    assert rows["N1"]["encoded_by"] == "CN-CPPL-2002" and rows["N2"]["encoded_by"] == "CN-IM-2004"
    assert {"CN-CPPL-2012", "CN-M-2016", "CN-EEC-2026"} <= {o["instrument"] for o in report["outside_inventory"]}


def test_cli_coverage(capsys, tmp_path) -> None:
    code = main(["coverage", "--scenarios", str(tmp_path)])
    out = capsys.readouterr().out
    assert out.startswith("N1    National        CN-CPPL-2002")
    assert code == (1 if "neither encoded nor explained" in out else 0)


def test_every_option_is_exercised_by_a_scenario() -> None:
    """A contestable reading's alternative is tested (issue: 'available as a named option and tested')."""
    import pathlib

    import yaml
    chosen = set()
    for path in pathlib.Path(__file__).parent.glob("scenarios/**/[0-9]*.yaml"):
        chosen |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("options", ()))
    assert set(RuleBase.load().options()) - chosen == set()


@pytest.mark.parametrize("row, message", [
    ({"table": "SX-S004", "sector": "能源", "code": "0610", "name": "烟煤", "sizes": "所有"}, "rows[0] lacks 'note'"),
])
def test_a_broken_table_row_is_named(row, message) -> None:
    """A data table is checked against its predicate when the rule base loads: file and row in the message."""
    from cplaw.errors import CplawError
    from cplaw.tables import Table
    table = Table("broken", "industry_row", "14", "seeds/004_bd77946519571bff.txt", (row,))
    with pytest.raises(CplawError, match=r"facts/tables/broken\.yaml: " + re.escape(message)):
        table.facts(RuleBase.load().program)


def test_tables_are_checked_when_the_rule_base_loads(monkeypatch) -> None:
    """A broken table stops the rule base from loading, instead of failing some later assessment."""
    from cplaw import facts_mapping
    from cplaw.errors import CplawError
    from cplaw.tables import Table
    program = RuleBase.load().program
    bad = Table("broken", "industry_row", "14", "x", ({"table": "SX-S004"},))
    monkeypatch.setattr(facts_mapping, "packaged_tables", lambda: (bad,))
    with pytest.raises(CplawError, match=r"broken\.yaml: rows\[0\] lacks"):
        RuleBase(program)
