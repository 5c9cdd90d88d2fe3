"""Contracts hold on the whole scenario corpus (issue 9, item 5): every assessment a scenario produces validates
against facts/schema/assessment.schema.json — no ``version: null`` in a citation, no field of the wrong type."""

from __future__ import annotations

import pathlib

import pytest

from cplaw import RuleBase
from cplaw.explain.memo import memo_text
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


def test_every_scenario_explanation_validates(rules: RuleBase) -> None:
    """And so does every explanation (cplaw.explanation/1): for each scenario, why or why not it is mandatory
    on each ground (why where the ground holds, why-not where it does not), through the JSON writer the CLI and
    the HTTP API use."""
    import json

    import jsonschema

    from cplaw.explain.json_doc import to_json_data
    schema = json.loads((SCENARIOS.parent.parent / "facts" / "schema" / "explanation.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    problems: dict[str, str] = {}
    kinds: set[str] = set()
    for path in discover([SCENARIOS]):
        scenario = load(path, rules)
        if scenario.expect_error:
            continue
        assessment = rules.assess(scenario.profile, scenario.as_of, scenario.options, missing=False)
        for ground in ("double_exceed", "toxic", "energy", "provincial"):
            query = f"mandatory({ground})"
            graph = assessment.explain(query)
            if not graph.graph.get("roots"):  # the ground does not hold: why not
                graph = assessment.why_not(query)
            doc = to_json_data(graph)
            kinds.add(doc["kind"])
            if error := next(iter(validator.iter_errors(doc)), None):
                problems[f"{scenario.name} {query}"] = f"{list(error.absolute_path)}: {error.message}"
    assert kinds == {"why", "why_not"}  # both kinds of document were checked
    assert not problems, f"{len(problems)} explanations break the schema, e.g. {next(iter(problems.items()))}"


def test_a_time_barred_note_says_sanctions_are_listed_only_where_they_are(rules: RuleBase) -> None:
    """An answer never contradicts itself: the 行政处罚法 art. 36 note says the sanctions that would follow are
    "listed for reference" only where the assessment lists a sanction for that duty and round (a breach whose
    later law punishes nothing, art. 37, has none to list)."""
    listed_notes = unlisted_notes = 0
    for path in discover([SCENARIOS]):
        scenario = load(path, rules)
        if scenario.expect_error:
            continue
        doc = rules.assess(scenario.profile, scenario.as_of, scenario.options, missing=False).data
        sanctioned = {(s["duty"], s["round"]) for s in doc["sanctions"]}
        for note in doc["notes"]:
            if note["kind"] != "time_barred":
                continue
            says_listed = "listed for reference" in note["text"]
            listed_notes += says_listed
            unlisted_notes += not says_listed
            assert says_listed == ((note["duty"], note["round"]) in sanctioned), (scenario.name, note["duty"])
            # nor does the memo's limitation answer say that no breach is time-barred
            assert "No breach is time-barred." not in memo_text(doc, "en"), scenario.name
    assert listed_notes and unlisted_notes  # the corpus has both kinds
