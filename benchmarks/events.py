"""How an assessment's time grows with the number of events (issue 14).

    python benchmarks/events.py 250 500            # listing/audit events mixed (the superlinear case)
    python benchmarks/events.py 250 500 --kinds emissions_published   # one kind (linear)
"""

from __future__ import annotations

import argparse
import datetime
import pathlib
import time

import yaml

from cplaw import RuleBase, limits

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "facts" / "examples" / "dongguan-dyeing.yaml"


def profile(n: int, kinds: list[str]) -> dict:
    """The Dongguan example with ``n`` more events, cycling through ``kinds`` over 300 days."""
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    first = datetime.date(2009, 6, 1)
    for i in range(n):
        kind = kinds[i % len(kinds)]
        event = {"type": kind, "date": (first + datetime.timedelta(days=i % 300)).isoformat()}
        if kind == "listed":
            event["ground"] = "double_exceed"
        doc["events"].append(event)
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--kinds", default="audit_started,report_submitted,listed,audit_completed")
    args = parser.parse_args()
    rules = RuleBase.load()
    limits.MAX_EVENTS = max(args.sizes) + 10  # measure past the limit, to show why it is there
    for n in args.sizes:
        doc = profile(n, args.kinds.split(","))
        start = time.perf_counter()
        rules.assess(doc, "2012-04-01")
        print(f"{n:6d} events: {time.perf_counter() - start:7.2f} s")


if __name__ == "__main__":
    main()
