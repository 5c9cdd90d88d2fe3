"""Many profiles at once: RuleBase.assess_many and `cplaw assess` over files, folders and JSON Lines."""

from __future__ import annotations

import io
import json
import pathlib
import shutil

import pytest
import yaml

from cplaw import CplawError, ProfileError, RuleBase
from cplaw.batch import BatchItem, DetachedAssessment
from cplaw.cli import main
from cplaw.engines import session_class

EXAMPLES = pathlib.Path(__file__).parent.parent / "facts" / "examples"
DONGGUAN = EXAMPLES / "dongguan-dyeing.yaml"
JIANGSU = EXAMPLES / "jiangsu-chemical.yaml"
BAD = {"format": "cplaw.profile/1", "enterprise": {"id": "X", "province": "广东"},
       "events": [{"type": "listed", "date": "2009-02-30", "ground": "toxic"}]}


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


def _json_line(profile: pathlib.Path) -> str:
    return json.dumps(yaml.safe_load(profile.read_text(encoding="utf-8")), default=str, ensure_ascii=False)


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_in_input_order_and_a_bad_profile_does_not_stop_the_rest(rules, jobs) -> None:
    results = list(rules.assess_many([DONGGUAN, BAD, str(JIANGSU)], as_of="2010-04-01", jobs=jobs))
    assert [name for name, _ in results] == [str(DONGGUAN), "profiles[1]", str(JIANGSU)]
    (_, first), (_, bad), (_, third) = results
    assert first.data == rules.assess(DONGGUAN, "2010-04-01").data
    assert third.data == rules.assess(JIANGSU, "2010-04-01").data
    assert isinstance(bad, ProfileError) and bad.source == "profiles[1]"
    assert [i.path for i in bad.issues] == ["events[0].date"]


def test_an_item_may_bring_its_own_date_and_options(rules) -> None:
    items = [BatchItem("early", DONGGUAN, as_of="2009-04-01"), BatchItem("default", DONGGUAN),
             BatchItem("too-early", DONGGUAN, as_of="2001-01-01")]
    (_, early), (_, default), (_, too_early) = rules.assess_many(items, as_of="2010-04-01")
    assert early.data["as_of"] == "2009-04-01" and default.data["as_of"] == "2010-04-01"
    assert isinstance(too_early, CplawError) and "no cleaner-production law" in str(too_early)


def test_a_batch_wide_mistake_is_raised_at_once(rules) -> None:
    with pytest.raises(CplawError, match="unknown option"):
        rules.assess_many([DONGGUAN], options=["no-such-reading"])
    with pytest.raises(CplawError, match="not a date"):
        rules.assess_many([DONGGUAN], as_of="2010-13-01")
    with pytest.raises(CplawError, match="jobs"):
        rules.assess_many([DONGGUAN], jobs=0)


def test_a_worker_assessment_says_how_to_explain_it(rules) -> None:
    (_, result), = rules.assess_many([DONGGUAN], as_of="2010-04-01", jobs=2)
    assert isinstance(result, DetachedAssessment) and result.profile.enterprise.id == "GD-0001"
    with pytest.raises(CplawError, match="worker process"):
        result.explain("mandatory(toxic)")


def test_workers_use_the_callers_rule_base(tmp_path, monkeypatch) -> None:
    """A rule base loaded from a path (here: the packaged rules without Guangdong's) is the one workers use."""
    monkeypatch.setenv("CPLAW_CACHE_DIR", str(tmp_path / "cache"))  # not the user's cache
    packaged = pathlib.Path(__file__).parent.parent / "cplaw" / "rules"
    shutil.copytree(packaged, tmp_path / "rules", ignore=shutil.ignore_patterns("gd", "__pycache__"))
    rules = RuleBase.load(tmp_path / "rules")
    (_, here), = rules.assess_many([DONGGUAN], as_of="2010-04-01")
    (_, there), = rules.assess_many([DONGGUAN], as_of="2010-04-01", jobs=2)
    assert there.data == here.data
    assert not any(o["instrument"].startswith("GD-") for o in there.data["obligations"])
    assert any(o["instrument"].startswith("GD-") for o in RuleBase.load().assess(DONGGUAN, "2010-04-01")
               .data["obligations"])


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_several_files_print_json_lines(capsys, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(BAD), encoding="utf-8")
    code, out, err = _run(capsys, "assess", str(DONGGUAN), str(bad), str(JIANGSU), "--as-of", "2010-04-01",
                          "--format", "json")
    lines = out.splitlines()
    assert code == 1 and [json.loads(line)["enterprise"] for line in lines] == ["GD-0001", "JS-0001"]
    assert err.startswith(f"cplaw: {bad}: invalid profile:") and "events[0].date" in err


def test_cli_one_profile_prints_as_before(capsys) -> None:
    code, out, _ = _run(capsys, "assess", str(DONGGUAN), "--as-of", "2010-04-01", "--format", "json")
    assert code == 0 and out.startswith("{\n  ") and json.loads(out)["enterprise"] == "GD-0001"
    code, out, _ = _run(capsys, "assess", str(DONGGUAN), "--as-of", "2010-04-01", "--lang", "en")
    assert out.startswith("Cleaner-production audit: legal assessment of GD-0001 as of 2010-04-01\n")
    assert "== " not in out


def test_cli_a_folder_gives_a_heading_per_profile(capsys) -> None:
    code, out, err = _run(capsys, "assess", str(EXAMPLES), "--as-of", "2010-04-01", "--jobs", "2")
    headings = [line for line in out.splitlines() if line.startswith("== ")]
    assert code == 0 and err == ""
    assert headings == [f"== {p} ==" for p in sorted(EXAMPLES.iterdir())]


def test_cli_json_lines_on_standard_input(capsys, monkeypatch) -> None:
    stdin = "\n".join([_json_line(DONGGUAN), "", '{"format": "cplaw.profile/1", "enterprise": {', _json_line(JIANGSU)])
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin + "\n"))
    code, out, err = _run(capsys, "assess", "-", "--as-of", "2010-04-01", "--format", "json")
    assert code == 1 and [json.loads(line)["enterprise"] for line in out.splitlines()] == ["GD-0001", "JS-0001"]
    assert err.startswith("cplaw: <stdin>:3: invalid profile:") and "line 1, column" in err


def test_cli_an_empty_folder_is_an_error(capsys, tmp_path) -> None:
    code, out, err = _run(capsys, "assess", str(tmp_path))
    assert code == 1 and "no profile" in err and out == ""


def test_workers_get_a_rule_base_built_in_memory() -> None:
    rules = RuleBase(RuleBase.load().program)  # no files behind it: the workers get the program as data
    (_, there), = rules.assess_many([DONGGUAN], as_of="2010-04-01", jobs=2)
    assert there.data == rules.assess(DONGGUAN, "2010-04-01").data


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(monkeypatch) -> None:
    from cplaw.batch import with_progress
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    assert list(with_progress(iter("abc"), 3, "assessing")) == ["a", "b", "c"] and pipe.getvalue() == ""
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert list(with_progress(iter("abc"), 3, "assessing")) == ["a", "b", "c"]
    assert "assessing" in terminal.getvalue()


def test_coverage_runs_the_scenarios_through_assess_many(rules, monkeypatch, tmp_path) -> None:
    from cplaw.coverage import exercised
    national = pathlib.Path(__file__).parent / "scenarios" / "national"
    for name in ("01-before-law-error.yaml", "02-law-only-double-exceed.yaml", "03-law-only-toxic.yaml"):
        shutil.copy(national / name, tmp_path / name)
    batches = []
    real = RuleBase.assess_many
    monkeypatch.setattr(RuleBase, "assess_many", lambda self, items, *a, **k: batches.append(items) or real(
        self, items, *a, **k))
    found = exercised(rules, tmp_path, progress=True)
    assert [item.name for item in batches[0]] == [f"{tmp_path.name}/02-law-only-double-exceed",
                                                  f"{tmp_path.name}/03-law-only-toxic"]  # 01 expects an error
    assert found["CN-CPPL-2002"] == [item.name for item in batches[0]]
    assert exercised(rules, tmp_path, jobs=2) == found  # the rules that fired come back from the workers


def test_a_batch_runs_on_the_engine_it_names() -> None:
    """engine= reaches every profile of a batch, in this process and in the workers, and gives the answers
    assess gives on that engine; an unknown engine fails the whole batch."""
    rules = RuleBase.load()
    path = EXAMPLES / "dongguan-dyeing.yaml"
    expected = rules.assess(path, "2010-04-01", engine="pydatalog").data
    for jobs in (1, 2):
        [(name, result)] = list(rules.assess_many([path], "2010-04-01", jobs=jobs, engine="pydatalog"))
        assert result.data == expected, jobs
        if jobs == 1:
            assert isinstance(result.session, session_class("pydatalog"))
    with pytest.raises(CplawError, match="engine"):
        rules.assess_many([path], "2010-04-01", engine="no-such-engine")


def test_a_batch_may_leave_missing_facts_out() -> None:
    """missing=False reaches every profile (in this process and in the workers): the documents lack only
    missing_facts; by default they carry it as assess does."""
    rules = RuleBase.load()
    shanxi = {"format": "cplaw.profile/1", "enterprise": {"id": "SX-1", "province": "山西"},
              "substances": [{"name": "汞催化剂", "use": "raw_material"}]}
    full = rules.assess(shanxi, "2024-06-01").data
    assert full["missing_facts"]  # the profile lacks hazards, catalogues, industry and size
    for jobs in (1, 2):
        [(_, with_)] = list(rules.assess_many([shanxi], "2024-06-01", jobs=jobs))
        [(_, without)] = list(rules.assess_many([shanxi], "2024-06-01", jobs=jobs, missing=False))
        assert with_.data == full, jobs
        assert "missing_facts" not in without.data and without.data == {
            k: v for k, v in full.items() if k != "missing_facts"}, jobs
