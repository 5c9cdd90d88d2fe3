"""A generated corpus for the differential test of SQL against the in-process engines, and the comparison.

The corpus varies given profiles (the scenarios) with a fixed seed: each enterprise takes a template in turn,
and by turns a province (all 31 in order), an era (an as-of date in each period of the national texts, or the
template's own), a shift of all its dates (so that duties fall met, late, overdue or pending) and an option
(each in turn, or none). Whatever it generates is a valid profile; what it covers is counted by ``coverage``.
"""

from __future__ import annotations

import copy
import datetime as _dt
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .. import ir
from ..api import RuleBase
from ..engines import session_class
from ..facts_mapping import base_facts
from ..profile import _provinces
from .run import Case, evaluate

ERAS = (_dt.date(2004, 6, 1), _dt.date(2009, 3, 1), _dt.date(2013, 3, 1), _dt.date(2017, 1, 15),
        _dt.date(2021, 3, 1), _dt.date(2026, 9, 1))  # the 2002 Law with the 2004 Measures; the 2012 Law; the
# 2016 Measures; the 2026 Code (docs/versions.md)
SHIFTS = (0, 0, -30, 30, -200, 200, -400, 400, -1000)
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass
class Generated:
    profile: dict[str, Any]
    as_of: _dt.date
    options: tuple[str, ...]


def _shifted(value: Any, days: int) -> Any:
    if isinstance(value, str) and DATE.match(value):
        day = _dt.date.fromisoformat(value) + _dt.timedelta(days=days)
        return day.isoformat()
    if isinstance(value, dict):
        return {k: _shifted(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, days) for v in value]
    return value


def generate(templates: list[tuple[dict, _dt.date]], options: list[str], n: int, seed: int = 13
             ) -> Iterator[Generated]:
    """``n`` enterprises varied from ``templates`` (profile documents with their as-of dates)."""
    chooser = random.Random(seed)
    provinces = [code for code, _, _ in _provinces()]
    for i in range(n):
        template, own_day = templates[i % len(templates)]
        profile = copy.deepcopy(template)
        profile["enterprise"]["id"] = f"G{seed}-{i:06d}"
        if i % 2:
            profile["enterprise"]["province"] = provinces[(i // 2) % len(provinces)]
            profile["enterprise"].pop("city", None)
        shift = SHIFTS[chooser.randrange(len(SHIFTS))] if i % 3 else chooser.randint(-900, 900)
        profile = _shifted(profile, shift)
        day = own_day if i % 4 == 0 else ERAS[(i // 4) % len(ERAS)] + _dt.timedelta(days=chooser.randint(-150, 150))
        day = max(day, _dt.date(2003, 1, 1))
        chosen = () if i % (len(options) + 1) == 0 else (options[i % (len(options) + 1) - 1],)
        yield Generated(profile, day, chosen)


@dataclass
class Mismatch:
    enterprise: str
    predicate: str
    only_sql: list
    only_reference: list

    def __str__(self) -> str:
        return (f"{self.enterprise}: first differing conclusion {self.predicate}: SQL alone derived "
                f"{self.only_sql[:3]}, the reference alone {self.only_reference[:3]}")


def differential(rules: RuleBase, corpus: list[Generated], engine: str = "bottomup") -> tuple[int, dict, list]:
    """Every enterprise of ``corpus`` in one SQL run, and each on ``engine``: the number compared, what the
    corpus covered (provinces, eras, grounds, statuses, options), and the mismatches (every derived fact with
    the rules that derived it, predicate by predicate in the program's order)."""
    program: ir.Program = rules.program
    prepared = []
    for item in corpus:
        profile = rules.profile(item.profile)
        facts = base_facts(profile, item.as_of, program, item.options, rules._rule_base_facts)
        own = base_facts(profile, item.as_of, program, item.options, {})
        prepared.append((profile, facts, own))
    run = evaluate(program, rules._rule_base_facts,
                   [Case(p.enterprise.province, own.facts, item.as_of, item.options)
                    for (p, _, own), item in zip(prepared, corpus)])
    models = run.models()
    covered: dict[str, set] = {"province": set(), "era": set(), "ground": set(), "status": set(), "option": set()}
    mismatches = []
    for e, ((profile, facts, _), item) in enumerate(zip(prepared, corpus)):
        reference = session_class(engine)(program, facts.facts).everything()
        got = models[e]
        for name in program.predicates:
            want, have = sorted(reference.get(name, []), key=repr), sorted(got.get(name, []), key=repr)
            if want != have:
                mismatches.append(Mismatch(profile.enterprise.id, name, [r for r in have if r not in want],
                                           [r for r in want if r not in have]))
                break
        covered["province"].add(profile.enterprise.province)
        covered["era"].add(sum(item.as_of >= d for d in ERAS))
        covered["ground"].update(args[0] for _, args in got.get("mandatory", []))
        covered["status"].update(args[-1] for _, args in got.get("status", []))
        covered["option"].update(item.options)
    return len(corpus), covered, mismatches
