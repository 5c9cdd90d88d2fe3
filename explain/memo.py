"""An assessment as a short legal memo: the conclusion to each question a lawyer asks, then the details.

The memo is built once as sections of lines (``memo``) and rendered as text (``memo_text``) or as a
self-contained HTML page (``memo_html``). Every word comes from facts/labels.yaml; every statement from the
``cplaw.assessment/1`` document, so no conclusion can contradict the details under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..labels import instrument_note, label, rule_text
from .cite import (
    authority_text,
    chinese_number,
    cite_text,
    fine_text,
    measure_act,
    program,
    provision_text,
    title_text,
)
from .tree import fact_sentence


@dataclass
class Section:
    """A heading and its entries; an entry is a line with optional sub-lines (its citations, say)."""

    heading: str
    entries: list[tuple[str, list[str]]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _titles() -> dict[str, str]:
    return {inst.id: inst.title for inst in program().instruments.values()}


def _p(key: str, lang: str, **values: Any) -> str:
    return label("phrases", key, lang, **values)


def _e(enum: str, value: str, lang: str) -> str:
    return label("enums", f"{enum}.{value}", lang)


def _instrument(instrument: str, lang: str) -> str:
    return title_text(_titles().get(instrument, instrument), lang)


def numeral(n: int, lang: str) -> str:
    """A heading's number: 一, 二 … in Chinese, 1, 2 … in English."""
    return chinese_number(n) if _p("numerals", lang) == "chinese" else str(n)


def _fine(s: dict[str, Any], lang: str) -> str:
    return fine_text(s["fine_min"], s["fine_max"], lang)


def _measure(s: dict[str, Any], lang: str) -> str:
    """The measure itself; a fine's range stands in for the word 罚款."""
    return "" if s["measure"] == "fine" and s["fine_max"] is not None else _e("measure", s["measure"], lang)


def _cites(cites: list[dict[str, Any]], lang: str) -> list[str]:
    return [cite_text(c, lang) for c in cites]


def _duty(item: dict[str, Any], lang: str) -> str:
    """A duty's name; where the assessment spans several audit rounds, with the round's list it belongs to."""
    name = _e("duty", item["duty"], lang)
    return name + _p("duty_round", lang, round=item["round"]) if item.get("shown_round") else name


def _with_rounds(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with each item of a duty marked to show its round, where there is more than one round."""
    if len({o["round"] for o in doc["obligations"]} | {v["round"] for v in doc["violations"]}) < 2:
        return doc
    marked = {key: [{**item, "shown_round": True} if item.get("duty") and item.get("round") else item
                    for item in doc[key]] for key in ("obligations", "violations", "sanctions", "notes")}
    return {**doc, **marked}


def _join(items: list[str], lang: str) -> str:
    return _p("list_sep", lang).join(items)


_DUTY_KEYS = ("duty", "round", "due", "due_nominal", "status", "done", "binds_first", "calendar_note")
_STATUSES = ("met", "late", "overdue", "pending", "undetermined")
_BREACH_KEYS = ("duty", "round", "since", "until", "turns_on_arrangement")


# ── conclusions ──────────────────────────────────────────────────────────────
def _mandatory(doc: dict[str, Any], lang: str) -> str:
    national = [g["ground"] for g in doc["mandatory_audit"] if g["ground"] != "provincial"]
    if national:
        return _p("mandatory_national", lang, grounds=_p("enum_sep", lang).join(_e("ground", g, lang) for g in national))
    provincial = sorted({o["instrument"] for o in doc["obligations"] if o["jurisdiction"] != "CN"}
                        | {c["instrument"] for g in doc["mandatory_audit"] for c in g["cites"]})
    if provincial:
        return _p("mandatory_provincial_only", lang,
                  instruments=_p("enum_sep", lang).join(_instrument(i, lang) for i in provincial))
    open_ = any(d["predicate"] == "mandatory" for m in doc.get("missing_facts") or [] for d in m.get("decides", []))
    return _p("mandatory_none_open" if open_ else "mandatory_none", lang)


def _duties(doc: dict[str, Any], lang: str) -> str:
    obligations = _stacked(doc["obligations"], _DUTY_KEYS)
    if not obligations:
        return _p("duties_none", lang)
    counts = {s: sum(1 for o in obligations if o["status"] == s) for s in _STATUSES}
    parts = [_p("duty_count", lang, status=_e("status", s, lang), n=n) for s, n in counts.items() if n]
    text = _p("duties_summary", lang, n=len(obligations), counts=_p("enum_sep", lang).join(parts))
    pending = sorted((o for o in obligations if o["status"] == "pending"), key=lambda o: o["due"])
    if pending:
        o = pending[0]
        text += _p("next_due", lang, duty=_duty(o, lang), due=o["due"],
                   instrument=_instrument(o["instrument"], lang))
    return text


def _breaches(doc: dict[str, Any], lang: str) -> str:
    """The breaches that stand, then those that stand only if the year's holiday arrangement makes them late."""
    if not doc["violations"]:
        return _p("breaches_none", lang)
    breaches = _stacked(doc["violations"], _BREACH_KEYS)
    certain, open_ = ([_p("breach_item", lang, duty=_duty(v, lang), instrument=_instruments(v, lang))
                       for v in breaches if bool(v.get("turns_on_arrangement")) is conditional]
                      for conditional in (False, True))
    text = _p("breaches_some", lang, n=len(certain), list=_join(certain, lang)) if certain \
        else _p("breaches_none_certain", lang)
    return text + (_p("breaches_conditional", lang, n=len(open_), list=_join(open_, lang)) if open_ else "")


def _condition(s: dict[str, Any], lang: str) -> str:
    return _p("sanction_condition", lang, cond=_e("condition", s["condition"], lang)) if s["condition"] else ""


def _sanction_summary(s: dict[str, Any], lang: str) -> str:
    return _p("sanction_summary", lang, condition=_condition(s, lang), measure=_measure(s, lang),
              fine=_fine(s, lang), may=_p("sanction_may", lang) if s.get("discretionary") else "") \
        + _arrangement(s, lang)


def _arrangement(item: dict[str, Any], lang: str) -> str:
    """A breach or sanction that holds only if the year's holiday arrangement makes the duty late says so."""
    return _p("turns_on_arrangement", lang) if item.get("turns_on_arrangement") else ""


def _sanctions(doc: dict[str, Any], lang: str) -> str:
    live = [s for s in doc["sanctions"] if not s.get("time_barred")]
    if live:
        by_authority: dict[str, list[str]] = {}
        for s in live:
            items = by_authority.setdefault(authority_text(s["authority"], lang), [])
            if _sanction_summary(s, lang) not in items:
                items.append(_sanction_summary(s, lang))
        return _p("sanctions_some", lang, list=_join([
            _p("liability_by", lang, authority=authority, items=_p("item_sep", lang).join(items))
            for authority, items in by_authority.items()], lang))
    if doc["sanctions"]:
        return _p("sanctions_all_barred", lang)
    return _p("sanctions_none_breach" if doc["violations"] else "sanctions_none", lang)


def _limitation(doc: dict[str, Any], lang: str) -> str:
    """Which breaches are time-barred: those of the sanctions so marked, and those of the 行政处罚法 art. 36
    notes (a barred breach whose law in the end punishes nothing has no sanction to mark)."""
    barred = list(dict.fromkeys([_duty(s, lang) for s in doc["sanctions"] if s.get("time_barred")]
                                + [_duty(n, lang) for n in doc["notes"] if n["kind"] == "time_barred" and n.get("duty")]))
    if barred:
        return _p("limitation_barred", lang, list=_p("enum_sep", lang).join(barred))
    return _p("limitation_open" if doc["sanctions"] else "limitation_none", lang)


def _conclusions(doc: dict[str, Any], lang: str) -> Section:
    rows = (("q_mandatory", _mandatory), ("q_duties", _duties), ("q_breaches", _breaches),
            ("q_sanctions", _sanctions), ("q_limitation", _limitation))
    return Section(_p("h_conclusions", lang),
                   [(f"{_p(q, lang)}{_p('colon', lang)}{fn(doc, lang)}", []) for q, fn in rows])


# ── details ──────────────────────────────────────────────────────────────────
def _stacked(items: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Items that say the same thing under several instruments (a national and a provincial duty due the same
    day, say) as one item naming all of them."""
    merged: dict[tuple, dict[str, Any]] = {}
    for item in items:
        key = tuple(item.get(k) for k in keys)
        if key in merged:
            merged[key]["instruments"].append(item["instrument"])
        else:
            merged[key] = {**item, "instruments": [item["instrument"]]}
    return list(merged.values())


def _instruments(item: dict[str, Any], lang: str) -> str:
    return _p("enum_sep", lang).join(_instrument(i, lang) for i in item["instruments"])


def _obligation(o: dict[str, Any], lang: str) -> str:
    moved = _p("duty_moved", lang, nominal=o["due_nominal"], why=_e("rest_day", o["nominal_rest_day"], lang)) \
        if o["due_nominal"] != o["due"] else ""
    done = _p("duty_done", lang, done=o["done"]) if o.get("done") else ""
    first = _p("duty_binds_first", lang) if o.get("binds_first") and o["status"] in ("overdue", "pending") else ""
    if o.get("possible_statuses"):
        first += _p("duty_range", lang, earliest=o["due_range"]["earliest"], latest=o["due_range"]["latest"],
                    possible=_p("or_sep", lang).join(_e("status", p, lang)
                                                     for p in sorted(o["possible_statuses"], key=_STATUSES.index)))
    elif o.get("calendar_note"):
        first += _p("duty_calendar_unknown", lang)
    return _p("duty_line", lang, duty=_duty(o, lang), status=_e("status", o["status"], lang),
              due=o["due"], moved=moved, done=done, first=first, instrument=_instruments(o, lang))


def _violation(v: dict[str, Any], lang: str) -> str:
    until = _p("breach_until", lang, until=v["until"]) if v.get("until") else _p("breach_continuing", lang)
    return _p("breach_line", lang, duty=_duty(v, lang), since=v["since"], until=until,
              instrument=_instruments(v, lang)) + _arrangement(v, lang)


def _sanction(s: dict[str, Any], lang: str) -> str:
    condition = _condition(s, lang)
    if s.get("condition_met") is True:
        condition += _p("condition_met_yes", lang)
    elif s.get("condition_met") is False:
        condition += _p("condition_met_no", lang)
    return _p("sanction_line", lang, duty=_duty(s, lang), authority=authority_text(s["authority"], lang),
              discretion=_e("discretion", "may" if s.get("discretionary") else "shall", lang),
              condition=condition, act=measure_act(s["measure"], s["fine_min"], s["fine_max"], lang),
              provision=provision_text(s["provision"], _titles(), lang),
              law=_e("law_time", s["governing"], lang),
              barred=_p("sanction_barred", lang) if s.get("time_barred") else "") + _arrangement(s, lang)


def _note(n: dict[str, Any], lang: str) -> str:
    if n["kind"] in ("source_status", "unofficial_source") and n.get("status") and not n.get("duty"):
        n = {**n, "text": _p("source_note", lang, title=_instrument(n["instrument"], lang),
                             grade=_e("source_status", n["status"], lang),
                             why=instrument_note(n["instrument"], lang))}
    elif n["kind"] == "end_unknown" and n.get("instrument"):
        inst = program().instruments.get(n["instrument"])
        n = {**n, "text": _p("end_unknown_note", lang, title=_instrument(n["instrument"], lang),
                             number=(inst.number if inst else None) or n["instrument"], since=n.get("since", ""))}
    elif n["kind"] == "after_as_of":
        n = {**n, "text": _p("after_as_of_note", lang, paths=n["text"].rpartition(": ")[2])}
    else:
        n = {**n, "text": rule_text(n["text"], lang)}
    section = "note_kind" if label("enums", f"note_kind.{n['kind']}", lang) != f"note_kind.{n['kind']}" \
        else "extra_note_kind"
    about = _p("note_about_duty", lang, duty=_duty(n, lang)) if n.get("duty") else ""
    return _p("note_line", lang, kind=_e(section, n["kind"], lang), about=about, text=n["text"])


def item_line(section: str, item: dict[str, Any], lang: str) -> str:
    """One item of an assessment section (``obligations``, ``sanctions`` …) worded as the memo words it."""
    if "instrument" in item and "instruments" not in item:
        item = {**item, "instruments": [item["instrument"]]}
    if section == "mandatory_audit":
        return _p("mandatory_item", lang, ground=_e("ground", item["ground"], lang))
    if section == "obligations":
        return _obligation(item, lang)
    if section == "violations":
        return _violation(item, lang)
    if section == "sanctions":
        return _sanction(item, lang)
    if section == "evaluations":
        return _p("evaluation_line", lang, instrument=_instrument(item["instrument"], lang),
                  kind=_e("event_type", item["type"], lang) if item.get("type") else item["event"],
                  date=item.get("date") or "", grade=item["grade"])
    return _p("title_line", lang, instrument=_instrument(item["instrument"], lang), title=item["title"],
              start=item.get("from") or "", until=_p("title_until", lang, until=item["until"]) if item.get("until")
              else "")


def instrument_name(instrument: str, lang: str) -> str:
    """An instrument's title as a citation shows it."""
    return _instrument(instrument, lang)


def provision_name(provision: str, lang: str) -> str:
    """A provision (``CN-CPPL-2012 art. 39``) as a citation shows it."""
    return provision_text(provision, _titles(), lang)


def _missing(doc: dict[str, Any], lang: str) -> Section | None:
    missing = doc.get("missing_facts") or []
    if not missing:
        return None
    entries = []
    for m in missing:
        question = m["question"].get(lang) if isinstance(m.get("question"), dict) else str(m.get("question", ""))
        entries.append((_p("missing_line", lang, question=question, path=m.get("path", ""),
                           decides=_p("list_sep", lang).join(fact_sentence(d["predicate"], d["args"], lang)
                                                              for d in m.get("decides", []))),
                        _cites(m.get("cites", []), lang)))
    return Section(_p("h_missing", lang), entries)


def _notes(doc: dict[str, Any], lang: str, detail: str) -> list[Section]:
    """The rules' notes; the named readings behind the whole assessment listed apart, or counted when brief."""
    notes = [n for n in doc["notes"] if "reading" not in n]
    readings = [n for n in doc["notes"] if "reading" in n]
    sections = []
    if notes or (readings and detail != "full"):
        entries = [(_note(n, lang), []) for n in notes]
        if readings and detail != "full":
            entries.append((_p("readings_folded", lang, n=len(readings)), []))
        sections.append(Section(_p("h_notes", lang), entries))
    if readings and detail == "full":
        sections.append(Section(_p("h_readings", lang), [(rule_text(n["text"], lang, n["reading"]), _cites(n["cites"], lang))
                                                                 for n in readings]))
    return sections


def memo(doc: dict[str, Any], lang: str = "en", detail: str = "brief") -> tuple[str, list[Section]]:
    """The memo's title and its sections, in the order a lawyer asks (``detail="full"`` lists every reading)."""
    doc = _with_rounds(doc)
    sections = [_conclusions(doc, lang)]
    if doc["mandatory_audit"]:
        sections.append(Section(_p("h_grounds", lang), [(_e("ground", g["ground"], lang), _cites(g["cites"], lang))
                                                        for g in doc["mandatory_audit"]]))
    if doc["obligations"]:
        sections.append(Section(_p("h_duties", lang), [(_obligation(o, lang), [])
                                                       for o in _stacked(doc["obligations"], _DUTY_KEYS)]))
    if doc["violations"]:
        sections.append(Section(_p("h_breaches", lang), [(_violation(v, lang), [])
                                                         for v in _stacked(doc["violations"], _BREACH_KEYS)]))
    if doc["sanctions"]:
        sections.append(Section(_p("h_sanctions", lang), [(_sanction(s, lang), []) for s in doc["sanctions"]]))
    missing = _missing(doc, lang)
    if missing:
        sections.append(missing)
    sections += _notes(doc, lang, detail)
    for number, section in enumerate(sections, 1):
        section.heading = _p("h_number", lang, n=numeral(number, lang), heading=section.heading)
    return _p("memo_title", lang, enterprise=doc["enterprise"], as_of=doc["as_of"]), sections


def memo_text(doc: dict[str, Any], lang: str = "en", detail: str = "brief") -> str:
    """The memo as plain text: numbered entries, their citations indented under them."""
    title, sections = memo(doc, lang, detail)
    lines = [title]
    for section in sections:
        lines += ["", section.heading]
        for number, (line, subs) in enumerate(section.entries, 1):
            lines.append(f"  {number}. {line}")
            lines += [f"     {sub}" for sub in subs]
    return "\n".join(lines)


def memo_html(doc: dict[str, Any], lang: str = "en", detail: str = "brief") -> str:
    """The memo as a self-contained, print-ready HTML page."""
    from .html import render_page
    title, sections = memo(doc, lang, detail)
    return render_page("memo.html.j2", lang=lang, title=title, sections=sections)
