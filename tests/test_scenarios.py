"""Scenario files (tests/scenarios/**/NN-*.yaml): a profile, an as-of date, the alternative readings chosen
(`options`, optional), and the conclusions worked out by hand from the law text. Each expected item is compared with the actual one on the keys it gives."""

from __future__ import annotations

import datetime as _dt
import pathlib

import pytest
import yaml

from cplaw import AsOfError, RuleBase

SCENARIOS = sorted(pathlib.Path(__file__).parent.glob("scenarios/**/[0-9]*.yaml"))


def _plain(value):
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _cite_labels(item: dict) -> set[str]:
    return {f"{c['instrument']} art. {c['article']}" for c in item.get("cites", [])}


def _matches(expected: dict, actual: dict) -> bool:
    for key, want in expected.items():
        if key == "cites":
            if not set(want) <= _cite_labels(actual):
                return False
        elif actual.get(key) != want:
            return False
    return True


def _compare(section: str, expected: list[dict], actual: list[dict], complete: bool) -> list[str]:
    problems = []
    remaining = list(actual)
    for want in expected:
        found = next((a for a in remaining if _matches(want, a)), None)
        if found is None:
            problems.append(f"{section}: expected {want}, not found among "
                            f"{[{k: a.get(k) for k in want if k != 'cites'} for a in remaining]}")
        else:
            remaining.remove(found)
    if complete and remaining:
        problems.append(f"{section}: unexpected {[{k: v for k, v in a.items() if k != 'cites'} for a in remaining]}")
    return problems


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario(path: pathlib.Path, rules: RuleBase) -> None:
    scenario = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    if "expect_error" in scenario:
        with pytest.raises(AsOfError, match=scenario["expect_error"]):
            rules.assess(scenario["profile"], scenario["as_of"])
        return
    doc = rules.assess(scenario["profile"], scenario["as_of"], scenario.get("options", ())).data
    expect = scenario["expect"]
    problems = []
    if "mandatory_audit" in expect:
        got = sorted(g["ground"] for g in doc["mandatory_audit"])
        if got != sorted(expect["mandatory_audit"]):
            problems.append(f"mandatory_audit: expected {sorted(expect['mandatory_audit'])}, got {got}")
    for section in ("obligations", "violations", "sanctions", "evaluations", "titles"):
        if section in expect:
            complete = expect.get(f"{section}_complete", True)
            problems += _compare(section, expect[section] or [], doc[section], complete)
    if "notes" in expect:
        problems += _compare("notes", expect["notes"] or [], doc["notes"], complete=False)
    assert not problems, "\n".join(problems)
