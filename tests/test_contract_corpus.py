"""Contracts hold on the whole scenario corpus (issue 9, item 5): every assessment a scenario produces validates
against facts/schema/assessment.schema.json — no ``version: null`` in a citation, no field of the wrong type."""

from __future__ import annotations

import pathlib

import pytest

from cplaw import RuleBase
from cplaw.profile import validate_assessment
from cplaw.scenarios import discover, load

SCENARIOS = pathlib.Path(__file__).parent / "scenarios"


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


def test_every_scenario_assessment_validates(rules: RuleBase) -> None:
    """Before issue 9, 11 of the corpus's assessments (ZJ-ZJ3, SH-SH3 citations) carried ``version: null``."""
    problems: dict[str, list[str]] = {}
    checked = 0
    for path in discover([SCENARIOS]):
        scenario = load(path, rules)
        if scenario.expect_error:
            continue
        doc = rules.assess(scenario.profile, scenario.as_of, scenario.options).data
        checked += 1
        if messages := validate_assessment(doc):
            problems[scenario.name] = messages
    assert checked > 200  # the corpus, not an empty folder
    assert not problems, f"{len(problems)} assessments break the schema, e.g. {next(iter(problems.items()))}"
