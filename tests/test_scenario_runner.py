"""`cplaw test` (cplaw/scenarios.py, cplaw/scenario_report.py) and coverage by article (cplaw/coverage.py).

The failing scenarios here are copies of tests/scenarios/national/20-double-exceed-report-late.yaml with one
expectation changed against the law: the report was due 2008-03-20 (IM art. 16: one year from the listing of
2007-03-20) and submitted 2008-04-10, so it is `late`, never `met`.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import xml.etree.ElementTree as ET

import jsonschema
import pytest
import yaml

from cplaw import RuleBase, ir
from cplaw.cli import main
from cplaw.scenarios import discover

HERE = pathlib.Path(__file__).parent
NATIONAL = HERE / "scenarios" / "national"
LATE = NATIONAL / "20-double-exceed-report-late.yaml"
ERROR = NATIONAL / "01-before-law-error.yaml"


def _variant(folder: pathlib.Path, name: str, old: str, new: str, source: pathlib.Path = LATE) -> pathlib.Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    path = folder / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["test", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def folder(tmp_path: pathlib.Path) -> pathlib.Path:
    shutil.copy(LATE, tmp_path / LATE.name)
    shutil.copy(ERROR, tmp_path / ERROR.name)
    _variant(tmp_path, "21-wrong-status.yaml", "status: late, done: 2008-04-10", "status: met, done: 2008-04-10")
    return tmp_path


def test_a_scenario_written_to_fail_is_reported_with_expected_and_got(folder, capsys) -> None:
    code, out, err = _run(capsys, str(folder))
    assert code == 1 and err == ""
    lines = out.strip().splitlines()
    assert lines[-1] == "2 passed, 1 failed"
    assert lines[0] == f"FAILED {folder.name}/21-wrong-status ({folder / '21-wrong-status.yaml'})"
    assert "obligations[2]: not found; the closest item differs in status" in out
    expected = next(line for line in lines if line.strip().startswith("expected:"))
    got = next(line for line in lines if line.strip().startswith("got:"))
    assert "status: met" in expected and "status: late" in got and "duty: submit_report" in got
    assert "because" not in out  # no explanation unless asked


def test_explain_gives_the_derivation_in_the_users_language(folder, capsys) -> None:
    code, out, _ = _run(capsys, str(folder / "21-wrong-status.yaml"), "--explain", "--lang", "zh")
    assert code == 1 and out.strip().endswith("0 passed, 1 failed")
    assert "已逾期履行" in out  # why it is late: the derivation of what was got
    assert "2008-04-10不晚于2008-03-20" in out  # why not met: the failing condition (done ≤ due) of the one route
    assert "第十六条" in out  # IM art. 16 in its own words


def test_all_passing_exits_0(capsys) -> None:
    code, out, _ = _run(capsys, str(LATE), str(ERROR))
    assert (code, out) == (0, "2 passed, 0 failed\n")


def test_junit_parses_and_escapes(folder, capsys) -> None:
    _variant(folder, "22-odd-authority.yaml", "sanctions: []",
             'sanctions:\n    - {duty: submit_report, authority: "<&\\"\'>\\u0001"}')
    code, out, _ = _run(capsys, str(folder), "--format", "junit")
    assert code == 1
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "2", "0")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert cases["20-double-exceed-report-late"].find("failure") is None
    failure = cases["21-wrong-status"].find("failure")
    assert failure is not None and "status: met" in failure.text and "status: late" in failure.text
    odd = cases["22-odd-authority"].find("failure")
    assert odd is not None and '<&\\"\'>' in odd.text  # the expected text, escaped in XML and read back


def test_json_format(folder, capsys) -> None:
    code, out, _ = _run(capsys, str(folder), "--format", "json", "--jobs", "2")
    doc = json.loads(out)
    assert code == 1 and (doc["format"], doc["passed"], doc["failed"]) == ("cplaw.test/1", 2, 1)
    [failed] = [r for r in doc["results"] if r["outcome"] == "failed"]
    [problem] = failed["problems"]
    assert (problem["expected"]["status"], problem["got"]["status"]) == ("met", "late")


def test_json_report_fits_its_public_schema(folder, capsys) -> None:
    """A run with a pass, a failure (explained) and an error, and the schema catching a report that lies."""
    schema = json.loads((HERE.parent / "facts" / "schema" / "test-report.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    _variant(folder, "22-unreadable.yaml", "as_of: 2008-06-30", "as_of: 30.6.2008")
    code, out, _ = _run(capsys, str(folder), "--format", "json", "--explain")
    doc = json.loads(out)
    assert code == 1 and sorted(r["outcome"] for r in doc["results"]) == ["error", "failed", "passed", "passed"]
    assert list(validator.iter_errors(doc)) == []
    [failed] = [r for r in doc["results"] if r["outcome"] == "failed"]
    del failed["problems"]
    assert not validator.is_valid(doc)  # a failure must say what differs


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("status: late, done: 2008-04-10", "sattus: late, done: 2008-04-10", "expect.obligations[2].sattus",
     'unknown field "sattus"'),
    ("due: 2008-03-20, status: late", "due: 2008-02-30, status: late", "expect.obligations[2].due",
     "'2008-02-30' is not a day of the calendar"),
    ("as_of: 2008-06-30", "as_of: 30.6.2008", "as_of", "bad date format"),
    ("{duty: submit_report, since", "{duty: submit_reprot, since", "expect.violations[0].duty",
     "unknown duty 'submit_reprot'"),
    ("status: late, done: 2008-04-10", "status: lapsed, done: 2008-04-10", "expect.obligations[2].status",
     'unknown value "lapsed"'),
    ("kind: no_sanction", "kind: no_sanctions", "expect.notes[0].kind", "unknown note kind"),
    ('"CN-IM-2004 art. 16"', '"CN-IM-2004 art. 61"', "expect.obligations[2].cites[0]", "declares no article 61"),
    ("date: 2008-04-10}", "date: 2008-04-31}", "profile.events[3].date", "not a calendar date"),
    ("expect:", "options: [no-such-reading]\nexpect:", "options[0]", "unknown reading 'no-such-reading'"),
])
def test_a_bad_scenario_names_its_file_and_field(tmp_path, capsys, old, new, path, message) -> None:
    bad = _variant(tmp_path, "01-bad.yaml", old, new)
    shutil.copy(LATE, tmp_path / LATE.name)  # still run, and passing
    code, out, err = _run(capsys, str(tmp_path))
    assert code == 1 and "Traceback" not in out + err
    assert out.startswith(f"ERROR {tmp_path.name}/01-bad ({bad})\n")
    assert f"{path}: " in out and message in out.split(f"{path}: ", 1)[1].splitlines()[0]
    assert out.strip().endswith("1 passed, 1 failed")


def test_expect_error_must_match(tmp_path, capsys) -> None:
    _variant(tmp_path, "01-other-error.yaml", '"no cleaner-production law was in force"', '"some other error"',
             source=ERROR)
    _variant(tmp_path, "02-no-error.yaml", "as_of: 2002-12-31", "as_of: 2010-12-31", source=ERROR)
    code, out, _ = _run(capsys, str(tmp_path))
    assert code == 1 and out.strip().endswith("0 passed, 2 failed")
    assert "expect_error: the error differs" in out and "no cleaner-production law was in force" in out
    assert "expect_error: an error was expected; the assessment succeeded" in out


def test_rules_dir_catches_a_rule_change(tmp_path, capsys, monkeypatch) -> None:
    """The same scenario against an edited copy of the rule base: one year becomes two in IM art. 16's rule,
    so the report is due 2009-03-20 and, as of 2008-06-30, not yet late."""
    monkeypatch.setenv("CPLAW_CACHE_DIR", str(tmp_path / "cache"))
    rules = tmp_path / "rules"
    shutil.copytree(HERE.parent / "cplaw" / "rules", rules)
    source = rules / "cn" / "im-2004.cplaw"
    old = 'due(submit_report, "CN-IM-2004", Listed, Nominal, Due) :- audit_list("CN-IM-2004", Listed), Nominal = Listed + 1 year'
    assert old in source.read_text(encoding="utf-8")
    assert _run(capsys, str(LATE), "--rules", str(rules))[0] == 0
    source.write_text(source.read_text(encoding="utf-8").replace(old, old.replace("1 year", "2 years")), "utf-8")
    code, out, _ = _run(capsys, str(LATE), "--rules", str(rules))
    assert code == 1 and "due: 2009-03-20" in out and "0 passed, 1 failed" in out


def test_every_scenario_fits_the_public_schema() -> None:
    """The JSON Schema published for the format takes every scenario of the suite (dates as the YAML text
    has them) and refuses an unknown expectation."""
    from cplaw.profile import _parse
    schema = json.loads((HERE.parent / "facts" / "schema" / "scenario.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in discover([HERE / "scenarios"]):
        doc = _parse(str(path), path.read_text(encoding="utf-8"))
        assert not list(validator.iter_errors(doc)), path
    doc = yaml.safe_load(LATE.read_text(encoding="utf-8").replace("sanctions: []", "sanction: []"))
    assert not validator.is_valid({**doc, "as_of": "2008-06-30"})


# ── coverage by article ──────────────────────────────────────────────────────
def test_coverage_by_article(folder, capsys) -> None:
    """Scenario 20's derivation reaches IM art. 16 (its report duty) and art. 11 para. 1 (its start duty);
    it never reaches the 2012 Law's art. 39 (no sanction: a 2008 case under the 2002 Law)."""
    assert main(["coverage", "--scenarios", str(folder), "--article", "CN-IM-2004 art 16", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    names = [s["scenario"] for s in found["scenarios"]]
    assert names == [f"{folder.name}/20-double-exceed-report-late", f"{folder.name}/21-wrong-status"]
    assert "im2004.submit-report" in found["scenarios"][0]["rules"]
    assert main(["coverage", "--scenarios", str(folder), "--article", "CN-IM-2004 art. 11 para. 1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CN-IM-2004 art. 11 para. 1: cited by") and "im2004.start-audit" in out
    assert main(["coverage", "--scenarios", str(folder), "--article", "CN-CPPL-2012 art 39"]) == 0
    assert "reached in 0 scenarios" in capsys.readouterr().out
    assert main(["coverage", "--scenarios", str(folder), "--article", "CN-IM-2004 art 99"]) == 1
    assert "declares no article 99" in capsys.readouterr().err


def test_a_provision_held_by_a_derived_fact_counts_in_article_reach(capsys) -> None:
    """BJ-04 (a 双有 enterprise that never started, as of 2012-09-28): its sanction's provision is the 2012 Law's
    art. 39, a value of its derived facts; a scenario reaching no article's rule but holding the provision
    still reaches every cited paragraph of that article, and not another article."""
    from cplaw.coverage import reach
    bj04 = HERE / "scenarios" / "provinces" / "bj" / "04-bj-toxic-never-starts-2012.yaml"
    assert main(["coverage", "--scenarios", str(bj04), "--article", "CN-CPPL-2012 art 39", "--format", "json"]) == 0
    [found] = json.loads(capsys.readouterr().out)["scenarios"]
    assert "CN-CPPL-2012 art. 39" in found["values"]
    view = reach(RuleBase.load(), {"x": frozenset()}, {"x": frozenset({ir.Provision("CN-CPPL-2012", "39")})})
    rows = {r["article"]: r for r in view["articles"] if r["scenarios"]}
    assert set(rows) == {"CN-CPPL-2012 art. 39 para. 1"}
    assert rows["CN-CPPL-2012 art. 39 para. 1"]["values"] == ["CN-CPPL-2012 art. 39"]


def test_coverage_reach_views(folder, capsys) -> None:
    from cplaw.coverage import fired, reach
    rules = RuleBase.load()
    runs = fired(rules, folder)
    assert set(runs) == {f"{folder.name}/20-double-exceed-report-late", f"{folder.name}/21-wrong-status"}
    view = reach(rules, runs)
    articles = {row["article"]: row for row in view["articles"]}
    assert articles["CN-IM-2004 art. 16"]["scenarios"] == sorted(runs)
    assert articles["CN-CPPL-2012 art. 39 para. 1"]["scenarios"] == []  # a 2008 case: the 2002 Law
    rule_rows = {row["rule"]: row for row in view["rules"]}
    assert rule_rows["im2004.submit-report"]["scenarios"] == sorted(runs)
    assert view["totals"]["rules"]["total"] == len(rules.program.rules)
    assert main(["coverage", "--scenarios", str(folder), "--by", "readings"]) == 0
    assert capsys.readouterr().out.strip()


def test_a_batch_item_may_skip_the_missing_facts() -> None:
    """The runner assesses without the missing facts (no scenario compares them: most of an assessment's
    time); the flag reaches the workers too."""
    from cplaw.batch import BatchItem
    rules = RuleBase.load()
    profile = yaml.safe_load(LATE.read_text(encoding="utf-8"))["profile"]
    for jobs in (1, 2):
        items = [BatchItem("a", profile, as_of="2008-06-30"), BatchItem("b", profile, as_of="2008-06-30", missing=False)]
        (_, with_missing), (_, without) = rules.assess_many(items, jobs=jobs)
        assert "missing_facts" in with_missing.data and "missing_facts" not in without.data
        assert {k: v for k, v in with_missing.data.items() if k != "missing_facts"} == without.data
