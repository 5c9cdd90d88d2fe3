"""A what-if comparison (``cplaw.comparison/1``) in words: what was changed, then each conclusion gained, lost or
changed, worded as the memo words it, with the articles and the rules behind it. Every word comes from
facts/labels.yaml (``phrases.cmp_*``, ``phrases.cmp_field``), the conclusions from the memo's own wording."""

from __future__ import annotations

import re
from typing import Any

from ..labels import label
from .cite import authority_text, cite_text, money_text
from .memo import instrument_name, item_line, numeral, provision_name

# Fields of an assessment item a change is shown by (others, such as jurisdiction or the English
# nominal_reason, say the same thing again).
_SHOWN = ("status", "possible_statuses", "due", "due_range", "due_nominal", "nominal_rest_day", "done", "binds_first",
          "calendar_note", "since", "until", "turns_on_arrangement", "authority", "measure", "fine_min", "fine_max",
          "discretionary", "condition", "condition_met", "governing", "law_day", "time_barred", "date", "score",
          "grade", "passed", "from")


def _p(key: str, lang: str, **values: Any) -> str:
    return label("phrases", key, lang, **values)


def _e(enum: str, value: str, lang: str) -> str:
    return label("enums", f"{enum}.{value}", lang)


def _value(field: str, value: Any, lang: str) -> str:
    """A field's value in words."""
    if value is None:
        return _p("cmp_none", lang)
    if isinstance(value, bool):
        return _p("cmp_yes" if value else "cmp_no", lang)
    if field == "status":
        return _e("status", value, lang)
    if field == "possible_statuses":
        return _p("or_sep", lang).join(_e("status", v, lang) for v in value)
    if field == "due_range":
        return _p("cmp_range", lang, earliest=value["earliest"], latest=value["latest"])
    if field == "nominal_rest_day":
        return _e("rest_day", value, lang)
    if field == "calendar_note":
        return _p("cmp_yes", lang)
    if field in ("measure", "condition"):
        return _e(field, value, lang)
    if field == "governing":
        return _e("law_time", value, lang)
    if field == "authority":
        return authority_text(value, lang)
    if field in ("fine_min", "fine_max"):
        return money_text(int(value), lang)
    return str(value)


def _name(entry: dict[str, Any], lang: str) -> str:
    """What a changed conclusion is about, from its key."""
    key, section = entry["key"], entry["section"]
    if section == "mandatory_audit":
        return _p("mandatory_item", lang, ground=_e("ground", key["ground"], lang))
    if section in ("obligations", "violations"):
        return _p(f"cmp_{section}_name", lang, duty=_e("duty", key["duty"], lang),
                  instrument=instrument_name(key["instrument"], lang), round=key["round"])
    if section == "sanctions":
        return _p("cmp_sanctions_name", lang, duty=_e("duty", key["duty"], lang), measure=_e("measure", key["measure"], lang),
                  provision=provision_name(key["provision"], lang))
    return " ".join(str(v) for v in key.values() if v is not None)


def _input_value(field: str, value: Any, lang: str) -> str:
    """A profile value in words where it is an enum value (large → 大型; an event's type), else as given."""
    enum = "event_type" if field == "type" else field
    words = label("enums", f"{enum}.{value}", lang)
    return str(value) if words == f"{enum}.{value}" else words


def _path_words(path: str, lang: str) -> str:
    """A profile field path in words, the path after it (第2条事件记录的日期（events[1].date）); a path of another
    shape as it is."""
    record = re.fullmatch(r"(emissions|totals|energy|substances|events)\[(\d+)\](?:\.(\w+))?", path)
    own = re.fullmatch(r"enterprise\.(\w+)", path)
    if record:
        name, index, field = record.groups()
        words = _p(f"cmp_record.{name}", lang, n=int(index) + 1)
        if field:
            words = _p("cmp_field_of", lang, field=label("web", f"field.{field}", lang).lower(), of=words)
    elif own:
        words = _p("cmp_enterprise_field", lang, field=label("web", f"field.{own.group(1)}", lang).lower())
    else:
        return path
    return _p("cmp_path", lang, words=words, path=path)


def _changes(doc: dict[str, Any], lang: str) -> list[str]:
    base, variant = doc["base"], doc["variant"]
    out = []
    for change in variant["changes"]:
        if change["op"] == "add_event":
            event = change["value"]
            extra = "".join(_p("cmp_event_field", lang, field=label("web", f"field.{k}", lang).lower(),
                                value=_input_value(k, v, lang)) for k, v in event.items() if k not in ("type", "date"))
            out.append(_p("cmp_add_event", lang, event=_e("event_type", event["type"], lang), date=event["date"],
                          extra=extra))
        elif change["op"] == "drop":
            out.append(_p("cmp_drop", lang, what=_path_words(change["path"], lang)))
        else:
            out.append(_p("cmp_set", lang, what=_path_words(change["path"], lang),
                          value=_input_value(change["path"].rpartition(".")[2], change["value"], lang)))
    if variant["as_of"] != base["as_of"]:
        out.append(_p("cmp_as_of", lang, new=variant["as_of"], old=base["as_of"]))
    if variant["options"] != base["options"]:
        out.append(_p("cmp_options", lang, new=", ".join(variant["options"]) or _p("cmp_none", lang),
                      old=", ".join(base["options"]) or _p("cmp_none", lang)))
    return out


def _diff(field: str, old: Any, new: Any, lang: str) -> str:
    """One field's change: old → new; a value that appears (原无) or goes."""
    key = "cmp_diff_new" if old is None else "cmp_diff_gone" if new is None else "cmp_diff"
    return _p(key, lang, field=_p(f"cmp_field.{field}", lang), old=_value(field, old, lang), new=_value(field, new, lang))


def _entry(name: str, entry: dict[str, Any], lang: str) -> list[str]:
    if name == "changed":
        diffs = [_diff(f, entry["old"].get(f), entry["new"].get(f), lang) for f in _SHOWN if f in entry["old"]]
        line = _p("cmp_changed_line", lang, name=_name(entry, lang), diffs=_p("list_sep", lang).join(diffs))
    else:
        line = item_line(entry["section"], {**entry["value"], **entry["key"]}, lang)
    lines = [line]
    if entry["cites"]:
        lines.append(_p("cmp_cites", lang, cites=_p("list_sep", lang).join(
            dict.fromkeys(cite_text(c, lang) for c in entry["cites"]))))
    if entry["rules"]:
        lines.append(_p("cmp_rules", lang, rules=", ".join(entry["rules"])))
    return lines


def comparison_text(doc: dict[str, Any], lang: str = "en") -> str:
    """The comparison as text: the changes, then the conclusions gained, lost and changed."""
    changes = _changes(doc, lang)
    lines = [_p("cmp_title", lang, enterprise=doc["enterprise"], as_of=doc["base"]["as_of"]),
             _p("cmp_what", lang, changes=_p("list_sep", lang).join(changes) if changes else _p("cmp_nothing", lang))]
    if doc["variant"].get("same_profile") and doc["variant"]["changes"]:
        lines.append(_p("cmp_same_profile", lang))
    if not (doc["gained"] or doc["lost"] or doc["changed"]):
        lines.append(_p("cmp_no_change", lang))
        return "\n".join(lines)
    number = 0
    for name in ("gained", "lost", "changed"):
        if not doc[name]:
            continue
        number += 1
        lines += ["", _p("h_number", lang, n=numeral(number, lang), heading=_p(f"cmp_h_{name}", lang))]
        for k, entry in enumerate(doc[name], 1):
            first, *rest = _entry(name, entry, lang)
            lines.append(f"  {k}. {first}")
            lines += [f"     {line}" for line in rest]
    return "\n".join(lines)

