"""Every scenario through pyDatalog (the reference) and through the bottom-up engine: identical assessments
(conclusions, rule ids, cites) and identical explanation graphs (why and why-not) for the main conclusions.

The whole why-not sweep through pyDatalog is slow (about half a second a question), so the default run takes
every eighth scenario and the `slow` run (CI runs it too: `pytest -m slow`) all of them.
"""

from __future__ import annotations

import datetime as _dt
import json
import pathlib

import networkx as nx
import pytest

from cplaw import CplawError, RuleBase, scenarios
from cplaw.engines import ENGINES
from cplaw.scenarios import Scenario

SCENARIOS = sorted(pathlib.Path(__file__).parent.glob("scenarios/**/[0-9]*.yaml"))
WHY = ("mandatory", "due", "violation", "sanction")
WHY_NOT = ("mandatory(double_exceed)", "mandatory(toxic)", "violation(start_audit)", "sanction(start_audit)")
SAMPLE = SCENARIOS[::8]


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


def _scenario(path: pathlib.Path) -> Scenario:
    return scenarios.load(path)


def _assess_all(rules: RuleBase, scenario: Scenario, options=None):
    """The scenario's assessment on each engine, or None where the as-of date is out of the law's range."""
    if scenario.expect_error is not None:
        return None
    chosen = scenario.options if options is None else options
    return {engine: rules.assess(scenario.profile, scenario.as_of, chosen, engine=engine) for engine in ENGINES}


def canonical(graph: nx.DiGraph) -> str:
    """A graph as sorted JSON: nodes with their attributes, edges, and the graph's attributes."""
    return json.dumps({"graph": graph.graph,
                       "nodes": sorted([n, graph.nodes[n]] for n in graph.nodes),
                       "edges": sorted(graph.edges)}, sort_keys=True, ensure_ascii=False, default=str)


def _ids(paths):
    return [f"{p.parent.name}/{p.stem}" for p in paths]


@pytest.mark.parametrize("path", SCENARIOS, ids=_ids(SCENARIOS))
def test_assessments_and_why_trees_agree(path: pathlib.Path, rules: RuleBase) -> None:
    results = _assess_all(rules, _scenario(path))
    if results is None:
        pytest.skip("an as-of date before the first law: no assessment to compare")
    reference, bottomup = results["pydatalog"], results["bottomup"]
    assert bottomup.data == reference.data
    assert bottomup.session.everything().keys() == reference.session.everything().keys()
    for name, rows in reference.session.everything().items():
        assert sorted(bottomup.session.everything()[name], key=repr) == sorted(rows, key=repr), name
    for query in WHY:
        assert canonical(bottomup.explain(query)) == canonical(reference.explain(query)), query


def _why_not_agrees(path: pathlib.Path, rules: RuleBase) -> None:
    results = _assess_all(rules, _scenario(path))
    if results is None:
        pytest.skip("an as-of date before the first law")
    for query in WHY_NOT:
        reference = canonical(results["pydatalog"].why_not(query))
        assert canonical(results["bottomup"].why_not(query)) == reference, query


@pytest.mark.parametrize("path", SAMPLE, ids=_ids(SAMPLE))
def test_why_not_graphs_agree(path: pathlib.Path, rules: RuleBase) -> None:
    _why_not_agrees(path, rules)


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in SCENARIOS if p not in SAMPLE],
                         ids=_ids([p for p in SCENARIOS if p not in SAMPLE]))
def test_why_not_graphs_agree_everywhere(path: pathlib.Path, rules: RuleBase) -> None:
    _why_not_agrees(path, rules)


@pytest.mark.parametrize("option", sorted(RuleBase.load().options()))
def test_options_agree(option: str, rules: RuleBase) -> None:
    """Each alternative reading, chosen on every eighth scenario: the same assessments on both engines."""
    for path in SAMPLE:
        results = _assess_all(rules, _scenario(path), options=(option,))
        if results is not None:
            assert results["bottomup"].data == results["pydatalog"].data, path.name


def test_a_hand_built_case_agrees_on_null_and_equal_numbers(rules: RuleBase) -> None:
    """pyDatalog matches None with None and Decimal("100") with 100; the bottom-up engine must too."""
    profile = {"format": "cplaw.profile/1", "enterprise": {"id": "N", "province": "广东"},
               "emissions": [{"pollutant": "COD", "value": 200, "limit": 100, "date": "2008-11-20"},
                             {"pollutant": "COD", "value": 200.0, "limit": 100, "date": "2008-11-20"}]}
    results = {e: rules.assess(profile, _dt.date(2010, 4, 1), engine=e) for e in ENGINES}
    assert results["bottomup"].data == results["pydatalog"].data



EXAMPLE = str(pathlib.Path(__file__).parents[1] / "facts" / "examples" / "dongguan-dyeing.yaml")


@pytest.mark.parametrize("argv", [["assess", EXAMPLE], ["why", EXAMPLE, "violation(start_audit)"],
                                  ["why-not", EXAMPLE, "sanction(start_audit)"]], ids=lambda a: a[0])
def test_the_command_line_chooses_the_engine(argv: list[str], capsys) -> None:
    from cplaw.cli import main
    outputs = {}
    for engine in ENGINES:
        assert main(argv + ["--format", "json", "--as-of", "2010-04-01", "--engine", engine]) == 0
        outputs[engine] = capsys.readouterr().out
    assert outputs["bottomup"] == outputs["pydatalog"] and outputs["bottomup"].strip()
    with pytest.raises(SystemExit):  # not an engine: argparse's usage error
        main(argv + ["--engine", "prolog"])


def test_an_unknown_engine_is_a_clear_error(rules: RuleBase) -> None:
    with pytest.raises(CplawError, match="unknown engine 'prolog'; engines: bottomup, pydatalog"):
        rules.assess(EXAMPLE, "2010-04-01", engine="prolog")
