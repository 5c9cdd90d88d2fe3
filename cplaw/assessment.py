"""Build a ``cplaw.assessment/1`` document from what the engine derived.

Every item comes from a derived fact, and its citations from the rules the engine reports as having
derived it (``p__by`` provenance): nothing here decides a legal question.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from . import calendar as holidays
from . import ir
from .engine import Session
from .labels import LANGS, label
from .periods import add_months, calendar_covers, calendar_note, rest_day_name

FORMAT = "cplaw.assessment/1"
END_UNKNOWN_AFTER_MONTHS = 120  # a text whose end is unknown is flagged once the assessment relies on it ten years on

ORDERS = ("order_to_correct", "order_to_rectify", "order_to_publish")  # measures that order the enterprise to act


def citation(program: ir.Program, ref: ir.ArticleRef) -> dict[str, Any]:
    """A Citation object of the contract, with the article's own words; for an article known only from what
    others report (``reported``), ``text`` is empty and ``reported`` carries their words, who they are and
    the label (zh, en) it is shown under, so no one takes it for the article's words."""
    instrument = program.instruments[ref.instrument]
    article = program.articles[ref.key]
    cite = {"instrument": instrument.id, "title": instrument.title,
            "version": (instrument.version or instrument.in_force_from).isoformat(),
            "article": ref.article, "paragraph": ref.paragraph, "item": ref.item,
            "text": "" if article.reported else article.text, "status": instrument.status,
            "number_confirmed": article.number_confirmed}
    if article.reported:
        cite["reported"] = {"words": article.text, "by": article.reported_by,
                            "label": {lang: label("phrases", "reported_substance", lang) for lang in LANGS}}
    return cite


def rule_citations(program: ir.Program, rule_ids) -> list[dict[str, Any]]:
    seen: dict[tuple, dict[str, Any]] = {}
    for rule_id in rule_ids:
        for ref in program.rules[rule_id].cites:
            seen.setdefault(ref.key, citation(program, ref))
    return list(seen.values())


def iso_date(day: _dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _mark_binds_first(obligations: list[dict[str, Any]]) -> None:
    """Where national and provincial texts impose the same duty for the same round, mark the one whose
    deadline comes first (DESIGN.md principle 4); ties bind together."""
    stacks: dict[tuple, list[dict[str, Any]]] = {}
    for item in obligations:
        stacks.setdefault((item["duty"], item["round"]), []).append(item)
    for stack in stacks.values():
        if len({item["instrument"] for item in stack}) > 1:
            first = min(item["due"] for item in stack)
            for item in stack:
                item["binds_first"] = item["due"] == first


class AssessmentBuilder:
    """Reads the conclusions of one Session into the contract's shape."""

    def __init__(self, program: ir.Program, session: Session, enterprise_id: str, as_of: _dt.date,
                 ignored: list[str]):
        self.program = program
        self.session = session
        self.enterprise_id = enterprise_id
        self.as_of = as_of
        self.ignored = ignored
        self.done = {(d, r): day for d, r, day in session.ask("done")}

    def _by(self, predicate: str) -> dict[tuple, list[str]]:
        """Derived facts of a predicate, each with the rules that derived it."""
        grouped: dict[tuple, list[str]] = {}
        for rule_id, args in self.session.derived_by(predicate):
            grouped.setdefault(args, []).append(rule_id)
        return grouped

    def _premise_rules(self, predicate: str, key: Callable[[tuple], tuple]) -> dict[tuple, list[str]]:
        """The rules behind the facts of a premise predicate, grouped by ``key(args)``: an item cites the
        provisions that made its premise true as well as its own rule's."""
        keyed: dict[tuple, list[str]] = {}
        for args, rules in self._by(predicate).items():
            keyed.setdefault(key(args), []).extend(rules)
        return keyed

    def jurisdiction(self, instrument_id: str) -> str:
        return self.program.instruments[instrument_id].jurisdiction

    def sanction_jurisdiction(self, provision: ir.Provision, source: str) -> str:
        """A provincial measure is the province's, whichever text's duty it follows; a statute's penalty is
        listed under the text whose duty was breached (a province that maps its breach to the Law, say)."""
        inst = self.program.instruments.get(provision.instrument)
        if inst is not None and inst.jurisdiction != "CN":
            return inst.jurisdiction
        return self.jurisdiction(source)

    def build(self) -> dict[str, Any]:
        doc = {
            "format": FORMAT,
            "enterprise": self.enterprise_id,
            "as_of": self.as_of.isoformat(),
            "mandatory_audit": self.mandatory(),
            "obligations": self.obligations(),
            "violations": self.violations(),
            "sanctions": self.sanctions(),
            "evaluations": self.evaluations(),
            "titles": self.titles(),
        }
        _mark_undetermined(doc)
        doc["notes"] = self.notes(doc)
        return doc

    # The facts a ground rests on, whose definitions an item cites beside the trigger itself.
    GROUND_PREMISES = {"double_exceed": ("exceeds_standard", "exceeds_quota"), "toxic": ("toxic_substance",),
                       "energy": ("exceeds_energy",)}

    def mandatory(self) -> list[dict[str, Any]]:
        grounds = self._by("mandatory")
        items = []
        for (ground,), rules in sorted(grounds.items()):
            premises = [r for pred in self.GROUND_PREMISES.get(ground, ()) for rs in self._by(pred).values() for r in rs]
            items.append({"ground": ground, "cites": rule_citations(self.program, rules + premises)})
        return items

    def obligations(self) -> list[dict[str, Any]]:
        dues = self._by("due")
        statuses = {row[:4]: row[4] for row in self.session.ask("status")}
        items = []
        for (duty, source, round_, nominal, due), rules in dues.items():
            item = {"duty": duty, "due": iso_date(due), "due_nominal": iso_date(nominal),
                    "status": statuses.get((duty, source, round_, due)),
                    "jurisdiction": self.jurisdiction(source), "round": iso_date(round_), "instrument": source,
                    "cites": rule_citations(self.program, rules)}
            if (duty, round_) in self.done:
                item["done"] = iso_date(self.done[(duty, round_)])
            if due != nominal:
                item["nominal_reason"] = _nominal_reason(nominal)
                item["nominal_rest_day"] = rest_day_name(nominal)
            if not (calendar_covers(nominal) and calendar_covers(due)):
                item["calendar_note"] = calendar_note(str(nominal.year))
                _undetermined(item, nominal, self.done.get((duty, round_)), self.as_of)
            items.append(item)
        items.sort(key=lambda o: (o["round"], o["due"], o["duty"], o["jurisdiction"]))
        _mark_binds_first(items)
        return items

    def violations(self) -> list[dict[str, Any]]:
        due_rules = self._premise_rules("due", lambda a: (a[0], a[1], a[2], a[4]))  # nominal day aside
        items = []
        for (duty, source, round_, due, since), rules in self._by("violation").items():
            item = {"duty": duty, "since": iso_date(since), "jurisdiction": self.jurisdiction(source),
                    "round": iso_date(round_), "instrument": source,
                    "cites": rule_citations(self.program, due_rules.get((duty, source, round_, due), []) + rules)}
            done = self.done.get((duty, round_))
            if done and done > due:
                item["until"] = iso_date(done)
            items.append(item)
        items.sort(key=lambda v: (v["since"], v["duty"], v["jurisdiction"]))
        return items

    def sanctions(self) -> list[dict[str, Any]]:
        """What follows from each breach under the law that governs it: the penalty article first, then the
        provisions that make it reach the breach, then the rules that chose the governing law."""
        met = {d for (d,) in self.session.ask("condition_met")}
        unmet = {d for (d,) in self.session.ask("condition_unmet")}
        penalties = self._premise_rules("penalty", lambda a: a[:5])
        mappings = self._premise_rules("punishable_under", lambda a: a)
        governing = self._premise_rules("governs", lambda a: a)
        law_days = {row[:4]: row[4] for row in self.session.ask("law_day")}
        barred = {row[:3] for row in self.session.ask("time_barred")}
        items = []
        for (duty, source, round_, provision, when, measure, authority, fmin, fmax, condition, discretion), rules \
                in self._by("sanction").items():
            breach = (duty, source, round_)
            behind = penalties.get((provision, *breach, when), []) + mappings.get((provision, *breach, when), []) \
                + governing.get((*breach, when), []) + rules
            item = {"measure": measure, "authority": authority,
                    "fine_min": int(fmin) if fmin is not None else None,
                    "fine_max": int(fmax) if fmax is not None else None,
                    "condition": None if condition == "none" else condition,
                    "duty": duty, "discretionary": discretion == "may", "round": iso_date(round_),
                    "jurisdiction": self.sanction_jurisdiction(provision, source), "provision": str(provision),
                    "governing": when,
                    "law_day": iso_date(law_days.get((*breach, when))), "time_barred": breach in barred,
                    "cites": rule_citations(self.program, behind)}
            if item["condition"] == "refuses_to_correct":
                item["condition_met"] = True if duty in met else False if duty in unmet else None
            items.append(item)
        # per breach: the unconditional measures first, an order before a fine, then what follows a refusal
        items.sort(key=lambda s: (s["round"], s["duty"], s["condition"] is not None, s["measure"] not in ORDERS,
                                  s["measure"], s["provision"]))
        return items

    def evaluations(self) -> list[dict[str, Any]]:
        """Each evaluation or acceptance event graded under an instrument's thresholds."""
        events = {ref: (kind, day) for ref, kind, day in self.session.ask("event")}
        scores = dict(self.session.ask("event_score"))
        passed = set(self.session.ask("passed"))
        failed = set(self.session.ask("failed"))
        items = []
        for (source, ref, grade), rules in sorted(self._by("grade").items()):
            kind, day = events.get(ref, (None, None))
            items.append({"instrument": source, "jurisdiction": self.jurisdiction(source), "event": ref,
                          "type": kind, "date": iso_date(day),
                          "score": None if scores.get(ref) is None else float(scores[ref]), "grade": grade,
                          "passed": True if (source, ref) in passed else False if (source, ref) in failed else None,
                          "cites": rule_citations(self.program, rules)})
        return items

    def titles(self) -> list[dict[str, Any]]:
        """Titles conferred (清洁生产企业 and the like), with their validity."""
        return [{"instrument": source, "jurisdiction": self.jurisdiction(source), "title": name,
                 "from": iso_date(start), "until": iso_date(end), "cites": rule_citations(self.program, rules)}
                for (source, name, start, end), rules in sorted(self._by("title").items())]

    def notes(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        notes = []
        for (kind, duty, round_, text), rules in sorted(self._by("note").items()):
            instruments = sorted({self.program.rules[r].instrument for r in rules if self.program.rules[r].instrument})
            note = {"kind": kind, "text": text, "cites": rule_citations(self.program, rules),
                    "instrument": instruments[0] if len(instruments) == 1 else None,
                    "jurisdiction": self.jurisdiction(instruments[0]) if len(instruments) == 1 else None}
            if duty != "none":
                note["duty"] = duty
                note["round"] = iso_date(round_)
            notes.append(note)
        notes.extend(self.reading_notes())
        notes.extend(self.source_notes(doc, notes))
        if self.ignored:
            notes.append({"kind": "after_as_of", "cites": [],
                          "text": "Not considered, being dated after the as-of date: " + ", ".join(self.ignored)})
        return notes

    def reading_notes(self) -> list[dict[str, Any]]:
        """The named interpretations of every rule that contributed to this assessment, once each."""
        rules_by_reading: dict[str, list[str]] = {}
        texts: dict[str, str] = {}
        for rule_id in sorted(self.session.rules_that_fired()):
            for reading in self.program.rules[rule_id].readings:
                rules_by_reading.setdefault(reading.name, []).append(rule_id)
                texts[reading.name] = reading.text
        return [{"kind": "interpretation", "reading": name, "rules": rules, "text": texts[name],
                 "cites": rule_citations(self.program, rules)} for name, rules in sorted(rules_by_reading.items())]

    def source_notes(self, doc: dict[str, Any], notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One note for each cited instrument whose text is not verified, wherever the assessment cites it; and
        one for each cited instrument whose end no source gives (``end unknown``) once it is ten years old on
        the as-of date: it may no longer be in force."""
        sections = ("mandatory_audit", "obligations", "violations", "sanctions", "evaluations", "titles")
        cited = {c["instrument"] for items in [doc[s] for s in sections] + [notes] for item in items
                 for c in item["cites"]}
        notes = []
        for inst_id in sorted(cited):
            inst = self.program.instruments[inst_id]
            if inst.status != "verified":
                notes.append({"kind": "unofficial_source" if inst.status == "unofficial" else "source_status",
                              "instrument": inst_id, "status": inst.status, "cites": [],
                              "text": f"{inst.title} ({inst_id}) is cited from a {inst.status} text: "
                                      f"{inst.note or 'not checked against an official copy'}"})
            if inst.end_unknown and self.as_of >= add_months(inst.in_force_from, END_UNKNOWN_AFTER_MONTHS):
                notes.append({"kind": "end_unknown", "instrument": inst_id, "since": inst.in_force_from.isoformat(),
                              "cites": [], "text": label("phrases", "end_unknown_note", "en", title=inst.title,
                                                         number=inst.number or inst_id,
                                                         since=inst.in_force_from.isoformat())})
        return notes


def _nominal_reason(nominal: _dt.date) -> str:
    """Why a last day moved: 民法典 art. 203, and 放假办法 art. 2 (its version) where a festival is the cause."""
    name = rest_day_name(nominal)
    reason = f"{nominal.isoformat()} is a rest day ({name}): 民法典 art. 203"
    version = holidays.version_for(nominal.year)
    if name != "weekend" and version is not None:
        reason += f"; {version.title} art. 2"
    return reason


def _undetermined(item: dict[str, Any], nominal: _dt.date, done: _dt.date | None, as_of: _dt.date) -> None:
    """Where the unknown 调休 could put the last day on either side of the act (or of the as-of day), the
    status turns on the year's arrangement: ``undetermined``, with the possible statuses and last days."""
    earliest, latest = holidays.possible_last_days(nominal)
    item["due_range"] = {"earliest": earliest.isoformat(), "latest": latest.isoformat()}
    def status(last: _dt.date) -> str:
        if done is not None and done <= as_of:
            return "met" if done <= last else "late"
        return "pending" if as_of <= last else "overdue"
    possible = sorted({status(earliest), status(latest)})
    if len(possible) > 1 and item["status"] in possible:
        item["status"] = "undetermined"
        item["possible_statuses"] = possible


def _mark_undetermined(doc: dict[str, Any]) -> None:
    """A breach (and what follows from it) of a duty whose status is undetermined exists only under some of the
    year's possible arrangements: it says so (``turns_on_arrangement``) rather than standing as certain."""
    open_ = {(o["duty"], o["round"]) for o in doc["obligations"] if o["status"] == "undetermined"}
    for item in doc["violations"] + doc["sanctions"]:
        if (item["duty"], item["round"]) in open_:
            item["turns_on_arrangement"] = True
