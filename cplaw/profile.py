"""Load and check an enterprise profile (``cplaw.profile/1``): YAML or JSON in, frozen dataclasses out.

Every problem is reported at once, as a :class:`~cplaw.errors.ProfileIssue` naming its field path
(``events[3].date``), inside one :class:`~cplaw.errors.ProfileError`.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import pathlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from cplaw import limits
from cplaw.errors import ProfileError, ProfileIssue

if TYPE_CHECKING:  # jsonschema loads when the first profile is checked
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = [
    "Emission", "Energy", "Enterprise", "Event", "Profile", "Substance", "Total",
    "assessment_schema", "load_profile", "profile_schema", "validate_assessment",
]

FORMAT = "cplaw.profile/1"
CATALOG_ALIASES = {"剧毒化学品名录": "剧毒化学品目录"}  # the contract: two spellings of one catalogue
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# ---------------------------------------------------------------------------------------------- result types

@dataclass(frozen=True)
class Enterprise:
    """The enterprise's particulars; ``province`` is the GB/T 2260 two-digit code."""

    id: str
    name: str | None
    province: str
    province_name: str
    city: str | None
    industries: tuple[str, ...]
    size: str | None
    monitoring: str | None
    central: bool = False
    nuclear_facility: bool = False


@dataclass(frozen=True)
class Emission:
    """A concentration measured against the applicable emission standard."""

    path: str
    pollutant: str
    value: Decimal
    limit: Decimal
    unit: str | None
    date: datetime.date | None


@dataclass(frozen=True)
class Total:
    """An annual total against the approved total quota."""

    path: str
    pollutant: str
    year: int
    value: Decimal
    quota: Decimal
    unit: str | None
    key_pollutant: bool = True  # 重点污染物 (the 2012 Law's quota trigger reaches only these)


@dataclass(frozen=True)
class Energy:
    """Unit-product energy use against the consumption-limit standard."""

    path: str
    product: str
    year: int
    value: Decimal
    limit: Decimal
    unit: str | None


@dataclass(frozen=True)
class Substance:
    """A raw material used or a substance emitted, with the catalogues that list it."""

    path: str
    name: str
    use: str
    catalogs: tuple[str, ...]
    hazards: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    """Something that happened on ``date``; the other fields belong to particular event types."""

    path: str
    type: str
    date: datetime.date
    ground: str | None = None
    list: str | None = None
    level: str | None = None
    media: str | None = None
    to: tuple[str, ...] = ()
    result: str | None = None
    score: Decimal | None = None
    deadline: datetime.date | None = None
    duty: str | None = None
    authority: str | None = None


@dataclass(frozen=True)
class Profile:
    """A checked ``cplaw.profile/1`` document."""

    source: str
    enterprise: Enterprise
    emissions: tuple[Emission, ...]
    totals: tuple[Total, ...]
    energy: tuple[Energy, ...]
    substances: tuple[Substance, ...]
    events: tuple[Event, ...]


# ---------------------------------------------------------------------------------------------- package data

@functools.cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads(resources.files("cplaw.facts").joinpath("schema").joinpath(name).read_text("utf-8"))


def profile_schema() -> dict[str, Any]:
    """The JSON Schema of ``cplaw.profile/1`` (a fresh copy)."""
    return copy.deepcopy(_schema("profile.schema.json"))


def assessment_schema() -> dict[str, Any]:
    """The JSON Schema of ``cplaw.assessment/1`` (a fresh copy)."""
    return copy.deepcopy(_schema("assessment.schema.json"))


@functools.cache
def _end_anchored(pattern: str) -> re.Pattern[str]:
    """``pattern`` with a final ``$`` read as end of text: ``$`` also matches before a last newline,
    which let ``"2011-02-30\\n"`` pass as a date."""
    return re.compile(re.sub(r"(?<!\\)\$$", r"\\Z", pattern))


def _strict_pattern(validator: Any, pattern: str, instance: object, schema: dict[str, Any]) -> Any:
    from jsonschema.exceptions import ValidationError
    if validator.is_type(instance, "string") and not _end_anchored(pattern).search(instance):  # type: ignore[arg-type]
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    """The schema's validator (a pattern's ``$`` is the end of text), built once per process."""
    from jsonschema import Draft202012Validator, validators
    return validators.extend(Draft202012Validator, {"pattern": _strict_pattern})(_schema(name))


def _package_yaml(name: str) -> Any:
    """A YAML table shipped in cplaw.facts, read with libyaml where PyYAML has it (several times faster)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(resources.files("cplaw.facts").joinpath(name).read_text("utf-8"), loader)


@functools.cache
def _provinces() -> tuple[tuple[str, str, str], ...]:
    """(code, full name, short name) of the 31 provincial-level divisions, from facts/provinces.yaml."""
    rows = _package_yaml("provinces.yaml")
    return tuple((str(r["code"]), r["name"], r["short"]) for r in rows)


def _province(text: str) -> tuple[str, str] | None:
    """(code, full name) for a code, full name or short name; None when unknown."""
    for code, full, short in _provinces():
        if text in (code, full, short):
            return code, full
    return None


@functools.lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[str, ...]]:
    """Province code → its city names (facts/cities.yaml)."""
    doc = _package_yaml("cities.yaml")
    return {str(code): tuple(names) for code, names in doc.items()}


_CITY_SUFFIX = re.compile(r"(市|地区|盟)$")
_MUNICIPALITIES = ("11", "12", "31", "50")  # 北京, 天津, 上海, 重庆: the municipality itself is a city too


def _known_city(province_code: str, city: str) -> bool:
    """A city of the province, by its full name or without its 市/地区/盟 suffix."""
    names = _cities().get(province_code, ())
    return city in names or any(_CITY_SUFFIX.sub("", n) == city for n in names)


def _unknown_city(province_code: str, province_name: str, city: str) -> str:
    names = ", ".join(_CITY_SUFFIX.sub("", n) for n in _cities().get(province_code, ()))
    if province_code in _MUNICIPALITIES:
        names = f"{province_name[:-1]}, {names}"
    return f"unknown city {_show(city)} in {province_name}; accepted: {names} (the 市/地区/盟 suffix may be given)"


def _unknown_province(text: object) -> str:
    names = ", ".join(short for _, _, short in _provinces())
    return (f"unknown province {_show(text)}; accepted: {names} "
            "(or the full name, e.g. 广东省, or the GB/T 2260 code as a string, e.g. \"44\")")


# ---------------------------------------------------------------------------------------------- parsing

class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, reads floats as Decimal, rejects duplicate keys and aliases
    (a profile needs none; they make alias bombs and cycles) and nests no deeper than limits.MAX_DEPTH."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"an alias (*{event.anchor}) is not allowed in a profile: write the value out",
                event.start_mark)
        self._depth += 1
        try:
            if self._depth > limits.MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than the limit of {limits.MAX_DEPTH} levels "
                                "(cplaw.limits.MAX_DEPTH)", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _yaml_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a finite decimal number", node.start_mark)
    return number


def _yaml_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if len(text.replace("_", "").lstrip("+-")) > limits.MAX_INT_DIGITS + 2:  # room for a 0x/0b/0o prefix
        raise yaml.constructor.ConstructorError(
            None, None, f"an integer longer than the limit of {limits.MAX_INT_DIGITS} digits "
                        "(cplaw.limits.MAX_INT_DIGITS)", node.start_mark)
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not an integer", node.start_mark) from None


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:float", _yaml_decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > limits.MAX_INT_DIGITS:
        raise ValueError(f"an integer longer than the limit of {limits.MAX_INT_DIGITS} digits "
                         "(cplaw.limits.MAX_INT_DIGITS)")
    return int(text)


def _parse(name: str, text: str, as_json: bool = False) -> Any:
    """The document in ``text``: JSON when ``name`` ends .json (or ``as_json``), else YAML."""
    if as_json or name.lower().endswith(".json"):
        try:
            return json.loads(text, parse_float=Decimal, parse_int=_json_int, object_pairs_hook=_json_pairs,
                              parse_constant=_json_constant)
        except RecursionError:
            raise ProfileError([ProfileIssue("", f"nested deeper than the limit of {limits.MAX_DEPTH} levels "
                                                 "(cplaw.limits.MAX_DEPTH)")], name) from None
        except json.JSONDecodeError as exc:
            raise ProfileError([ProfileIssue("", f"line {exc.lineno}, column {exc.colno}: {exc.msg}")], name) from None
        except ValueError as exc:
            raise ProfileError([ProfileIssue("", str(exc))], name) from None
    try:
        return yaml.load(text, _Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        if exc.context:
            what += f" ({exc.context})"
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ProfileError([ProfileIssue("", where + what)], name) from None
    except yaml.YAMLError as exc:
        raise ProfileError([ProfileIssue("", f"invalid YAML: {exc}")], name) from None


# ---------------------------------------------------------------------------------------------- messages

def _path(parts: list[Any]) -> str:
    """``events[3].date`` from ``["events", 3, "date"]``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) and not isinstance(part, bool) else (
            f".{part}" if out else str(part))
    return out


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _describe(value: object) -> str:
    """How a wrong value is named in a message: ``string "abc"``, ``integer 44``, ``a list``."""
    if value is None:
        return "an empty value (null)"
    if isinstance(value, bool):
        return f"boolean {_show(value)}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, (Decimal, float)):
        return f"number {value}"
    if isinstance(value, str):
        return f"string {_show(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _allowed_fields(schema: dict[str, Any], instance: object) -> list[str]:
    """Fields ``schema`` allows on ``instance``: its properties less those an applicable if/then forbids."""
    from jsonschema import Draft202012Validator
    allowed = list(schema.get("properties", {}))
    for rule in schema.get("allOf", []):
        if "if" in rule and Draft202012Validator(rule["if"]).is_valid(instance):
            banned = {k for k, v in rule.get("then", {}).get("properties", {}).items() if v == {"not": {}}}
            allowed = [k for k in allowed if k not in banned]
    return allowed


def _pattern_message(error: ValidationError) -> str:
    pattern, value = error.validator_value, error.instance
    defs = _schema("profile.schema.json")["$defs"]
    if pattern == defs["date"]["pattern"]:
        return f"bad date format {_show(value)}; write dates as YYYY-MM-DD, e.g. 2009-03-15"
    if pattern == defs["province"]["pattern"]:
        return _unknown_province(value)
    if pattern == defs["industry_code"]["pattern"]:
        return f"{_show(value)} is not a GB/T 4754 industry class code (four digits, as a string)"
    what = error.schema.get("description", f"the pattern {pattern}")
    return f"{_show(value)} does not have the expected form: {what}"


_TYPE_NAMES = {"array": "list", "object": "mapping"}


def _type_message(expected: list[str], error: ValidationError) -> str:
    value = error.instance
    expected = [_TYPE_NAMES.get(t, t) for t in expected]
    if error.schema.get("pattern") == _schema("profile.schema.json")["$defs"]["date"]["pattern"]:
        return f"expected a date written YYYY-MM-DD, got {_describe(value)}"
    message = f"expected {' or '.join(expected)}, got {_describe(value)}"
    if "string" in expected and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        message += " (write it in quotes)"
    return message


def _explain(error: ValidationError, root: object) -> list[ProfileIssue]:
    """Plain-English issues for one schema error."""
    parts, value, keyword, arg = list(error.absolute_path), error.instance, error.validator, error.validator_value
    where = _path(parts)
    if keyword in ("oneOf", "anyOf"):
        from jsonschema.exceptions import best_match
        best = best_match([error])
        if best is not error:
            return _explain(best, root)
        expected = [c.validator_value for c in error.context if c.validator == "type" and not c.path]
        names = [t for e in expected for t in ([e] if isinstance(e, str) else e)]
        return [ProfileIssue(where, _type_message(list(dict.fromkeys(names)), error))]
    if keyword == "additionalProperties":
        allowed = _allowed_fields(error.schema, value)
        return [ProfileIssue(_path([*parts, str(k)]),
                             f"unknown field {_show(str(k))}; allowed fields: {', '.join(allowed)}")
                for k in value if k not in error.schema.get("properties", {})]
    if keyword == "required":
        why = ""
        if "then" in error.relative_schema_path and isinstance(value, dict) and "type" in value:
            why = f" (an event of type {_show(value['type'])} needs it)"
        return [ProfileIssue(_path([*parts, k]), f"missing required field {_show(k)}{why}")
                for k in arg if k not in value]
    if keyword == "not" and arg == {} and parts:
        parent = root
        for part in parts[:-1]:
            parent = parent[part]
        kind = parent.get("type") if isinstance(parent, dict) else None
        allowed = _allowed_fields(_schema("profile.schema.json")["$defs"]["event"], parent)
        return [ProfileIssue(where, f"field {_show(parts[-1])} does not belong to an event of type {_show(kind)}; "
                                    f"its fields: {', '.join(allowed)}")]
    if keyword == "type":
        return [ProfileIssue(where, _type_message([arg] if isinstance(arg, str) else list(arg), error))]
    if keyword == "enum":
        return [ProfileIssue(where, f"unknown value {_show(value)}; accepted values: {', '.join(map(str, arg))}")]
    if keyword == "const":
        return [ProfileIssue(where, f"expected {_show(arg)}, got {_describe(value)}")]
    if keyword == "pattern":
        return [ProfileIssue(where, _pattern_message(error))]
    if keyword in ("minLength", "minItems"):
        return [ProfileIssue(where, "must not be empty")]
    if keyword == "minimum":
        return [ProfileIssue(where, f"must be at least {arg}, got {value}")]
    return [ProfileIssue(where, error.message)]


def _sorted(issues: list[ProfileIssue]) -> list[ProfileIssue]:
    """Unique issues, in path order (``events[2]`` before ``events[10]``)."""
    def key(issue: ProfileIssue) -> str:
        return re.sub(r"\[(\d+)\]", lambda m: f"[{int(m[1]):09d}]", issue.path)
    return sorted(dict.fromkeys(issues), key=key)


def _schema_issues(name: str, doc: object) -> list[ProfileIssue]:
    return [issue for error in _validator(name).iter_errors(doc) for issue in _explain(error, doc)]


# ---------------------------------------------------------------------------------------------- checking

def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None


def _value_issues(doc: dict[str, Any]) -> list[ProfileIssue]:
    """Checks past the schema: calendar dates and a known province (on whatever is well-shaped)."""
    issues = []
    for section, fields in (("emissions", ("date",)), ("events", ("date", "deadline"))):
        items = doc.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            for field in fields:
                text = item.get(field) if isinstance(item, dict) else None
                if not (isinstance(text, str) and _DATE.fullmatch(text)):
                    continue
                day = _date(text)
                if day is None:
                    issues.append(ProfileIssue(f"{section}[{i}].{field}", f"{text} is not a calendar date"))
                elif not limits.EARLIEST_DATE <= day <= limits.LATEST_DATE:
                    issues.append(ProfileIssue(f"{section}[{i}].{field}", _out_of_range(text)))
    for section in ("totals", "energy"):
        items = doc.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            year = item.get("year") if isinstance(item, dict) else None
            if (isinstance(year, int) and not isinstance(year, bool)
                    and not limits.EARLIEST_DATE.year <= year <= limits.LATEST_DATE.year):
                issues.append(ProfileIssue(f"{section}[{i}].year", _out_of_range(str(year))))
    enterprise = doc.get("enterprise")
    province = enterprise.get("province") if isinstance(enterprise, dict) else None
    if isinstance(province, str) and _province(province) is None:
        issues.append(ProfileIssue("enterprise.province", _unknown_province(province)))
    city = enterprise.get("city") if isinstance(enterprise, dict) else None
    known = _province(province) if isinstance(province, str) else None
    municipality = known is not None and known[0] in _MUNICIPALITIES and city in (known[1], known[1][:-1])
    if isinstance(city, str) and known is not None and not municipality and not _known_city(known[0], city):
        issues.append(ProfileIssue("enterprise.city", _unknown_city(known[0], known[1], city)))
    return issues


def _out_of_range(text: str) -> str:
    return (f"{text} is outside the dates cplaw handles ({limits.EARLIEST_DATE.isoformat()} to "
            f"{limits.LATEST_DATE.isoformat()}, cplaw.limits)")


def _num(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _build(doc: dict[str, Any], source: str) -> Profile:
    """The dataclasses of a document that passed every check."""
    e = doc["enterprise"]
    code, full = _province(e["province"])  # type: ignore[misc]  # checked in _value_issues
    industry = e.get("industry", ())
    enterprise = Enterprise(
        id=e["id"], name=e.get("name"), province=code, province_name=full, city=e.get("city"),
        industries=(industry,) if isinstance(industry, str) else tuple(industry), size=e.get("size"),
        monitoring=e.get("monitoring"), central=e.get("central", False),
        nuclear_facility=e.get("nuclear_facility", False))

    def items(section: str) -> list[tuple[str, dict[str, Any]]]:
        return [(f"{section}[{i}]", item) for i, item in enumerate(doc.get(section, []))]

    def day(text: str | None) -> datetime.date | None:
        return None if text is None else _date(text)

    return Profile(
        source=source,
        enterprise=enterprise,
        emissions=tuple(Emission(p, x["pollutant"], _num(x["value"]), _num(x["limit"]), x.get("unit"),
                                 day(x.get("date"))) for p, x in items("emissions")),
        totals=tuple(Total(p, x["pollutant"], x["year"], _num(x["value"]), _num(x["quota"]), x.get("unit"),
                           x.get("key_pollutant", True))
                     for p, x in items("totals")),
        energy=tuple(Energy(p, x["product"], x["year"], _num(x["value"]), _num(x["limit"]), x.get("unit"))
                     for p, x in items("energy")),
        substances=tuple(Substance(p, x["name"], x["use"],
                                   tuple(dict.fromkeys(CATALOG_ALIASES.get(c, c) for c in x.get("catalogs", []))),
                                   tuple(x.get("hazards", []))) for p, x in items("substances")),
        events=tuple(Event(p, x["type"], day(x["date"]), ground=x.get("ground"),  # type: ignore[arg-type]
                           list=x.get("list"), level=x.get("level"), media=x.get("media"),
                           to=tuple(x.get("to", ())), result=x.get("result"),
                           score=None if x.get("score") is None else _num(x["score"]),
                           deadline=day(x.get("deadline")), duty=x.get("duty"), authority=x.get("authority"))
                     for p, x in items("events")),
    )


def load_profile(source: str | pathlib.Path, *, text: str | None = None, as_json: bool = False) -> Profile:
    """Read, check and convert a profile; raise one ProfileError listing every problem.

    ``source`` is the file to read, or, when ``text`` is given, only the name used in messages. A name
    ending ``.json`` (or any, with ``as_json``) is read as JSON, anything else as YAML.
    """
    name = str(source)
    if text is None:
        text = limits.read_text(source)  # InputFileError / LimitError: no such file, a folder, too large…
    elif len(text) > limits.MAX_FILE_BYTES:
        raise ProfileError([ProfileIssue("", f"the text is longer than the limit of {limits.MAX_FILE_BYTES:,} "
                                             "characters (cplaw.limits.MAX_FILE_BYTES)")], name)
    return profile_from_document(_parse(name, text, as_json), name)


def profile_from_document(doc: Any, source: str = "<document>") -> Profile:
    """Check and convert an already-parsed profile (a dict, as an API caller builds it).

    Python floats are taken by their shortest repr (``0.1`` → ``Decimal("0.1")``) and ``datetime.date``
    values are accepted for dates.
    """
    name = source
    if issues := _shape_issues(doc):
        raise ProfileError(issues, name)
    doc = _plain(doc)
    if doc is None:
        raise ProfileError([ProfileIssue("", "the profile is empty")], name)
    issues = _schema_issues("profile.schema.json", doc)
    if isinstance(doc, dict):
        issues += _value_issues(doc)
    if issues:
        raise ProfileError(_sorted(issues), name)
    profile = _build(doc, name)
    from .event_order import order_issues  # checks the built events; imports Event from here
    if issues := order_issues(profile.events):
        raise ProfileError(_sorted(issues), name)
    return profile


_SURROGATE = re.compile("[\ud800-\udfff]")


def _shape_issues(doc: Any) -> list[ProfileIssue]:
    """Problems no schema check should meet: nesting, list and string sizes past cplaw.limits, lone
    surrogates, NaN and infinities, numbers too large to mean anything. Walked without recursion; the
    first problem found is reported (past it the document may be arbitrarily large)."""
    stack: list[tuple[list[Any], Any]] = [([], doc)]
    while stack:
        parts, value = stack.pop()
        if problem := _value_problem(value, len(parts)):
            return [ProfileIssue(_path(parts), problem)]
        if parts == ["events"] and isinstance(value, (list, tuple)) and len(value) > limits.MAX_EVENTS:
            return [ProfileIssue("events", f"{len(value):,} events, more than the limit of {limits.MAX_EVENTS:,} "
                                           "(cplaw.limits.MAX_EVENTS)")]
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and (problem := _value_problem(key, 0)):
                    return [ProfileIssue(_path([*parts, key[:40]]), f"field name: {problem}")]
                stack.append(([*parts, key if isinstance(key, str) else str(key)], item))
        elif isinstance(value, (list, tuple)):
            stack.extend(([*parts, i], item) for i, item in enumerate(value))
    return []


def _value_problem(value: Any, depth: int) -> str | None:
    """Why one value is beyond what a profile may hold, or None."""
    if isinstance(value, (dict, list, tuple)):
        if depth >= limits.MAX_DEPTH:
            return f"nested deeper than the limit of {limits.MAX_DEPTH} levels (cplaw.limits.MAX_DEPTH)"
        if len(value) > limits.MAX_ITEMS:
            return (f"{len(value):,} entries, more than the limit of {limits.MAX_ITEMS:,} "
                    "(cplaw.limits.MAX_ITEMS)")
    elif isinstance(value, str):
        if len(value) > limits.MAX_STRING:
            return (f"a text of {len(value):,} characters, longer than the limit of {limits.MAX_STRING:,} "
                    "(cplaw.limits.MAX_STRING)")
        if _SURROGATE.search(value):
            return "not valid Unicode text (it holds a lone surrogate such as \\ud800)"
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int):
        if value.bit_length() > limits.MAX_INT_DIGITS * 10 // 3 + 1:
            return (f"an integer longer than the limit of {limits.MAX_INT_DIGITS} digits "
                    "(cplaw.limits.MAX_INT_DIGITS)")
    elif isinstance(value, (float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite():
            return f"{value} is not a finite number"
        if number and not -limits.MAX_NUMBER_EXPONENT <= number.adjusted() < limits.MAX_NUMBER_EXPONENT:
            return (f"the number {value} is beyond the limit of 10^±{limits.MAX_NUMBER_EXPONENT} "
                    "(cplaw.limits.MAX_NUMBER_EXPONENT)")
        if len(number.as_tuple().digits) > 2 * limits.MAX_NUMBER_EXPONENT:
            return (f"a number of more than {2 * limits.MAX_NUMBER_EXPONENT} digits "
                    "(cplaw.limits.MAX_NUMBER_EXPONENT)")
    return None


def _plain(value: Any) -> Any:
    """Dates to ISO strings and floats to exact decimals, recursively."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def validate_assessment(doc: dict[str, Any]) -> list[str]:
    """Messages (``path: what is wrong``) for each way ``doc`` breaks ``cplaw.assessment/1``; empty if valid."""
    return [issue.render() for issue in _sorted(_schema_issues("assessment.schema.json", doc))]
