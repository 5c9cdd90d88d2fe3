"""Scenario files: read, check and run them against a rule base (``cplaw test``, the pytest suite, coverage).

A scenario file (docs/scenarios.md; facts/schema/scenario.schema.json) holds a profile, an as-of date, the
alternative readings chosen (``options``) and the conclusions worked out by hand from the law text
(``expect``), or the error the assessment must raise (``expect_error``). Each expected item is compared with
the assessment's items on the keys it gives. This module is the one reader of the format.
"""

from __future__ import annotations

import datetime as _dt
import json
import pathlib
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .errors import CplawError, ProfileError, ProfileIssue
from .limits import read_text

if TYPE_CHECKING:
    from .api import Assessment, RuleBase

SUFFIXES = (".yaml", ".yml")
SECTIONS = ("obligations", "violations", "sanctions", "evaluations", "titles", "notes")
OPEN_SECTIONS = ("notes",)  # sections whose listed items need not be all the assessment holds
DATE_FIELDS = ("as_of", "round", "due_nominal", "due", "done", "since", "until", "law_day", "date", "from",
               "earliest", "latest")
# Note kinds the assessment adds itself (cplaw/assessment.py), besides the vocabulary's note_kind values
BUILDER_NOTE_KINDS = ("source_status", "after_as_of", "end_unknown")
# The predicate behind each section, for explanations; an expected key names a parameter of it (duty → Duty)
PREDICATES = {"mandatory_audit": "mandatory", "obligations": "status", "violations": "violation",
              "sanctions": "sanction", "notes": "note", "evaluations": "grade", "titles": "title"}
_ARTICLE = re.compile(r"^\s*(\S+)\s+art\.?\s+(\S+?)(?:\s+para\.?\s+([0-9]+))?(?:\s+item\.?\s+([0-9]+))?\s*$")


class ScenarioError(CplawError):
    """A file that is not a valid scenario: every problem, by field path."""

    def __init__(self, issues: list[ProfileIssue], source: str):
        self.issues, self.source = issues, source
        super().__init__(f"{source}: not a valid scenario file:\n" + "\n".join("  " + i.render() for i in issues))


@dataclass(frozen=True)
class Scenario:
    """One scenario file, read and checked."""

    path: pathlib.Path
    name: str  # folder/stem, e.g. national/20-double-exceed-report-late
    as_of: str
    profile: Any  # the checked Profile (cplaw.profile.Profile)
    options: tuple[str, ...] = ()
    expect: dict[str, Any] | None = None
    expect_error: str | None = None
    document: dict[str, Any] | None = None  # the profile as written, for other interfaces (JSON, HTTP)

    def profile_json(self) -> str:
        """The profile as JSON text, for the JSON and HTTP interfaces: numbers stay numbers (the reader's
        Decimals written as JSON numbers, not strings) and dates are ISO strings."""
        return json.dumps(self.document, ensure_ascii=False, default=_json_value)


@dataclass
class Problem:
    """One difference between what a scenario expects and what the assessment holds."""

    section: str
    message: str  # what differs, in one line
    expected: Any = None
    got: Any = None
    explanation: str | None = None  # the why / why-not tree, when asked for

    def render(self) -> str:
        lines = [f"{self.section}: {self.message}"]
        if self.expected is not None or self.got is not None:
            lines += [f"    expected: {'(nothing)' if self.expected is None else _show(self.expected)}",
                      f"    got:      {'(nothing)' if self.got is None else _show(self.got)}"]
        if self.explanation:
            lines += ["    " + line for line in self.explanation.splitlines()]
        return "\n".join(lines)


@dataclass
class Result:
    """A scenario's outcome: passed, failed (with its problems) or error (the file could not be run)."""

    name: str
    file: str
    outcome: str  # passed | failed | error
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    rules_fired: frozenset[str] = frozenset()

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def report(self) -> str:
        """The failure or error, as text (empty when passed)."""
        if self.outcome == "error":
            return self.error or ""
        return "\n".join(p.render() for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name, "file": self.file, "outcome": self.outcome,
                               "seconds": round(self.seconds, 4)}
        if self.error is not None:
            doc["error"] = self.error
        if self.problems:
            doc["problems"] = [{"section": p.section, "message": p.message, "expected": p.expected,
                                "got": p.got, **({"explanation": p.explanation} if p.explanation else {})}
                               for p in self.problems]
        return doc


# ── reading ─────────────────────────────────────────────────────────────────
def discover(paths: Iterable[str | pathlib.Path], allow_empty: bool = False) -> list[pathlib.Path]:
    """The scenario files named: a file as given; a folder, every *.yaml / *.yml below it (sorted); a folder
    without any is an error unless ``allow_empty``."""
    found: list[pathlib.Path] = []
    for entry in paths:
        path = pathlib.Path(entry)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            if not files and not allow_empty:
                raise CplawError(f"{path}: no scenario file (*.yaml, *.yml) in this folder")
            found += files
        elif path.exists():
            found.append(path)
        else:
            raise CplawError(f"{path}: no such file or folder")
    return found


def load(path: str | pathlib.Path, rules: RuleBase | None = None) -> Scenario:
    """Read and check a scenario file: its shape (the schema), its dates, its profile, and, given a rule base,
    the values that rule base defines. A ScenarioError lists every problem by field path."""
    from .profile import _parse, _shape_issues, _sorted, profile_from_document
    path = pathlib.Path(path)
    source = str(path)
    try:
        doc = _parse(source, read_text(path))
    except ProfileError as err:
        raise ScenarioError(err.issues, source) from None
    issues = _shape_issues(doc) or _schema_issues(doc)
    if not issues:
        issues = _date_issues(doc) + (_rule_base_issues(doc, rules) if rules is not None else [])
    profile = None
    if isinstance(doc, dict) and isinstance(doc.get("profile"), dict):
        try:
            profile = profile_from_document(doc["profile"], source)
        except ProfileError as err:
            issues += [ProfileIssue(f"profile.{i.path}" if i.path else "profile", i.message) for i in err.issues]
    if issues:
        raise ScenarioError(_sorted(issues), source)
    return Scenario(path, f"{path.parent.name}/{path.stem}", doc["as_of"], profile, tuple(doc.get("options", ())),
                    _floats(doc.get("expect")), doc.get("expect_error"), doc["profile"])


def _schema_issues(doc: Any) -> list[ProfileIssue]:
    from .profile import _explain, _validator
    issues = []
    for error in _validator("scenario.schema.json").iter_errors(doc):
        if error.validator == "oneOf" and not error.absolute_path:
            both = isinstance(doc, dict) and "expect" in doc and "expect_error" in doc
            issues.append(ProfileIssue("", "give expect (the conclusions) or expect_error (the error), "
                                           + ("not both" if both else "one of them")))
        else:
            issues += _explain(error, doc)
    return issues


def _date_issues(doc: dict[str, Any]) -> list[ProfileIssue]:
    """Dates of the right form that are not days of the calendar (2010-02-30)."""
    issues = []
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "profile" and not where:
                    continue  # the profile's own checks name its bad dates
                path = f"{where}.{key}" if where else key
                if key in DATE_FIELDS and isinstance(item, str):
                    try:
                        _dt.date.fromisoformat(item)
                    except ValueError:
                        issues.append(ProfileIssue(path, f"{item!r} is not a day of the calendar (YYYY-MM-DD)"))
                else:
                    stack.append((path, item))
        elif isinstance(value, list):
            stack += [(f"{where}[{i}]", item) for i, item in enumerate(value)]
    return issues


def _rule_base_issues(doc: dict[str, Any], rules: RuleBase) -> list[ProfileIssue]:
    """Values the rule base defines: readings chosen, duties, measures, conditions, note kinds, readings
    named in notes, instruments and articles."""
    program = rules.program
    enums = {name: enum.values for name, enum in program.enums.items()}
    readings = sorted({r.name for rule in program.rules.values() for r in rule.readings})
    accepted = {"duty": ("duty", enums.get("duty", ())), "measure": ("measure", enums.get("measure", ())),
                "condition": ("condition", enums.get("condition", ())),
                "kind": ("note kind", (*enums.get("note_kind", ()), *BUILDER_NOTE_KINDS)),
                "reading": ("reading", readings), "instrument": ("instrument", sorted(program.instruments))}
    issues = [ProfileIssue(f"options[{i}]", f"unknown reading {name!r}; readings that may be chosen: "
                                            f"{', '.join(sorted(rules.options()))}")
              for i, name in enumerate(doc.get("options", ())) if name not in rules.options()]
    expect = doc.get("expect") or {}
    for section in SECTIONS:
        for i, item in enumerate(expect.get(section) or []):
            where = f"expect.{section}[{i}]"
            for key, value in item.items():
                if key in accepted and value is not None:
                    what, values = accepted[key]
                    if value not in values:
                        issues.append(ProfileIssue(f"{where}.{key}", f"unknown {what} {value!r}; accepted values: "
                                                                     f"{', '.join(values)}"))
            for j, cite in enumerate(item.get("cites", ())):
                if problem := _article_problem(cite, program):
                    issues.append(ProfileIssue(f"{where}.cites[{j}]", problem))
            if isinstance(item.get("provision"), str) and (problem := _article_problem(item["provision"], program)):
                issues.append(ProfileIssue(f"{where}.provision", problem))
    return issues


def _json_value(value: Any) -> Any:
    """A JSON value for what ``json`` cannot write itself: a Decimal as its float (exact for the decimals a
    profile holds: float repr round-trips up to 15 significant digits), a date as its ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a profile value")


def _floats(value: Any) -> Any:
    """Decimals (as the profile reader reads numbers) as the floats an assessment holds."""
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_floats(v) for v in value]
    return float(value) if isinstance(value, Decimal) else value


# ── articles ────────────────────────────────────────────────────────────────
def parse_article(text: str, program: Any) -> Any:
    """``CN-CPPL-2012 art 39`` (or ``art. 39 para. 1 item 2``) as a Provision of a declared article."""
    from .ir import Provision
    if problem := _article_problem(text, program):
        raise CplawError(problem)
    instrument, article, paragraph, item = _ARTICLE.match(text).groups()  # type: ignore[union-attr]
    return Provision(instrument, article, int(paragraph) if paragraph else None, int(item) if item else None)


def _article_problem(text: str, program: Any) -> str | None:
    found = _ARTICLE.match(text)
    if not found:
        return f"{text!r} is not an article: write INSTRUMENT art. N (para. P, item I), e.g. CN-CPPL-2012 art. 39"
    instrument, article, paragraph, item = found.groups()
    if instrument not in program.instruments:
        return f"{text!r}: no instrument {instrument!r} in the rule base"
    keys = [key for key in program.articles if key[:2] == (instrument, article)]
    if not keys:
        return f"{text!r}: {instrument} declares no article {article}"
    if paragraph and not any(key[2] == int(paragraph) for key in keys):
        return f"{text!r}: {instrument} art. {article} declares no paragraph {paragraph}"
    if item and not any(key[3] == int(item) for key in keys):
        return f"{text!r}: {instrument} art. {article} declares no item {item}"
    return None


def _cite_labels(item: dict[str, Any]) -> set[str]:
    """How an assessment item's citations may be named: "INST art. N", and with its paragraph and item."""
    from .ir import ArticleRef
    labels = set()
    for c in item.get("cites", []):
        labels.add(f"{c['instrument']} art. {c['article']}")
        labels.add(str(ArticleRef(c["instrument"], c["article"], c.get("paragraph"), c.get("item"))))
    return labels


# ── comparing ───────────────────────────────────────────────────────────────
def _matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    for key, want in expected.items():
        if key == "cites":
            if not set(want) <= _cite_labels(actual):
                return False
        elif actual.get(key) != want:
            return False
    return True


def _view(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, Any]:
    """The actual item on the expected item's keys (its cites as labels)."""
    return {k: (sorted(_cite_labels(actual)) if k == "cites" else actual.get(k)) for k in expected}


def _differing(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    return [k for k in expected if not _matches({k: expected[k]}, actual)]


def compare(expect: dict[str, Any], doc: dict[str, Any]) -> list[Problem]:
    """Every way the assessment ``doc`` differs from what ``expect`` says."""
    problems = []
    if "mandatory_audit" in expect:
        got = sorted(g["ground"] for g in doc["mandatory_audit"])
        want = sorted(expect["mandatory_audit"] or [])
        if got != want:
            problems.append(Problem("mandatory_audit", "the grounds differ", want, got))
    for section in SECTIONS:
        if section in expect:
            complete = expect.get(f"{section}_complete", section not in OPEN_SECTIONS)
            problems += _compare_items(section, expect[section] or [], doc.get(section, []), complete)
    return problems


def _compare_items(section: str, expected: list[dict], actual: list[dict], complete: bool) -> list[Problem]:
    problems = []
    remaining = list(actual)
    for i, want in enumerate(expected):
        found = next((a for a in remaining if _matches(want, a)), None)
        if found is not None:
            remaining.remove(found)
            continue
        closest = min(remaining, key=lambda a: len(_differing(want, a)), default=None)
        if closest is not None and len(_differing(want, closest)) < len(want):
            remaining.remove(closest)  # reported here as what was got instead, not again as unexpected
            problems.append(Problem(f"{section}[{i}]", f"not found; the closest item differs in "
                                                      f"{', '.join(_differing(want, closest))}", want,
                                    _view(want, closest)))
        else:
            problems.append(Problem(f"{section}[{i}]", "not found; nothing like it was derived", want,
                                    [_view(want, a) for a in remaining]))
    if complete:
        for item in remaining:
            shown = {k: v for k, v in item.items() if k not in ("cites", "text", "rules")}
            problems.append(Problem(section, "derived but not expected (the section is complete unless "
                                             f"{section}_complete: false)", None, shown))
    return problems


# ── running ─────────────────────────────────────────────────────────────────
def run(rules: RuleBase, paths: Iterable[pathlib.Path], jobs: int = 1, engine: str | None = None,
        explain: str | None = None, detail: str = "brief") -> Iterator[Result]:
    """Each scenario file's Result, in order; ``explain``: a language (en, zh) to explain each failing
    conclusion in (why / why-not, cplaw.explain.text). Assessments run through ``RuleBase.assess_many``
    (``jobs`` processes); a file that is not a valid scenario is an ``error`` result, the others still run."""
    from .batch import BatchItem
    loaded: list[Scenario | Result] = []
    for path in paths:
        try:
            loaded.append(load(path, rules))
        except CplawError as err:
            loaded.append(Result(f"{path.parent.name}/{path.stem}", str(path), "error", error=str(err)))
    items = [BatchItem(str(i), s.profile, as_of=s.as_of, options=s.options, missing=False)  # never compared
             for i, s in enumerate(loaded) if isinstance(s, Scenario)]
    results = rules.assess_many(items, jobs=jobs, engine=engine) if items else iter(())
    start = time.perf_counter()
    for entry in loaded:
        if isinstance(entry, Result):
            yield entry
            continue
        _, outcome = next(results)
        result = _result(rules, entry, outcome, engine, explain, detail)
        result.seconds, start = time.perf_counter() - start, time.perf_counter()
        yield result


def check(rules: RuleBase, path: pathlib.Path, explain: str | None = None) -> Result:
    """One scenario file's Result, assessed in this process."""
    return next(run(rules, [path], explain=explain))


def _result(rules: RuleBase, scenario: Scenario, outcome: Assessment | CplawError, engine: str | None,
            explain: str | None, detail: str) -> Result:
    result = Result(scenario.name, str(scenario.path), "passed")
    if isinstance(outcome, CplawError):
        if scenario.expect_error is None or not re.search(scenario.expect_error, str(outcome)):
            if scenario.expect_error is None:
                result.outcome, result.error = "error", f"{scenario.path}: {outcome}"
            else:
                result.outcome = "failed"
                result.problems.append(Problem("expect_error", "the error differs", scenario.expect_error,
                                               str(outcome)))
        return result
    from .batch import DetachedAssessment
    result.rules_fired = frozenset(outcome.rules_fired if isinstance(outcome, DetachedAssessment)
                                   else outcome.session.rules_that_fired())
    if scenario.expect_error is not None:
        result.outcome = "failed"
        result.problems.append(Problem("expect_error", "an error was expected; the assessment succeeded",
                                       scenario.expect_error, None))
        return result
    result.problems = compare(scenario.expect or {}, outcome.data)
    if result.problems:
        result.outcome = "failed"
        if explain:
            if isinstance(outcome, DetachedAssessment):  # assessed in a worker: explain it here
                outcome = rules.assess(scenario.profile, scenario.as_of, scenario.options, engine=engine,
                                       missing=False)
            for problem in result.problems:
                problem.explanation = _explanation(outcome, problem, explain, detail)
    return result


def _explanation(assessment: Assessment, problem: Problem, lang: str, detail: str) -> str | None:
    """Why the conclusion that was got holds, and why the one expected does not (a derivation each)."""
    from .explain.text import to_text
    section = problem.section.split("[")[0]
    predicate = PREDICATES.get(section)
    if predicate is None:
        return None
    program = assessment.session.program
    texts = []
    if section == "mandatory_audit":
        queries = [(f"mandatory({g})", g in problem.got) for g in sorted(set(problem.expected) ^ set(problem.got))]
    else:  # a reading's or a source's note comes from the rules taken, not from a `note` fact
        queries = [(_query(program, predicate, item), holds)
                   for item, holds in ((problem.expected, False), (problem.got, True)) if isinstance(item, dict)
                   and not (section == "notes" and (item.get("reading") or item.get("kind") in BUILDER_NOTE_KINDS))]
    for query, holds in dict.fromkeys(queries):
        graph = assessment.explain(query) if holds else assessment.why_not(query)
        if holds or graph.graph.get("holds") is not True:
            texts.append(to_text(graph, lang, detail))
    return "\n".join(texts) or None


def _query(program: Any, predicate: str, item: dict[str, Any]) -> str:
    """The atom an item names: its values in the predicate's enum- and date-typed parameters, ``_`` elsewhere."""
    args = []
    for param in program.predicates[predicate].params:
        value = item.get(param.name.lower())
        enum = program.enums.get(param.type)
        fits = (enum is not None and value in enum.values) or (
            param.type == "date" and isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value))
        args.append(str(value) if fits else "_")
    while args and args[-1] == "_":
        args.pop()
    return f"{predicate}({', '.join(args)})" if args else predicate


def summary(results: list[Result]) -> str:
    passed = sum(r.passed for r in results)
    return f"{passed} passed, {len(results) - passed} failed"


def _show(value: Any) -> str:
    """A value as a flow-style line, as it is written in a scenario file."""
    import json
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str) and re.fullmatch(r"[\w.\-]+", value):
        return value
    return json.dumps(value, ensure_ascii=False)
