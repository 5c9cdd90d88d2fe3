"""The page for legal staff: a profile entered by the form (or pasted / uploaded as YAML or JSON), the memo,
missing facts answerable in place, why / why-not trees, what-if side by side, the texts in force, downloads.

One stateless page: every action posts the whole form, so the server re-reads the profile each time and
nothing is kept between requests. Every word comes from facts/labels.yaml (sections ``web`` and those of the
memo); Jinja2 escapes everything the user entered.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader

from ..compare import Change, apply_changes, parse_set, read_document
from ..errors import AsOfError, CplawError, LimitError, ProfileError
from ..labels import LANGS, label
from ..limits import MAX_FILE_BYTES
from ..profile import profile_from_document
from . import form as profile_form
from .service import WebError, rules, run

router = APIRouter(include_in_schema=False)
EXAMPLES = ("dongguan-dyeing.yaml", "jiangsu-chemical.yaml", "beijing-compliant.json")
GROUNDS = ("double_exceed", "toxic", "energy", "provincial")


def _environment() -> Environment:
    env = Environment(loader=ChoiceLoader([PackageLoader("cplaw.web", "templates"),
                                           PackageLoader("cplaw.explain", "templates")]),
                      autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env


templates = Jinja2Templates(env=_environment())


def words(lang: str):
    """The page's wording function: ``w(key, **values)`` from labels.yaml's ``web`` section."""
    return lambda key, **values: label("web", key, lang, **values)


def choice_text(name: str, value: str, lang: str) -> str:
    """The words for one value of an enum field (form.ENUM_LABELS), or the value itself where none are kept."""
    where = profile_form.ENUM_LABELS.get(name)
    if not where:
        return value
    section, _, sub = where.partition(".")
    text = label(section, f"{sub}.{value}", lang)
    return value if text == f"{sub}.{value}" else text


@dataclass
class Page:
    """Everything one rendering of the page shows."""

    lang: str
    doc: dict[str, Any]
    as_of: str
    options: list[str]
    text: str = ""
    detail: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)
    assessment: Any = None
    memo: Any = None
    questions: list[dict[str, Any]] = field(default_factory=list)
    asks: list[dict[str, str]] = field(default_factory=list)
    tree: dict[str, Any] | None = None
    comparison: dict[str, Any] | None = None
    law: dict[str, Any] | None = None
    whatif: dict[str, Any] = field(default_factory=dict)

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)


# ── building the page ───────────────────────────────────────────────────────────────────────────────────
def _answers(page: Page, posted: Any) -> None:
    """Apply the answers given to the missing-fact questions (fields ``answer.<path>``) to the document."""
    changes = []
    for key in dict.fromkeys(posted.keys()):
        if not key.startswith("answer."):
            continue
        path, given = key[len("answer."):], [v for v in posted.getlist(key) if v.strip()]
        if not given:
            continue
        if path.startswith("events[+].type="):
            changes.append(Change("add_event", "events[+]", {"type": path.partition("=")[2], "date": given[0].strip()}))
        else:
            changes.append(Change("set", path, profile_form.read_value(path, given)))
    try:
        page.doc = apply_changes(page.doc, changes)
    except CplawError as err:
        page.error("answers", str(err))


def _asks(doc: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """The conclusions a why or why-not tree can be opened for: each holding conclusion, each ground not held."""
    w = words(lang)
    asks: list[dict[str, str]] = []

    def add(kind: str, predicate: str, value: str, text: str) -> None:
        query = f"{predicate}({value})"
        if not any(a["query"] == query and a["kind"] == kind for a in asks):
            what = w(f"conclusion.{predicate}", value=text)
            asks.append({"kind": kind, "query": query, "text": w(f"ask_{kind}", what=what)})
    held = {g["ground"] for g in doc["mandatory_audit"]}
    for ground in GROUNDS:
        add("why" if ground in held else "whynot", "mandatory", ground, choice_text("ground", ground, lang))
    for section, predicate in (("obligations", "due"), ("violations", "violation"), ("sanctions", "sanction")):
        for item in doc[section]:
            add("why", predicate, item["duty"], label("enums", f"duty.{item['duty']}", lang))
    return asks


def _questions(doc: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The missing facts as questions, each with the field that answers it."""
    from ..explain.tree import fact_sentence
    out = []
    for m in doc.get("missing_facts") or []:
        path = m["path"]
        event = path.startswith("events[+].type=")
        spec = profile_form.Field(f"answer.{path}", "date") if event else profile_form.field_at(path)
        decides = [fact_sentence(d["predicate"], d["args"], lang) for d in m.get("decides", [])]
        out.append({"path": path, "question": m["question"][lang], "decides": decides,
                    "field": spec or profile_form.Field(path, "text"), "name": f"answer.{path}"})
    return out


def _what_if(page: Page, posted: Any) -> None:
    """The what-if asked for: a date, a fact set, an event added or a field dropped, readings added."""
    wi = {key: (posted.get(f"wi_{key}") or "").strip() for key in ("as_of", "set", "event_type", "event_date", "drop")}
    wi["options"] = posted.getlist("wi_option")
    page.whatif = wi
    try:
        changes = [parse_set(line.strip()) for line in wi["set"].splitlines() if line.strip()]
        if wi["event_type"] or wi["event_date"]:
            changes.append(Change("add_event", "events[+]", {"type": wi["event_type"], "date": wi["event_date"]}))
        if wi["drop"]:
            changes.append(Change("drop", wi["drop"]))
        page.comparison = rules().compare(page.doc, page.as_of, changes, options=page.options,
                                          vs_as_of=wi["as_of"] or None,
                                          vs_options=list(dict.fromkeys(page.options + wi["options"])),
                                          source="<form>")
    except ProfileError as err:
        page.error("whatif", "; ".join(i.render() for i in err.issues))
    except CplawError as err:
        page.error("whatif", str(err))


def build(posted: Any, lang: str, action: str) -> Page:
    """The page for a posted form and the action asked for (assess, load, why, whynot, whatif)."""
    page = Page(lang, profile_form.document(posted), (posted.get("as_of") or "").strip() or dt.date.today().isoformat(),
                [o for o in posted.getlist("option") if o], text=posted.get("profile_text") or "",
                detail=posted.get("detail") == "full")
    if action == "load" and page.text.strip():
        try:
            page.doc = read_document("<text>", page.text)
        except ProfileError as err:
            page.error("profile_text", "; ".join(i.render() for i in err.issues))
            return page
    _answers(page, posted)
    try:
        profile = profile_from_document(page.doc, "<form>")
        page.assessment = rules().assess(profile, page.as_of, page.options)
    except ProfileError as err:
        for issue in err.issues:
            page.error(issue.path, issue.message)
        return page
    except (AsOfError, LimitError) as err:
        page.error("as_of", str(err))
        return page
    except CplawError as err:
        page.error("options", str(err))
        return page
    _assessed(page, posted, action)
    return page


def _assessed(page: Page, posted: Any, action: str) -> None:
    from ..explain.memo import memo
    from ..explain.tree_html import tree_view
    doc, lang = page.assessment.data, page.lang
    detail = "full" if page.detail else "brief"
    page.memo = memo(doc, lang, detail)
    page.questions = _questions(doc, lang)
    page.asks = _asks(doc, lang)
    page.law = rules().law(page.as_of)
    kind, _, query = action.partition(":")
    if kind in ("why", "whynot"):
        query = query or (posted.get("query") or "").strip()
        try:
            graph = page.assessment.explain(query) if kind == "why" else page.assessment.why_not(query)
            page.tree = tree_view(graph, lang, detail)
        except CplawError as err:
            page.error("query", str(err))
    elif kind == "whatif":
        _what_if(page, posted)


# ── rendering ───────────────────────────────────────────────────────────────────────────────────────────
def _comparison_rows(doc: dict[str, Any], lang: str) -> list[dict[str, str]]:
    """Each conclusion gained, lost or changed, as (what, before, after) in words."""
    from ..explain.cite import title_text
    w = words(lang)
    titles = {i.id: i.title for i in rules().program.instruments.values()}

    def shown(name: str, value: Any) -> str:
        if isinstance(value, bool):
            return w(f"yes_no.{str(value).lower()}")
        if name == "instrument" and value in titles:
            return title_text(titles[value], lang)
        if name == "jurisdiction":
            return jurisdiction_text(value, lang)
        if name == "round":
            return w("field_value", field=w("result_field.round"), value=value)
        if name in ("duty", "status", "measure", "ground") and isinstance(value, str):
            text = label("enums", f"{name}.{value}", lang)
            return value if text == f"{name}.{value}" else text
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return "—" if value is None else str(value)

    def fields(values: dict[str, Any], skip: dict[str, Any]) -> str:
        return w("list_sep").join(w("field_value", field=w(f"result_field.{k}"), value=shown(k, v))
                                  for k, v in values.items() if k not in skip and v is not None)
    rows = []
    for change in ("gained", "lost", "changed"):
        for e in doc[change]:
            key = e["key"]
            what = w("list_sep").join(shown(k, v) for k, v in key.items() if v is not None)
            row = {"change": w(f"change.{change}"), "section": w(f"result_section.{e['section']}"), "what": what,
                   "rules": ", ".join(e["rules"])}
            if change == "changed":
                row.update(before=fields(e["old"], {}), after=fields(e["new"], {}))
            elif change == "gained":
                row.update(before="—", after=fields(e["value"], key))
            else:
                row.update(before=fields(e["value"], key), after="—")
            rows.append(row)
    return rows


def render(request: Request, page: Page, status: int = 200) -> HTMLResponse:
    lang = page.lang
    context = {
        "lang": lang, "other_lang": next(x for x in LANGS if x != lang), "w": words(lang), "page": page,
        "fields": profile_form.fields(), "sections": profile_form.SECTIONS,
        "values": profile_form.values(page.doc), "rows": {s: profile_form.row_count(page.doc, s)
                                                          for s in profile_form.SECTIONS},
        "choice": lambda name, value: choice_text(name, value, lang), "readings": rules().options(),
        "examples": EXAMPLES, "provinces": list(_provinces().values()),
        "comparison_rows": _comparison_rows(page.comparison, lang) if page.comparison else [],
        "source_grade": lambda status: label("enums", f"source_status.{status}", lang),
        "jurisdiction": lambda code: jurisdiction_text(code, lang),
    }
    return templates.TemplateResponse(request, "page.html.j2", context, status_code=status)


@lru_cache(maxsize=1)
def _provinces() -> dict[str, str]:
    """Each province's code and short name (facts/provinces.yaml)."""
    text = resources.files("cplaw.facts").joinpath("provinces.yaml").read_text(encoding="utf-8")
    return {row["code"]: row["short"] for row in yaml.safe_load(text)}


def jurisdiction_text(code: str, lang: str) -> str:
    """CN as national, a province's code as its short name."""
    return label("web", "national", lang) if code == "CN" else _provinces().get(code, code)


def _lang(value: str | None) -> str:
    return value if value in LANGS else "zh"


class _Posted:
    """A multi-dict of form values (``get``, ``getlist``, ``keys``) made from a plain profile document."""

    def __init__(self, items: list[tuple[str, str]]):
        self.items = items

    def keys(self) -> list[str]:
        return [k for k, _ in self.items]

    def get(self, key: str, default: Any = None) -> Any:
        return next((v for k, v in self.items if k == key), default)

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.items if k == key]


async def _posted(request: Request) -> Any:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_FILE_BYTES:
        raise WebError(413, f"the form is larger than the limit of {MAX_FILE_BYTES:,} bytes")
    # a field per input: a profile within cplaw.limits (300 events of 12 fields …) stays below this many
    return await request.form(max_fields=50_000, max_part_size=MAX_FILE_BYTES)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, lang: str | None = None, example: str | None = None) -> HTMLResponse:
    """The empty form; ``example`` fills it with one of the packaged example profiles."""
    lang = _lang(lang)
    if example not in EXAMPLES:
        return render(request, Page(lang, {"format": "cplaw.profile/1", "enterprise": {}},
                                    dt.date.today().isoformat(), []))
    text = resources.files("cplaw.facts").joinpath("examples", example).read_text(encoding="utf-8")
    page = await run(lambda: build(_Posted([("profile_text", text)]), lang, "load"))
    return render(request, page)


@router.post("/", response_class=HTMLResponse)
async def act(request: Request) -> HTMLResponse:
    posted = await _posted(request)
    page = await run(lambda: build(posted, _lang(posted.get("lang")), posted.get("action") or "assess"))
    return render(request, page, 200 if page.assessment else 422)


@router.post("/download/memo.html")
async def download_memo(request: Request) -> Response:
    """The memo as a self-contained, print-ready HTML page."""
    from ..explain.memo import memo_html
    page = await _assessed_page(request)
    name = f"memo-{page.assessment.data['as_of']}.html"
    return Response(memo_html(page.assessment.data, page.lang), media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/download/assessment.json")
async def download_assessment(request: Request) -> Response:
    """The assessment (cplaw.assessment/1) as a JSON file."""
    page = await _assessed_page(request)
    name = f"assessment-{page.assessment.data['as_of']}.json"
    return Response(json.dumps(page.assessment.data, ensure_ascii=False, indent=2),
                    media_type="application/json", headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def _assessed_page(request: Request) -> Page:
    posted = await _posted(request)
    page = await run(lambda: build(posted, _lang(posted.get("lang")), "assess"))
    if not page.assessment:
        raise WebError(422, "; ".join(f"{p or '(top level)'}: {m}" for p, ms in page.errors.items() for m in ms))
    return page
