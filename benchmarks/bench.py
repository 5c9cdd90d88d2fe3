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


def national_only():
    """The rule base without the provinces: the national texts and the general rules."""
    from cplaw import RuleBase
    from cplaw.compiler import compile_files, packaged_rule_files
    files = [(path, text) for path, text in packaged_rule_files()
             if not path.startswith("cplaw/rules/") or path.split("/")[2] in ("cn", "general")]
    return RuleBase(compile_files(files))


def compare_layers() -> None:
    """All provinces loaded against the national layer alone: compile time and one assessment (warm) of the
    Dongguan example in its own province (广东, whose rules stack) and moved to 黑龙江 (no provincial rules)."""
    import yaml

    from cplaw import RuleBase
    from cplaw.compiler import compile_files, packaged_rule_files
    guangdong = yaml.safe_load(pathlib.Path(EXAMPLE).read_text(encoding="utf-8"))
    heilongjiang = {**guangdong, "enterprise": {**guangdong["enterprise"], "province": "黑龙江", "city": "哈尔滨"}}
    for label, build in (("national layer only", national_only),
                         ("all provinces", lambda: RuleBase(compile_files(packaged_rule_files())))):
        t = time.perf_counter()
        rules = build()
        compiled = time.perf_counter() - t
        line = f"{label}: compile {compiled * 1000:.0f} ms ({len(rules.program.clauses)} clauses)"
        for name, profile in (("广东", guangdong), ("黑龙江", heilongjiang)):
            rules.assess(profile, "2010-04-01")
            runs = []
            for _ in range(30):
                t = time.perf_counter()
                rules.assess(profile, "2010-04-01")
                runs.append(time.perf_counter() - t)
            line += f"; one assessment ({name}) {statistics.median(runs) * 1000:.1f} ms"
        print(line)


def main() -> None:
    from cplaw import RuleBase
    from cplaw.profile import load_profile

    print(f"cold start (import + load rule base), median of 5: {cold_start() * 1000:.0f} ms")
    compare_layers()
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
