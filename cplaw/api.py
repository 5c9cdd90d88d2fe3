"""The Python API: load a rule base once, assess many profiles.

>>> from cplaw import RuleBase
>>> rules = RuleBase.load()
>>> result = rules.assess("facts/examples/dongguan-dyeing.yaml", as_of="2010-04-01")  # doctest: +SKIP
>>> result.data["mandatory_audit"][0]["ground"]  # doctest: +SKIP
'double_exceed'
"""

from __future__ import annotations

import datetime as _dt
import pathlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import ir
from .assessment import AssessmentBuilder, iso_date
from .compiler import compile_files, first_day_of_law, rule_base_files
from .engine import gc_paused
from .engines import EngineSession, session_class
from .engines.bottomup import prepare
from .errors import AsOfError, CplawError
from .facts_mapping import base_facts, rule_base_facts
from .limits import check_date
from .missing import missing_facts
from .profile import Profile, load_profile, profile_from_document

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import networkx as nx

    from .batch import BatchItem

ProfileInput = Profile | dict | str | pathlib.Path


def parse_as_of(value: _dt.date | str | None) -> _dt.date:
    """An as-of date from a date, an ISO string, or None (today)."""
    if value is None:
        return _dt.date.today()
    if isinstance(value, _dt.datetime) or not isinstance(value, (_dt.date, str)):
        raise AsOfError(f"as_of: expected a datetime.date or a YYYY-MM-DD string, got {type(value).__name__}")
    if isinstance(value, str):
        text = value
        try:  # strictly YYYY-MM-DD: fromisoformat alone also takes 20100401 and 2010-W01-1
            if not re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                raise ValueError(text)
            value = _dt.date.fromisoformat(text)
        except ValueError:
            raise AsOfError(f"--as-of: {text[:40]!r} is not a date (YYYY-MM-DD)") from None
    check_date(value, "the as-of date")
    return value


@dataclass
class Assessment:
    """One enterprise assessed as of one date: the contract document, and the engine session behind it."""

    data: dict[str, Any]
    profile: Profile
    session: EngineSession = field(repr=False)

    def explain(self, query: str | ir.Atom) -> nx.DiGraph:
        """The derivation graph of every fact matching ``query`` (e.g. ``violation(start_audit)``)."""
        from .explain.graph import Explainer
        with gc_paused():
            return Explainer(self.session).why(query_atom(query, self.session.program))

    def why_not(self, query: str | ir.Atom) -> nx.DiGraph:
        """For a conclusion that does not hold: each rule that could derive it and its first failing condition."""
        from .explain.graph import Explainer
        with gc_paused():
            return Explainer(self.session).why_not(query_atom(query, self.session.program))


def query_atom(query: str | ir.Atom, program: ir.Program) -> ir.Atom:
    """A query as an atom of the vocabulary (cplaw/queries.py: Chinese names and duty names too); missing
    trailing arguments mean any value."""
    if isinstance(query, ir.Atom):
        return query
    from .queries import read_query
    return read_query(query, program)


class RuleBase:
    """A compiled rule base; load once, assess many enterprises (each in its own engine context)."""

    def __init__(self, program: ir.Program, facts: dict[str, list] | None = None):
        self.program = program
        self.first_day = first_day_of_law(program)
        self._options = program.options()
        # the data tables, checked at load (or taken from the cache that checked them), not per assessment
        self._rule_base_facts = rule_base_facts(program) if facts is None else facts
        self.source: pathlib.Path | None = None  # the rule files at a path, as load() got them; None: packaged
        prepare(program)  # the bottom-up engine's strata, once per rule base (clause plans on first use)

    @classmethod
    def load(cls, path: str | pathlib.Path | None = None) -> RuleBase:
        """The packaged rule base, or the vocabulary plus the rule files at ``path``; compiled once per change
        of its files (kept in the user's cache folder, cplaw/cache.py)."""
        if path is None:
            return _packaged()
        rules = cls._compiled(rule_base_files(path))
        rules.source = pathlib.Path(path)
        return rules

    @classmethod
    def _compiled(cls, files: list[tuple[str, str]]) -> RuleBase:
        from .cache import cached

        def build() -> dict[str, Any]:
            program = compile_files(files)
            return {"program": program, "facts": rule_base_facts(program)}
        compiled = cached(files, build)
        return cls(compiled["program"], compiled["facts"])

    def law(self, as_of: _dt.date | str | None = None) -> dict[str, Any]:
        """Which texts were in force on a date (default: today), with the version each citation quotes, its
        document number, its source and how far that source was verified; then the general texts applied to that
        date by a named reading though not in force on it (only from the first day of the law); then the texts
        not in force that day. A text is never listed as in force before its first day."""
        day = parse_as_of(as_of)
        law_applies = self.first_day is not None and day >= self.first_day
        rows: dict[str, list[dict[str, Any]]] = {"in_force": [], "applied_by_reading": [], "not_in_force": []}
        for inst in sorted(self.program.instruments.values(), key=lambda i: (i.in_force_from, i.id)):
            in_force = inst.in_force_on(day)
            by_reading = inst.general and not in_force and law_applies  # general rules applied to every date
            section = "in_force" if in_force else "applied_by_reading" if by_reading else "not_in_force"
            rows[section].append({
                "instrument": inst.id, "title": inst.title, "number": inst.number, "jurisdiction": inst.jurisdiction,
                "version": iso_date(inst.version), "in_force_from": iso_date(inst.in_force_from),
                "in_force_to": iso_date(inst.in_force_to), "end_unknown": inst.end_unknown,
                "status": inst.status, "general": inst.general,
                "source": f"{inst.source_file} lines {inst.source_lines[0]}–{inst.source_lines[1]}",
                "source_file": inst.source_file, "source_lines": list(inst.source_lines),
                "note": inst.note,
                "articles": sum(1 for key in self.program.articles if key[0] == inst.id),
                "rules": sum(1 for r in self.program.rules.values() if r.instrument == inst.id),
                "applied_by_reading": by_reading})
        return {"as_of": day.isoformat(), "first_day_of_law": iso_date(self.first_day), **rows}

    def options(self) -> dict[str, str]:
        """The alternative readings that may be chosen, each with its words."""
        return self._options

    def profile(self, profile: ProfileInput) -> Profile:
        if isinstance(profile, Profile):
            return profile
        if isinstance(profile, dict):
            return profile_from_document(profile)
        return load_profile(profile)

    def assess(self, profile: ProfileInput, as_of: _dt.date | str | None = None,
               options: tuple[str, ...] | list[str] = (), engine: str | None = None,
               missing: bool = True) -> Assessment:
        """Assess an enterprise as of a date (default: today), with the alternative readings ``options``
        chosen instead of the defaults they name (``RuleBase.options()`` lists them), on ``engine``
        ("bottomup", the default, or "pydatalog"; docs/engines.md). ``missing``: also ask which facts the
        profile lacks that would decide a conclusion (``missing_facts``; cplaw/missing.py); bulk screening
        may turn it off."""
        day = parse_as_of(as_of)
        engine_session = session_class(engine)
        known = self.options()
        unknown = [name for name in options if name not in known]
        if unknown:
            raise CplawError(f"unknown option {', '.join(map(repr, unknown))}; options: "
                             f"{', '.join(sorted(known)) or 'none'}")
        if self.first_day is None or day < self.first_day:
            raise AsOfError(f"no cleaner-production law was in force on that date ({day.isoformat()}): "
                            f"the first, the 2002 清洁生产促进法, took effect on "
                            f"{self.first_day.isoformat() if self.first_day else '2003-01-01'}")
        prof = self.profile(profile)
        facts = base_facts(prof, day, self.program, tuple(dict.fromkeys(options)), self._rule_base_facts)
        with gc_paused():
            session = engine_session(self.program, facts.facts)
            data = AssessmentBuilder(self.program, session, prof.enterprise.id, day, facts.ignored).build()
            if missing:
                data["missing_facts"] = missing_facts(self.program, session)
        return Assessment(data, prof, session)

    def assess_many(self, profiles: Iterable[ProfileInput | BatchItem], as_of: _dt.date | str | None = None,
                    options: tuple[str, ...] | list[str] = (), jobs: int = 1, engine: str | None = None,
                    missing: bool = True) -> Iterator[tuple[str, Assessment | CplawError]]:
        """Assess many profiles: (name, assessment or the error that profile raised), in input order. An item
        is a profile (a path, a dict, a Profile) or a ``BatchItem`` naming it and, if it wants, its own date
        and options. ``jobs`` > 1 spreads the work over that many processes (each loads this rule base once);
        their assessments carry the document, not an engine session (``explain`` needs ``assess``); ``engine``
        and ``missing`` as for ``assess`` (screening many may leave missing facts out: several times faster)."""
        from .batch import assess_many
        return assess_many(self, profiles, as_of, tuple(options), jobs, engine, missing)

    def compare(self, profile: ProfileInput, as_of: _dt.date | str | None = None, changes: list | tuple = (),
                options: tuple[str, ...] | list[str] = (), vs_as_of: _dt.date | str | None = None,
                vs_options: tuple[str, ...] | list[str] | None = None, source: str | None = None,
                engine: str | None = None) -> dict[str, Any]:
        """What changes between the profile as of ``as_of`` under ``options`` and its copy changed by
        ``changes`` (cplaw.compare.Change: set, add_event, drop), assessed as of ``vs_as_of`` (default: the
        same day) under ``vs_options`` (default: the same readings). A ``cplaw.comparison/1`` document:
        conclusions gained, lost and changed, each with its rules and articles. ``source`` names a document
        in messages; ``engine`` as for ``assess``."""
        from .compare import apply_changes, comparison_document, read_document
        if isinstance(profile, Profile):
            raise CplawError("compare takes a profile document (dict) or file, not a checked Profile")
        doc = profile if isinstance(profile, dict) else read_document(str(profile))
        source = source or ("<document>" if isinstance(profile, dict) else str(profile))
        vs_options = list(options) if vs_options is None else list(vs_options)
        variant_doc = apply_changes(doc, list(changes))
        base = self.assess(profile_from_document(doc, source), as_of, options, engine, missing=False)
        variant = self.assess(profile_from_document(variant_doc, f"{source}, as changed"),
                              as_of if vs_as_of is None else vs_as_of, vs_options, engine, missing=False)
        result = comparison_document(base, variant, list(changes), list(options), vs_options)
        result["variant"]["same_profile"] = variant_doc == doc
        return result


@lru_cache(maxsize=1)
def _packaged() -> RuleBase:
    return RuleBase._compiled(rule_base_files())
