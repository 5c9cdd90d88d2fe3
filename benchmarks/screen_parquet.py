"""Screening benchmark from Parquet to Parquet: N synthetic enterprises (cplaw.sql.corpus varies the scenario
profiles with a fixed seed) written as a register in tables (facts/schema/register.md), then screened as of one
date in a fresh process each (`cplaw screen`'s work: load, check in SQL, facts in SQL, rules, tables written);
then, side by side, the first 1,000 of them assessed one at a time on the bottom-up engine and pyDatalog.

    python benchmarks/screen_parquet.py --sizes 10000 100000 --one-at-a-time 1000 200
    python benchmarks/screen_parquet.py --sizes 1000000 --one-at-a-time 0 0 --keep /tmp/registers
    python benchmarks/screen_parquet.py --sizes 1000 10000 --one-at-a-time 0 0 --spark 'local[2]'
    python benchmarks/screen_parquet.py --sizes 10000000 --one-at-a-time 0 0 --keep /tmp/registers --database /tmp \
        --memory-limit 3GB

A register of more than 1,000,000 is the 1,000,000 one copied under new ids (``replicate``).

Prints, for each screening process, its wall-clock seconds (end to end: the interpreter's start, the rule base,
Parquet in, the rules, Parquet out and the summary table), its CPU seconds and its peak RSS (the machine is
shared: CPU time shows what the process itself used); generating the register is timed apart. ``--keep``
keeps the generated registers in a folder and reuses them. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
AS_OF = _dt.date(2021, 3, 1)
CHILD = """
import json, pathlib, resource, sys, time
start = time.perf_counter()
from cplaw import RuleBase
from cplaw.sql.screen import screen, write
import datetime
rules = RuleBase.load()
loaded = time.perf_counter()
derive = __import__("cplaw.sql.screen").sql.screen.on_duckdb
if sys.argv[5] != "duckdb":
    from cplaw.sql.spark import on_spark
    derive = on_spark(sys.argv[5])
run, errors = screen(rules, sys.argv[1], datetime.date.fromisoformat(sys.argv[2]), (), batch_size=int(sys.argv[4]),
                     derive=derive, workers=int(sys.argv[6]), database=pathlib.Path(sys.argv[7]) if sys.argv[7] else None,
                     memory_limit=sys.argv[8] or None)
screened = time.perf_counter()
write(run, pathlib.Path(sys.argv[3]), "parquet")
from rich.console import Console
from cplaw.sql.screen import summary
Console(file=open("/dev/null", "w")).print(summary(run, "en"))
done = time.perf_counter()
print(json.dumps({"load": loaded - start, "screen": screened - loaded, "write": done - screened,
                  "statements": run.statements, "errors": len(errors),
                  "rows": run.con.execute("SELECT count(*) FROM obligations").fetchall()[0][0],
                  "cpu": (lambda u: u.ru_utime + u.ru_stime)(resource.getrusage(resource.RUSAGE_SELF)),
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def corpus(n: int) -> list[dict]:
    from differential import templates

    from cplaw.sql.corpus import generate
    return [g.profile for g in generate(templates(), [], n, seed=13)]


GENERATED = 1_000_000  # a larger register is this one's copies under new ids (the profiles in memory would not fit)


def replicate(source: pathlib.Path, target: pathlib.Path, times: int) -> None:
    """``times`` copies of the register in ``source`` (generated first if absent) as one register, the k-th
    copy's ids suffixed ``~k``."""
    import duckdb

    from cplaw.sql.register import register_tables, spec, write_register
    if not (source / "enterprises.parquet").is_file():
        write_register(register_tables(corpus(GENERATED)), source)
    target.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("CREATE TABLE copies AS SELECT range AS k FROM range($n)", {"n": times})
    for table in spec()["tables"]:
        key = "id" if table == "enterprises" else "enterprise"
        con.read_parquet(str(source / f"{table}.parquet")).create("original")
        con.sql(f"SELECT o.* REPLACE (o.{key} || '~' || c.k AS {key}) FROM copies c, original o ORDER BY c.k") \
            .write_parquet(str(target / f"{table}.parquet"))
        con.execute("DROP TABLE original")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--one-at-a-time", type=int, nargs=2, default=[1000, 200], metavar=("BOTTOMUP", "PYDATALOG"))
    parser.add_argument("--batch-size", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=None, help="batches derived side by side (default: as "
                        "cplaw screen's, 2 with DuckDB, 1 with Spark)")
    parser.add_argument("--spark", metavar="MASTER", help="derive on Spark at MASTER (e.g. local[2]), not DuckDB: "
                        "CPU and RSS are then the Python process's alone (the JVM's are not counted)")
    parser.add_argument("--database", type=pathlib.Path, metavar="FOLDER", help="screen with the tables in a new "
                        "DuckDB file in FOLDER (cplaw screen --database), removed afterwards")
    parser.add_argument("--memory-limit", metavar="SIZE", help="DuckDB's memory limit (cplaw screen --memory-limit)")
    parser.add_argument("--keep", type=pathlib.Path, help="keep the generated registers here (and reuse them)")
    args = parser.parse_args()
    from cplaw.sql.register import register_tables, write_register
    from cplaw.sql.screen import WORKERS
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            register = (args.keep or pathlib.Path(folder)) / f"r{n}"
            start = time.perf_counter()
            if not (register / "enterprises.parquet").is_file() and n > GENERATED:
                replicate(register.with_name(f"r{GENERATED}"), register, n // GENERATED)
            elif not (register / "enterprises.parquet").is_file():
                write_register(register_tables(corpus(n)), register)
            facts = sum(__import__("pyarrow.parquet").parquet.read_metadata(p).num_rows for p in register.iterdir())
            print(f"register {n:>9,}: {facts:,} rows written in {time.perf_counter() - start:.0f} s (not timed below)",
                  flush=True)
            database = args.database / f"screen{n}.duckdb" if args.database else None
            if database:
                database.unlink(missing_ok=True)
            start = time.perf_counter()
            child = subprocess.Popen([sys.executable, "-c", CHILD, str(register), AS_OF.isoformat(),
                                      str(pathlib.Path(folder) / f"out{n}.parquet"), str(args.batch_size),
                                      args.spark or "duckdb", str(args.workers or (1 if args.spark else WORKERS)),
                                      str(database) if args.database else "", args.memory_limit or ""],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            out, err = child.communicate()
            wall = time.perf_counter() - start
            if database:
                database.unlink(missing_ok=True)
            if child.returncode:
                print(err[-2000:])
                continue
            got = json.loads(out.splitlines()[-1])
            print(f"screen   {n:>9,}: {wall:6.1f} s wall in a fresh process (rule base load {got['load']:.1f} s, "
                  f"Parquet in to tables {got['screen']:.1f} s, Parquet out and summary {got['write']:.1f} s), "
                  f"{got['cpu']:.1f} s CPU, {got['statements']} statements, {got['rows']:,} obligations, {got['errors']} errors, "
                  f"peak RSS {got['rss_mib']:.0f} MiB", flush=True)
            if not args.keep:
                for path in register.iterdir():
                    path.unlink()
    from cplaw import RuleBase
    rules = RuleBase.load()
    profiles = corpus(max(args.one_at_a_time))
    for engine, n in zip(("bottomup", "pydatalog"), args.one_at_a_time):
        if not n:
            continue
        start = time.perf_counter()
        for profile in profiles[:n]:
            rules.assess(profile, AS_OF, engine=engine, missing=False)
        seconds = time.perf_counter() - start
        print(f"{engine:>9} one at a time {n:>6,}: {seconds:7.1f} s ({1000 * seconds / n:.1f} ms each)", flush=True)


if __name__ == "__main__":
    main()
