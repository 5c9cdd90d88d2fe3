"""Process start and batches, measured (not asserted) by repeated subprocess timing, as hyperfine does:
the commands run in turn, round after round, so a noisy machine slows each of them alike.

- a bare interpreter, and one that imports the project's dependencies alone (every package pyproject.toml
  lists) — the floor a `cplaw` process is compared with — and those of them `cplaw assess` imports;
- a whole `cplaw assess facts/examples/dongguan-dyeing.yaml --as-of 2010-04-01` process, with the compiled
  rule base in the cache, and with the cache off (CPLAW_NO_CACHE=1: it compiles, as every process did before);
- optionally the same command of another installation (``--before PATH/TO/cplaw``), side by side;
- a batch: N profiles as JSON Lines on standard input, ``--jobs 1`` and ``--jobs 2``.

Run:  python benchmarks/startup.py [--runs 10] [--batch 60] [--before /path/to/old/venv/bin/cplaw]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "facts" / "examples" / "dongguan-dyeing.yaml")
DEPENDENCIES = "import pyDatalog.pyEngine, lark, networkx, yaml, jsonschema, chinese_calendar, platformdirs, rich"
ASSESS_NEEDS = "import pyDatalog.pyEngine, yaml, jsonschema, chinese_calendar"  # what `cplaw assess` imports


def cplaw_command() -> list[str]:
    script = pathlib.Path(sys.executable).with_name("cplaw")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cplaw.cli"]


def run(command: list[str], env: dict[str, str], stdin: bytes | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the child's own: less swayed by other load on the machine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, input=stdin, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(commands: dict[str, tuple[list[str], dict[str, str], bytes | None]], runs: int
            ) -> dict[str, list[tuple[float, float]]]:
    """Each command once to warm up, then ``runs`` rounds of all of them in turn: (wall, CPU) of each run."""
    for command, env, stdin in commands.values():
        run(command, env, stdin)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, env, stdin) in commands.items():
            times[name].append(run(command, env, stdin))
    return times


def report(times: dict[str, list[tuple[float, float]]], floor: str | None = None) -> None:
    """Median and minimum wall time, median CPU time, and each median's ratio to the floor's."""
    walls = {name: [w for w, _ in values] for name, values in times.items()}
    cpus = {name: [c for _, c in values] for name, values in times.items()}
    for name in times:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        ratio = ""
        if floor and name != floor:
            ratio = (f"  {wall / statistics.median(walls[floor]):4.2f}× wall, "
                     f"{cpu / statistics.median(cpus[floor]):4.2f}× CPU of {floor}")
        print(f"  {name:<46} wall median {wall * 1000:6.0f} ms  min {min(walls[name]) * 1000:6.0f} ms"
              f"  CPU median {cpu * 1000:6.0f} ms{ratio}")


def batch_input(count: int) -> bytes:
    """``count`` profiles as JSON Lines: the shipped examples, in turn."""
    import yaml
    examples = sorted((ROOT / "facts" / "examples").glob("*.yaml"))
    lines = [json.dumps(yaml.safe_load(p.read_text(encoding="utf-8")), default=str, ensure_ascii=False)
             for p in examples]
    return "\n".join(lines[i % len(lines)] for i in range(count)).encode("utf-8") + b"\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=60, help="profiles in the batch rows (0: skip them)")
    parser.add_argument("--before", help="another installation's cplaw executable, measured alongside")
    args = parser.parse_args()

    cache = tempfile.mkdtemp(prefix="cplaw-bench-cache-")
    env = {**os.environ, "CPLAW_CACHE_DIR": cache}
    env.pop("CPLAW_NO_CACHE", None)
    no_cache = {**env, "CPLAW_NO_CACHE": "1"}
    assess = ["assess", EXAMPLE, "--as-of", "2010-04-01"]
    cplaw = cplaw_command()
    commands = {
        "python -c pass": ([sys.executable, "-c", "pass"], env, None),
        "python: import the dependencies alone": ([sys.executable, "-c", DEPENDENCIES], env, None),
        "python: import those assess uses": ([sys.executable, "-c", ASSESS_NEEDS], env, None),
        "cplaw assess (compiled rule base cached)": (cplaw + assess, env, None),
        "cplaw assess (cache off: compiles)": (cplaw + assess, no_cache, None),
    }
    if args.before:
        commands["cplaw assess (--before)"] = ([args.before, *assess], env, None)
    try:
        print(f"process start, {args.runs} rounds (python {sys.version.split()[0]}, {os.cpu_count()} cores):")
        report(measure(commands, args.runs), floor="python: import the dependencies alone")
        if args.batch:
            stdin = batch_input(args.batch)
            batch = {f"cplaw assess - ({args.batch} profiles, --jobs {jobs})":
                     (cplaw + ["assess", "-", "--as-of", "2010-04-01", "--format", "json", "--jobs", str(jobs)],
                      env, stdin) for jobs in (1, 2)}
            rounds = max(1, args.runs // 5)
            print(f"batch, {rounds} round(s):")
            times = measure(batch, rounds)
            report(times)
            for name, values in times.items():
                print(f"  {name}: {statistics.median(w for w, _ in values) / args.batch * 1000:.0f} ms per profile")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
