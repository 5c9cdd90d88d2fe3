"""Concurrency (issue 14): assessments from 8 threads and from several processes, with different options and
two rule bases at once, equal the answers given one after another."""

from __future__ import annotations

import multiprocessing
import pathlib
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pytest
import yaml

from cplaw import RuleBase
from cplaw.compiler import compile_files, packaged_rule_files

HERE = pathlib.Path(__file__).parent
PACKAGED = RuleBase.load()
NATIONAL = RuleBase(compile_files([(path, text) for path, text in packaged_rule_files()  # a second rule base:
                                   if not path.startswith("cplaw/rules/") or path.split("/")[2] in ("cn", "general")]))


def _cases() -> list[tuple[str, dict[str, Any], str, tuple[str, ...]]]:
    """(rule base, profile, as-of, options): scenarios with their own options, some with every option
    chosen, and a third of them also on the national layer alone."""
    scenarios = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(HERE.glob("scenarios/**/[0-9]*.yaml"))]
    scenarios = [s for s in scenarios if "expect_error" not in s][::15]
    every = tuple(sorted(PACKAGED.options()))
    cases = []
    for i, s in enumerate(scenarios):
        options = tuple(s.get("options", ())) or (every[i % len(every):i % len(every) + 1] if every else ())
        cases.append(("packaged", s["profile"], str(s["as_of"]), options))
        if i % 3 == 0:
            cases.append(("national", s["profile"], str(s["as_of"]), ()))
    return cases


CASES = _cases()


def _answer(case: tuple[str, dict[str, Any], str, tuple[str, ...]]) -> dict[str, Any]:
    base, profile, as_of, options = case
    rules = PACKAGED if base == "packaged" else NATIONAL
    return rules.assess(profile, as_of, options).data


@pytest.fixture(scope="module")
def serial() -> list[dict[str, Any]]:
    answers = [_answer(c) for c in CASES]
    # the cases are not all alike (options and rule bases change answers), so equality below means something
    assert len({repr(a) for a in answers}) > len(CASES) // 2
    assert any(c[0] == "national" for c in CASES) and any(c[3] for c in CASES)
    return answers


def test_eight_threads_equal_serial(serial: list[dict[str, Any]]) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(_answer, CASES * 2))
    assert threaded == serial * 2


@pytest.mark.slow
def test_processes_equal_serial(serial: list[dict[str, Any]]) -> None:
    with ProcessPoolExecutor(max_workers=3, mp_context=multiprocessing.get_context("spawn")) as pool:
        parallel = list(pool.map(_answer, CASES, chunksize=3))  # each process loads both rule bases itself
    assert parallel == serial
