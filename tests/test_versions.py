"""The law over time (docs/versions.md): options, one fine for one act, events out of order, `cplaw law`.

The legal conclusions of each era are tested as data in tests/scenarios/versions/; these tests pin the
machinery around them.
"""

from __future__ import annotations

import json

import pytest

from cplaw import RuleBase
from cplaw.cli import main
from cplaw.compiler import compile_files, packaged_rule_files
from cplaw.errors import CplawError, ProfileError
from cplaw.explain.render import to_text

ENERGY_FIRM = {
    "format": "cplaw.profile/1",
    "enterprise": {"id": "V-1", "province": "黑龙江"},
    "energy": [{"product": "水泥熟料", "year": 2025, "value": 120, "limit": 112}],
}

# Never started an audit on a 2025 emissions list: under the Code on 2026-10-01 (Code art. 1221).
NEVER_STARTED = {
    "format": "cplaw.profile/1",
    "enterprise": {"id": "V-2", "province": "黑龙江"},
    "emissions": [{"pollutant": "COD", "value": 150, "limit": 100, "date": "2025-01-10"}],
    "events": [{"type": "listed", "date": "2025-03-03", "ground": "double_exceed"}],
}


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


# ── options ─────────────────────────────────────────────────────────────────
def test_options_are_the_readings_rules_test(rules) -> None:
    assert {"code-967-strict", "code-1110-reaches-listing-disclosure", "interval-start-to-start"} <= set(rules.options())
    assert "国家规定" in rules.options()["code-967-strict"]


def test_an_option_changes_the_answer_and_is_named(rules) -> None:
    default = rules.assess(ENERGY_FIRM, "2026-09-01").data
    strict = rules.assess(ENERGY_FIRM, "2026-09-01", options=["code-967-strict"]).data
    assert [g["ground"] for g in default["mandatory_audit"]] == ["energy"]
    assert strict["mandatory_audit"] == []
    assert [n["kind"] for n in strict["notes"] if n["kind"] == "repealed"] == ["repealed"]
    readings = {n.get("reading") for n in default["notes"]} | {"-"}
    assert "code-967-other-cases-energy" in readings
    assert "code-967-strict" in {n.get("reading") for n in strict["notes"]}


def test_an_unknown_option_lists_the_known_ones(rules) -> None:
    with pytest.raises(CplawError, match="unknown option 'lenient'; options: .*code-967-strict"):
        rules.assess(ENERGY_FIRM, "2026-09-01", options=["lenient"])


def test_cli_option_and_options(capsys, tmp_path) -> None:
    path = tmp_path / "energy.json"
    path.write_text(json.dumps(ENERGY_FIRM), encoding="utf-8")
    assert main(["assess", str(path), "--as-of", "2026-09-01", "--format", "json",
                 "--option", "code-967-strict"]) == 0
    assert json.loads(capsys.readouterr().out)["mandatory_audit"] == []
    assert main(["assess", str(path), "--option", "nonsense"]) == 1
    assert "unknown option 'nonsense'" in capsys.readouterr().err
    assert main(["options"]) == 0
    assert "code-967-strict" in capsys.readouterr().out


# ── art. 29: one fine for one act ───────────────────────────────────────────
SECOND_FINE = """
instrument XX-TEST-SECOND-FINE {
  title "测试：同一行为的第二个罚款规定"
  jurisdiction CN
  in_force 2020-01-01 .. open
  source "tests/test_versions.py" lines 1..1
  status unofficial
}
article 1 at 1..1 "测试条文。"
rule test.second-fine
  cites art 1
  applies at Day
  penalty(XX-TEST-SECOND-FINE art 1, Duty, Source, Round, When, fine, "测试机关", 0, MAX, refuses_to_correct, shall) :- punishable_under(CN-EEC-2026 art 1221, Duty, Source, Round, When), law_day(Duty, Source, Round, When, Day).
"""


@pytest.mark.parametrize("maximum, kept", [(10000, "CN-EEC-2026 art. 1221"), (1000000, "XX-TEST-SECOND-FINE art. 1")])
def test_one_fine_for_one_act_keeps_the_higher(maximum: int, kept: str) -> None:
    """行政处罚法 art. 29: two provisions fine the same breach; only the higher maximum is kept."""
    extra = ("tests/second-fine.cplaw", SECOND_FINE.replace("MAX", str(maximum)))
    rules = RuleBase(compile_files(packaged_rule_files() + [extra]))
    sanctions = rules.assess(NEVER_STARTED, "2026-10-01").data["sanctions"]
    fines = {(s["duty"], s["provision"]) for s in sanctions if s["measure"] == "fine"}
    assert fines == {("start_audit", kept)}  # never started: 不实施 only (never-audited-is-not-done)


# ── events out of order ─────────────────────────────────────────────────────
def test_a_report_before_the_listing_is_an_inconsistency(rules) -> None:
    profile = dict(NEVER_STARTED, events=[
        {"type": "report_submitted", "date": "2025-01-20"},
        {"type": "listed", "date": "2025-03-03", "ground": "double_exceed"},
    ])
    with pytest.raises(ProfileError) as caught:
        rules.assess(profile, "2026-10-01")
    [issue] = caught.value.issues
    assert issue.path == "events[0].date"
    assert "events[1]" in issue.message and "2025-03-03" in issue.message


def test_an_order_whose_deadline_precedes_it(rules) -> None:
    profile = dict(NEVER_STARTED, events=NEVER_STARTED["events"] + [
        {"type": "order_to_correct", "date": "2026-09-01", "deadline": "2026-08-01", "duty": "start_audit"}])
    with pytest.raises(ProfileError, match=r"events\[1\]\.deadline"):
        rules.assess(profile, "2026-10-01")


# ── which law, and how sure ─────────────────────────────────────────────────
def test_law_as_of_a_date(rules) -> None:
    table = rules.law("2013-05-01")
    in_force = {t["instrument"] for t in table["in_force"]}
    assert {"CN-CPPL-2012", "CN-IM-2004"} <= in_force
    assert {"CN-CPPL-2002", "CN-M-2016", "CN-EEC-2026"}.isdisjoint(in_force)
    general = {t["instrument"]: t["applied_by_reading"] for t in table["applied_by_reading"]}
    assert general == {"CN-CC-2020": True, "CN-APL-2021": True}  # applied by a reading, not listed as in force
    assert not any(t["general"] for t in table["in_force"])
    code = next(t for t in rules.law("2026-08-15")["in_force"] if t["instrument"] == "CN-EEC-2026")
    assert code["status"] == "unofficial"


def test_cli_law(capsys) -> None:
    assert main(["law", "--as-of", "2016-07-01"]) == 0
    out = capsys.readouterr().out
    assert out.index("CN-M-2016") < out.index("Not in force") < out.index("CN-IM-2004")
    assert main(["law", "--as-of", "2016-07-01", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2016-07-01"


def test_unverified_texts_show_in_citations_and_explanations(rules) -> None:
    result = rules.assess(NEVER_STARTED, "2026-10-01")
    fine = next(s for s in result.data["sanctions"] if s["measure"] == "fine")
    statuses = {c["instrument"]: c["status"] for c in fine["cites"]}
    assert statuses["CN-EEC-2026"] == "unofficial"
    report = next(o for o in result.data["obligations"] if o["duty"] == "submit_report")
    assert report["cites"][0]["number_confirmed"] is False
    text = to_text(result.explain("due(submit_report)"))
    assert "清洁生产审核办法 (2016) art. 12 [corroborated, not checked against an official copy] " \
           "[article number unconfirmed]" in text
    assert any(n["kind"] == "unofficial_source" and n["instrument"] == "CN-EEC-2026" for n in result.data["notes"])


def test_a_deadline_says_why_it_moved_and_when_the_calendar_is_unknown(rules) -> None:
    """民法典 art. 203 on the official calendar; outside its years, weekends only, and the obligation says so.
    2026-09-01 + 1 month = 2026-10-01 (National Day) → 2026-10-08; + 1 year = 2027-09-01 (calendar unknown)."""
    profile = {"format": "cplaw.profile/1", "enterprise": {"id": "V-3", "province": "黑龙江"},
               "events": [{"type": "listed", "date": "2026-09-01", "ground": "double_exceed"}]}
    duties = {o["duty"]: o for o in rules.assess(profile, "2026-11-22").data["obligations"]}
    assert duties["publish_emissions"]["due"] == "2026-10-08"
    assert "2026-10-01 is a rest day" in duties["publish_emissions"]["nominal_reason"]
    assert "calendar_note" not in duties["publish_emissions"]
    assert duties["submit_report"]["due"] == "2027-09-01"
    assert "2027" in duties["submit_report"]["calendar_note"]
