"""The web server under 8 concurrent clients (issue 14, item 5): a real uvicorn server on loopback, its handlers
in worker threads, asked by 8 client threads at once for assessments and explanations of different profiles,
dates, readings and engines; every answer must equal the one the same server gave to a lone client."""

from __future__ import annotations

import json
import pathlib
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

pytest.importorskip("fastapi")
import uvicorn  # noqa: E402

from cplaw import scenarios  # noqa: E402
from cplaw.web.app import create_app  # noqa: E402

HERE = pathlib.Path(__file__).parent
CLIENTS = 8


def _requests() -> list[tuple[str, dict[str, Any], bytes]]:
    """Every 12th scenario profile (its own date and readings) for /api/assess, on both engines in turn, and
    a why and a why-not for a few of them: different work for every client."""
    paths = [p for p in sorted(HERE.glob("scenarios/**/[0-9]*.yaml"))]
    asked: list[tuple[str, dict[str, Any], bytes]] = []
    for i, path in enumerate(paths[::12]):
        scenario = scenarios.load(path)
        if scenario.expect_error is not None:
            continue
        body = scenario.profile_json().encode("utf-8")
        params: dict[str, Any] = {"as_of": scenario.as_of, "option": list(scenario.options)}
        asked.append(("/api/assess", {**params, "engine": "pydatalog" if i % 4 == 0 else "bottomup"}, body))
        if i % 3 == 0:
            asked.append(("/api/why-not", {**params, "query": "mandatory(energy)", "engine": "pydatalog" if i % 2 else "bottomup"}, body))
    return asked


@pytest.fixture(scope="module")
def server() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app_server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not app_server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)


def _ask(base: str, request: tuple[str, dict[str, Any], bytes]) -> tuple[int, Any]:
    route, params, body = request
    url = f"{base}{route}?{urllib.parse.urlencode(params, doseq=True)}"
    asked = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(asked, timeout=120) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_eight_concurrent_clients_get_the_answers_a_lone_client_gets(server: str) -> None:
    asked = _requests()
    assert len(asked) >= 24
    alone = [_ask(server, request) for request in asked]
    assert all(code == 200 for code, _ in alone), [a for a in alone if a[0] != 200][:1]
    # all requests twice over 8 client threads: the same profile is often in flight in two threads at once
    with ThreadPoolExecutor(CLIENTS) as pool:
        together = list(pool.map(lambda r: _ask(server, r), asked + asked))
    assert together == alone + alone
