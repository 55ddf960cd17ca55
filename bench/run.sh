#!/usr/bin/env bash
# Runs every benchmark binary and collects the figures in bench/out/.
set -euo pipefail
build_dir=${1:-build}
out=bench/out
mkdir -p "$out"
for bench in "$build_dir"/bench/*_bench; do
  [[ -x "$bench" ]] || continue
  name=$(basename "$bench")
  echo "== $name"
  "$bench" --benchmark_out="$out/$name.json" --benchmark_out_format=json | tee "$out/$name.txt"
done

# The attack lab under a sustained mixed attack (root: network namespaces, the real agent
# and switch, SIPp and sipvicious): bench/out/lab/timeseries.csv and figures.json.
if [[ $(id -u) -eq 0 ]]; then
  echo "== lab attack run"
  bash bench/lab/attack_run.sh "$build_dir" --out "$out/lab"
else
  echo "== lab attack run skipped: it needs root"
fi
