"""Impact of a rule change: assess a corpus under two rule bases and say which conclusions change, and why.

The two rule bases are diffed as programs (cplaw.ir): rules by id (their clauses, citations, readings, guards),
articles by reference (their words), instruments by id (their dates). Every profile of the corpus (scenario
files with their own date and readings; plain profiles at one date) is assessed under both; the conclusions are
compared as ``what-if`` compares them (cplaw.compare.compare_assessments). The cause of each change is read off
the derivations: the edited rules and articles that appear in the old or the new derivation of that conclusion
(a rule that derived a step, an article a step cites), and the edited rules that could derive a fact whose
absence the derivation relies on. Edited rules and articles that no profile reaches are listed apart.

A rule base that fails its checks on either side is reported with its diagnostics; nothing is evaluated.
"""

from __future__ import annotations

import datetime as _dt
import pathlib
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import ir
from .api import Assessment, RuleBase, parse_as_of
from .compare import KEYS, compare_assessments
from .compiler import files_at, vocabulary_files
from .errors import CplawError, RuleError
from .explain.graph import Explainer, value_text
from .limits import read_text
from .profile import Profile, load_profile

FORMAT = "cplaw.impact/1"
CORPUS_SUFFIXES = (".yaml", ".yml", ".json")


# ── loading both sides ──────────────────────────────────────────────────────────────────────────────────
def git_rule_files(revision: str, root: pathlib.Path) -> list[tuple[str, str]]:
    """The packaged rule base (facts/vocabulary.cplaw and cplaw/rules/**/*.cplaw) as it was at a git revision
    of the checkout at ``root``: read with ``git ls-tree`` and ``git show``, nothing run from it."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise CplawError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
        return done.stdout
    if not revision or revision.startswith("-"):
        raise CplawError(f"--base {revision!r}: not a git revision")
    try:
        commit = git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
    except CplawError:
        raise CplawError(f"--base {revision}: not a commit of the git checkout at {root}") from None
    paths = sorted(p for p in git("ls-tree", "-r", "--full-tree", "--name-only", commit, "--", "cplaw/rules")
                   .splitlines()
                   if p.endswith(".cplaw"))
    if not paths:
        raise CplawError(f"{revision}: no rule files under cplaw/rules at that revision")
    return [(f"{revision}:{p}", git("show", f"{commit}:{p}"))
            for p in ["facts/vocabulary.cplaw", *paths]]


def checkout_root(start: pathlib.Path | None = None) -> pathlib.Path:
    """The git checkout holding the current directory (``--base`` reads its history). Not the package's own
    folder: an installed cplaw lives in site-packages, which may sit inside some other repository."""
    where = start or pathlib.Path.cwd()
    done = subprocess.run(["git", "-C", str(where), "rev-parse", "--show-toplevel"],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise CplawError(f"--base needs a git checkout of cplaw; {where} is not inside one")
    return pathlib.Path(done.stdout.strip())


def load_sides(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> tuple[RuleBase, RuleBase]:
    """Both rule bases, or one RuleError holding the diagnostics of whichever side failed its checks."""
    loaded: list[RuleBase] = []
    diagnostics = []
    for files in (before, after):
        try:
            loaded.append(RuleBase._compiled(files))
        except RuleError as err:
            diagnostics += err.diagnostics
    if diagnostics:
        raise RuleError(diagnostics)
    return loaded[0], loaded[1]


def folder_files(path: str) -> list[tuple[str, str]]:
    """The vocabulary and the rule files at a folder, as RuleBase.load(path) reads them."""
    return vocabulary_files() + files_at(path)


# ── what differs between the two programs ───────────────────────────────────────────────────────────────
@dataclass
class Edits:
    """The rules, articles and instruments that differ, each with what differs ("added", "removed", or the
    parts edited: clauses, cites, readings, …) and where it stands (in the new base, else the old)."""

    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    articles: dict[tuple, dict[str, Any]] = field(default_factory=dict)
    instruments: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.rules or self.articles or self.instruments)


_RULE_PARTS = ("clauses", "cites", "readings", "instrument", "applies_at", "timeless")
_ARTICLE_PARTS = ("text", "reported_by", "number_confirmed")
_INSTRUMENT_PARTS = ("title", "in_force_from", "in_force_to", "version", "jurisdiction", "status", "general")


def _diff(old: dict, new: dict, parts: tuple[str, ...]) -> dict[Any, dict[str, Any]]:
    """Keyed objects added, removed, or with some of ``parts`` different (positions are not compared)."""
    out: dict[Any, dict[str, Any]] = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key), new.get(key)
        if before is None or after is None:
            change, what = ("added", []) if before is None else ("removed", [])
        else:
            what = [p for p in parts if _part(before, p) != _part(after, p)]
            if not what:
                continue
            change = "edited"
        pos = (after or before).pos
        out[key] = {"change": change, "parts": what, "file": pos.file, "line": pos.line}
    return out


def _part(obj: Any, name: str) -> Any:
    """A part of a rule, article or instrument as compared: clauses as their text, so that the parser's
    numbering of anonymous variables (``_`` → _1, _2 … across a file) does not count."""
    value = getattr(obj, name)
    if name == "clauses":
        return tuple((str(c.head), tuple(map(str, c.body))) for c in value)
    return value


def program_edits(old: ir.Program, new: ir.Program) -> Edits:
    """What differs between two compiled rule bases (comments, layout and positions do not count)."""
    return Edits(_diff(old.rules, new.rules, _RULE_PARTS), _diff(old.articles, new.articles, _ARTICLE_PARTS),
                 _diff(old.instruments, new.instruments, _INSTRUMENT_PARTS))


def article_label(key: tuple) -> str:
    return str(ir.ArticleRef(*key))


# ── the corpus ──────────────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class CorpusItem:
    """One profile of the corpus with the date and readings it is assessed at."""

    name: str
    profile: Profile
    as_of: _dt.date
    options: tuple[str, ...] = ()


def corpus(paths: Iterable[str], as_of: str | None) -> tuple[list[CorpusItem], list[dict[str, str]]]:
    """The profiles of files and folders: a scenario file (``profile``, ``as_of``, ``options``) at its own
    date; a plain profile at ``as_of`` (required then). Scenario files that expect an error are skipped.
    Returns the items and the files that could not be read (name, error)."""
    files: list[pathlib.Path] = []
    for argument in paths:
        path = pathlib.Path(argument)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in CORPUS_SUFFIXES and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise CplawError(f"{path}: no such file or folder")
    if not files:
        raise CplawError("the corpus holds no profile or scenario file (*.yaml, *.yml, *.json)")
    items: list[CorpusItem] = []
    failed: list[dict[str, str]] = []
    day = None if as_of is None else parse_as_of(as_of)
    for path in files:
        try:
            item = _corpus_item(path, day)
        except CplawError as err:
            failed.append({"name": str(path), "error": str(err)})
            continue
        if item is not None:
            items.append(item)
    return items, failed


def _corpus_item(path: pathlib.Path, day: _dt.date | None) -> CorpusItem | None:
    text = read_text(path)
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        doc = None  # load_profile reports it with its position
    except ValueError as exc:  # a timestamp YAML reads but the calendar has not (2010-13-01)
        raise CplawError(f"{path}: {exc}") from None
    if isinstance(doc, dict) and "profile" in doc:
        from . import scenarios
        scenario = scenarios.load(path)  # the scenario format's checks
        if scenario.expect_error is not None:
            return None
        return CorpusItem(str(path), scenario.profile, parse_as_of(str(scenario.as_of)), scenario.options)
    if day is None:
        raise CplawError(f"{path}: a plain profile is assessed at --as-of, which was not given")
    return CorpusItem(str(path), load_profile(str(path), text=text), day)


# ── derivations ─────────────────────────────────────────────────────────────────────────────────────────
@dataclass
class Reach:
    """What a derivation touches: its rules, the articles its steps cite, and the predicates whose absence
    it relies on."""

    rules: set[str] = field(default_factory=set)
    articles: set[tuple] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)

    def add_graph(self, graph) -> None:
        for _, attrs in graph.nodes(data=True):
            if attrs.get("kind") == "rule":
                self.rules.add(attrs["rule"])
            if attrs.get("kind") == "absent":
                self.absent.add(attrs["predicate"])
            for cite in attrs.get("cites") or ():
                self.articles.add((cite["instrument"], cite["article"], cite["paragraph"], cite["item"]))


def derivation(assessment: Assessment, entry: dict[str, Any] | None = None) -> Reach:
    """The derivation of one conclusion of ``compare_assessments`` (its section and key): every fact of the
    section's predicates that matches the key, explained (cplaw.explain.graph.Explainer, as ``why`` does).
    Without ``entry``: the derivations of every conclusion of the assessment, notes included."""
    if entry is None:
        predicates = sorted({p for _, names, _ in KEYS.values() for p in names} | {"note"})
        wanted: dict[int, str] = {}
    else:
        fields, predicates, positions = KEYS[entry["section"]]
        wanted = {p: str(entry["key"].get(f)) for f, p in zip(fields, positions)}
    explainer = Explainer(assessment.session)
    everything = assessment.session.everything()
    for predicate in predicates:
        for args in sorted({a for _, a in everything.get(predicate, [])}, key=repr):
            if all(p < len(args) and value_text(args[p]) == v for p, v in wanted.items()):
                explainer.fact(predicate, args)
    reach = Reach()
    reach.add_graph(explainer.graph)
    return reach


def _cited(program: ir.Program, rules: Iterable[str]) -> set[tuple]:
    return {ref.key for r in rules if r in program.rules for ref in program.rules[r].cites}


def cause(edits: Edits, reaches: list[tuple[ir.Program, Reach]]) -> dict[str, list[str]]:
    """The edited rules, articles and instruments within the old and/or new derivation of a conclusion."""
    rules: set[str] = set()
    articles: set[tuple] = set()
    instruments: set[str] = set()
    for program, reach in reaches:
        rules |= reach.rules & edits.rules.keys()
        # a fact the derivation needs to be absent: an edited rule that concludes it may be why
        rules |= {c.rule for c in program.clauses if c.head.predicate in reach.absent and c.rule in edits.rules}
        articles |= (reach.articles | _cited(program, reach.rules)) & edits.articles.keys()
        instruments |= {program.rules[r].instrument for r in reach.rules if r in program.rules} \
            & edits.instruments.keys()
    return {"rules": sorted(rules), "articles": sorted(map(article_label, articles)),
            "instruments": sorted(instruments)}


# ── the report ──────────────────────────────────────────────────────────────────────────────────────────
def impact(before: RuleBase, after: RuleBase, items: list[CorpusItem], *, before_label: str = "before",
           after_label: str = "after", engine: str | None = None) -> dict[str, Any]:
    """The ``cplaw.impact/1`` document (facts/schema/impact.schema.json). Two rule bases that do not differ
    are not run: nothing can change."""
    edits = program_edits(before.program, after.program)
    profiles: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    reached_by: dict[str, list[str]] = {}
    failing = 0
    for item, old, new in _assessed(before, after, items if edits else [], engine):
        if isinstance(old, CplawError) or isinstance(new, CplawError):
            if isinstance(old, CplawError) and isinstance(new, CplawError) and str(old) == str(new):
                failing += 1
            else:
                errors.append({"name": item.name, "before": _error(old), "after": _error(new)})
            continue
        for program, assessment in ((before.program, old), (after.program, new)):
            for label in _edited_labels(edits, program, assessment):
                reached_by.setdefault(label, []).append(item.name)
        found = compare_assessments(old, new)
        if not any(found.values()):
            continue
        for kind, entries in found.items():
            for entry in entries:
                sides = [(before.program, old)] if kind == "lost" else [(after.program, new)] if kind == "gained" \
                    else [(before.program, old), (after.program, new)]
                entry["cause"] = cause(edits, [(p, derivation(a, entry)) for p, a in sides])
                del entry["cites"]  # the words are the rule base's; the cause names what was edited
        profiles.append({"name": item.name, "enterprise": new.data["enterprise"], "as_of": item.as_of.isoformat(),
                         "options": list(item.options), **found})
    profiles.sort(key=lambda p: (p["enterprise"], p["name"]))
    edited = _edits_document(edits, reached_by)
    return {"format": FORMAT, "before": _side(before, before_label), "after": _side(after, after_label),
            "edits": edited,
            "corpus": {"profiles": len(items), "with_changes": len(profiles), "failing_on_both": failing},
            "changed": bool(profiles or errors), "profiles": profiles, "errors": errors,
            "unreached": {"rules": [r["id"] for r in edited["rules"] if not r["reached_by"]],
                          "articles": [a["article"] for a in edited["articles"] if not a["reached_by"]],
                          "instruments": [i["id"] for i in edited["instruments"] if not i["reached_by"]]}}


def _assessed(before: RuleBase, after: RuleBase, items: list[CorpusItem], engine: str | None,
              ) -> Iterator[tuple[CorpusItem, Assessment | CplawError, Assessment | CplawError]]:
    """Each item assessed under both rule bases, one pair at a time (two engine sessions alive at most)."""
    for item in items:
        pair = []
        for rules in (before, after):
            try:
                pair.append(rules.assess(item.profile, item.as_of, item.options, engine, missing=False))
            except CplawError as err:
                pair.append(err)
        yield item, pair[0], pair[1]


def _error(result: Any) -> str | None:
    return str(result) if isinstance(result, CplawError) else None


def _edited_labels(edits: Edits, program: ir.Program, assessment: Assessment) -> set[str]:
    """The edited rules, articles and instruments within the derivation of some conclusion or note of the
    assessment (a rule that merely fired, e.g. a definition nothing used, does not count). Derived only
    when an edited rule fired or an edited instrument's rule did, or an edited article is cited."""
    fired = assessment.session.rules_that_fired()
    if not (fired & edits.rules.keys() or _cited(program, fired) & edits.articles.keys()
            or {program.rules[r].instrument for r in fired} & edits.instruments.keys()):
        return set()
    reach = derivation(assessment)
    articles = reach.articles | _cited(program, reach.rules)
    instruments = {program.rules[r].instrument for r in reach.rules if r in program.rules}
    return ({f"rule {r}" for r in reach.rules & edits.rules.keys()}
            | {f"article {article_label(a)}" for a in articles & edits.articles.keys()}
            | {f"instrument {i}" for i in instruments & edits.instruments.keys()})


def _edits_document(edits: Edits, reached_by: dict[str, list[str]]) -> dict[str, list[dict[str, Any]]]:
    def reach(label: str) -> list[str]:
        return sorted(set(reached_by.get(label, ())))
    return {"rules": [{"id": k, **v, "reached_by": reach(f"rule {k}")} for k, v in sorted(edits.rules.items())],
            "articles": [{"article": article_label(k), **v, "reached_by": reach(f"article {article_label(k)}")}
                         for k, v in sorted(edits.articles.items(), key=lambda kv: article_label(kv[0]))],
            "instruments": [{"id": k, **v, "reached_by": reach(f"instrument {k}")}
                            for k, v in sorted(edits.instruments.items())]}


def _side(rules: RuleBase, label: str) -> dict[str, Any]:
    program = rules.program
    return {"source": label, "rules": len(program.rules), "articles": len(program.articles)}


# ── rendering ───────────────────────────────────────────────────────────────────────────────────────────
def _conclusion(entry: dict[str, Any]) -> str:
    key = " ".join(str(v) for v in entry["key"].values() if v is not None)
    return f"{entry['section']} {key}"


def _what(kind: str, entry: dict[str, Any]) -> str:
    """What became of a conclusion: gained or lost with its values, or each changed field old → new."""
    if kind == "changed":
        return "; ".join(f"{f} {_shown(entry['old'][f])} → {_shown(entry['new'][f])}" for f in entry["old"])
    values = ", ".join(f"{k} {_shown(v)}" for k, v in entry["value"].items()
                       if k not in entry["key"] and v is not None)
    return f"{kind}{': ' + values if values else ''}"


def _shown(value: Any) -> str:
    return "—" if value is None else str(value)


def _cause_text(found: dict[str, list[str]]) -> str:
    parts = [f"rule {r}" for r in found["rules"]] + [f"article {a}" for a in found["articles"]] \
        + [f"instrument {i}" for i in found["instruments"]]
    return "; ".join(parts) or "no edited rule or article in its derivation"


def _edit_lines(doc: dict[str, Any]) -> list[str]:
    """One line per edit: what, how, where, and how many profiles of the corpus reach it."""
    lines = []
    for kind, name in (("rules", "id"), ("articles", "article"), ("instruments", "id")):
        for e in doc["edits"][kind]:
            parts = f" ({', '.join(e['parts'])})" if e["parts"] else ""
            lines.append(f"{kind[:-1]} {e[name]} {e['change']}{parts} at {e['file']}:{e['line']}; "
                         f"reached by {len(e['reached_by'])} profile(s)")
    return lines


def _summary(doc: dict[str, Any]) -> str:
    failing = doc["corpus"].get("failing_on_both", 0)
    tail = f" ({failing} fail alike under both and are not compared)" if failing else ""
    return _counted(doc).removesuffix(".") + tail + "."


def _counted(doc: dict[str, Any]) -> str:
    count = doc["corpus"]["profiles"]
    if not any(doc["edits"].values()):
        return (f"The two rule bases do not differ (comments and layout aside): no conclusion of the {count} "
                "profiles changes.")
    if not doc["changed"]:
        return f"No conclusion of the {count} profiles changes."
    changes = sum(len(p[k]) for p in doc["profiles"] for k in ("gained", "lost", "changed"))
    errors = f"; {len(doc['errors'])} profile(s) now fail or no longer fail" if doc["errors"] else ""
    return (f"{changes} conclusion(s) change in {doc['corpus']['with_changes']} of the {count} profiles"
            f"{errors}.")


def _unreached(doc: dict[str, Any]) -> list[str]:
    u = doc["unreached"]
    return [f"rule {r}" for r in u["rules"]] + [f"article {a}" for a in u["articles"]] \
        + [f"instrument {i}" for i in u["instruments"]]


def render_text(doc: dict[str, Any]) -> str:
    """The impact report as text: the edits, then each profile's changed conclusions with their causes."""
    b, a = doc["before"], doc["after"]
    lines = [f"Impact: {b['source']} ({b['rules']} rules) → {a['source']} ({a['rules']} rules)"]
    edits = _edit_lines(doc)
    if edits:
        lines += ["Edited:"] + [f"  {e}" for e in edits]
    lines.append(_summary(doc))
    for p in doc["profiles"]:
        options = f", readings {', '.join(p['options'])}" if p["options"] else ""
        lines += ["", f"{p['enterprise']} — {p['name']}, as of {p['as_of']}{options}"]
        for kind in ("gained", "lost", "changed"):
            for e in p[kind]:
                lines.append(f"  {_conclusion(e)}: {_what(kind, e)}")
                lines.append(f"    cause: {_cause_text(e['cause'])}")
    for e in doc["errors"]:
        lines += ["", f"{e['name']}: before: {e['before'] or 'assessed'}; after: {e['after'] or 'assessed'}"]
    unreached = _unreached(doc)
    if unreached:
        lines += ["", "Edited, reached by no profile of the corpus: " + "; ".join(unreached)]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(doc: dict[str, Any]) -> str:
    """The impact report as Markdown for a pull-request comment: a summary, the edits, one table per
    profile with changes (conclusion, what changed, cause)."""
    b, a = doc["before"], doc["after"]
    lines = [f"### cplaw impact: `{_cell(b['source'])}` → `{_cell(a['source'])}`", "", f"**{_summary(doc)}**"]
    edits = _edit_lines(doc)
    if edits:
        lines += ["", "Edited:", ""] + [f"- {_cell(e)}" for e in edits]
    for p in doc["profiles"]:
        options = f", readings {', '.join(p['options'])}" if p["options"] else ""
        lines += ["", f"#### {_cell(p['enterprise'])} — `{_cell(p['name'])}`, as of {p['as_of']}{options}", "",
                  "| conclusion | change | cause |", "|---|---|---|"]
        for kind in ("gained", "lost", "changed"):
            lines += [f"| {_cell(_conclusion(e))} | {_cell(_what(kind, e))} | {_cell(_cause_text(e['cause']))} |"
                      for e in p[kind]]
    if doc["errors"]:
        lines += ["", "Profiles whose assessment fails on one side:", ""]
        lines += [f"- `{_cell(e['name'])}`: before: {_cell(e['before'] or 'assessed')}; "
                  f"after: {_cell(e['after'] or 'assessed')}" for e in doc["errors"]]
    unreached = _unreached(doc)
    if unreached:
        lines += ["", "Edited, reached by no profile of the corpus: " + "; ".join(_cell(u) for u in unreached)]
    return "\n".join(lines)
