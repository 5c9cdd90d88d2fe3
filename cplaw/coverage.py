"""Coverage of research/provisions-inventory.md: for each inventory entry, the rule file that encodes it
(or why none does), and the scenarios in which its rules fired; and what the scenarios' derivations reach:
each article the rules cite, each reading, each rule (from the rules that fired, never from names in files)."""

from __future__ import annotations

import pathlib
import textwrap
from importlib import resources
from typing import Any

import yaml

from . import ir
from .api import RuleBase
from .batch import BatchItem, DetachedAssessment, derived_provisions, with_progress
from .errors import CplawError
from .scenarios import discover, load, parse_article


def inventory() -> list[dict[str, Any]]:
    """The inventory's instruments (facts/inventory.yaml, taken from the inventory's table)."""
    return yaml.safe_load(resources.files("cplaw.facts").joinpath("inventory.yaml").read_text("utf-8"))


def exercised(rules: RuleBase, scenarios: pathlib.Path, progress: bool = False,
              jobs: int = 1) -> dict[str, list[str]]:
    """Instrument id → the scenario files (by name) in which at least one of its rules fired; with
    ``progress``, a progress bar on a terminal; over ``jobs`` processes."""
    return by_instrument(rules, fired(rules, scenarios, progress, jobs))


def fired(rules: RuleBase, scenarios: pathlib.Path, progress: bool = False,
          jobs: int = 1) -> dict[str, frozenset[str]]:
    """Scenario name → the rules that fired in its derivation (files read by cplaw.scenarios; a scenario
    that expects an error is not assessed)."""
    return reached(rules, scenarios, progress, jobs)[0]


def reached(rules: RuleBase, scenarios: pathlib.Path, progress: bool = False, jobs: int = 1
            ) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[ir.Provision]]]:
    """Scenario name → the rules that fired in its derivation, and scenario name → the provisions its
    derived facts hold as values (a sanction's provision, a reference resolved)."""
    items = []
    for path in discover([scenarios], allow_empty=True):
        scenario = load(path, rules)
        if scenario.expect_error is None:
            items.append(BatchItem(scenario.name, scenario.profile, as_of=scenario.as_of, options=scenario.options,
                                   missing=False))
    results = rules.assess_many(items, jobs=jobs)
    found: dict[str, frozenset[str]] = {}
    values: dict[str, frozenset[ir.Provision]] = {}
    for name, result in with_progress(results, len(items), "scenarios") if progress else results:
        if isinstance(result, Exception):
            raise CplawError(f"scenario {name}: {result}")
        detached = isinstance(result, DetachedAssessment)
        found[name] = frozenset(result.rules_fired if detached else result.session.rules_that_fired())
        values[name] = result.provisions if detached else derived_provisions(result.session)
    return found, values


def by_instrument(rules: RuleBase, runs: dict[str, frozenset[str]]) -> dict[str, list[str]]:
    """Instrument id → the scenarios in which at least one of its rules fired."""
    found: dict[str, list[str]] = {}
    for name, ids in runs.items():
        for inst in sorted({rules.program.rules[r].instrument for r in ids} - {None}):
            found.setdefault(inst, []).append(name)
    return found


def reach(rules: RuleBase, runs: dict[str, frozenset[str]],
          values: dict[str, frozenset[ir.Provision]] | None = None) -> dict[str, Any]:
    """What the scenarios' derivations reach: each article a rule cites, each reading and each rule, with the
    scenarios in which it was reached (a rule that fired; the articles and readings of such a rule); and each
    provision a derived fact of a scenario holds as a value (``values``), the article rows it falls within
    (or its own row) marking that scenario, with the provision under ``values``."""
    program = rules.program
    by_rule: dict[str, list[str]] = {rule_id: [] for rule_id in sorted(program.rules)}
    for name, ids in runs.items():
        for rule_id in ids:
            by_rule[rule_id].append(name)
    articles: dict[str, dict[str, Any]] = {}
    readings: dict[str, dict[str, Any]] = {}
    cited: dict[str, ir.ArticleRef] = {}
    for rule_id, names in by_rule.items():
        rule = program.rules[rule_id]
        cited.update((str(ref), ref) for ref in rule.cites)
        rows = [articles.setdefault(str(ref), {"article": str(ref), "rules": [], "scenarios": set()})
                for ref in rule.cites]
        rows += [readings.setdefault(r.name, {"reading": r.name, "rules": [], "scenarios": set()})
                 for r in rule.readings]
        for row in rows:
            row["rules"].append(rule_id)
            row["scenarios"].update(names)
    for name, provisions in (values or {}).items():
        for provision in provisions:
            rows = [articles[key] for key, ref in cited.items() if _overlap(provision, ref)] \
                or [articles.setdefault(str(provision), {"article": str(provision), "rules": [], "scenarios": set()})]
            for row in rows:
                row["scenarios"].add(name)
                row.setdefault("values", set()).add(str(provision))
    view: dict[str, list[dict[str, Any]]] = {
        "articles": sorted(articles.values(), key=lambda r: r["article"]),
        "readings": sorted(readings.values(), key=lambda r: r["reading"]),
        "rules": [{"rule": rule_id, "instrument": program.rules[rule_id].instrument, "scenarios": names}
                  for rule_id, names in by_rule.items()]}
    for row in view["articles"] + view["readings"]:
        row["scenarios"] = sorted(row["scenarios"])
        if "values" in row:
            row["values"] = sorted(row["values"])
    totals = {key: {"reached": sum(1 for r in rows if r["scenarios"]), "total": len(rows)}
              for key, rows in view.items()}
    return {"scenarios": len(runs), "totals": totals, **view}


def article_reach(rules: RuleBase, runs: dict[str, frozenset[str]], article: str,
                  values: dict[str, frozenset[ir.Provision]] | None = None) -> dict[str, Any]:
    """The scenarios whose derivations reach an article (its paragraph or item, where given), each with the
    rules that fired there citing it and the provisions within it that its derived facts hold as values
    (a sanction under the article reaches it even where no rule citing it fired)."""
    provision = parse_article(article, rules.program)
    citing = {rule_id for rule_id, rule in rules.program.rules.items()
              if any(provision.covers(ref) for ref in rule.cites)}
    scenarios = []
    for name, ids in runs.items():
        held = sorted(str(v) for v in (values or {}).get(name, ()) if _overlap(v, provision))
        if citing & ids or held:
            scenarios.append({"scenario": name, "rules": sorted(citing & ids), "values": held})
    return {"article": str(provision), "rules": sorted(citing), "scenarios": scenarios}


def _overlap(a: ir.Provision | ir.ArticleRef, b: ir.Provision | ir.ArticleRef) -> bool:
    """True when two provisions share some text: the same article, and paragraph and item equal where both
    give them (art. 39 and art. 39 para. 1 overlap; paras. 1 and 2 do not)."""
    def agree(x: int | None, y: int | None) -> bool:
        return x is None or y is None or x == y

    return (a.instrument, a.article) == (b.instrument, b.article) and agree(a.paragraph, b.paragraph) \
        and agree(a.item, b.item)


def coverage(rules: RuleBase, scenarios: pathlib.Path | None = None, progress: bool = False,
             jobs: int = 1) -> dict[str, Any]:
    """Every inventory entry with what encodes it and what exercises it; then encoded texts outside the
    inventory; and the entries that are neither encoded nor explained."""
    program = rules.program
    by_entry = {i.inventory: i for i in program.instruments.values() if i.inventory}
    fired_in, values = reached(rules, scenarios, progress, jobs) if scenarios is not None and scenarios.is_dir() \
        else ({}, {})
    runs = by_instrument(rules, fired_in)
    rows = []
    for entry in inventory():
        inst = by_entry.get(entry["id"])
        row = {"id": entry["id"], "region": entry["region"], "title": entry["title"], "number": entry["number"]}
        if inst is None:
            row.update(encoded_by=None, unencoded=entry.get("unencoded"))
        else:
            row.update(encoded_by=inst.id, file=inst.pos.file, hortatory=inst.hortatory,
                       articles=sum(1 for key in program.articles if key[0] == inst.id),
                       rules=sum(1 for r in program.rules.values() if r.instrument == inst.id),
                       exercised_by=runs.get(inst.id, []))
        rows.append(row)
    outside = [{"instrument": i.id, "title": i.title, "file": i.pos.file, "exercised_by": runs.get(i.id, [])}
               for i in sorted(program.instruments.values(), key=lambda i: i.id) if not i.inventory]
    missing = [r["id"] for r in rows if r["encoded_by"] is None and not r["unencoded"]]
    untested = [r["id"] for r in rows if r["encoded_by"] and not r["hortatory"] and r["rules"]
                and scenarios is not None and not r["exercised_by"]]
    return {"inventory": rows, "outside_inventory": outside, "unencoded_without_reason": missing,
            "operative_without_scenario": untested, "reach": reach(rules, fired_in, values)}


def render(report: dict[str, Any]) -> str:
    lines = []
    for r in report["inventory"]:
        if r["encoded_by"] is None:
            what = f"not encoded: {r['unencoded']}" if r["unencoded"] else "NOT ENCODED, no reason given"
        elif r["hortatory"]:
            what = f"{r['encoded_by']} (hortatory, recorded)"
        else:
            tests = ", ".join(r["exercised_by"][:3]) + (" …" if len(r["exercised_by"]) > 3 else "")
            what = f"{r['encoded_by']}: {r['articles']} articles, {r['rules']} rules; tests: {tests or 'none'}"
        lines.append(f"{r['id']:<5} {r['region']:<15} {what}")
    lines += ["", "Encoded texts outside the inventory:"]
    lines += [f"  {o['instrument']:<14} {o['title']}" for o in report["outside_inventory"]]
    for key, label in (("unencoded_without_reason", "Inventory entries neither encoded nor explained"),
                       ("operative_without_scenario", "Operative texts no scenario exercises")):
        if report[key]:
            lines += ["", f"{label}: {', '.join(report[key])}"]
    if report["reach"]["scenarios"]:
        lines += ["", render_reach(report["reach"])]
    return "\n".join(lines)


def render_reach(view: dict[str, Any], by: str | None = None) -> str:
    """What the derivations reach: totals and what nothing reaches; with ``by`` (articles, readings, rules)
    one line per article, reading or rule with how many scenarios reach it."""
    key = {"articles": "article", "readings": "reading", "rules": "rule"}
    if by is not None:
        return "\n".join(f"{row[key[by]]:<40} {len(row['scenarios']):>4} scenarios"
                         + (f"  rules: {', '.join(row['rules'])}" if "rules" in row else "")
                         for row in view[by])
    lines = [f"Reached by the derivations of {view['scenarios']} scenarios:"]
    lines += [f"  {name}: {t['reached']} of {t['total']}" for name, t in view["totals"].items()]
    for name, label in (("articles", "Articles cited by rules that no scenario reaches"),
                        ("readings", "Readings no scenario reaches"), ("rules", "Rules that fire in no scenario")):
        unreached = [row[key[name]] for row in view[name] if not row["scenarios"]]
        if unreached and view["scenarios"]:
            wrapped = textwrap.wrap(", ".join(unreached), 108, break_on_hyphens=False, initial_indent="  ",
                                    subsequent_indent="  ")
            lines += ["", f"{label} ({len(unreached)}):", *wrapped]
    return "\n".join(lines)


def render_article(found: dict[str, Any]) -> str:
    """The scenarios that reach one article, each with the rules that fired there citing it and the
    provisions within it its derived facts hold."""
    head = f"{found['article']}: cited by {len(found['rules'])} rules ({', '.join(found['rules']) or 'none'}); " \
           f"reached in {len(found['scenarios'])} scenarios"
    return "\n".join([head] + [f"  {s['scenario']}  ({', '.join(s['rules'] + [f'value {v}' for v in s['values']])})"
                               for s in found["scenarios"]])
