"""The profile form: its fields built from the profile contract (facts/schema/profile.schema.json), a posted
form read back into a profile document, and a document spread into the form's values.

Field names are the contract's field paths (``enterprise.city``, ``events[2].date``), so an error of
cplaw.profile (ProfileIssue.path) is shown beside the field it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ..profile import profile_schema

SECTIONS = ("emissions", "totals", "energy", "substances", "events")  # the lists, in the contract's order
_NAME = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?\.([a-z_]+)$")
# the labels.yaml enum section that words each enum field's values
ENUM_LABELS = {"size": "enums.size", "monitoring": "enums.level", "use": "enums.use", "hazards": "enums.hazard",
               "type": "enums.event_type", "ground": "web.ground", "level": "enums.level", "to": "web.to",
               "result": "enums.outcome", "central": "web.yes_no", "nuclear_facility": "web.yes_no"}


@dataclass(frozen=True)
class Field:
    """One input: its name in the contract, its kind (text, number, integer, date, select, checks, industry),
    the values a select or checks offers, and whether the contract requires it."""

    name: str
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = False


def _field(name: str, node: dict[str, Any], defs: dict[str, Any], required: bool) -> Field:
    if "$ref" in node:
        ref = node["$ref"].rsplit("/", 1)[1]
        if ref == "date":
            return Field(name, "date", required=required)
        node = defs[ref]
    if "oneOf" in node:  # the industry: one code or several
        return Field(name, "industry", required=required)
    if "enum" in node:
        return Field(name, "select", tuple(node["enum"]), required)
    if node.get("type") == "boolean":
        return Field(name, "select", ("true", "false"), required)
    if node.get("type") == "array":
        return Field(name, "checks", tuple(node["items"]["enum"]), required)
    return Field(name, {"number": "number", "integer": "integer"}.get(node.get("type", ""), "text"), required=required)


@lru_cache(maxsize=1)
def fields() -> dict[str, tuple[Field, ...]]:
    """The fields of the enterprise and of one item of each list, in the contract's order."""
    schema = profile_schema()
    defs = schema["$defs"]
    out = {}
    for section in ("enterprise", *SECTIONS):
        node = schema["properties"][section]
        node = defs[node.get("items", node)["$ref"].rsplit("/", 1)[1]]
        need = set(node.get("required", ()))
        out[section] = tuple(_field(n, sub, defs, n in need) for n, sub in node["properties"].items())
    return out


def _value(field: Field, values: list[str]) -> Any:
    """A form value read by the field's kind; a value that does not read stays text, so that the profile's
    check names it at its path."""
    text = values[0].strip() if values else ""
    if field.kind == "checks":
        return [v for v in values if v]
    if field.kind == "industry":
        codes = [c for c in re.split(r"[\s,，、]+", text) if c]
        return codes[0] if len(codes) == 1 else codes
    if field.kind == "select" and field.choices == ("true", "false"):
        return {"true": True, "false": False}.get(text, text)
    if field.kind in ("number", "integer"):  # decimals, as the profile reads numbers (1e999 stays 1E+999)
        try:
            return int(text) if field.kind == "integer" else Decimal(text)
        except (ValueError, ArithmeticError):
            pass
    return text


def document(form: Any) -> dict[str, Any]:
    """The profile document a posted form (a multi-dict: ``getlist``) describes; rows left blank are dropped."""
    kinds = {section: {f.name: f for f in fs} for section, fs in fields().items()}
    doc: dict[str, Any] = {"format": "cplaw.profile/1", "enterprise": {}}
    rows: dict[str, dict[int, dict[str, Any]]] = {s: {} for s in SECTIONS}
    for name in dict.fromkeys(form.keys()):
        match = _NAME.match(name)
        if not match or match[1] not in kinds or match[3] not in kinds[match[1]]:
            continue
        section, index, key = match[1], match[2], match[3]
        if (section == "enterprise") != (index is None):
            continue
        value = _value(kinds[section][key], form.getlist(name))
        if value in ("", []):
            continue
        if index is None:
            doc["enterprise"][key] = value
        else:
            rows[section].setdefault(int(index), {})[key] = value
    for section in SECTIONS:
        if rows[section]:
            doc[section] = [rows[section][i] for i in sorted(rows[section])]
    return doc


def values(doc: dict[str, Any]) -> dict[str, Any]:
    """The form's values for a profile document: field path → text, or a list of texts for checks."""
    out: dict[str, Any] = {}

    def shown(value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return [str(v) for v in value]
        return "" if value is None else str(value)
    enterprise = doc.get("enterprise")
    for key, value in (enterprise.items() if isinstance(enterprise, dict) else ()):
        out[f"enterprise.{key}"] = ", ".join(map(str, value)) if key == "industry" and isinstance(value, list) \
            else shown(value)
    for section in SECTIONS:
        items = doc.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            for key, value in (item.items() if isinstance(item, dict) else ()):
                out[f"{section}[{i}].{key}"] = shown(value)
    return out


def row_count(doc: dict[str, Any], section: str) -> int:
    """How many rows a list shows: its items and one blank row to add another."""
    items = doc.get(section)
    return (len(items) if isinstance(items, list) else 0) + 1


def field_at(path: str) -> Field | None:
    """The form field a contract path names (``substances[0].hazards``), or None."""
    match = _NAME.match(path)
    if not match or match[1] not in fields():
        return None
    return next((f for f in fields()[match[1]] if f.name == match[3]), None)


def read_value(path: str, values: list[str]) -> Any:
    """A value posted for the field at ``path``, read by its kind."""
    field = field_at(path)
    return _value(field, values) if field else (values[0].strip() if values else "")
