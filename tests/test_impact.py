"""`cplaw impact`: a rule edited by hand in a copy of the packaged rules; the report must name the conclusions
worked out by hand from the edit, and the edited rule and article as their cause."""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess

import jsonschema
import pytest

from cplaw.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
RULES = ROOT / "cplaw" / "rules"
SCENARIO = ROOT / "tests" / "scenarios" / "national" / "05-listed-on-measures-effective-day.yaml"
SCHEMA = json.loads((ROOT / "facts" / "schema" / "impact.schema.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def before(tmp_path_factory) -> pathlib.Path:
    folder = tmp_path_factory.mktemp("before") / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return folder


def _edited(before: pathlib.Path, tmp_path: pathlib.Path, file: str, old: str, new: str) -> pathlib.Path:
    after = tmp_path / "after"
    shutil.copytree(before, after)
    path = after / file
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")
    return after


def _impact(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["impact", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_period_edit_names_the_conclusions_and_their_cause(before, tmp_path, capsys) -> None:
    # IM-2004 art. 11 para 1: start "名单公布后二个月内"; edited to three months, in the rule and the article.
    # Scenario 05: listed 2004-10-01, audit started 2004-12-06. Two months: due 2004-12-01, started late,
    # violation since 2004-12-02. Three months: nominal 2005-01-01 (New Year's Day; the 2005 holiday ran
    # 1–3 January, so due Tuesday 2005-01-04), and 2004-12-06 is in time: the obligation's due_nominal changes
    # 2004-12-01 → 2005-01-01, due → 2005-01-04, its status late → met; the violation is lost.
    after = _edited(before, tmp_path, "cn/im-2004.cplaw", "Nominal = Listed + 2 months, Due = effective(Nominal).\n\n"
                    "rule im2004.submit-report", "Nominal = Listed + 3 months, Due = effective(Nominal).\n\n"
                    "rule im2004.submit-report")
    path = after / "cn/im-2004.cplaw"
    path.write_text(path.read_text("utf-8").replace("在名单公布后二个月内开展", "在名单公布后三个月内开展"), "utf-8")
    code, out, _ = _impact(capsys, "--before", str(before), "--after", str(after), "--corpus", str(SCENARIO),
                           "--format", "json")
    assert code == 0
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert [r["id"] for r in doc["edits"]["rules"]] == ["im2004.start-audit"]
    assert [a["article"] for a in doc["edits"]["articles"]] == ["CN-IM-2004 art. 11 para. 1"]
    (profile,) = doc["profiles"]
    assert profile["enterprise"] == "T-05"
    (changed,) = [c for c in profile["changed"] if c["section"] == "obligations"]
    assert changed["key"] == {"duty": "start_audit", "instrument": "CN-IM-2004", "round": "2004-10-01"}
    assert changed["old"]["due_nominal"] == "2004-12-01" and changed["new"]["due_nominal"] == "2005-01-01"
    assert changed["old"]["status"] == "late" and changed["new"]["status"] == "met"
    assert changed["new"]["due"] == "2005-01-04"
    (lost,) = profile["lost"]
    assert lost["section"] == "violations" and lost["key"]["duty"] == "start_audit"
    for entry in (changed, lost):
        assert entry["cause"]["rules"] == ["im2004.start-audit"]
        assert entry["cause"]["articles"] == ["CN-IM-2004 art. 11 para. 1"]
    assert profile["gained"] == []
    assert doc["unreached"] == {"rules": [], "articles": [], "instruments": []}
    code, out, _ = _impact(capsys, "--before", str(before), "--after", str(after), "--corpus", str(SCENARIO),
                           "--format", "markdown")
    assert "| obligations start_audit CN-IM-2004 2004-10-01 | due 2004-12-01 → 2005-01-04; due_nominal " \
        "2004-12-01 → 2005-01-01" in out
    assert "rule im2004.start-audit; article CN-IM-2004 art. 11 para. 1" in out


def test_fine_edit_unreached_by_the_corpus(before, tmp_path, capsys) -> None:
    # 2012 Law art. 39's fine (5万–50万) raised to 60万: scenario 05 is assessed in 2005, under the 2002 Law, so
    # no conclusion changes and the edited rule is reached by no profile.
    after = _edited(before, tmp_path, "cn/cppl-2012.cplaw", "fine_max: 500000, condition: refuses_to_correct",
                    "fine_max: 600000, condition: refuses_to_correct")
    code, out, _ = _impact(capsys, "--before", str(before), "--after", str(after), "--corpus", str(SCENARIO))
    assert code == 0
    assert "rule law2012.art39 edited (clauses)" in out
    assert "No conclusion of the 1 profiles changes." in out
    assert "Edited, reached by no profile of the corpus: rule law2012.art39" in out


def test_fine_edit_reaches_a_2012_scenario(before, tmp_path, capsys) -> None:
    # BJ-04: a 双有 enterprise that never started its audit, as of 2012-09-28, under the 2012 Law: art. 39's fine
    # for not auditing; raised from 50万 to 60万, its fine_max changes and nothing else.
    scenario = ROOT / "tests/scenarios/provinces/bj/04-bj-toxic-never-starts-2012.yaml"
    after = _edited(before, tmp_path, "cn/cppl-2012.cplaw", "fine_max: 500000, condition: refuses_to_correct",
                    "fine_max: 600000, condition: refuses_to_correct")
    code, out, _ = _impact(capsys, "--before", str(before), "--after", str(after), "--corpus", str(scenario),
                           "--format", "json")
    doc = json.loads(out)
    (profile,) = doc["profiles"]
    assert profile["gained"] == profile["lost"] == []
    assert profile["changed"]
    for entry in profile["changed"]:
        assert entry["section"] == "sanctions" and entry["key"]["provision"] == "CN-CPPL-2012 art. 39"
        assert entry["old"] == {"fine_max": 500000} and entry["new"] == {"fine_max": 600000}
        assert entry["cause"]["rules"] == ["law2012.art39"]
    assert doc["unreached"]["rules"] == []


def test_a_comment_changes_nothing(before, tmp_path, capsys) -> None:
    after = _edited(before, tmp_path, "cn/im-2004.cplaw", "rule im2004.start-audit\n",
                    "# the start, counted from the list\nrule im2004.start-audit\n")
    code, out, _ = _impact(capsys, "--before", str(before), "--after", str(after), "--corpus", str(SCENARIO),
                           "--format", "markdown")
    assert code == 0
    assert "The two rule bases do not differ (comments and layout aside)" in out


def test_a_broken_side_is_reported_and_nothing_evaluated(before, tmp_path, capsys) -> None:
    after = _edited(before, tmp_path, "cn/im-2004.cplaw", "rule im2004.start-audit\n  cites art 11 para 1\n",
                    "rule im2004.start-audit\n  cites art 99 para 1\n")
    code, out, err = _impact(capsys, "--before", str(before), "--after", str(after), "--corpus", str(SCENARIO))
    assert code == 1 and out == ""
    assert "cn/im-2004.cplaw:" in err and "nothing was evaluated" in err


def test_plain_profiles_need_a_date(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    code, _, err = _impact(capsys, "--base", "HEAD", "--corpus", str(ROOT / "facts/examples/dongguan-dyeing.yaml"))
    assert code == 1 and "--as-of" in err


@pytest.mark.skipif(shutil.which("git") is None or subprocess.run(
    ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True).returncode != 0, reason="not a git checkout")
def test_base_revision(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = _impact(capsys, "--base", "HEAD", "--corpus", str(SCENARIO), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["before"]["source"] == "HEAD" and doc["after"]["source"] == "working tree"


def test_a_removed_rule_and_nothing_else(before, tmp_path, capsys) -> None:
    # Without rule law2012.false-report the 2012 Law derives no breach of truthful reporting from a
    # false_report_found event: QH-92 (found 2012-09-10, under the 2012 Law) loses that violation. The rules
    # after it in the file are unchanged, though the parser numbers their anonymous variables anew.
    after = tmp_path / "after"
    shutil.copytree(before, after)
    path = after / "cn/cppl-2012.cplaw"
    text = path.read_text("utf-8")
    start, end = text.index("rule law2012.false-report\n"), text.index("rule law2012.art39.false-report\n")
    path.write_text(text[:start] + text[end:], "utf-8")
    scenario = ROOT / "tests/scenarios/provinces/qh/92-review-false-report-across-2012.yaml"
    code, out, _ = _impact(capsys, "--before", str(before), "--after", str(after), "--corpus", str(scenario),
                           "--format", "json")
    doc = json.loads(out)
    assert [(r["id"], r["change"]) for r in doc["edits"]["rules"]] == [("law2012.false-report", "removed")]
    (profile,) = doc["profiles"]
    lost = [e for e in profile["lost"] if e["section"] == "violations"]
    assert [e["key"] for e in lost] == [{"duty": "truthful_report", "instrument": "CN-CPPL-2012",
                                         "round": "2012-09-10"}]
    assert all(e["cause"]["rules"] == ["law2012.false-report"]
               for kind in ("gained", "lost", "changed") for e in profile[kind])


def test_bad_corpus_files_are_named(before, tmp_path, capsys) -> None:
    (tmp_path / "bad-date.yaml").write_text("profile: {format: cplaw.profile/1}\nas_of: 2010-13-01\n", "utf-8")
    (tmp_path / "plain.yaml").write_text("format: cplaw.profile/1\nenterprise: {id: X, province: 火星}\n", "utf-8")
    code, out, err = _impact(capsys, "--before", str(before), "--after", str(before), "--corpus", str(tmp_path),
                             "--as-of", "2010-01-01")
    assert code == 1
    assert "bad-date.yaml: month must be in 1..12" in err
    assert "plain.yaml: invalid profile:\n  enterprise.province: unknown province" in err
    assert "do not differ" in out


def test_a_fact_relied_on_as_absent_points_to_the_rules_that_conclude_it() -> None:
    # a derivation that needs "no time_barred(…)" is caused by an edit to a rule that concludes time_barred
    from cplaw import RuleBase
    from cplaw.impact import Edits, Reach, cause
    program = RuleBase.load().program
    concluding = sorted({c.rule for c in program.clauses if c.head.predicate == "time_barred"})
    assert concluding
    edits = Edits(rules={concluding[0]: {"change": "edited", "parts": ["clauses"], "file": "f", "line": 1}})
    found = cause(edits, [(program, Reach(rules=set(), articles=set(), absent={"time_barred"}))])
    assert found["rules"] == [concluding[0]]
    assert cause(edits, [(program, Reach())])["rules"] == []


def test_base_outside_a_checkout_is_a_clear_error(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _impact(capsys, "--base", "HEAD", "--corpus", str(SCENARIO))
    assert code == 1 and out == "" and "not inside one" in err and "Traceback" not in err
