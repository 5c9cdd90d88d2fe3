"""Screening benchmark: N synthetic enterprises (the scenario profiles, drawn with a fixed seed and given new
ids) screened in one DuckDB run, against assessing them one at a time on the bottom-up engine and pyDatalog.

    python benchmarks/screen.py --sizes 1000 10000 --one-at-a-time 200

Prints wall-clock seconds for each step; no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import random
import resource
import sys
import tempfile
import time

import yaml

from cplaw import RuleBase
from cplaw.api import parse_as_of
from cplaw.sql.screen import screen, write

ROOT = pathlib.Path(__file__).resolve().parents[1]
AS_OF = "2020-07-01"


def synthetic(n: int, seed: int = 13) -> list[dict]:
    pool = []
    for path in sorted((ROOT / "tests" / "scenarios").glob("**/[0-9]*.yaml")):
        scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "expect_error" not in scenario:
            pool.append(json.loads(json.dumps(scenario["profile"], default=str)))
    chooser = random.Random(seed)
    out = []
    for i in range(n):
        profile = json.loads(json.dumps(chooser.choice(pool)))
        profile["enterprise"]["id"] = f"SYN-{i:07d}"
        out.append(profile)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--one-at-a-time", type=int, default=200)
    args = parser.parse_args()
    rules = RuleBase.load()
    day = parse_as_of(AS_OF)
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            register = pathlib.Path(folder) / f"r{n}.jsonl"
            register.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in synthetic(n)))
            start = time.perf_counter()
            run, errors = screen(rules, str(register), day, ())
            evaluated = time.perf_counter()
            write(run, pathlib.Path(folder) / f"out{n}.parquet", "parquet")
            end = time.perf_counter()
            print(f"duckdb screen {n:>8,}: {end - start:7.1f} s end to end (SQL run incl. reading profiles "
                  f"{evaluated - start:.1f} s), {run.statements} statements, {len(errors)} errors, "
                  f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", flush=True)
    profiles = synthetic(args.one_at_a_time)
    for engine in ("bottomup", "pydatalog"):
        start = time.perf_counter()
        for profile in profiles:
            rules.assess(profile, day, engine=engine, missing=False)
        seconds = time.perf_counter() - start
        print(f"{engine:>9} one at a time {len(profiles):>6,}: {seconds:7.1f} s "
              f"({1000 * seconds / len(profiles):.1f} ms each)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
