"""The engines side by side (pyDatalog, the reference, and the bottom-up default): one warm assessment of a
广东 enterprise with every province loaded (as of 2010 and 2026), one why-tree after its assessment, a loop of
assessments, the phase table, and the peak memory of a process that assesses many enterprises.

Run:  python benchmarks/engines.py                 (about a minute)
      python benchmarks/engines.py --memory 10000 [--trace]  (bottom-up only, one process, ~2 minutes)
"""

from __future__ import annotations

import argparse
import copy
import pathlib
import resource
import statistics
import time
import tracemalloc

import yaml

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "facts" / "examples" / "dongguan-dyeing.yaml"
ENGINES = ("pydatalog", "bottomup")
DATES = ("2010-04-01", "2026-11-22")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _median(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        function()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def one_assessment(rules, profile) -> None:
    print("one warm assessment (广东, all provinces loaded), median of 30:")
    for as_of in DATES:
        cells = []
        for engine in ENGINES:
            rules.assess(profile, as_of, engine=engine)
            cells.append(f"{engine} {_ms(_median(lambda e=engine, d=as_of: rules.assess(profile, d, engine=e), 30))}")
        print(f"  as of {as_of}: " + " | ".join(cells))


def why_tree(rules, profile) -> None:
    print("one explanation after its assessment, median of 20:")
    for query, mode in (("violation(start_audit)", "why"), ("mandatory", "why"), ("sanction(start_audit)", "why_not")):
        cells = []
        for engine in ENGINES:
            def explain(e=engine, q=query, m=mode):
                result = rules.assess(profile, "2010-04-01", engine=e)
                t = time.perf_counter()
                getattr(result, "explain" if m == "why" else "why_not")(q)
                return time.perf_counter() - t
            cells.append(f"{engine} {_ms(statistics.median(explain() for _ in range(20)))}")
        print(f"  {mode} {query}: " + " | ".join(cells))


def loop(rules, profile, count: int, engine: str) -> float:
    t = time.perf_counter()
    for _ in range(count):
        rules.assess(profile, "2010-04-01", engine=engine)
    return time.perf_counter() - t


def phases(rules, document: dict) -> None:
    """Where one assessment's time goes: profile parsing and validation, the facts, the engine session
    (building per-assessment objects, then evaluation), and building the document."""
    from cplaw.api import parse_as_of
    from cplaw.assessment import AssessmentBuilder
    from cplaw.engines import session_class
    from cplaw.facts_mapping import base_facts

    print("phases of one assessment (广东, 2010-04-01), median of 30; 'session' is building the clause objects "
          "for pyDatalog, the whole evaluation for bottom-up; 'evaluation' is pyDatalog's query:")
    day = parse_as_of("2010-04-01")
    for engine in ENGINES:
        cls = session_class(engine)
        totals: dict[str, list[float]] = {k: [] for k in ("profile", "facts", "session", "evaluation", "document")}
        for _ in range(31):
            t0 = time.perf_counter()
            prof = rules.profile(copy.deepcopy(document))
            t1 = time.perf_counter()
            facts = base_facts(prof, day, rules.program, (), rules._rule_base_facts)
            t2 = time.perf_counter()
            session = cls(rules.program, facts.facts)
            t3 = time.perf_counter()
            session.everything()  # pyDatalog evaluates here (lazily); the bottom-up engine already has
            t4 = time.perf_counter()
            AssessmentBuilder(rules.program, session, prof.enterprise.id, day, facts.ignored).build()
            t5 = time.perf_counter()
            for key, value in zip(totals, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                totals[key].append(value)
        print(f"  {engine}: " + ", ".join(f"{k} {_ms(statistics.median(v[1:]))}" for k, v in totals.items()))


def _resident_mib() -> float:
    """The process's current resident size (Linux), in MiB."""
    pages = int(pathlib.Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def memory(rules, document: dict, count: int, trace: bool) -> None:
    """Assess ``count`` different enterprises in one process (bottom-up); after each thousand, the resident
    size now and at its peak (and, with ``trace``, Python's traced allocations, which slows the loop)."""
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    for i in range(1, count + 1):
        doc = copy.deepcopy(document)
        doc["enterprise"]["id"] = f"E{i:06d}"
        for row in doc.get("emissions", []):
            row["value"] = row["value"] + (i % 97)
        rules.assess(doc, "2010-04-01")
        if i % 1000 == 0:
            peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            traced = ""
            if trace:
                current, peak = tracemalloc.get_traced_memory()
                traced = f", traced now {current / 2**20:.1f} MiB (peak {peak / 2**20:.1f} MiB)"
            print(f"  {i:>6}: resident {_resident_mib():.0f} MiB (peak {peak_rss:.0f} MiB){traced}, "
                  f"{time.perf_counter() - t:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory", type=int, default=0, help="assess this many enterprises (bottom-up) instead")
    parser.add_argument("--trace", action="store_true", help="with --memory: trace allocations (slower)")
    parser.add_argument("--loop", type=int, default=1000)
    args = parser.parse_args()
    from cplaw import RuleBase

    t = time.perf_counter()
    rules = RuleBase.load()
    print(f"load the rule base (with the bottom-up plans): {_ms(time.perf_counter() - t)}")
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    if args.memory:
        memory(rules, document, args.memory, args.trace)
        return
    profile = rules.profile(document)
    one_assessment(rules, profile)
    why_tree(rules, profile)
    phases(rules, document)
    print(f"{args.loop:,} assessments in a loop (bottom-up): {loop(rules, profile, args.loop, 'bottomup'):.2f} s")
    sample = max(1, args.loop // 10)
    print(f"{sample:,} assessments in a loop (pyDatalog): {loop(rules, profile, sample, 'pydatalog'):.2f} s")


if __name__ == "__main__":
    main()
