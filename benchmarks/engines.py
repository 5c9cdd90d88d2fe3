"""The engines side by side (pyDatalog, the reference, and the bottom-up default): one warm assessment of a
广东 enterprise with every province loaded (as of 2010 and 2026), one why-tree after its assessment, a loop of
assessments, the phase table, and the peak memory of a process that assesses many enterprises.

Run:  python benchmarks/engines.py                 (about a minute)
      python benchmarks/engines.py --memory 10000  (bottom-up only, one process, ~2 minutes)
"""

from __future__ import annotations

import argparse
import copy
import gc
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

    print("phases of one assessment (广东, 2010-04-01), median of 30:")
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


def memory(rules, document: dict, count: int) -> None:
    """Assess ``count`` different enterprises in one process (bottom-up); the peak traced memory and the
    process's maximum resident size after each thousand."""
    tracemalloc.start()
    t = time.perf_counter()
    for i in range(1, count + 1):
        doc = copy.deepcopy(document)
        doc["enterprise"]["id"] = f"E{i:06d}"
        for row in doc.get("emissions", []):
            row["value"] = row["value"] + (i % 97)
        rules.assess(doc, "2010-04-01")
        if i % 1000 == 0:
            current, peak = tracemalloc.get_traced_memory()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"  {i:>6}: traced now {current / 2**20:.1f} MiB, traced peak {peak / 2**20:.1f} MiB, "
                  f"max RSS {rss:.0f} MiB, {time.perf_counter() - t:.0f} s")
    gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory", type=int, default=0, help="assess this many enterprises (bottom-up) instead")
    parser.add_argument("--loop", type=int, default=1000)
    args = parser.parse_args()
    from cplaw import RuleBase

    t = time.perf_counter()
    rules = RuleBase.load()
    print(f"load the rule base (with the bottom-up plans): {_ms(time.perf_counter() - t)}")
    document = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    if args.memory:
        memory(rules, document, args.memory)
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
