"""Speed of cplaw, measured (not asserted): cold start, one assessment (in 2010 and today) with explanations,
1,000 in a loop.

Run:  python benchmarks/bench.py
"""

from __future__ import annotations

import pathlib
import statistics
import subprocess
import sys
import time

EXAMPLE = str(pathlib.Path(__file__).resolve().parents[1] / "facts" / "examples" / "dongguan-dyeing.yaml")


def cold_start() -> float:
    """A fresh interpreter: import cplaw and compile the packaged rule base."""
    code = ("import time; t = time.perf_counter(); from cplaw import RuleBase; RuleBase.load(); "
            "print(time.perf_counter() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(5)]
    return statistics.median(runs)


def main() -> None:
    from cplaw import RuleBase
    from cplaw.profile import load_profile

    print(f"cold start (import + load rule base), median of 5: {cold_start() * 1000:.0f} ms")
    rules = RuleBase.load()
    profile = load_profile(EXAMPLE)
    rules.assess(profile, "2010-04-01")  # warm up

    for as_of, what in (("2010-04-01", "2002 Law and 2004 Measures"), ("2026-11-22", "every version, for a 2009 act")):
        times = []
        for _ in range(50):
            t = time.perf_counter()
            rules.assess(profile, as_of)
            times.append(time.perf_counter() - t)
        print(f"one assessment as of {as_of} ({what}), warm, median of 50: {statistics.median(times) * 1000:.1f} ms")

    t = time.perf_counter()
    result = rules.assess(profile, "2010-04-01")
    for query in ("mandatory(_)", "violation(_, _, _, _, _)", "due(next_audit, _, _, _, _)"):
        result.explain(query)
    print(f"one assessment with three explanation trees: {(time.perf_counter() - t) * 1000:.1f} ms")

    t = time.perf_counter()
    for _ in range(1000):
        rules.assess(profile, "2010-04-01")
    total = time.perf_counter() - t
    print(f"1,000 assessments in a loop: {total:.2f} s ({total:.2f} ms each)")


if __name__ == "__main__":
    main()
