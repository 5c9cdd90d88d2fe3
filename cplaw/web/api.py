"""The HTTP API: the CLI's commands over HTTP, answering the CLI's JSON contracts (cplaw.assessment/1,
cplaw.explanation/1, cplaw.comparison/1, the `law` table, the options). A profile is the request body, JSON or
YAML, as a profile file would be; dates and readings are query parameters named as the CLI's options."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from ..api import Assessment
from ..compare import Change, parse_event, parse_set, read_document
from ..engines import ENGINES
from ..profile import load_profile
from .service import WebError, read_body, rules, run

router = APIRouter(prefix="/api", tags=["api"])

_PROFILE_BODY = {"requestBody": {"required": True, "description": "An enterprise profile (cplaw.profile/1), "
                                 "JSON or YAML, as a profile file holds it.",
                                 "content": {"application/json": {"schema": {"type": "object"}},
                                             "application/yaml": {"schema": {"type": "string"}}}}}
AsOf = Query(None, description="the date to assess as of (YYYY-MM-DD; default: today)")
Options = Query([], description="a named alternative reading (GET /api/options); repeat for several")
Engine = Query(None, description=f"the engine: {', '.join(ENGINES)}")


def _engine(engine: str | None) -> str | None:
    if engine is not None and engine not in ENGINES:
        raise WebError(400, f"unknown engine {engine!r}; engines: {', '.join(ENGINES)}")
    return engine


def _assess(text: str, as_of: str | None, option: list[str], engine: str | None) -> Assessment:
    return rules().assess(load_profile("<body>", text=text), as_of, option, _engine(engine))


async def _assessment(request: Request, as_of: str | None, option: list[str], engine: str | None) -> Assessment:
    text = await read_body(request)
    return await run(lambda: _assess(text, as_of, option, engine))


@router.post("/assess", openapi_extra=_PROFILE_BODY, summary="assess a profile (cplaw.assessment/1)")
async def assess(request: Request, as_of: str | None = AsOf, option: list[str] = Options,
                 engine: str | None = Engine) -> dict[str, Any]:
    """As `cplaw assess PROFILE --format json`."""
    return (await _assessment(request, as_of, option, engine)).data


async def _explanation(request: Request, query: str, as_of: str | None, option: list[str], engine: str | None,
                       fmt: str, lang: str, why: bool) -> Response:
    from ..explain.render import render, to_json_data
    text = await read_body(request)

    def explain() -> Any:  # one worker thread: a pyDatalog session answers only in the thread that made it
        assessment = _assess(text, as_of, option, engine)
        graph = assessment.explain(query) if why else assessment.why_not(query)
        return to_json_data(graph) if fmt == "json" else render(graph, fmt, lang)
    answer = await run(explain)
    if fmt == "json":
        return JSONResponse(answer)
    return Response(answer, media_type="text/html; charset=utf-8") if fmt == "html" else PlainTextResponse(answer)


Query_ = Query(..., description="a conclusion, e.g. mandatory(toxic), violation(start_audit), 违法(开展审核)")
Format = Query("json", description="json (cplaw.explanation/1), text or html")
Lang = Query("zh", description="the language of text and html answers")


@router.post("/why", openapi_extra=_PROFILE_BODY, summary="why a conclusion holds (cplaw.explanation/1)")
async def why(request: Request, query: str = Query_, as_of: str | None = AsOf, option: list[str] = Options,
              engine: str | None = Engine, format: Literal["json", "text", "html"] = Format,
              lang: Literal["zh", "en"] = Lang) -> Response:
    """As `cplaw why PROFILE QUERY --format json`."""
    return await _explanation(request, query, as_of, option, engine, format, lang, True)


@router.post("/why-not", openapi_extra=_PROFILE_BODY, summary="why a conclusion does not hold (cplaw.explanation/1)")
async def why_not(request: Request, query: str = Query_, as_of: str | None = AsOf, option: list[str] = Options,
                  engine: str | None = Engine, format: Literal["json", "text", "html"] = Format,
                  lang: Literal["zh", "en"] = Lang) -> Response:
    """As `cplaw why-not PROFILE QUERY --format json`."""
    return await _explanation(request, query, as_of, option, engine, format, lang, False)


Sets = Query([], description="PATH=VALUE, e.g. events[2].date=2009-05-10")
Events = Query([], description="TYPE@DATE[,key=value…]")
Drops = Query([], description="a field path to drop")
VsAsOf = Query(None, description="assess the changed copy as of this date")
VsOptions = Query([], description="assess the changed copy under this reading")


@router.post("/what-if", openapi_extra=_PROFILE_BODY, summary="what changes if (cplaw.comparison/1)")
async def what_if(request: Request, as_of: str | None = AsOf, set: list[str] = Sets, add_event: list[str] = Events,
                  drop: list[str] = Drops, vs_as_of: str | None = VsAsOf, option: list[str] = VsOptions,
                  engine: str | None = Engine) -> dict[str, Any]:
    """As `cplaw what-if PROFILE --set … --add-event … --drop … --vs-as-of … --option … --format json`."""
    text = await read_body(request)

    def compare() -> dict[str, Any]:
        changes = [parse_set(t) for t in set] + [parse_event(t) for t in add_event] + [Change("drop", p) for p in drop]
        return rules().compare(read_document("<body>", text), as_of, changes, vs_as_of=vs_as_of, options=(),
                               vs_options=option, source="<body>", engine=_engine(engine))
    return await run(compare)


@router.get("/law", summary="the texts in force on a date")
async def law(as_of: str | None = AsOf) -> dict[str, Any]:
    """As `cplaw law --format json`."""
    return await run(lambda: rules().law(as_of))


@router.get("/options", summary="the named alternative readings")
async def options() -> dict[str, str]:
    """As `cplaw options`: each reading's name and words."""
    return dict(sorted(rules().options().items()))
