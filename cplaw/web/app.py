"""The web application: the HTTP API (cplaw/web/api.py), the page for legal staff (cplaw/web/pages.py), and
their assets, every one shipped in the package (no CDN: the page and the API docs work offline)."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from . import api, pages
from .service import WebError, rules


def create_app(preload: bool = True) -> FastAPI:
    """The application; ``preload`` loads the rule base now, so that the first request is answered fast."""
    app = FastAPI(title="cplaw", version=__version__, docs_url=None, redoc_url=None,
                  description="China's cleaner-production audit law (清洁生产审核): assessments, explanations "
                              "and what-if, answering the JSON contracts of the `cplaw` command.")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static/swagger", StaticFiles(directory=_swagger_dir()), name="swagger")  # before /static
    app.mount("/static", StaticFiles(directory=str(resources.files("cplaw.web") / "static")), name="static")

    @app.exception_handler(WebError)
    async def web_error(request: Request, err: WebError) -> JSONResponse:
        return err.response()

    @app.exception_handler(Exception)
    async def internal(request: Request, err: Exception) -> JSONResponse:
        return JSONResponse({"error": f"internal error ({type(err).__name__}); please report it"}, status_code=500)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="cplaw API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/swagger/favicon-32x32.png")

    if preload:
        rules()
    return app


def _swagger_dir() -> str:
    """Swagger UI's files, as the swagger-ui-bundle package ships them."""
    import swagger_ui_bundle
    return swagger_ui_bundle.swagger_ui_path


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the application with uvicorn until interrupted."""
    import uvicorn
    uvicorn.run(create_app(), host=host, port=port, log_level="info")
