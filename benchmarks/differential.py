"""The differential on a large generated corpus: N synthetic enterprises (cplaw.sql.corpus, a fixed seed) in one
DuckDB run, each compared with the bottom-up engine (every derived fact and the rules that derived it).

    python benchmarks/differential.py --n 10000 --seed 2026

Prints the count compared, what the corpus covered, the time, and each mismatch (the enterprise and the first
differing conclusion); exits 1 on a mismatch. tests/test_sql.py runs 300 (and 24 on pyDatalog) by default and
10,000 under `pytest -m slow`.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import pathlib
import sys
import time

import yaml

from cplaw import RuleBase
from cplaw.sql.corpus import differential, generate

ROOT = pathlib.Path(__file__).resolve().parents[1]


def templates() -> list[tuple[dict, _dt.date]]:
    found = []
    for path in sorted((ROOT / "tests" / "scenarios").glob("**/[0-9]*.yaml")):
        scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "expect_error" not in scenario:
            found.append((json.loads(json.dumps(scenario["profile"], default=str)),
                          _dt.date.fromisoformat(str(scenario["as_of"]))))
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--engine", default="bottomup")
    args = parser.parse_args()
    rules = RuleBase.load()
    start = time.perf_counter()
    corpus = list(generate(templates(), sorted(rules.options()), args.n, args.seed))
    compared, covered, mismatches = differential(rules, corpus, args.engine)
    seconds = time.perf_counter() - start
    print(f"{compared:,} generated enterprises (seed {args.seed}) compared with {args.engine} in {seconds:.0f} s; "
          f"{len(mismatches)} mismatches")
    for key, values in covered.items():
        print(f"  {key}: {len(values)} {sorted(map(str, values)) if len(values) < 12 else ''}")
    for mismatch in mismatches[:20]:
        print(mismatch)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
