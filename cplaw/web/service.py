"""What the HTTP API and the page share: the rule base, reading a request body within the size limit, running
one assessment within the time limit, and turning cplaw's errors into JSON answers with a 4xx status."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..api import RuleBase
from ..errors import AsOfError, CplawError, LimitError, ProfileError
from ..limits import MAX_FILE_BYTES

T = TypeVar("T")

# Seconds one request may compute before the server answers 503 (CPLAW_WEB_TIMEOUT overrides it). The worst
# profile within cplaw.limits takes about a minute (MAX_EVENTS); a real enterprise takes well under a second.
TIMEOUT = float(os.environ.get("CPLAW_WEB_TIMEOUT", "60"))


class WebError(Exception):
    """An answer other than 200, with its status and message (and, for a bad profile, its field issues)."""

    def __init__(self, status: int, message: str, issues: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.status, self.message, self.issues = status, message, issues or []

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"error": self.message}
        if self.issues:
            body["issues"] = self.issues
        return JSONResponse(body, status_code=self.status)


@lru_cache(maxsize=1)
def rules() -> RuleBase:
    """The packaged rule base, loaded once (from the compiled cache) when the server starts."""
    return RuleBase.load()


def web_error(err: Exception) -> WebError:
    """A cplaw error as an HTTP answer: a bad profile 422 with its field paths, a date or limit 422, other
    bad input 400."""
    if isinstance(err, WebError):
        return err
    if isinstance(err, ProfileError):
        issues = [{"path": i.path, "message": i.message} for i in err.issues]
        syntax = len(err.issues) == 1 and not err.issues[0].path and "line" in err.issues[0].message
        return WebError(400 if syntax else 422, str(err), issues)
    if isinstance(err, (AsOfError, LimitError)):
        return WebError(422, str(err))
    if isinstance(err, RecursionError):
        return WebError(422, "the input is nested too deeply to process")
    return WebError(400, str(err))


async def read_body(request: Request, limit: int = MAX_FILE_BYTES) -> str:
    """The request body as UTF-8 text, refused (413) past ``limit`` bytes before more is read."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise WebError(413, f"the body is larger than the limit of {limit:,} bytes (cplaw.limits.MAX_FILE_BYTES)")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise WebError(413, f"the body is larger than the limit of {limit:,} bytes (cplaw.limits.MAX_FILE_BYTES)")
        chunks.append(chunk)
    try:
        return b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WebError(400, f"the body is not UTF-8 text (byte {exc.start})") from None


async def run(work: Callable[[], T], timeout: float | None = None) -> T:
    """``work()`` in a worker thread, given up (503) after ``timeout`` seconds; cplaw's errors become
    WebErrors. A thread given up runs on to its end (Python cannot stop it); its answer is dropped."""
    limit = TIMEOUT if timeout is None else timeout
    try:
        with anyio.fail_after(limit):
            return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
    except TimeoutError:
        raise WebError(503, f"the computation took longer than the limit of {limit:g} s "
                            "(CPLAW_WEB_TIMEOUT)") from None
    except (CplawError, RecursionError) as err:
        raise web_error(err) from None
