#!/usr/bin/env bash
# Starts the daemons that exist on the built-in defaults (SQLite in ./var, switch on
# 127.0.0.1:5060), in the foreground; Ctrl-C stops them all.
set -euo pipefail
build_dir=${1:-build}
state_dir=${TOLLGATE_STATE_DIR:-./var}
mkdir -p "$state_dir"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

started=0
for daemon in tollgate-agent tollgate-switch; do
  binary=$(find "$build_dir" -maxdepth 2 -type f -name "$daemon" -perm -u+x | head -n 1)
  if [[ -z "$binary" ]]; then
    echo "run: $daemon is not built yet; skipping it" >&2
    continue
  fi
  echo "run: starting $binary (state in $state_dir)"
  "$binary" --state-dir "$state_dir" &
  pids+=($!)
  started=$((started + 1))
  sleep 0.5
done
if ((started == 0)); then
  echo "run: no daemon is built yet; tollgatectl simulate works without one:" >&2
  echo "     $build_dir/ctl/tollgatectl simulate EVENTS.jsonl" >&2
  exit 0
fi
wait -n "${pids[@]}"
