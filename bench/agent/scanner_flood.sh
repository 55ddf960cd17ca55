#!/usr/bin/env bash
# The switch's CPU under a scanner flood, with the inspector on and off: the CPU the
# NFQUEUE inspector saves the switch. Two namespaces on a veth pair; root.
# The figures also go to $BENCH_OUT/scanner_flood.json (default bench/out/) for the report.
# Usage: bench/agent/scanner_flood.sh BUILD_DIR [PACKETS]
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
packets=${2:-100000}
here=$(cd "$(dirname "$0")" && pwd)
bench_out=${BENCH_OUT:-$here/../out}
mkdir -p "$bench_out"
source "$here/../../tests/support/netns.sh"

server=tgfl$$s
attacker=tgfl$$a
work=$(mktemp -d /tmp/tollgate-flood-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  delete_namespaces "$server" "$attacker"
  rm -rf "$work"
}
trap cleanup EXIT
make_link "$server" "$attacker"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run_case NAME INSPECT_ENABLE BLACKLIST: the inspector on or off; the blacklist (and its
# scanner rule) on or off. Appends NAME's figures to $work/figures.
run_case() {
  local case_name=$1 inspect=$2 blacklist=$3
  rm -rf "$work/state" "$work/agent.sock"
  cat > "$work/tollgate.toml" <<TOML
[switch]
listen = ["udp:203.0.113.1:5060"]
[agent]
socket = "$work/agent.sock"
state_dir = "$work/state"
[parameters]
INSPECT_ENABLE = $inspect
BLACKLIST_SCANNER_UA = $blacklist
BLACKLIST_ENABLE = $blacklist
TOML
  ip netns exec "$server" "$build/agent/tollgate-agent" --config "$work/tollgate.toml" >"$work/agent.log" 2>&1 &
  local agent=$!
  pids+=("$agent")
  wait_for "agent socket" 10 test -S "$work/agent.sock"
  ip netns exec "$server" "$build/switch/tollgate-switch" --config "$work/tollgate.toml" >"$work/switch.log" 2>&1 &
  local switch=$!
  pids+=("$switch")
  sleep 1
  local before agent_before
  before=$(cpu_ticks "$switch")
  agent_before=$(cpu_ticks "$agent")
  local start=$(date +%s%N)
  ip netns exec "$attacker" python3 -c '
import socket, sys
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
msg = (b"OPTIONS sip:100@203.0.113.1 SIP/2.0\r\nVia: SIP/2.0/UDP 203.0.113.66:5061;branch=z9hG4bK-%d;rport\r\n"
       b"From: \"sipvicious\"<sip:100@1.1.1.1>;tag=6162636465\r\nTo: \"sipvicious\"<sip:100@1.1.1.1>\r\n"
       b"Call-ID: %d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nUser-Agent: friendly-scanner\r\n"
       b"Accept: application/sdp\r\nContent-Length: 0\r\n\r\n")
for i in range(n):
    s.sendto(msg % (i, i), ("203.0.113.1", 5060))
' "$packets"
  local elapsed_ns=$(($(date +%s%N) - start))
  sleep 1
  local after agent_after hz
  after=$(cpu_ticks "$switch")
  agent_after=$(cpu_ticks "$agent")
  hz=$(getconf CLK_TCK)
  awk -v i="$inspect blacklist=$blacklist" -v n="$packets" -v ns="$elapsed_ns" -v s=$((after - before)) -v a=$((agent_after - agent_before)) \
    -v hz="$hz" 'BEGIN { printf "inspect=%s packets=%d offered_pps=%.0f switch_cpu_s=%.2f agent_cpu_s=%.2f\n", i, n, n / (ns / 1e9), s / hz, a / hz }'
  awk -v c="$case_name" -v n="$packets" -v ns="$elapsed_ns" -v s=$((after - before)) -v a=$((agent_after - agent_before)) \
    -v hz="$hz" 'BEGIN { printf "%s_offered_pps %.0f\n%s_switch_cpu_s %.2f\n%s_agent_cpu_s %.2f\n", c, n / (ns / 1e9), c, s / hz, c, a / hz }' \
    >>"$work/figures"
  kill "$switch" "$agent"
  wait "$switch" "$agent" 2>/dev/null
  pids=()
}

run_case no_inspector 0 0   # every scanner packet reaches the switch
run_case inspector 1 0      # the inspector drops them all, the switch sees none
run_case scanner_block 1 1  # the first one blocks the source; the kernel drops the rest

python3 - "$work/figures" "$packets" "$bench_out/scanner_flood.json" <<'PY'
import json, sys
figures = {"packets": int(sys.argv[2])}
for line in open(sys.argv[1]):
    name, value = line.split()
    figures[name] = float(value)
with open(sys.argv[3], "w") as f:
    json.dump(figures, f, indent=1)
PY
