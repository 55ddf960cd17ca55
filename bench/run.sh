#!/usr/bin/env bash
# `make bench`: the lab's attack run (bench/lab/attack_run.sh), every component benchmark
# (build/bench/*_bench), every load script (bench/*/*_load.sh, bench/*/*_flood.sh), the
# 5-minute hostile soak (bench/soak/hostile_soak.sh), then bench/report.md and its plots from what they wrote to bench/out/ (bench/report.py).
# A step that fails or runs out of time is recorded as such in the report; the run goes on,
# and the exit status says whether every step succeeded. The whole run stays within
# BENCH_BUDGET seconds (default 1260): each step's limit is cut to what is left, and steps
# that no longer fit are recorded as skipped.
# Usage: bench/run.sh [BUILD_DIR] [--quick]
#   --quick: shorter Google Benchmark runs and the lab's quick run (a smoke run, figures rough).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=build
quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) build=$arg ;;
  esac
done
build=$(cd "$build" && pwd) || { echo "bench: no build directory $build" >&2; exit 2; }
cd "$root"
out=bench/out
# Output of an earlier run must not leak into this report.
rm -rf "$out"
mkdir -p "$out"
export BENCH_OUT=$root/$out BUILD_DIR=$build

if ((quick)); then min_time=0.05; else min_time=0.2; fi
deadline=$((SECONDS + ${BENCH_BUDGET:-1260}))
failed=0

record() {  # record NAME STATUS SECONDS COMMAND
  printf '%s\t%s\t%.1f\t%s\n' "$1" "$2" "$3" "${4//$root\//}" >>"$out/steps.tsv"
}

# step NAME SECONDS COMMAND...: runs COMMAND with a time limit (cut to the budget left), its
# output shown and kept in bench/out/NAME.txt, and records name, exit status (124: out of
# time), duration and command in steps.tsv.
step() {
  local name=$1 limit=$2
  shift 2
  local left=$((deadline - SECONDS))
  if ((left < 10)); then
    echo "== $name: skipped, the time budget is spent" >&2
    record "$name" skipped 0 "$*"
    failed=1
    return
  fi
  ((limit > left)) && limit=$left
  echo "== $name: $*"
  local start end status
  start=$(date +%s.%N)
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$out/$name.txt"
  status=${PIPESTATUS[0]}
  end=$(date +%s.%N)
  ((status == 0)) || { failed=1; echo "== $name: exit $status" >&2; }
  record "$name" "$status" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$*"
}

# Linked with libbenchmark (shared, or static: then its flags are in the binary). Not through
# a pipe into grep -q: with pipefail, ldd killed by SIGPIPE would make the answer random.
is_google_benchmark() {
  local libraries
  libraries=$(ldd "$1" 2>/dev/null)
  [[ $libraries == *libbenchmark* ]] || grep -q -a benchmark_out "$1"
}

machine_args=("$build")
((quick)) && machine_args+=(--quick)
python3 bench/report.py machine "${machine_args[@]}" >"$out/machine.json"

# 1. The attack lab first, on a machine not yet warmed by the other steps:
# bench/out/lab/timeseries.csv and figures.json. Not every tree has it; the report then says
# the lab run was not available.
if [[ -f bench/lab/attack_run.sh && $(id -u) -ne 0 ]]; then
  echo "== attack_run: skipped, it needs root (network namespaces, the kernel table)" >&2
  record attack_run skipped-root 0 "bash bench/lab/attack_run.sh"
  failed=1
elif [[ -f bench/lab/attack_run.sh ]]; then
  lab_args=("$build" --out "$out/lab")
  ((quick)) && lab_args+=(--quick)
  step attack_run 300 bash bench/lab/attack_run.sh "${lab_args[@]}"
else
  echo "== attack_run: bench/lab/attack_run.sh not in this tree; the report says so"
fi

# 2. Google Benchmark binaries (JSON output), and the agent core benchmark's own lines.
for bench in "$build"/bench/*_bench; do
  [[ -x "$bench" ]] || continue
  name=$(basename "$bench")
  if is_google_benchmark "$bench"; then
    step "$name" 180 "$bench" --benchmark_min_time="$min_time" \
      --benchmark_out="$out/$name.json" --benchmark_out_format=json
  else
    step "$name" 180 "$bench"
  fi
done

# 3. Load scripts against the real daemons; each takes the build directory and writes its
# figures to $BENCH_OUT/<script>.json. Their defaults are the make bench run.
for script in bench/*/*_load.sh bench/*/*_flood.sh; do
  [[ -f "$script" ]] || continue
  step "$(basename "$script" .sh)" 180 bash "$script" "$build"
done

# 4. The hostile soak, 5 minutes (1 with --quick): bench/out/soak/. Root, like the lab.
if (($(id -u) != 0)); then
  echo "== hostile_soak: skipped, it needs root (network namespaces, a tmpfs)" >&2
  record hostile_soak skipped-root 0 "bash bench/soak/hostile_soak.sh"
  failed=1
else
  soak_duration=300
  ((quick)) && soak_duration=60
  step hostile_soak $((soak_duration + 120)) bash bench/soak/hostile_soak.sh "$build" --duration "$soak_duration"
fi

# 5. The report and its plots.
python3 bench/report.py render "$out" bench/report.md --plots-dir bench/plots || failed=1
echo "== bench/report.md written ($((SECONDS)) s)"
exit "$failed"
