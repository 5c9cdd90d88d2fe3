"""Speed of the web page and HTTP API (`cplaw serve`), measured over real HTTP on the loopback interface:

- time to first page: from starting `cplaw serve` to the first answer of GET / (the rule base loaded from the
  compiled cache), then GET / on the running server (median of 20);
- POST /api/assess: the median (and 90th percentile) over every scenario profile of tests/scenarios, each
  assessed as of its own date with its own readings, after one warm-up request.

Run:  python benchmarks/web.py        (needs the web extra: pip install -e ".[web]")
"""

from __future__ import annotations

import json
import pathlib
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as answer:
        return answer.read()


def post(url: str, body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def scenarios() -> list[tuple[str, bytes, str]]:
    """(query string, body) of every scenario that expects an answer."""
    out = []
    for path in sorted(ROOT.glob("tests/scenarios/**/[0-9]*.yaml")):
        s = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "expect_error" in s:
            continue
        query = urllib.parse.urlencode([("as_of", str(s["as_of"]))] + [("option", o) for o in s.get("options", [])])
        out.append((path.stem, json.dumps(s["profile"], ensure_ascii=False, default=str).encode(), query))
    return out


def main() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "cplaw.cli", "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                page = get(url + "/")
                break
            except OSError:
                if server.poll() is not None:
                    sys.exit("cplaw serve stopped; is the web extra installed?")
                time.sleep(0.02)
        first = time.perf_counter() - start
        print(f"time to first page (start `cplaw serve` → GET / answered): {first:.2f} s ({len(page):,} bytes)")
        pages = []
        for _ in range(20):
            t = time.perf_counter()
            get(url + "/")
            pages.append(time.perf_counter() - t)
        print(f"GET / on the running server: median {statistics.median(pages) * 1000:.1f} ms")
        cases = scenarios()
        post(f"{url}/api/assess?{cases[0][2]}", cases[0][1])  # warm-up
        times = []
        for name, body, query in cases:
            t = time.perf_counter()
            status, _ = post(f"{url}/api/assess?{query}", body)
            times.append(time.perf_counter() - t)
            if status != 200:
                print(f"  {name}: HTTP {status}")
        times.sort()
        print(f"POST /api/assess over {len(times)} scenario profiles: median {statistics.median(times) * 1000:.0f} ms, "
              f"90th percentile {times[int(len(times) * 0.9)] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
