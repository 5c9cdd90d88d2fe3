"""Speed of `cplaw impact` on the whole scenario corpus for a one-line rule change (measured, not asserted).

Run:  python benchmarks/bench_impact.py
Copies the packaged rules to a temporary folder, raises the 2012 Law art. 39 fine's maximum from 500000 to
600000 in rule law2012.art39 (one line), and runs impact over tests/scenarios: prints the time of each part
(loading both rule bases, assessing and comparing) and what the report says.
"""

from __future__ import annotations

import pathlib
import shutil
import tempfile
import time
from collections import Counter

from cplaw import impact

ROOT = pathlib.Path(__file__).resolve().parents[1]
OLD, NEW = "50000, 500000, refuses_to_correct", "50000, 600000, refuses_to_correct"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        before, after = pathlib.Path(tmp, "before"), pathlib.Path(tmp, "after")
        skip = shutil.ignore_patterns("__init__.py", "__pycache__")
        shutil.copytree(ROOT / "cplaw" / "rules", before, ignore=skip)
        shutil.copytree(before, after)
        path = after / "cn" / "cppl-2012.cplaw"
        path.write_text(path.read_text("utf-8").replace(OLD, NEW, 1), "utf-8")
        start, cpu = time.perf_counter(), time.process_time()
        old, new = impact.load_sides(impact.folder_files(str(before)), impact.folder_files(str(after)))
        loaded = time.perf_counter()
        items, failed = impact.corpus([str(ROOT / "tests" / "scenarios")], None)
        doc = impact.impact(old, new, items)
        done, cpu_done = time.perf_counter(), time.process_time()
    changes = Counter((kind, e["section"], tuple(e["cause"]["rules"]))
                      for p in doc["profiles"] for kind in ("gained", "lost", "changed") for e in p[kind])
    print(f"load both rule bases: {loaded - start:.2f} s (cached after the first run of a given text)")
    print(f"assess {len(items)} profiles twice, compare, trace causes: {done - loaded:.2f} s "
          f"({(done - loaded) / max(len(items), 1) * 1000:.0f} ms a profile)")
    print(f"total: {done - start:.2f} s wall, {cpu_done - cpu:.2f} s CPU (the wall time grows with the machine's "
          f"load); unreadable files: {len(failed)}")
    print(impact.render_text(doc).splitlines()[3])
    for (kind, section, rules), count in sorted(changes.items()):
        print(f"  {count} {section} {kind}, cause {', '.join(rules) or '—'}")


if __name__ == "__main__":
    main()
