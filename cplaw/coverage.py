"""Coverage of research/provisions-inventory.md: for each inventory entry, the rule file that encodes it
(or why none does), and the scenarios in which its rules fired."""

from __future__ import annotations

import pathlib
from importlib import resources
from typing import Any

import yaml

from .api import RuleBase
from .batch import BatchItem, DetachedAssessment, with_progress
from .errors import CplawError
from .limits import read_text


def inventory() -> list[dict[str, Any]]:
    """The inventory's instruments (facts/inventory.yaml, taken from the inventory's table)."""
    return yaml.safe_load(resources.files("cplaw.facts").joinpath("inventory.yaml").read_text("utf-8"))


def exercised(rules: RuleBase, scenarios: pathlib.Path, progress: bool = False,
              jobs: int = 1) -> dict[str, list[str]]:
    """Instrument id → the scenario files (by name) in which at least one of its rules fired; with
    ``progress``, a progress bar on a terminal; over ``jobs`` processes."""
    items = []
    for path in sorted(scenarios.glob("**/[0-9]*.yaml")):
        scenario = _scenario(path)
        if "expect_error" not in scenario:
            items.append(BatchItem(f"{path.parent.name}/{path.stem}", scenario["profile"],
                                   as_of=str(scenario["as_of"]), options=tuple(scenario.get("options", ()))))
    results = rules.assess_many(items, jobs=jobs)
    found: dict[str, list[str]] = {}
    for name, result in with_progress(results, len(items), "scenarios") if progress else results:
        if isinstance(result, Exception):
            raise CplawError(f"scenario {name}: {result}")
        ids = result.rules_fired if isinstance(result, DetachedAssessment) else result.session.rules_that_fired()
        fired = {rules.program.rules[r].instrument for r in ids}
        for inst in sorted(i for i in fired if i):
            found.setdefault(inst, []).append(name)
    return found


def _scenario(path: pathlib.Path) -> dict[str, Any]:
    """A scenario file's document, or a CplawError saying why it is not one."""
    try:
        scenario = yaml.safe_load(read_text(path))
    except yaml.YAMLError as exc:
        raise CplawError(f"{path}: not a scenario file: invalid YAML ({exc})") from None
    if not isinstance(scenario, dict):
        raise CplawError(f"{path}: not a scenario file: expected a mapping with profile and as_of")
    if "expect_error" not in scenario:
        missing = [k for k in ("profile", "as_of") if k not in scenario]
        options = scenario.get("options", ())
        if missing or not isinstance(scenario["profile"], dict) or not isinstance(options, (list, tuple)) \
                or not all(isinstance(o, str) for o in options):
            raise CplawError(f"{path}: not a scenario file: it needs profile (a mapping), as_of (a date) and "
                             f"optionally options (a list of names){'; missing: ' + ', '.join(missing) if missing else ''}")
    return scenario


def coverage(rules: RuleBase, scenarios: pathlib.Path | None = None, progress: bool = False,
             jobs: int = 1) -> dict[str, Any]:
    """Every inventory entry with what encodes it and what exercises it; then encoded texts outside the
    inventory; and the entries that are neither encoded nor explained."""
    program = rules.program
    by_entry = {i.inventory: i for i in program.instruments.values() if i.inventory}
    runs = exercised(rules, scenarios, progress, jobs) if scenarios is not None and scenarios.is_dir() else {}
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
            "operative_without_scenario": untested}


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
    return "\n".join(lines)
