"""The pyDatalog bridge: each pitfall of research/pydatalog-notes.md has a test that fails without its guard."""

from __future__ import annotations

import pathlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
import yaml
from pyDatalog import pyEngine

from cplaw import RuleBase
from cplaw.compiler import compile_files, order_body, vocabulary_files
from cplaw.engine import Session
from cplaw.engines import ENGINES, bottomup
from cplaw.parser import parse_text

RULES = RuleBase.load()
VOCABULARY = vocabulary_files()


def _profile(ident: str, value, limit=100, listed: str | None = None) -> dict:
    doc = {"format": "cplaw.profile/1", "enterprise": {"id": ident, "province": "黑龙江"},
           "emissions": [{"pollutant": "COD", "value": value, "limit": limit, "date": "2008-11-20"}]}
    if listed:
        doc["events"] = [{"type": "listed", "date": listed, "ground": "double_exceed"}]
    return doc


def _grounds(doc: dict) -> list[str]:
    return [g["ground"] for g in doc["mandatory_audit"]]


def test_amounts_are_exact() -> None:
    assert _grounds(RULES.assess(_profile("A", Decimal("100.0000001")), "2010-01-01").data) == ["double_exceed"]
    assert _grounds(RULES.assess(_profile("B", Decimal("100.0000000")), "2010-01-01").data) == []
    assert _grounds(RULES.assess(_profile("C", 100.0000001), "2010-01-01").data) == ["double_exceed"]


COMPUTED = '''
instrument XX-TEST { title "test" jurisdiction CN in_force 2000-01-01 .. open source "x" lines 1..9 status verified }
article 1 at 1..1 "测试。"
rule t.computed
  cites art 1
  applies always
  exceeds_standard(Ref) :- emission(Ref, _, Value, Limit, _), Computed = Value + 0, Computed > Limit.
'''


def test_computed_amounts_keep_full_precision() -> None:
    # Pitfall 1: pyDatalog rounds every computed float to 8 significant digits by default, so
    # 100.0000001 + 0 would compare as 100.0 (checked: with Float_Precision = 8 this answers []).
    assert pyEngine.Float_Precision is None
    program = compile_files(VOCABULARY + [("computed.cplaw", COMPUTED)])
    session = Session(program, [("emission", ("emissions[0]", "COD", 100.0000001, 100, None))])
    assert session.ask("exceeds_standard") == [("emissions[0]",)]


TINY = '''
instrument XX-TEST {
  title "test" jurisdiction CN in_force 2000-01-01 .. open source "x" lines 1..9 status verified
}
article 1 at 1..1 "测试。"
rule t.negation-first
  cites art 1
  applies always
  toxic_substance(Ref) :- not hazard_of(Ref, radioactive), substance(Ref, _, _).
'''


def test_negation_is_placed_after_its_binding_literal() -> None:
    # Pitfall 2: pyDatalog evaluates a negation written before its binding literal as if unbound.
    rule_file, _ = parse_text(TINY, "tiny.cplaw")
    body = list(rule_file.rules[0].clauses[0].body)
    ordered, _ = order_body(body)
    assert [str(lit) for lit in ordered] == ["substance(Ref, _, _)", "not hazard_of(Ref, radioactive)"]
    program = compile_files(VOCABULARY + [("tiny.cplaw", TINY)])
    session = Session(program, [("substance", ("s[0]", "苯", "raw_material")),
                                ("substance", ("s[1]", "钴-60", "raw_material")),
                                ("hazard_of", ("s[1]", "radioactive"))])
    # Unordered, `not hazard_of(_, radioactive)` fails for every Ref because s[1] is radioactive.
    assert session.ask("toxic_substance") == [("s[0]",)]


@pytest.mark.parametrize("engine", ENGINES)
def test_assessments_do_not_see_each_others_facts(engine: str) -> None:
    a = RULES.assess(_profile("A", 180, listed="2009-03-15"), "2010-04-01", engine=engine)
    b = RULES.assess(_profile("B", 50), "2010-04-01", engine=engine)
    assert _grounds(b.data) == [] and b.data["obligations"] == []
    assert b.session.ask("listed") == []
    # The first session is re-established on demand, with its own facts only.
    assert a.session.ask("listed") == [("events[0]", date(2009, 3, 15), "double_exceed")]
    assert b.session.ask("listed") == []


def test_two_rule_bases_in_one_process() -> None:
    other = RuleBase(compile_files(VOCABULARY + [("tiny.cplaw", TINY)]))
    s1 = Session(other.program, [("substance", ("s[0]", "苯", "raw_material"))])
    doc = RULES.assess(_profile("A", 180, listed="2009-03-15"), "2010-04-01").data
    assert s1.ask("toxic_substance") == [("s[0]",)]
    assert _grounds(doc) == ["double_exceed"]


@pytest.mark.parametrize("engine", ENGINES)
def test_threads_give_the_same_answers_as_one_after_another(engine: str) -> None:
    # Pitfall 5: one fresh Logic per assessment, in the thread that runs it.
    cases = [(_profile(f"E{i}", 50 + 40 * i, listed=f"2009-0{1 + i % 9}-15"), "2010-06-30", (), engine)
             for i in range(12)]
    sequential = [RULES.assess(*c).data for c in cases]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda c: RULES.assess(*c).data, cases * 3))
    assert parallel == sequential * 3


def test_a_session_stays_in_its_thread() -> None:
    session = RULES.assess(_profile("A", 180), "2010-04-01", engine="pydatalog").session
    errors = []
    thread = threading.Thread(target=lambda: errors.append(_try(session)))
    thread.start()
    thread.join()
    assert errors == ["RuntimeError"]


def _try(session) -> str | None:
    try:
        session.ask("mandatory")
    except RuntimeError:
        return "RuntimeError"
    return None


@pytest.mark.parametrize("engine", ENGINES)
def test_provenance_names_the_deriving_rules(engine: str) -> None:
    session = RULES.assess(_profile("A", 180), "2010-04-01", engine=engine).session
    rules = sorted(rule for rule, args in session.derived_by("mandatory") if args == ("double_exceed",))
    assert rules == ["im2004.mandatory.double-exceed", "law2002.mandatory.double-exceed"]


PRUNING_SAMPLES = sorted(pathlib.Path(__file__).parent.glob("scenarios/versions/*.yaml"))[::4] + sorted(
    pathlib.Path(__file__).parent.glob("scenarios/provinces/*/01-*.yaml"))[::5]


@pytest.mark.parametrize("path", PRUNING_SAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
@pytest.mark.parametrize("engine", ENGINES)
def test_leaving_clauses_out_changes_no_conclusion(path, engine, monkeypatch) -> None:
    """The engine loads only the clauses whose guards can hold (own province, in force by the as-of date);
    loading every clause must derive exactly the same facts."""
    scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules = RuleBase.load()

    def derived(session) -> set:
        return {(name, args) for name, rows in session.everything().items() for _, args in rows}

    args = (scenario["profile"], str(scenario["as_of"]), scenario.get("options", ()), engine)
    pruned = derived(rules.assess(*args).session)
    monkeypatch.setattr(Session, "clauses", property(lambda self: list(self.program.clauses)))
    monkeypatch.setattr(bottomup, "applicable_clauses", lambda program, facts: list(program.clauses))
    assert derived(rules.assess(*args).session) == pruned


# ── the bottom-up engine answers as pyDatalog does (tests/test_differential.py does it on every scenario) ──
SEMANTICS = '''
instrument XX-TEST { title "test" jurisdiction CN in_force 2000-01-01 .. open source "x" lines 1..9 status verified }
article 1 at 1..1 "测试。"
derived predicate same_limit(A: ref, B: ref) "同限值" "the same limit"
derived predicate linked(A: ref, B: ref) "相连" "linked"
derived predicate unmatched(A: ref) "无对应" "without a match"
rule t.same
  cites art 1
  applies always
  same_limit(A, B) :- emission(A, _, _, L, D), emission(B, _, _, L, D), A != B.
rule t.linked
  cites art 1
  applies always
  linked(A, B) :- same_limit(A, B).
  linked(A, C) :- linked(A, B), same_limit(B, C).
rule t.unmatched
  cites art 1
  applies always
  unmatched(A) :- emission(A, _, _, _, _), not same_limit(A, _).
'''


@pytest.fixture(scope="module")
def semantics():
    return compile_files(VOCABULARY + [("semantics.cplaw", SEMANTICS)])


def test_bottomup_matches_pydatalog_on_null_equal_numbers_and_recursion(semantics) -> None:
    # None matches None (pyDatalog compares Const ids with ==), Decimal("100") matches 100, a recursive rule
    # reaches its fixpoint, and a negated literal with an unbound position means "no such fact at all".
    facts = [("emission", ("e[0]", "COD", 1, Decimal("100"), None)), ("emission", ("e[1]", "COD", 2, 100, None)),
             ("emission", ("e[2]", "SO2", 3, 100.0, None)), ("emission", ("e[3]", "SO2", 3, 7, None))]
    answers = {}
    for engine, cls in (("pydatalog", Session), ("bottomup", bottomup.Session)):
        session = cls(semantics, facts)
        answers[engine] = {p: session.ask(p) for p in ("same_limit", "linked", "unmatched")}
    assert answers["bottomup"] == answers["pydatalog"]
    assert ("e[0]", "e[2]") in answers["bottomup"]["linked"] and ("e[0]", "e[0]") in answers["bottomup"]["linked"]
    assert answers["bottomup"]["unmatched"] == [("e[3]",)]


def test_bottomup_solves_a_body_with_its_head_bound(semantics) -> None:
    facts = [("emission", ("e[0]", "COD", 1, 100, None)), ("emission", ("e[1]", "COD", 2, 100, None))]
    clause = next(c for c in semantics.clauses if c.rule == "t.same")
    for cls in (Session, bottomup.Session):
        answers = cls(semantics, facts).solve(list(clause.body), list(clause.variables))
        assert sorted(a["A"] for a in answers) == ["e[0]", "e[1]"]
