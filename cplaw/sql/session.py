"""One enterprise of an SQL run as an EngineSession, so the assessment builder and the Explainer read SQL's
conclusions exactly as they read the other engines' (tests/test_sql.py proves the documents identical).

Its model (every derived fact with the rules that derived it) is what SQL derived for that enterprise;
``solve`` (why-not's conditions) joins over that model with the bottom-up engine's join code.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .. import ir
from ..api import Assessment, RuleBase, parse_as_of
from ..assessment import AssessmentBuilder
from ..engine import Fact, applicable_clauses, gc_paused
from ..engines import bottomup
from ..facts_mapping import base_facts
from ..missing import missing_facts
from ..profile import Profile
from .run import Case, evaluate


class SqlSession(bottomup.Session):
    """A session over the facts SQL derived for one enterprise (no evaluation of its own)."""

    def __init__(self, program: ir.Program, facts: list[Fact], derived: dict[str, list[tuple[str, tuple]]]):
        self.program = program
        self.facts = facts
        self.clauses = applicable_clauses(program, facts)
        self._by_head: dict[str, list[ir.CompiledClause]] = {}
        for clause in self.clauses:
            self._by_head.setdefault(clause.head.predicate, []).append(clause)
        self.relations = bottomup.Relations()
        for name, args in facts:
            self.relations.add(name, tuple(args), None)
        for name, rows in derived.items():
            for rule, args in rows:
                self.relations.add(name, args, rule)


@dataclass
class Item:
    """An enterprise to assess in a batch: its profile, and its own date and options."""

    profile: Profile
    as_of: _dt.date
    options: tuple[str, ...] = ()


def assess_on_sql(rules: RuleBase, items: Iterable[Item], missing: bool = True) -> Iterator[Assessment]:
    """Assess every item in one DuckDB run; then build each one's document from its SQL session (the same
    ``cplaw.assessment/1`` document ``RuleBase.assess`` builds)."""
    items = list(items)
    prepared = []
    for item in items:
        facts = base_facts(item.profile, item.as_of, rules.program, tuple(dict.fromkeys(item.options)), {})
        prepared.append((item, facts))
    cases = [Case(item.profile.enterprise.province, facts.facts, item.as_of, item.options) for item, facts in prepared]
    run = evaluate(rules.program, rules._rule_base_facts, cases)
    models = run.models()
    for e, (item, facts) in enumerate(prepared):
        province = item.profile.enterprise.province
        whole = facts.facts + rules._rule_base_facts.get("CN", []) + rules._rule_base_facts.get(province, [])
        whole = _in_base_order(facts.facts, whole)
        with gc_paused():
            session = SqlSession(rules.program, whole, models[e])
            data = AssessmentBuilder(rules.program, session, item.profile.enterprise.id, item.as_of,
                                     facts.ignored).build()
            if missing:
                data["missing_facts"] = missing_facts(rules.program, session)
        yield Assessment(data, item.profile, session)


def _in_base_order(own: list[Fact], whole: list[Fact]) -> list[Fact]:
    """The facts in base_facts' order (as_of, options, the rule base's, then the profile's), so a session's
    fact list is the one the other engines get."""
    head = [f for f in own if f[0] in ("as_of", "option")]
    rest = [f for f in own if f[0] not in ("as_of", "option")]
    return head + whole[len(own):] + rest


def item(rules: RuleBase, profile, as_of, options=()) -> Item:
    return Item(rules.profile(profile), parse_as_of(as_of), tuple(options))
