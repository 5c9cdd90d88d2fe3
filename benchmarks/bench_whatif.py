"""Speed of missing facts and what-if, against a plain assessment (measured, not asserted).

Run:  python benchmarks/bench_whatif.py
Prints the median of several warm runs for: an assessment without missing facts, the missing-facts walk alone,
an assessment with them (the default), and a what-if (two assessments without missing facts, and the comparison).
"""

from __future__ import annotations

import pathlib
import statistics
import time

from cplaw import RuleBase
from cplaw.compare import Change
from cplaw.missing import missing_facts

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "facts" / "examples"
CASES = {
    "广东 Dongguan, 2010-04-01": (str(EXAMPLES / "dongguan-dyeing.yaml"), "2010-04-01",
                                  [Change("set", "events[2].date", "2009-05-10")]),
    "山西, substance without hazards, 2024-06-01": (
        {"format": "cplaw.profile/1", "enterprise": {"id": "SX-1", "province": "山西"},
         "substances": [{"name": "汞催化剂", "use": "raw_material"}]}, "2024-06-01",
        [Change("set", "enterprise.industry", "3110")]),
}


def median_ms(action, runs: int = 15) -> float:
    action()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(rules: RuleBase, name: str, profile, as_of: str, changes: list[Change]) -> None:
    plain = median_ms(lambda: rules.assess(profile, as_of, missing=False))
    assessed = rules.assess(profile, as_of, missing=False)
    walk = median_ms(lambda: missing_facts(rules.program, assessed.session))
    full = median_ms(lambda: rules.assess(profile, as_of))
    whatif = median_ms(lambda: rules.compare(profile, as_of, changes))
    print(f"{name}: assessment {plain:.0f} ms; missing facts alone {walk:.0f} ms; "
          f"assessment with missing facts {full:.0f} ms; what-if {whatif:.0f} ms")


def main() -> None:
    rules = RuleBase.load()
    for name, (profile, as_of, changes) in CASES.items():
        measure(rules, name, profile, as_of, changes)

if __name__ == "__main__":
    main()
