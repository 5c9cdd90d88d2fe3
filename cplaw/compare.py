"""What-if and compare: assess a profile and a changed copy (other facts, date or readings); say what changes.

Changes are written against the profile contract (facts/schema/profile.schema.json): ``set`` a field path to
a value, ``add_event`` an event, ``drop`` a field or a record. A path the contract does not have, a value of
the wrong type, an unknown event type: a CplawError naming the path and what is wrong. Each conclusion of the
two assessments is keyed (a ground; a duty of an instrument in a round; a sanction by its provision and
measure …) and compared: gained, lost, changed (old → new), each with the rules that derived it (the engine's
provenance) and the articles it cites.
"""

from __future__ import annotations

import copy
import pathlib
import re
from dataclasses import dataclass
from typing import Any

import yaml

from .binding import value_text
from .errors import CplawError, ProfileError, ProfileIssue
from .profile import _parse, profile_schema

FORMAT = "cplaw.comparison/1"


@dataclass(frozen=True)
class Change:
    """One change to a profile document: op is "set", "add_event" or "drop"."""

    op: str
    path: str
    value: Any = None

    def describe(self) -> dict[str, Any]:
        return {"op": self.op, "path": self.path, **({"value": self.value} if self.op != "drop" else {})}


# ── reading changes ─────────────────────────────────────────────────────────────────────────────────────
_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def split_path(path: str) -> list[str | int]:
    """``events[2].date`` → ["events", 2, "date"]; anything else is an error naming the path."""
    parts: list[str | int] = []
    for token in path.split("."):
        matched = _PART.findall(token)
        if not token or "".join(f"[{i}]" if i else n for n, i in matched) != token:
            raise CplawError(f"{path}: not a field path (write e.g. enterprise.size or events[2].date)")
        parts += [int(i) if i else n for n, i in matched]
    return parts


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def schema_at(path: str) -> dict[str, Any]:
    """The contract's schema for a field path, or a CplawError naming the path and the fields it allows."""
    root = profile_schema()
    node = root
    done: list[str] = []
    for part in split_path(path):
        node = _resolve(node, root)
        if isinstance(part, int):
            if node.get("type") != "array":
                raise CplawError(f"{path}: {'.'.join(done) or 'the profile'} is not a list")
            node = node["items"]
        else:
            fields = node.get("properties", {})
            if part not in fields:
                where = ".".join(map(str, done)) or "the profile"
                raise CplawError(f"{path}: the profile contract has no field {part!r} in {where}; "
                                 f"fields: {', '.join(fields)}")
            node = fields[part]
        done.append(f"[{part}]" if isinstance(part, int) else part)
    return _resolve(node, root)


def parse_value(path: str, text: str) -> Any:
    """A command-line value read by what the contract expects at ``path``: text stays text, numbers and
    lists are read as YAML; the whole profile is checked again after the change."""
    node = schema_at(path)
    kinds = {node.get("type")} | {option.get("type") for option in node.get("oneOf", [])}
    if text.startswith("[") or kinds & {"number", "integer", "boolean", "object"}:
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise CplawError(f"{path}: cannot read the value {text!r}: {exc}") from None
    if kinds == {"array"}:
        return [item.strip() for item in text.split(",") if item.strip()]
    return text


def parse_set(text: str) -> Change:
    path, sep, value = text.partition("=")
    if not sep:
        raise CplawError(f"--set {text!r}: write PATH=VALUE (e.g. enterprise.size=large)")
    return Change("set", path.strip(), parse_value(path.strip(), value.strip()))


def parse_event(text: str) -> Change:
    """``TYPE@DATE[,key=value…]`` → an add_event change."""
    head, *pairs = text.split(",")
    kind, sep, day = head.partition("@")
    if not sep:
        raise CplawError(f"--add-event {text!r}: write TYPE@DATE[,key=value…] (e.g. audit_started@2009-05-10)")
    types = schema_at("events[0].type")["enum"]
    if kind not in types:
        raise CplawError(f"--add-event {text!r}: unknown event type {kind!r}; types: {', '.join(types)}")
    event: dict[str, Any] = {"type": kind, "date": day}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise CplawError(f"--add-event {text!r}: {pair!r} is not key=value")
        event[key.strip()] = parse_value(f"events[0].{key.strip()}", value.strip())
    return Change("add_event", "events[+]", event)


# ── applying changes ────────────────────────────────────────────────────────────────────────────────────
def apply_changes(doc: dict[str, Any], changes: list[Change]) -> dict[str, Any]:
    """A changed copy of a profile document."""
    out = copy.deepcopy(doc)
    for change in changes:
        if change.op == "add_event":
            out.setdefault("events", []).append(copy.deepcopy(change.value))
            continue
        schema_at(change.path)  # the contract has the path
        *parents, last = split_path(change.path)
        node: Any = out
        for k, part in enumerate(parents):
            if isinstance(part, int):
                if not isinstance(node, list) or part >= len(node):
                    raise CplawError(f"{change.path}: the profile has no {_shown(parents[:k + 1])}")
                node = node[part]
            else:
                if change.op == "drop" and part not in node:
                    raise CplawError(f"{change.path}: the profile has no {_shown(parents[:k + 1])}")
                node = node.setdefault(part, [] if isinstance(parents[k + 1] if k + 1 < len(parents) else last,
                                                              int) else {})
        if change.op == "drop":
            present = last < len(node) if isinstance(last, int) else last in node
            if not present:
                raise CplawError(f"{change.path}: the profile has no such field to drop")
            del node[last]
        elif isinstance(last, int):
            if last > len(node):
                raise CplawError(f"{change.path}: the list has {len(node)} items")
            if last == len(node):
                node.append(change.value)
            else:
                node[last] = change.value
        else:
            node[last] = change.value
    return out


def _shown(parts: list[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")


def read_document(source: str, text: str | None = None) -> dict[str, Any]:
    """A profile document, not yet checked: from a file, or from ``text`` (standard input) named ``source``."""
    if text is None:
        try:
            text = pathlib.Path(source).read_text("utf-8-sig")
        except OSError as exc:
            raise CplawError(f"{source}: cannot read the file: {exc.strerror or exc}") from None
    doc = _parse(source, text)
    if not isinstance(doc, dict):
        raise ProfileError([ProfileIssue("", "a profile is a mapping of fields (format, enterprise, …)")], source)
    return doc


# ── comparing ───────────────────────────────────────────────────────────────────────────────────────────
# Each section of an assessment: the fields that name a conclusion, the predicates that derive it, and the
# argument position of each naming field in them.
KEYS = {
    "mandatory_audit": (("ground",), ("mandatory",), (0,)),
    "obligations": (("duty", "instrument", "round"), ("due", "status"), (0, 1, 2)),
    "violations": (("duty", "instrument", "round"), ("violation",), (0, 1, 2)),
    "sanctions": (("duty", "round", "provision", "measure"), ("sanction",), (0, 2, 3, 5)),
    "evaluations": (("instrument", "event"), ("grade",), (0, 1)),
    "titles": (("instrument", "title"), ("title",), (0, 1)),
}
_QUIET = {"cites"}  # compared through the conclusion's values, shown beside it


def _entry(assessment, section: str, item: dict[str, Any]) -> dict[str, Any]:
    """A conclusion's key, with the rules that derived it (the engine's provenance) and its articles."""
    fields, predicates, positions = KEYS[section]
    wanted = {p: str(item.get(f)) for f, p in zip(fields, positions)}
    everything = assessment.session.everything()
    rules = sorted({rule for predicate in predicates for rule, args in everything.get(predicate, [])
                    if all(p < len(args) and value_text(args[p]) == v for p, v in wanted.items())})
    return {"section": section, "key": {f: item.get(f) for f in fields}, "rules": rules, "cites": item["cites"]}


def compare_assessments(base, variant) -> dict[str, list[dict[str, Any]]]:
    """Gained, lost and changed conclusions between two Assessments (api.Assessment)."""
    out: dict[str, list[dict[str, Any]]] = {"gained": [], "lost": [], "changed": []}
    for section, (fields, _, _) in KEYS.items():
        old = {tuple(i.get(f) for f in fields): i for i in base.data.get(section, [])}
        new = {tuple(i.get(f) for f in fields): i for i in variant.data.get(section, [])}
        for key in old.keys() - new.keys():
            out["lost"].append({**_entry(base, section, old[key]), "value": _values(old[key])})
        for key in new.keys() - old.keys():
            out["gained"].append({**_entry(variant, section, new[key]), "value": _values(new[key])})
        for key in old.keys() & new.keys():
            before, after = _values(old[key]), _values(new[key])
            differ = sorted(f for f in before.keys() | after.keys() if before.get(f) != after.get(f))
            if differ:
                out["changed"].append({**_entry(variant, section, new[key]),
                                       "old": {f: before.get(f) for f in differ},
                                       "new": {f: after.get(f) for f in differ}})
    for items in out.values():
        items.sort(key=lambda e: (list(KEYS).index(e["section"]), repr(sorted(e["key"].items()))))
    return out


def _values(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _QUIET}


def comparison_document(base, variant, changes: list[Change], options: list[str], vs_options: list[str]) -> dict:
    """The ``cplaw.comparison/1`` document."""
    return {"format": FORMAT, "enterprise": base.data["enterprise"],
            "base": {"as_of": base.data["as_of"], "options": list(options)},
            "variant": {"as_of": variant.data["as_of"], "options": list(vs_options),
                        "changes": [c.describe() for c in changes]},
            **compare_assessments(base, variant)}
