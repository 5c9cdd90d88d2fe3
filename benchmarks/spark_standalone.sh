#!/usr/bin/env bash
# `cplaw screen` on a Spark standalone cluster on this machine, against the same screen on DuckDB:
#
#     bash benchmarks/spark_standalone.sh REGISTER [--spark-conf KEY=VALUE]…
#
# Starts a master and one worker from the installed PySpark (its bin/spark-class; all on 127.0.0.1), screens the
# register folder REGISTER as of $AS_OF on DuckDB and then with --engine spark --spark-master spark://127.0.0.1:…
# (further arguments go to that run), prints both wall times, compares the three output tables as multisets of
# rows (and the errors files), and stops the cluster on exit. Needs cplaw[spark] in $PYTHON's environment and a
# JRE. Exits 0 when the outputs are identical. Settings (environment): PYTHON, AS_OF, OUT (a folder, default a
# new temporary one), MASTER_PORT, WORKER_CORES, WORKER_MEMORY, EXECUTOR_MEMORY, DRIVER_MEMORY.
set -euo pipefail

REGISTER=${1:?usage: $0 REGISTER [--spark-conf KEY=VALUE]...}
shift
PYTHON=${PYTHON:-python3}
AS_OF=${AS_OF:-2021-03-01}
OUT=${OUT:-$(mktemp -d -t cplaw-spark-standalone.XXXXXX)}
MASTER_PORT=${MASTER_PORT:-7077}
MASTER=spark://127.0.0.1:$MASTER_PORT
mkdir -p "$OUT"
rm -f "$OUT"/duckdb*.parquet "$OUT"/spark*.parquet "$OUT"/*.errors.jsonl "$OUT"/*.log
export SPARK_HOME
SPARK_HOME=$("$PYTHON" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_LOCAL_IP=127.0.0.1 SPARK_WORKER_DIR=$OUT/work  # the master, the worker and the driver on loopback

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT

wait_for() {  # wait_for LOG TEXT: until LOG holds TEXT (60 s at most)
  for _ in $(seq 120); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "timed out waiting for '$2' in $1" >&2
  tail -20 "$1" >&2
  return 1
}

cplaw() { "$PYTHON" -c 'import sys; from cplaw.cli import main; sys.exit(main(sys.argv[1:]))' "$@"; }

timed() {  # timed NAME COMMAND…: runs it, output to $OUT/NAME.log; exit 1 with tables written = bad rows
  local TIMEFORMAT=%R seconds rc=0
  seconds=$( { time "${@:2}" >"$OUT/$1.log" 2>&1; } 2>&1 ) || rc=$?
  if ((rc > 1)) || [[ ! -e $OUT/$1.parquet ]]; then
    echo "$1 failed (exit $rc); see $OUT/$1.log" >&2
    tail -20 "$OUT/$1.log" >&2
    exit 1
  fi
  printf '%-6s %8s s wall (exit %d)\n' "$1" "$seconds" "$rc"
}

"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$MASTER_PORT" \
  --webui-port 0 >"$OUT/master.log" 2>&1 &
pids+=($!)
wait_for "$OUT/master.log" "I have been elected leader"
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "$MASTER" --host 127.0.0.1 \
  --cores "${WORKER_CORES:-2}" --memory "${WORKER_MEMORY:-2g}" --webui-port 0 --work-dir "$OUT/work" \
  >"$OUT/worker.log" 2>&1 &
pids+=($!)
wait_for "$OUT/worker.log" "Successfully registered with master"
echo "cluster: $MASTER (logs in $OUT)"

timed duckdb cplaw screen "$REGISTER" --as-of "$AS_OF" --out "$OUT/duckdb.parquet"
timed spark cplaw screen "$REGISTER" --as-of "$AS_OF" --out "$OUT/spark.parquet" --engine spark \
  --spark-master "$MASTER" --spark-conf "spark.driver.memory=${DRIVER_MEMORY:-2g}" \
  --spark-conf "spark.executor.memory=${EXECUTOR_MEMORY:-1g}" "$@"
grep -q "Launching executor" "$OUT/master.log" || { echo "no executor ran on the cluster" >&2; exit 1; }

"$PYTHON" - "$OUT" <<'EOF'
import filecmp
import pathlib
import sys

import duckdb

out, same, con = pathlib.Path(sys.argv[1]), True, duckdb.connect()


def count(sql: str) -> int:
    return con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]


for table in ("", ".obligations", ".sanctions"):
    for run in ("duckdb", "spark"):  # the files as views: their paths never enter the SQL text
        con.read_parquet(str(out / f"{run}{table}.parquet")).create_view(run, replace=True)
    rows = count("FROM duckdb"), count("FROM spark")
    only = count("FROM duckdb EXCEPT ALL FROM spark"), count("FROM spark EXCEPT ALL FROM duckdb")
    columns = con.execute("DESCRIBE duckdb").fetchall() == con.execute("DESCRIBE spark").fetchall()
    ok = only == (0, 0) and columns
    same &= ok
    print(f"{table[1:] or 'screening':12} rows duckdb {rows[0]}, spark {rows[1]}; only in duckdb {only[0]}, "
          f"only in spark {only[1]}{'' if columns else '; columns differ'}: {'identical' if ok else 'DIFFERENT'}")
errors = [out / f"{n}.errors.jsonl" for n in ("duckdb", "spark")]
if any(e.exists() for e in errors):
    ok = all(e.exists() for e in errors) and filecmp.cmp(*errors, shallow=False)
    same &= ok
    print(f"errors files: {'identical' if ok else 'DIFFERENT'}")
sys.exit(0 if same else 1)
EOF
