"""Reasons as a tree of sentences, built from an explanation graph (explain/graph.py).

Every renderer (text, HTML, DOT, SVG) draws this tree, so they say the same thing. A conclusion's sentence
comes from its predicate and arguments; its citations from the rules that derived it, the texts' own articles
first and general rules (民法典 periods, 行政处罚法) after its reasons. Internal steps — comparisons, guards of
force, absences, and derived predicates no answer reports — are folded into the step above them unless
``detail="full"``; their reasons (an input fact, a period) are lifted, never lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from string import Formatter
from typing import TYPE_CHECKING, Any

from ..labels import label, rule_text
from .cite import authority_text, cite_text, measure_act, program, provision_text, title_text

if TYPE_CHECKING:
    import networkx as nx

# The conclusions an answer reports (cplaw.assessment/1) and the predicates a user asks about; any other
# derived predicate is a helper step of the rules.
REPORTED = frozenset({
    "mandatory", "due", "status", "violation", "sanction", "note", "time_barred", "done", "grade", "passed",
    "failed", "title", "is_toxic_enterprise", "toxic_substance", "exceeds_standard", "exceeds_quota",
    "exceeds_energy", "audit_list", "penalty", "punishable_under", "governs", "law_day", "discovered",
    "condition_met", "resolves", "is_listed"})
INTERNAL_KINDS = frozenset({"comparison", "in_force", "absent"})


@dataclass
class Reason:
    """One sentence of an explanation, with the articles behind it and the reasons under it."""

    text: str
    kind: str
    node: str
    cites: list[dict[str, Any]] = field(default_factory=list)
    general_cites: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    children: list[Reason] = field(default_factory=list)
    folded: int = 0
    repeated: bool = False
    head: tuple | None = None  # the citation the text already names (a route's): its words shown alone


def _general(instrument: str) -> bool:
    inst = program().instruments.get(instrument)
    return bool(inst and inst.general)


def _value(param_type: str, value: str, lang: str) -> str:
    found = label("enums", f"{param_type}.{value}", lang)
    if found != f"{param_type}.{value}":
        return found
    if param_type == "string":
        value = authority_text(value, lang)
    inst = program().instruments.get(value)
    if inst is not None:
        return title_text(inst.title, lang)
    if " art. " in value and value.partition(" art. ")[0] in program().instruments:
        return provision_text(value, {i.id: i.title for i in program().instruments.values()}, lang)
    return value


def fact_sentence(predicate: str, args: list[str], lang: str, fallback: str = "") -> str:
    """A fact as a sentence: ``phrases.fact.<predicate>`` filled with its arguments by parameter name,
    else the predicate's description followed by its arguments."""
    pred = program().predicates.get(predicate)
    params = pred.params if pred else ()
    values = {p.name: _value(p.type, a, lang) for p, a in zip(params, args)}
    raw = {p.name: a for p, a in zip(params, args)}
    if "Measure" in raw and "FineMax" in raw:
        values.update(_penalty_words(raw, values, lang))
    key = f"fact.{predicate}"
    if label("phrases", key, lang) != key and "_" not in args:
        return label("phrases", key, lang, **values)
    open_key = f"fact_open.{predicate}"
    template = label("phrases", open_key, lang)
    given = {name for name, value in raw.items() if value != "_"}
    if template != open_key and given == {name for _, name, _, _ in Formatter().parse(template) if name}:
        return label("phrases", open_key, lang, **values)  # it names exactly the arguments given
    short = label("phrases", f"query_names.{predicate}", lang)
    description = short.split("/")[0] if short != f"query_names.{predicate}" else \
        (getattr(pred, lang) if pred else "") or fallback or predicate
    shown = [v for v in (values.get(p.name, a) for p, a in zip(params, args)) if v != "_"] if params else args
    return label("phrases", "fact_generic", lang, description=description,
                 args=label("phrases", "enum_sep", lang).join(shown)) if shown else description


def _penalty_words(raw: dict[str, str], values: dict[str, str], lang: str) -> dict[str, str]:
    """A sanction's measure as the memo words it (a fine by its range) and the condition it waits on."""
    number = {k: int(Decimal(raw[k])) if raw[k] not in ("null", "_") else None for k in ("FineMin", "FineMax")}
    condition = raw.get("Condition")
    return {"Penalty": measure_act(raw["Measure"], number["FineMin"], number["FineMax"], lang),
            "If": label("phrases", "sanction_condition", lang, cond=values["Condition"])
            if condition not in (None, "none", "_") else ""}


def internal(data: dict[str, Any]) -> bool:
    if data["kind"] in INTERNAL_KINDS:
        return True
    return data["kind"] == "conclusion" and data["predicate"] not in REPORTED


def _split_cites(cites: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    own = [c for c in cites if not _general(c["instrument"])]
    return own, [c for c in cites if _general(c["instrument"])]


def _sentence(data: dict[str, Any], lang: str) -> str:
    kind = data["kind"]
    if kind in ("conclusion", "input", "not_derived", "holds"):
        text = fact_sentence(data["predicate"], data["args"], lang, data.get(lang, ""))
        if kind == "input" and data.get("path"):
            given = "from_query" if data["path"].startswith("--") else "from_profile"  # --as-of, --option
            text += label("phrases", given, lang, path=data["path"])
        if kind == "not_derived":
            text = label("phrases", "not_derived", lang, fact=text)
        return text
    if kind == "period":
        if "effective" in data:
            moved = label("phrases", "effective_moved", lang, nominal=data["nominal"],
                          why=label("enums", f"rest_day.{data['moved_because']}", lang)) \
                if data.get("moved_because") else ""
            return label("phrases", "effective_line", lang, effective=data["effective"], moved=moved)
        period = data.get("period_zh") if label("phrases", "numerals", lang) == "chinese" else data.get("period")
        return label("phrases", "period_line", lang, start=data.get("start", ""), period=period or "",
                     nominal=data["nominal"])
    if kind == "in_force":
        return label("phrases", "in_force", lang, instrument=_value("string", data["instrument"], lang), day=data["day"],
                     start=data["start"], end=data["end"] or label("phrases", "open_end", lang))
    if kind == "out_of_force":
        return label("phrases", f"out_of_force.{data['when']}", lang, as_of=data["as_of"], start=data.get("start"),
                     end=data.get("end"))
    if kind == "absent":
        return label("phrases", "absent", lang, text=fact_sentence(data["predicate"], data["args"], lang))
    if kind == "failed":
        return label("phrases", "first_failed", lang, text=failed_sentence(data["text"], lang))
    if kind == "comparison":
        return comparison_sentence(data.get("text", ""), lang)
    return data.get("text", kind)


_ATOM = re.compile(r"^(not )?(\w+)\((.*)\)$")
_COMPARISON = re.compile(r"^(\S+) (<=|>=|!=|<|>|=) (\S+)$")
_DAY_AFTER = re.compile(r"^(\d{4}-\d\d-\d\d) = day_after\((\d{4}-\d\d-\d\d)\)$")
_OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "=": "eq", "!=": "ne"}
_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")


def _term_words(term: str, other: str, lang: str) -> str:
    """A comparison's operand in words: an enum value by its label (of the enum holding both operands where
    one does), an instrument by its title."""
    term, other = term.strip('"'), other.strip('"')
    enums = [e for e in program().enums.values() if term in e.values]
    for enum in sorted(enums, key=lambda e: other not in e.values):
        return label("enums", f"{enum.name}.{term}", lang)
    inst = program().instruments.get(term)
    return title_text(inst.title, lang) if inst else term


def comparison_sentence(text: str, lang: str) -> str:
    """A rule's comparison (``2010-04-01 <= 2012-06-30``, ``order_to_correct != fine``) in words where its
    operands allow; as written otherwise."""
    day_after = _DAY_AFTER.match(text)
    if day_after:
        return label("phrases", "day_after", lang, left=day_after.group(1), right=day_after.group(2))
    match = _COMPARISON.match(text)
    if not match:
        return text
    left, op, right = match.groups()
    if _DAY.match(left) and _DAY.match(right):
        section = "compare_day"
    elif _AMOUNT.match(left) and _AMOUNT.match(right):
        section = "compare_amount"
    elif op in ("=", "!="):
        section, left, right = "compare_value", _term_words(left, right, lang), _term_words(right, left, lang)
    else:
        return text
    return label("phrases", f"{section}.{_OPS[op]}", lang, left=left, right=right)


def query_sentence(query: str, lang: str) -> str:
    """A query (``sanction(_, _, …)``) in words: the conclusion's name, with the values it asks about."""
    match = _ATOM.match(query)
    if not match or match.group(2) not in program().predicates:
        return query
    args = [a.strip() for a in match.group(3).split(",")] if match.group(3) else []
    return fact_sentence(match.group(2), ["_" if a[:1].isupper() else a for a in args], lang)


_FAILED = {"atom": "failed_atom", "negated": "failed_negated", "comparison": "failed_comparison"}


def failed_sentence(text: str, lang: str, keys: dict[str, str] = _FAILED) -> str:
    """A failing condition (``not is_done(start_audit, 2009-03-15)``) in words where it is an atom, worded by the
    phrase ``keys`` names for its kind (a missing fact, a blocking one, a comparison)."""
    match = _ATOM.match(text)
    if not match or match.group(2) not in program().predicates:
        return label("phrases", keys["comparison"], lang, text=comparison_sentence(text, lang))
    args = [a.strip() for a in match.group(3).split(",")] if match.group(3) else []
    args = ["_" if a[:1].isupper() else a for a in args]  # an unbound variable: any value
    fact = fact_sentence(match.group(2), args, lang)
    return label("phrases", keys["negated" if match.group(1) else "atom"], lang, fact=fact)


def successors(graph: nx.DiGraph, node: str) -> list[str]:
    """A node's reasons in a fixed order: a rule's premises in the order of its body; a conclusion's
    derivations (rules) by id, whichever order the engine found them in."""
    found = list(graph.successors(node))
    return found if graph.nodes[node]["kind"] == "rule" else sorted(found, key=lambda n: (graph.nodes[n].get("order", ""), n))


def build(graph: nx.DiGraph, lang: str, detail: str = "brief") -> list[Reason]:
    """The reason trees of a graph's roots; a step reached twice is given once, then marked as repeated."""
    seen: set[str] = set()

    def reasons(node: str) -> list[Reason]:
        """The reasons ``node`` contributes to its parent: itself, or (folded) its own reasons."""
        data = graph.nodes[node]
        if data["kind"] == "rule" and graph.graph.get("kind") == "why_not":
            own, general = _split_cites(data["cites"])
            head = (own or general)[:1]
            phrase = ("route" if own or not general else "route_general") + ("_full" if detail == "full" else "")
            route = Reason(label("phrases", phrase, lang, rule=data["rule"],
                                 where=cite_text(head[0], lang) if head else data["rule"]), "route", node)
            route.cites, route.general_cites = own, general
            route.head = cite_key(head[0]) if head else None
            route.children = [r for child in successors(graph, node) for r in reasons(child)]
            return [_with_its_failure(route, lang)]
        if data["kind"] == "rule":
            return [r for child in successors(graph, node) for r in reasons(child)]
        if detail != "full" and internal(data) and node not in graph.graph.get("roots", []):
            lifted = [r for child in successors(graph, node) for r in reasons(child)]
            return lifted or [Reason("", "folded", node, folded=1)]
        item = Reason(_sentence(data, lang), data["kind"], node)
        if node in seen:
            item.repeated = bool(graph.out_degree(node))
            return [item]
        seen.add(node)
        cites = [c for rule in successors(graph, node) if graph.nodes[rule]["kind"] == "rule"
                 for c in graph.nodes[rule]["cites"]] + list(data.get("cites", []))
        item.cites, item.general_cites = _split_cites(cites)
        for rule in successors(graph, node):
            rd = graph.nodes[rule]
            if rd["kind"] == "rule":
                item.notes += [label("phrases", "reading", lang, name=r["name"],
                                     text=rule_text(r["text"], lang, r["name"]))
                               for r in rd.get("readings", []) if detail == "full"]
        if data.get("calendar_note"):
            item.notes.append(label("phrases", "calendar_note", lang, text=label(
                "phrases", "calendar_unknown", lang, years=data.get("calendar_years") or "")))
        for child in successors(graph, node):
            for reason in reasons(child):
                if reason.kind == "folded":
                    item.folded += reason.folded
                elif not any(r.node == reason.node or (r.text == reason.text and reason.kind == "route")
                             for r in item.children) and not (reason.kind == "route" and all(
                                 c.repeated for c in reason.children) and reason.children):
                    item.children.append(reason)
        return [item]

    return _merged([r for root in graph.graph.get("roots", []) for r in reasons(root)])


def _with_its_failure(route: Reason, lang: str) -> Reason:
    """A route that fails on one condition says so on its own line: the failing condition's reasons (its own
    routes, for a conclusion that could not be derived) come right under the route, one level less deep."""
    if len(route.children) != 1 or route.children[0].kind not in ("not_derived", "failed", "out_of_force") \
            or route.children[0].repeated:
        return route
    only = route.children[0]
    route.text = label("phrases", "route_fails", lang, route=route.text, reason=only.text)
    route.cites += [c for c in only.cites if c not in route.cites]
    route.general_cites += [c for c in only.general_cites if c not in route.general_cites]
    route.notes += only.notes
    route.folded += only.folded
    route.children = only.children
    return route


def _merged(trees: list[Reason]) -> list[Reason]:
    """Reasons that read the same (one sanction the breaches of two texts each lead to) as one, with the
    reasons and articles of each, at every level."""
    out: dict[tuple[str, str], Reason] = {}
    for tree in trees:
        first = out.setdefault((tree.kind, tree.text), tree)
        if first is tree:
            continue
        first.children += [c for c in tree.children if all(c.node != d.node for d in first.children)]
        first.cites += [c for c in tree.cites if c not in first.cites]
        first.general_cites += [c for c in tree.general_cites if c not in first.general_cites]
        first.notes += [n for n in tree.notes if n not in first.notes]
        first.folded += tree.folded
    for tree in out.values():
        tree.children = _merged(tree.children)
    return list(out.values())


def answer(graph: nx.DiGraph, trees: list[Reason], lang: str) -> str:
    """The answer in one sentence."""
    query = graph.graph.get("query", "")
    if graph.graph.get("kind") == "why_not":
        if graph.graph.get("holds"):
            return label("phrases", "why_not_holds", lang, query=query)
        root = trees[0] if trees else None
        root_data = graph.nodes[root.node] if root else None
        routes = [c for c in root.children] if root else []
        if len(routes) == 1 and routes[0].kind == "failed":
            reason = routes[0].text
        elif not routes:
            reason = label("phrases", "why_not_no_rule", lang)
        else:
            reason = label("phrases", "why_not_routes" if len(routes) > 1 else "why_not_route", lang, n=len(routes),
                           first=first_missing(graph, root.node, lang))
        shown = fact_sentence(root_data["predicate"], root_data["args"], lang) if root_data else query
        return label("phrases", "why_not_answer", lang, query=shown, reason=reason)
    if not trees:
        return label("phrases", "why_none", lang, query=query_sentence(query, lang))
    return label("phrases", "why_answer", lang,
                 fact=label("phrases", "list_sep", lang).join(t.text for t in trees))


def first_missing(graph: nx.DiGraph, node: str, lang: str, seen: frozenset[str] = frozenset()) -> str:
    """What the first route (as listed) lacks first: its first failing condition, followed down through the
    conclusions that could not be derived to the first condition that fails outright."""
    data = graph.nodes[node]
    deeper = f"not:{data.get('text')}"  # a conclusion past the depth limit, explained where reached sooner
    if data["kind"] == "failed" and deeper in graph and deeper not in seen:
        return first_missing(graph, deeper, lang, seen | {deeper})
    if data["kind"] == "failed":
        return failed_sentence(data["text"], lang, {kind: f"why_not_first.{kind}" for kind in _FAILED})
    if data["kind"] == "out_of_force":
        return label("phrases", f"why_not_first.out_of_force_{data['when']}", lang, as_of=data["as_of"],
                     start=data.get("start"), end=data.get("end"))
    below = [child for child in successors(graph, node)
             if graph.nodes[child]["kind"] in ("rule", "failed", "not_derived", "out_of_force")]
    if not below:
        return label("phrases", "why_not_first.leaf", lang, fact=fact_sentence(data["predicate"], data["args"], lang)) \
            if data["kind"] == "not_derived" else ""
    return first_missing(graph, below[0], lang, seen)


def cite_key(cite: dict[str, Any]) -> tuple:
    return cite["instrument"], cite["article"], cite.get("paragraph"), cite.get("item")


def shown_cites(item: Reason, group: list[dict[str, Any]], lang: str, quoted: set[tuple],
                trailing: bool = False) -> list[tuple[str, str]]:
    """(reference, words) of the citations of ``group`` not quoted yet; the one the item's text names
    already (its head) with its words alone, unless the group is ``trailing`` (shown after the item's
    children, where words without their article would read as the last child's). Each article is quoted once
    in an explanation."""
    shown = []
    for cite in group:
        key = cite_key(cite)
        if key in quoted:
            continue
        quoted.add(key)
        head = key == item.head and not trailing
        if head and cite.get("reported") and not cite.get("text"):
            continue  # the heading names a reported text with the words reported (cite_text): shown already

        shown.append(("" if head else cite_text(cite, lang), cite.get("text") or ""))
    return shown
