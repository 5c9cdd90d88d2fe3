"""The one place where a profile becomes base facts (the `input` predicates of facts/vocabulary.cplaw).

Every fact about a record or an event carries the record's field path (``events[2]``) as its first
argument, so that an explanation can point back into the profile. What the enterprise measured or did
after the as-of date is not known on that date: such records are left out, and the assessment says which.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from .engine import Fact
from .errors import ProfileError, ProfileIssue
from .ir import Program
from .profile import Profile
from .tables import packaged_tables


@dataclass
class BaseFacts:
    facts: list[Fact] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # field paths dated after the as-of date

    def add(self, predicate: str, *args) -> None:
        self.facts.append((predicate, args))


def rule_base_facts(program: Program) -> dict[str, list[Fact]]:
    """The facts the rule base brings itself, by the jurisdiction they concern ("CN" for all): which texts are
    national, and the rows of the data tables (facts/tables/), checked here once, when the rule base loads."""
    facts: dict[str, list[Fact]] = {"CN": [("national_text", (inst.id,)) for inst in program.instruments.values()
                                           if inst.jurisdiction == "CN"]}
    for table in packaged_tables():  # a table naming no input predicate is an error, not skipped
        facts.setdefault(table.jurisdiction, []).extend(table.facts(program))
    return facts


def base_facts(profile: Profile, as_of: _dt.date, program: Program, options: tuple[str, ...] = (),
               rule_base: dict[str, list[Fact]] | None = None) -> BaseFacts:
    """Map a profile, and the alternative readings chosen, to base facts as of a date, with the rule base's
    own facts for the enterprise's province (``rule_base_facts``, computed here if not given)."""
    _check_enum_values(profile, program)
    rule_base = rule_base_facts(program) if rule_base is None else rule_base
    out = BaseFacts()
    out.add("as_of", as_of)
    for name in options:
        out.add("option", name)
    out.facts.extend(rule_base.get("CN", []) + rule_base.get(profile.enterprise.province, []))
    ent = profile.enterprise
    out.add("province", ent.province)
    if ent.monitoring:
        out.add("monitoring", ent.monitoring)
    for code in ent.industries:
        out.add("industry", code)
    if ent.size:
        out.add("size", ent.size)
    if ent.city:
        out.add("city", ent.city)
    for flag in ("central", "nuclear_facility"):
        if getattr(ent, flag):
            out.add("enterprise_is", flag)
    for e in profile.emissions:
        if e.date is not None and e.date > as_of:
            out.ignored.append(e.path)
            continue
        out.add("emission", e.path, e.pollutant, e.value, e.limit, e.date)
    for t in profile.totals:
        if t.year > as_of.year:
            out.ignored.append(t.path)
            continue
        out.add("total", t.path, t.pollutant, t.year, t.value, t.quota)
        if not t.key_pollutant:
            out.add("non_key_pollutant", t.path)
    for g in profile.energy:
        if g.year > as_of.year:
            out.ignored.append(g.path)
            continue
        out.add("energy", g.path, g.product, g.year, g.value, g.limit)
    for s in profile.substances:
        out.add("substance", s.path, s.name, s.use)
        for catalogue in s.catalogs:
            out.add("catalogued", s.path, catalogue)
        for hazard in s.hazards:
            out.add("hazard_of", s.path, hazard)
    for ev in profile.events:
        if ev.date > as_of:
            out.ignored.append(ev.path)
            continue
        out.add("event", ev.path, ev.type, ev.date)
        if ev.type == "listed":
            out.add("listed", ev.path, ev.date, ev.ground)
        for recipient in ev.to:
            out.add("event_to", ev.path, recipient)
        if ev.duty:
            out.add("event_duty", ev.path, ev.duty)
        if ev.deadline:
            out.add("event_deadline", ev.path, ev.deadline)
        if ev.score is not None:
            out.add("event_score", ev.path, ev.score)
        if ev.result:
            out.add("event_result", ev.path, ev.result)
        if ev.level:
            out.add("listed_level", ev.path, ev.level)
        if ev.authority:
            out.add("event_authority", ev.path, ev.authority)
    return out


def _check_enum_values(profile: Profile, program: Program) -> None:
    """Values the schema leaves open but the rules read as an enum (an event's `duty`)."""
    duties = program.enums["duty"].values
    issues = [ProfileIssue(f"{ev.path}.duty", f"unknown duty {ev.duty!r}; accepted: {', '.join(duties)}")
              for ev in profile.events if ev.duty is not None and ev.duty not in duties]
    if issues:
        raise ProfileError(issues, profile.source)


def field_path(predicate: str, args: tuple, program: Program) -> str | None:
    """The profile field a base fact came from, where it has one."""
    params = program.predicates[predicate].params
    if params and params[0].type == "ref":
        return str(args[0])
    return {"as_of": "--as-of", "option": "--option", "industry": "enterprise.industry", "size": "enterprise.size",
            "city": "enterprise.city", "province": "enterprise.province", "monitoring": "enterprise.monitoring",
            "enterprise_is": f"enterprise.{args[0]}" if args else None}.get(predicate)
