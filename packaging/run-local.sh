#!/usr/bin/env bash
# Starts the daemons that exist on the built-in defaults (SQLite in ./var, switch on
# 127.0.0.1:5060), in the foreground; Ctrl-C stops them all.
# As root, the switch runs as user tollgate as the packages install it: the agent takes
# reports from that user and sends it suspensions, and never trusts a switch running as root.
set -euo pipefail
build_dir=${1:-build}
state_dir=${TOLLGATE_STATE_DIR:-./var}
mkdir -p "$state_dir"

switch_as=()
if ((EUID == 0)); then
  if ! getent passwd tollgate >/dev/null; then
    echo "run: creating the system user tollgate (the packages do the same)"
    useradd --system --user-group --no-create-home --shell /usr/sbin/nologin tollgate
  fi
  # The agent (root) and the switch (tollgate) share the state directory, as in /var/lib/tollgate.
  chgrp tollgate "$state_dir"
  chmod 0770 "$state_dir"
  for file in "$state_dir"/switch.db* "$state_dir"/nonce.key "$state_dir"/switch.sock; do
    [[ -e "$file" ]] && chown tollgate:tollgate "$file"
  done
  switch_as=(setpriv --reuid=tollgate --regid=tollgate --init-groups)
fi

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
  if [[ "$daemon" == tollgate-switch ]]; then
    "${switch_as[@]}" "$binary" --state-dir "$state_dir" &
  else
    "$binary" --state-dir "$state_dir" &
  fi
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
