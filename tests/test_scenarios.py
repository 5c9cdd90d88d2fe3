"""Scenario files (tests/scenarios/**/*.yaml; docs/scenarios.md): a profile, an as-of date, the alternative
readings chosen (`options`, optional), and the conclusions worked out by hand from the law text. They are read
and compared by cplaw.scenarios, the runner `cplaw test` uses: one reader of the format."""

from __future__ import annotations

import pathlib

import pytest

from cplaw import RuleBase
from cplaw.scenarios import check, discover

SCENARIOS = discover([pathlib.Path(__file__).parent / "scenarios"])


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario(path: pathlib.Path, rules: RuleBase) -> None:
    result = check(rules, path)
    assert result.passed, result.report()
