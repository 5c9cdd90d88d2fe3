"""Missing facts and what-if, against hand-worked scenarios.

The dates and outcomes below were counted from the articles, not read off the program:
- Dongguan (facts/examples/dongguan-dyeing.yaml): listed 2009-03-15; S001 四 and IM art. 11 give two months to
  start the audit, to 2009-05-15 (a Friday, a working day). The profile starts it on 2009-05-20 (late, a breach
  from 2009-05-16 to 2009-05-20); starting on 2009-05-10 meets it, and the breach goes. The 2002 Law sanctions
  no late start (the assessment's no_sanction note), so no sanction goes with it.
- Dongguan's report went in on 2010-02-01; GD6 art. 27 asks for the evaluation application within a month of
  it: by 2010-03-01 (a Monday). None is recorded, so as of 2010-04-01 it is overdue, and art. 45 follows
  (public exposure, may; redo the audit). Applying on 2010-02-20 meets it: breach and both sanctions go.
- Shanxi (SX-S004 附件): class 3110 (炼铁) is annexed for every size (所有); 3012 (石灰和石膏制造) for large and
  medium only (大中型); the coal class 0610 is annexed with note [1] (不包括无开采工序的企业), which the option
  sx-annex-coal-washing-only applies. A substance is toxic under the 2016 Measures art. 8 by its hazards or by
  its catalogues: with neither given, whether the toxic ground holds is open.
"""

from __future__ import annotations

import io
import json
import pathlib

import jsonschema
import pytest

from cplaw import RuleBase
from cplaw.cli import main
from cplaw.compare import Change
from cplaw.profile import validate_assessment

EXAMPLES = pathlib.Path(__file__).parent.parent / "facts" / "examples"
DONGGUAN = str(EXAMPLES / "dongguan-dyeing.yaml")
SCHEMA = json.loads((pathlib.Path(__file__).parent.parent / "facts" / "schema" / "comparison.schema.json")
                    .read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


def shanxi(**enterprise) -> dict:
    return {"format": "cplaw.profile/1", "enterprise": {"id": "SX-1", "province": "山西", **enterprise},
            "substances": [{"name": "汞催化剂", "use": "raw_material"}]}


def by_path(doc: dict) -> dict[str, dict]:
    return {item["path"]: item for item in doc["missing_facts"]}


# ── missing facts ───────────────────────────────────────────────────────────────────────────────────────
def test_shanxi_mercury_catalyst_asks_for_hazards_industry_and_size(rules) -> None:
    doc = rules.assess(shanxi(), "2024-06-01").data
    assert doc["mandatory_audit"] == []
    missing = by_path(doc)
    assert set(missing) == {"substances[0].hazards", "substances[0].catalogs", "enterprise.industry",
                            "enterprise.size"}
    for path in ("substances[0].hazards", "substances[0].catalogs"):
        assert missing[path]["decides"] == [{"predicate": "mandatory", "args": ["toxic"]}]
        assert ("CN-M-2016", "8") in {(c["instrument"], c["article"]) for c in missing[path]["cites"]}
    for path in ("enterprise.industry", "enterprise.size"):
        assert missing[path]["decides"] == [{"predicate": "mandatory", "args": ["provincial"]}]
        assert {c["instrument"] for c in missing[path]["cites"]} == {"SX-S004"}
    for item in missing.values():
        assert item["question"]["zh"] and item["question"]["en"] and "{" not in item["question"]["en"]
    assert validate_assessment(doc) == []


def test_a_given_fact_is_not_asked_again(rules) -> None:
    doc = shanxi(industry="3110")
    doc["substances"][0]["hazards"] = ["heavy_metal"]
    assessed = rules.assess(doc, "2024-06-01").data
    assert {g["ground"] for g in assessed["mandatory_audit"]} == {"toxic", "provincial"}
    assert assessed["missing_facts"] == []


def test_size_is_asked_only_where_the_annex_row_needs_it(rules) -> None:
    assert "enterprise.size" not in by_path(rules.assess(shanxi(industry="3110"), "2024-06-01").data)
    assert "enterprise.size" in by_path(rules.assess(shanxi(industry="3012"), "2024-06-01").data)
    assert "enterprise.industry" not in by_path(rules.assess(shanxi(industry="3012"), "2024-06-01").data)


def test_a_deadline_counted_from_a_notice_not_recorded_asks_for_the_notice(rules) -> None:
    """SX-S004 三(一)1: the list is notified in writing by the end of March, and the plan's periods run from that
    notice; with none recorded, the rules count from the list (a reading), so the notice decides the deadlines."""
    listed = {"format": "cplaw.profile/1", "enterprise": {"id": "SX-3", "province": "山西", "industry": "3110"},
              "events": [{"type": "listed", "date": "2024-03-10", "ground": "provincial"}]}
    missing = by_path(rules.assess(listed, "2024-06-01").data)
    assert set(missing) == {"events[+].type=notified"}
    decides = missing["events[+].type=notified"]["decides"]
    assert {"predicate": "due", "args": ["start_audit"]} in decides
    assert {(c["instrument"], c["article"]) for c in missing["events[+].type=notified"]["cites"]} == {("SX-S004", "三(一)")}
    listed["events"].append({"type": "notified", "date": "2024-03-25"})
    assert rules.assess(listed, "2024-06-01").data["missing_facts"] == []


@pytest.mark.parametrize("name, as_of", [("beijing-compliant.json", "2024-06-01"),
                                         ("dongguan-dyeing.yaml", "2010-04-01")])
def test_a_complete_profile_is_asked_nothing(rules, name: str, as_of: str) -> None:
    assert rules.assess(str(EXAMPLES / name), as_of).data["missing_facts"] == []


def test_assess_prints_the_questions(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(shanxi(), ensure_ascii=False)))
    assert main(["assess", "-", "--as-of", "2024-06-01", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "尚需补充的事实" in out and "该物质具有哪些危害特性" in out
    assert "（enterprise.industry；决定：企业应当实施强制性清洁生产审核，依据为省级规定确定的其他情形）" in out


# ── what-if ─────────────────────────────────────────────────────────────────────────────────────────────
def test_starting_the_audit_on_time(rules) -> None:
    doc = rules.compare(DONGGUAN, "2010-04-01", [Change("set", "events[2].date", "2009-05-10")])
    jsonschema.validate(doc, SCHEMA)
    changed = {(e["section"], e["key"]["duty"], e["key"]["instrument"]): e for e in doc["changed"]}
    assert set(changed) == {("obligations", "start_audit", "GD-S001"), ("obligations", "start_audit", "CN-IM-2004")}
    for entry in changed.values():
        assert entry["old"] == {"status": "late", "done": "2009-05-20"}
        assert entry["new"] == {"status": "met", "done": "2009-05-10"}
        assert entry["rules"] and entry["cites"]
    lost = {(e["section"], e["key"]["duty"], e["key"]["instrument"]) for e in doc["lost"]}
    assert lost == {("violations", "start_audit", "GD-S001"), ("violations", "start_audit", "CN-IM-2004")}
    assert doc["gained"] == []


def test_applying_for_evaluation_in_time_loses_the_breach_and_its_sanctions(capsys) -> None:
    assert main(["what-if", DONGGUAN, "--as-of", "2010-04-01", "--add-event", "evaluation_applied@2010-02-20",
                 "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, SCHEMA)
    lost = sorted((e["section"], e["key"]["duty"], e["key"].get("measure")) for e in doc["lost"])
    assert lost == [("sanctions", "apply_evaluation", "public_exposure"), ("sanctions", "apply_evaluation", "redo_audit"),
                    ("violations", "apply_evaluation", None)]
    assert all(e["key"].get("provision", "GD-GD6 art. 45") == "GD-GD6 art. 45" for e in doc["lost"])
    [changed] = doc["changed"]
    assert changed["old"]["status"] == "overdue" and changed["new"]["status"] == "met"
    assert changed["rules"] == ["cc.status.met", "gd6.apply-evaluation"]


def test_two_readings(rules) -> None:
    coal = {"format": "cplaw.profile/1", "enterprise": {"id": "SX-2", "province": "山西", "industry": "0610"}}
    doc = rules.compare(coal, "2024-06-01", vs_options=["sx-annex-coal-washing-only"])
    assert [(e["section"], e["key"]) for e in doc["lost"]] == [("mandatory_audit", {"ground": "provincial"})]
    assert doc["variant"]["options"] == ["sx-annex-coal-washing-only"] and doc["base"]["options"] == []


def test_two_dates(capsys) -> None:
    assert main(["what-if", DONGGUAN, "--as-of", "2010-04-01", "--vs-as-of", "2015-03-01", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, SCHEMA)
    next_audit = [e for e in doc["changed"] if e["key"].get("duty") == "next_audit"]
    assert next_audit and all(e["old"]["status"] == "pending" and e["new"]["status"] == "overdue" for e in next_audit)


def test_a_change_that_changes_nothing_says_so(capsys) -> None:
    assert main(["what-if", DONGGUAN, "--as-of", "2010-04-01", "--set", "enterprise.size=medium"]) == 0
    assert "No conclusion changes." in capsys.readouterr().out


@pytest.mark.parametrize("args, says", [
    (["--set", "enterprise.colour=red"], "enterprise.colour: the profile contract has no field 'colour'"),
    (["--set", "enterprise.size=huge"], "enterprise.size"),
    (["--set", "emissions[0].value=abc"], "emissions[0].value"),
    (["--set", "events[9].date=2009-05-10"], "events[9].date"),
    (["--add-event", "audit_begun@2009-05-10"], "unknown event type 'audit_begun'"),
    (["--add-event", "audit_started@2009-13-40"], "events[4].date"),
    (["--drop", "enterprise.central2"], "enterprise.central2"),
    (["--set", "enterprise..size=large"], "not a field path"),
])
def test_bad_changes_name_the_path(capsys, args: list[str], says: str) -> None:
    assert main(["what-if", DONGGUAN, "--as-of", "2010-04-01", *args]) == 1
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_standard_input_everywhere(capsys, monkeypatch) -> None:
    text = pathlib.Path(DONGGUAN).read_text(encoding="utf-8")
    for command, rest in (("assess", []), ("why", ["violation(start_audit)"]),
                          ("why-not", ["sanction(start_audit)"]), ("what-if", ["--set", "events[2].date=2009-05-10"])):
        outputs = []
        for source in ("-", DONGGUAN):
            monkeypatch.setattr("sys.stdin", io.StringIO(text))
            assert main([command, source, *rest, "--as-of", "2010-04-01"]) == 0
            outputs.append(capsys.readouterr().out)
        assert outputs[0] == outputs[1] and outputs[0].strip()
