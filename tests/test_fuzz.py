"""The fuzz suite (issue 14): hostile and random input never ends in anything but an answer or a documented error.

Targets: profiles generated from the profile JSON Schema (facts/schema/profile.schema.json) with junk mixed in
at every level; the scenario profiles (tests/scenarios) mutated; raw text read as YAML and JSON; as-of strings;
rule files (tests/rules_good) mutated and compiled; random command lines. An answer must validate against
facts/schema/assessment.schema.json; an error must be a CplawError naming a field path (profiles) or
file:line:column (rule files); nothing may take more than a few seconds (hypothesis deadline).

The default run is sized for CI (about 2,700 examples in all, ~1 minute). ``pytest --fuzz-long tests/test_fuzz.py``
or ``CPLAW_FUZZ_LONG=1`` runs over 100,000 (hours on one core). Inputs that found bugs are kept as
``@example``s and in tests/test_hostile.py.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import pathlib
import re
import unittest.mock
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from cplaw import CplawError, ProfileError, RuleBase, RuleError
from cplaw.api import parse_as_of
from cplaw.cli import main
from cplaw.compiler import compile_files, vocabulary_files
from cplaw.engines import ENGINES
from cplaw.profile import Profile, load_profile, profile_from_document, profile_schema, validate_assessment

HERE = pathlib.Path(__file__).parent
LONG = os.environ.get("CPLAW_FUZZ_LONG") == "1"
RULES = RuleBase.load()
SCHEMA = profile_schema()
SCENARIOS = [s for s in (yaml.safe_load(p.read_text(encoding="utf-8"))
                         for p in sorted(HERE.glob("scenarios/**/[0-9]*.yaml"))) if "expect_error" not in s]
GOOD_RULES = [(str(p), p.read_text(encoding="utf-8")) for p in sorted((HERE / "rules_good").glob("*.cplaw"))]


def budget(default: int, long: int) -> settings:
    """Examples for this target: ``default`` in CI, ``long`` under --fuzz-long; each within the deadline."""
    return settings(max_examples=long if LONG else default, deadline=datetime.timedelta(seconds=10),
                    derandomize=not LONG, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# ── strategies ───────────────────────────────────────────────────────────────────────────────────────────

JUNK_TEXT = st.sampled_from(["", " ", "\n", "\ud800", "\x00", "2010-02-30", "2010-02-28\n", " 44", "9999-12-31",
                             "0000-01-01", "1e999", "NaN", "\u2028", "é" * 3, "x" * 200])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.text(max_size=12), JUNK_TEXT,
                    st.decimals(allow_nan=True, allow_infinity=True), st.floats(),
                    st.dates().map(datetime.date.isoformat))
JUNK = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                    max_leaves=8)
DATES = st.dates(datetime.date(1995, 1, 1), datetime.date(2035, 12, 31)).map(datetime.date.isoformat)
AS_OF = st.dates(datetime.date(2003, 1, 1), datetime.date(2030, 12, 31)).map(datetime.date.isoformat)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def from_schema(schema: dict[str, Any], junk: float = 0.02) -> st.SearchStrategy[Any]:
    """Documents shaped by ``schema`` (types, enums, patterns, required and optional fields, lists), with
    junk in place of a value about ``junk`` of the time, and now and then a field the schema does not know."""
    schema = _resolve(schema)
    if "const" in schema:
        valid: st.SearchStrategy[Any] = st.just(schema["const"])
    elif "enum" in schema:
        valid = st.sampled_from(schema["enum"])
    elif "oneOf" in schema or "anyOf" in schema:
        valid = st.one_of([from_schema(s, junk) for s in schema.get("oneOf", schema.get("anyOf"))])
    elif schema.get("pattern") == SCHEMA["$defs"]["date"]["pattern"]:
        valid = DATES
    elif "pattern" in schema:
        valid = st.from_regex(schema["pattern"].replace("$", r"\Z"), fullmatch=True)
        if "province" in json.dumps(schema) or "u4e00" in schema["pattern"]:
            valid = st.sampled_from(["44", "广东", "江苏省", "北京", "11", "黑龙江", "32", "上海"])
    else:
        valid = _typed(schema, junk)
    if not junk or "properties" in schema:
        return valid
    return _rarely(junk).flatmap(lambda garble: JUNK if garble else valid)


def _rarely(chance: float) -> st.SearchStrategy[bool]:
    """True about ``chance`` of the time (False shrinks first; a float roll would favour 0.0)."""
    return st.sampled_from([False] * (round(1 / chance) - 1) + [True])


def _typed(schema: dict[str, Any], junk: float) -> st.SearchStrategy[Any]:
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        required = schema.get("required", [])

        @st.composite
        def objects(draw: st.DrawFn) -> dict[str, Any]:
            out = {}
            for name, sub in props.items():
                if name in required or draw(st.integers(0, 3)) == 0:
                    if sub == {"not": {}}:
                        continue
                    if name not in required or not draw(_rarely(junk)):
                        out[name] = draw(from_schema(sub, junk))
            if draw(_rarely(junk)):
                out[draw(st.text(max_size=5))] = draw(JUNK)
            return out
        return objects()
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {}), junk), min_size=schema.get("minItems", 0), max_size=4)
    if kind == "string":
        return st.text(min_size=schema.get("minLength", 0), max_size=10)
    if kind == "integer":
        return st.integers(1995, 2035)
    if kind == "number":
        return st.one_of(st.integers(0, 1000), st.decimals(0, 1000, places=2))
    if kind == "boolean":
        return st.booleans()
    return JUNK


def _event() -> st.SearchStrategy[dict[str, Any]]:
    """Events whose fields belong to their type (the schema's if/then), so most reach the rules."""
    event = SCHEMA["$defs"]["event"]

    def of_kind(kind: str) -> st.SearchStrategy[dict[str, Any]]:
        rules = [r.get("then", {}) for r in event.get("allOf", []) if Draft202012Validator(r["if"]).is_valid({"type": kind})]
        banned = {k for then in rules for k, v in then.get("properties", {}).items() if v == {"not": {}}}
        required = event.get("required", []) + [k for then in rules for k in then.get("required", [])]
        props = {k: v for k, v in event["properties"].items() if k not in banned}
        return from_schema({**event, "required": required, "properties": {**props, "type": {"const": kind}}})
    return st.sampled_from(event["properties"]["type"]["enum"]).flatmap(of_kind)


CITIES = {"44": "东莞", "广东": "广州", "江苏省": "南京", "32": "苏州", "北京": "北京", "11": "北京", "上海": "上海",
          "黑龙江": "哈尔滨"}


@st.composite
def enterprises(draw: st.DrawFn) -> Any:
    """An enterprise from the schema, its city mostly one of its province's (the schema cannot say which)."""
    enterprise = draw(from_schema(SCHEMA["properties"]["enterprise"]))
    if isinstance(enterprise, dict) and "city" in enterprise and not draw(_rarely(0.1)):
        province = enterprise.get("province")
        enterprise["city"] = CITIES.get(province, enterprise["city"]) if isinstance(province, str) else enterprise["city"]
    return enterprise


PROFILES = st.fixed_dictionaries(
    {"format": st.just("cplaw.profile/1"), "enterprise": enterprises()},
    optional={"emissions": st.lists(from_schema({"$ref": "#/$defs/emission"}), max_size=3),
              "totals": st.lists(from_schema({"$ref": "#/$defs/total"}), max_size=2),
              "energy": st.lists(from_schema({"$ref": "#/$defs/energy"}), max_size=2),
              "substances": st.lists(from_schema({"$ref": "#/$defs/substance"}), max_size=2),
              "events": st.lists(_event(), max_size=6)})


@st.composite
def mutated_scenario(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A scenario's profile and as-of date with a few of its values replaced, removed or garbled."""
    scenario = draw(st.sampled_from(SCENARIOS))
    doc = json.loads(json.dumps(scenario["profile"], default=str), parse_float=Decimal)
    for _ in range(draw(st.integers(1, 2))):
        paths = list(_paths(doc))
        path = draw(st.sampled_from(paths))
        parent, key = _locate(doc, path)
        if parent is None:
            continue
        action = draw(st.sampled_from(["junk", "drop", "space", "date", "copy"]))
        old = parent[key]
        if action == "drop":
            del parent[key]
        elif action == "space" and isinstance(old, str):
            parent[key] = old + draw(st.sampled_from(["\n", " ", "\t", "\r\n", "\u3000"]))
        elif action == "date":
            parent[key] = draw(DATES)
        elif action == "copy" and isinstance(parent, list):
            parent.append(json.loads(json.dumps(old, default=str), parse_float=Decimal))
        else:
            parent[key] = draw(JUNK)
    return doc, str(scenario["as_of"])


def _paths(value: Any, prefix: tuple = ()) -> Any:
    yield prefix
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*prefix, key))


def _locate(doc: Any, path: tuple) -> tuple[Any, Any]:
    if not path:
        return None, None
    for key in path[:-1]:
        doc = doc[key]
    return doc, path[-1]


# ── checks ───────────────────────────────────────────────────────────────────────────────────────────────

def _documented(err: CplawError) -> None:
    """A documented error: a profile error lists issues, each with a field path or a line/column; anything
    else is a CplawError with a message."""
    text = str(err)
    assert text
    event(f"error: {type(err).__name__}")
    if isinstance(err, ProfileError):
        assert err.issues
        for issue in err.issues:
            assert isinstance(issue.path, str) and issue.message
            assert issue.path or re.match(r"line \d+, column \d+: |the profile is empty|expected |nested |"
                                          r"an integer |.* is not a finite|invalid YAML|.*duplicate key|"
                                          r"the text is longer|.*number", issue.message), issue
    if isinstance(err, RuleError):
        assert err.diagnostics
        for d in err.diagnostics:
            assert d.file and d.line >= 1 and d.column >= 1 and d.message


def _assess_or_error(doc: Any, as_of: str) -> None:
    try:
        data = RULES.assess(doc, as_of).data
    except CplawError as err:
        _documented(err)
        return
    json.dumps(data, ensure_ascii=False, allow_nan=False)  # real JSON: no NaN, no Infinity
    event("answer")
    problems = validate_assessment(data)
    assert problems == [], problems


def _version_null(message: str) -> bool:
    """``version: null`` in a citation: a contract breach once found on ~100 valid assessments (a text without
    a version now cites the day it took force); every fuzz target rejects it, and this test checks the corpus."""
    return bool(re.search(r"\.version: expected string, got an empty value \(null\)", message))


def _load_or_error(text: str, name: str) -> Profile | None:
    try:
        profile = load_profile(name, text=text)
        event("answer")
        return profile
    except CplawError as err:
        _documented(err)
        return None


# ── targets ──────────────────────────────────────────────────────────────────────────────────────────────

@budget(700, 30_000)
@given(PROFILES, st.sampled_from(["yaml", "json", "api"]))
@example({"format": "cplaw.profile/1", "enterprise": {"id": "X", "province": "44", "industry": "2530\n"}}, "api")
@example({"format": "cplaw.profile/1", "enterprise": {"id": "\ud800", "province": "44"}}, "json")
@example({"format": "cplaw.profile/1", "enterprise": {"id": "X", "province": "44"},
          "events": [{"type": "evaluation", "date": "2011-04-01", "score": Decimal("1.0e+400")}]}, "yaml")
def test_profiles_from_the_schema_load_or_fail_clearly(doc: dict[str, Any], how: str) -> None:
    if how == "api":
        try:
            profile_from_document(doc)
            event("answer")
        except CplawError as err:
            _documented(err)
        return
    try:
        text = (json.dumps(doc, default=str, ensure_ascii=False) if how == "json"
                else yaml.safe_dump(json.loads(json.dumps(doc, default=str)), allow_unicode=True))
    except (ValueError, UnicodeEncodeError, yaml.YAMLError):
        event("not representable in that syntax")
        return  # not representable in that syntax (a NaN in JSON, a surrogate in YAML)
    _load_or_error(text, f"p.{how}")


@budget(100, 20_000)
@given(PROFILES, AS_OF)
def test_assessments_of_schema_profiles(doc: dict[str, Any], as_of: str) -> None:
    _assess_or_error(doc, as_of)


@budget(700, 30_000)
@given(mutated_scenario())
def test_mutated_scenario_profiles_load_or_fail_clearly(case: tuple[dict[str, Any], str]) -> None:
    doc, _ = case
    try:
        profile_from_document(doc)
        event("answer")
    except CplawError as err:
        _documented(err)


@budget(100, 10_000)
@given(mutated_scenario())
@example(({"format": "cplaw.profile/1", "enterprise": {"id": "TJ-R93", "province": "天津"},
           "events": [{"type": "listed", "date": "2009-03-16", "ground": "toxic"},
                      {"type": "acceptance_applied", "date": "2010-10-08"},
                      {"type": "acceptance", "date": "2010-11-19", "result": "pass"}]},
          "2011-03-01"))  # found: TJ-TJ2's certificate has no expiry, titles[0].until null broke the schema
def test_mutated_scenarios_assess_or_fail_clearly(case: tuple[dict[str, Any], str]) -> None:
    _assess_or_error(*case)


def _engines_agree(doc: Any, as_of: str) -> None:
    """The same answer, or the same error, from every engine (the differential suite's promise, on fuzz input)."""
    outcomes = {}
    for engine in ENGINES:
        try:
            result = RULES.assess(doc, as_of, engine=engine)
            outcomes[engine] = ("answer", json.dumps(result.data, sort_keys=True, ensure_ascii=False, default=str),
                                sorted(result.session.rules_that_fired()))
        except CplawError as err:
            outcomes[engine] = ("error", str(err))
    event(next(iter(outcomes.values()))[0])
    first, *others = outcomes.values()
    assert all(o == first for o in others), {e: o[:2] for e, o in outcomes.items()}


@pytest.mark.slow
@budget(150, 10_000)
@given(st.one_of(PROFILES.map(lambda d: (d, None)), mutated_scenario()), AS_OF)
def test_engines_agree_on_fuzz_profiles(case: tuple[Any, str | None], as_of: str) -> None:
    """Schema profiles and mutated scenario profiles through pyDatalog and the default engine: identical
    documents (missing facts included) and rules fired, or the same error."""
    doc, scenario_as_of = case
    _engines_agree(doc, scenario_as_of or as_of)


@budget(400, 5_000)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("utf-8", "replace")),
                 st.sampled_from(["a: &a [*a]", "{" * 50, "- " * 100, "!!binary AAAA", "? [a]\n: b", "\t\t",
                                  "format: !!int a", "0b: 1", "format: 1.0e+999999999", "[" * 40 + "]" * 40])),
       st.sampled_from(["p.yaml", "p.json"]))
def test_raw_text_loads_or_fails_clearly(text: str, name: str) -> None:
    _load_or_error(text, name)


@budget(300, 5_000)
@given(st.one_of(st.text(max_size=14), DATES, st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
                 st.sampled_from(["2010-W01-1", "20100401", "9999-12-31", "0001-01-01", "2010-02-29"])))
def test_as_of_strings(text: str) -> None:
    try:
        day = parse_as_of(text)
    except CplawError as err:
        _documented(err)
        return
    event("answer")
    assert day.isoformat() == text


RULE_NOISE = st.sampled_from(["{", "}", "(", ")", ".", ",", ":-", "not ", "\"", '"""', "\n", "\x85", "\u2028",
                              "\x0c", "\r", "art 1", "rule x.y\n", "cites art 9\n", "instrument X {", "_", "1",
                              "2000-02-30", "..", "\ud800", "#", "\\", "\t", "×", "%"])


@st.composite
def mutated_rule_file(draw: st.DrawFn) -> tuple[str, str]:
    """One good rule file with characters deleted, inserted, lines duplicated or swapped."""
    path, text = draw(st.sampled_from(GOOD_RULES))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "line", "truncate"]))
        if action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 30)):]
        elif action == "insert":
            text = text[:at] + draw(st.one_of(RULE_NOISE, st.text(max_size=4))) + text[at:]
        elif action == "truncate":
            text = text[:at]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return path, text


@budget(300, 15_000)
@given(mutated_rule_file())
@example(("t.cplaw", ""))
@example(("t.cplaw", "# one\n# two \x85 still two\nrule a.b\n  cites art 1\n  foo( :- .\n"))
def test_mutated_rule_files_compile_or_fail_clearly(case: tuple[str, str]) -> None:
    path, text = case
    others = [(p, t) for p, t in GOOD_RULES if p != path]
    try:
        compile_files(vocabulary_files() + others + [(path, text)])
        event("answer")
    except CplawError as err:
        _documented(err)
        if isinstance(err, RuleError):
            lines = text.split("\n")
            for d in err.diagnostics:
                if d.file == path:
                    assert d.line <= len(lines) + 1, d


def test_no_null_version() -> None:
    """Citations carry their text's version (the contract types it as a string) on every scenario."""
    seen = []
    for scenario in SCENARIOS:
        data = RULES.assess(scenario["profile"], str(scenario["as_of"]), scenario.get("options", ())).data
        seen += [m for m in validate_assessment(data) if _version_null(m)]
    assert not seen, f"version: null in {len(seen)} citations: {seen[0]}"


ARGS = st.sampled_from(["--as-of", "2010-04-01", "2010-W01-1", "9999-12-31", "--format", "json", "dot", "text",
                        "--lang", "zh", "--option", "nope", "mandatory", "violation(start_audit)", "((", "",
                        "\ud800", "-", "/dev/null", "/nonexistent", str(HERE), "--version", "-h",
                        str(HERE.parent / "facts" / "examples" / "dongguan-dyeing.yaml"),
                        str(HERE.parent / "facts" / "examples" / "beijing-compliant.json"), "x" * 300])


@budget(150, 5_000)
@given(st.sampled_from(["assess", "why", "why-not", "law", "options", "check", "coverage", "bogus"]),
       st.lists(ARGS, max_size=5))
def test_command_lines_end_in_0_1_or_2(command: str, args: list[str]) -> None:
    """Random command lines: an answer (0), bad input (1) or misuse (2); never an internal error (3)."""
    if command == "coverage":
        args = [*args, "--scenarios", str(HERE / "rules_good")]  # a folder without scenarios: quick
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                unittest.mock.patch("sys.stdin", io.StringIO("")):  # `-` reads an empty standard input
            code = main([command, *args])
    except SystemExit as done:  # argparse: misuse, --help, --version
        code = done.code
    event(f"exit {code}")
    assert code in (0, 1, 2, None), err.getvalue()
    assert "internal error" not in err.getvalue() and "Traceback" not in err.getvalue()
