#!/usr/bin/env bash
# Calls from a multi-homed switch (root): the switch's namespace has a public interface
# (203.0.113.1, and 203.0.113.2 as a second address) facing an IP gateway at 203.0.113.20,
# and a carrier interface (198.51.100.1) facing a SIPp carrier at 198.51.100.20. Neither
# outer namespace has a route to the other's network, so a call only completes when the B
# leg leaves from 198.51.100.1 and says so in Via and Contact. Run twice: listening on both
# specific addresses (the public one first), and on the wildcard 0.0.0.0. Each time a UDP
# and a TCP call complete and the carrier's received Via and Contact name 198.51.100.1; on
# the wildcard listen the caller's packets captured on its own interface come from the
# address it called (also the second address), and the live trace shows the real local
# addresses instead of 0.0.0.0.
# Usage: multihome_e2e_test.sh BUILD_DIR
set -uo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/netns.sh"
scenarios=$here/sipp/calls

sw=tgmh$$s
pub=tgmh$$p
car=tgmh$$c
work=$(mktemp -d /tmp/tollgate-multihome-XXXXXX)
pids=()
switch_pid=
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  [[ -n $switch_pid ]] && kill "$switch_pid" 2>/dev/null
  wait 2>/dev/null
  delete_namespaces "$sw" "$pub" "$car"
  if [[ -n ${TOLLGATE_KEEP_WORK:-} ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
check_log=$work/checks.log

# The switch's two interfaces; no forwarding, no default routes.
for ns in "$sw" "$pub" "$car"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done
ip link add "m$$p" netns "$sw" type veth peer name "m$$q" netns "$pub"
ip link add "m$$c" netns "$sw" type veth peer name "m$$d" netns "$car"
ip -n "$sw" addr add 203.0.113.1/24 dev "m$$p"
ip -n "$sw" addr add 203.0.113.2/24 dev "m$$p"
ip -n "$pub" addr add 203.0.113.20/24 dev "m$$q"
ip -n "$sw" addr add 198.51.100.1/24 dev "m$$c"
ip -n "$car" addr add 198.51.100.20/24 dev "m$$d"
for link in "$sw m$$p" "$pub m$$q" "$sw m$$c" "$car m$$d"; do
  set -- $link
  ip -n "$1" link set "$2" up
done
ip netns exec "$sw" sysctl -qw net.ipv4.ip_forward=0

# switch_with LISTEN...: (re)starts the switch listening on LISTEN (TOML strings).
switch_with() {
  if [[ -n $switch_pid ]]; then
    kill "$switch_pid" 2>/dev/null
    wait "$switch_pid" 2>/dev/null
    switch_pid=
  fi
  local listen
  listen=$(printf '"%s", ' "$@")
  rm -rf "$work/state"
  cat >"$work/tollgate.toml" <<TOML
[switch]
listen = [${listen%, }]
control_socket = "$work/switch.sock"

[agent]
socket = "$work/agent.sock"
state_dir = "$work/state"

[[mapping_gateway]]
name = "gw-ip"
auth = "ip"
addresses = ["203.0.113.20/32"]

[[routing_gateway]]
name = "carrier-udp"
host = "198.51.100.20"
port = 5070
prefixes = ["11"]

[[routing_gateway]]
name = "carrier-tcp"
host = "198.51.100.20"
port = 5071
transport = "tcp"
prefixes = ["12"]
TOML
  : >"$work/switch.log"
  ip netns exec "$sw" "$build/switch/tollgate-switch" --config "$work/tollgate.toml" >"$work/switch.log" 2>&1 &
  switch_pid=$!
  wait_for "the switch running" 20 grep -q running "$work/switch.log" || { cat "$work/switch.log"; return 1; }
}

# carrier NAME TRANSPORT PORT: a SIPp UAS for one call at 198.51.100.20:PORT, logging every
# message it receives and sends to carrier-NAME.msg.
declare -A carrier_pid
carrier() {
  local name=$1 transport=$2 port=$3
  ip netns exec "$car" timeout 30 sipp -sf "$scenarios/uas_answer.xml" -t "$transport" -i 198.51.100.20 -p "$port" \
    -m 1 -nostdin -timeout 20s -timeout_error -trace_err -error_file "$work/carrier-$name.err" -trace_msg \
    -message_file "$work/carrier-$name.msg" >"$work/carrier-$name.out" 2>&1 &
  carrier_pid[$name]=$!
  pids+=("$!")
  local proto=u
  [[ $transport == t1 ]] && proto=t
  wait_for "carrier $name listening" 10 output_matches "198.51.100.20:$port " ip netns exec "$car" ss -ln"$proto"
}
# caller NAME TRANSPORT SWITCH_IP CALLEE: one call from the gateway at 203.0.113.20.
caller() {
  local name=$1 transport=$2 to=$3 callee=$4
  printf 'SEQUENTIAL\n5550001;%s;x;\n' "$callee" >"$work/$name.csv"
  ip netns exec "$pub" timeout 30 sipp "$to:5060" -sf "$scenarios/uac_call.xml" -inf "$work/$name.csv" -t "$transport" \
    -i 203.0.113.20 -p "$(ip netns exec "$pub" python3 -c 'import socket; s=socket.socket(); s.bind(("203.0.113.20",0)); print(s.getsockname()[1])')" \
    -m 1 -nostdin -timeout 15s -timeout_error -trace_err -error_file "$work/caller-$name.err" >"$work/caller-$name.out" 2>&1
  local rc=$?
  ((rc == 0)) || { echo "--- caller $name (exit $rc)"; cat "$work/caller-$name.err"; } >>"$check_log" 2>&1
  return $rc
}
gone() { ! kill -0 "$1" 2>/dev/null; }
# finished NAME: the carrier NAME ended with its call successful.
finished() {
  wait_for "carrier $1 to end" 10 gone "${carrier_pid[$1]}"
  wait "${carrier_pid[$1]}"
  local rc=$?
  ((rc == 0)) || { echo "--- carrier $1 (exit $rc)"; cat "$work/carrier-$1.err"; } >>"$check_log" 2>&1
  return $rc
}
# speaks_from NAME TRANSPORT: every Via and Contact the carrier NAME received or echoed names
# 198.51.100.1:5060 (and there is at least one of each).
speaks_from() {
  local log=$work/carrier-$1.msg
  grep -q "^Via: SIP/2.0/$2 198.51.100.1:5060;" "$log" &&
    grep -q '^Contact: <sip:198.51.100.1:5060>' "$log" &&
    ! grep -E '^(Via|Contact):' "$log" | grep -v 198.51.100 | grep -q . ||
    { echo "--- carrier $1 messages"; grep -E '^(Via|Contact):' "$log"; } >>"$check_log"
}
# call_case LABEL: a UDP and a TCP call through the switch as it listens now.
call_case() {
  carrier "$1-udp" u1 5070
  check "$1: UDP call completes" caller "$1-udp" u1 203.0.113.1 1100000001
  check "$1: UDP carrier saw the whole call" finished "$1-udp"
  check "$1: UDP carrier's Via and Contact name 198.51.100.1" speaks_from "$1-udp" UDP
  carrier "$1-tcp" t1 5071
  check "$1: TCP call completes" caller "$1-tcp" t1 203.0.113.1 1200000001
  check "$1: TCP carrier saw the whole call" finished "$1-tcp"
  check "$1: TCP carrier's Via and Contact name 198.51.100.1" speaks_from "$1-tcp" TCP
}

# 1. Both specific addresses, the public one first (the one the carrier cannot reach).
switch_with udp:203.0.113.1:5060 udp:198.51.100.1:5060 tcp:203.0.113.1:5060 tcp:198.51.100.1:5060 || exit 1
call_case specific

# 2. The wildcard listen.
switch_with udp:0.0.0.0:5060 tcp:0.0.0.0:5060 || exit 1
call_case wildcard

# The caller's side as captured on its interface, and the live trace, during one UDP call
# to each public address.
ip netns exec "$pub" dumpcap -q -i "m$$q" -f "udp port 5060" -w "$work/caller.pcapng" 2>"$work/dumpcap.err" &
dumpcap_pid=$!
pids+=("$dumpcap_pid")
wait_for "the capture running" 10 grep -q "Capturing on" "$work/dumpcap.err"
"$build/ctl/tollgatectl" --switch-socket "$work/switch.sock" --json trace --count 40 --duration 15 \
  >"$work/trace.json" 2>"$work/trace.err" &
trace_pid=$!
pids+=("$trace_pid")
wait_for "the trace started" 10 grep -q " traces {" "$work/switch.log"
carrier trace-udp u1 5070
check "wildcard: UDP call to the first address completes" caller to-first u1 203.0.113.1 1100000002
check "wildcard: its carrier saw the whole call" finished trace-udp
carrier second-udp u1 5070
check "wildcard: UDP call to the second address completes" caller to-second u1 203.0.113.2 1100000003
check "wildcard: its carrier saw the whole call" finished second-udp
check "wildcard: the second call's carrier Via names 198.51.100.1" speaks_from second-udp UDP
sleep 0.3
kill "$dumpcap_pid" 2>/dev/null
wait "$dumpcap_pid" 2>/dev/null
kill "$trace_pid" 2>/dev/null
wait "$trace_pid" 2>/dev/null

# answered_from CALLED: the caller's packets from the switch's port 5060, in the call to
# CALLED, all came from CALLED (at least three: 100, 180, 200, the BYE's 200).
answered_from() {
  tshark -r "$work/caller.pcapng" -T fields -e ip.src -e ip.dst -Y "udp.srcport == 5060" 2>/dev/null |
    python3 -c '
import sys
called = sys.argv[1]
rows = [l.split() for l in sys.stdin if l.strip()]
ours = [r for r in rows if r[0] in ("203.0.113.1", "203.0.113.2")]
mine = [r for r in ours if r[0] == called]
print(rows, file=sys.stderr)
sys.exit(0 if len(mine) >= 3 and all(r[1] == "203.0.113.20" for r in ours) else 1)' "$1"
}
# trace_local DIRECTION LOCAL: the trace has a message of that direction at that local address,
# and none at 0.0.0.0.
trace_local() {
  python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
if any(r["local"].startswith("0.0.0.0") for r in rows): sys.exit("0.0.0.0 in the trace")
sys.exit(0 if any(r["direction"] == sys.argv[2] and r["local"] == sys.argv[3] for r in rows) else 1)' \
    "$work/trace.json" "$1" "$2"
}
check "wildcard: the caller's answers to 203.0.113.1 come from 203.0.113.1" answered_from 203.0.113.1
check "wildcard: the caller's answers to 203.0.113.2 come from 203.0.113.2" answered_from 203.0.113.2
check "trace: requests in at 203.0.113.1:5060" trace_local in 203.0.113.1:5060
check "trace: requests in at 203.0.113.2:5060" trace_local in 203.0.113.2:5060
check "trace: the B leg out from 198.51.100.1:5060" trace_local out 198.51.100.1:5060

if ((failed > 0)); then
  echo "--- checks"
  cat "$check_log"
  echo "--- switch log (last 40 lines)"
  tail -40 "$work/switch.log"
fi
summary
