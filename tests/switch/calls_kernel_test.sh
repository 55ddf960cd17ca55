#!/usr/bin/env bash
# Illegal calls against the real switch and the real agent in a network namespace (root):
# an unknown source on a veth pair gets 403 and one illegal CDR per INVITE, the agent
# receives the illegal_call reports and blocks the source in the kernel after
# BLACKLIST_ILLEGAL_CALLS of them (the next INVITE is dropped: no answer, no CDR, the drop
# counter moves). Then a bounded flood of illegal INVITEs from another source (the threshold
# raised so that the flood reaches the switch) while an IP gateway places calls through a
# SIPp carrier: every legitimate call completes and every flood INVITE answered has its CDR.
# Usage: calls_kernel_test.sh BUILD_DIR [FLOOD_INVITES] [FLOOD_RATE]
set -uo pipefail
build=$(cd "$1" && pwd)
flood=${2:-10000}
flood_rate=${3:-2000}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/netns.sh"
scenarios=$here/sipp/calls

server=tgcl$$s
attacker=tgcl$$a
work=$(mktemp -d /tmp/tollgate-calls-kernel-XXXXXX)
pids=()
agent_pid=
switch_pid=
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  [[ -n $switch_pid ]] && kill "$switch_pid" 2>/dev/null
  [[ -n $agent_pid ]] && kill "$agent_pid" 2>/dev/null
  wait 2>/dev/null
  delete_namespaces "$server" "$attacker"
  if [[ -n ${TOLLGATE_KEEP_WORK:-} ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
check_log=$work/checks.log

make_link "$server" "$attacker"
ip -n "$attacker" addr add 203.0.113.20/24 dev "v$$a"  # the IP gateway
ip -n "$attacker" addr add 203.0.113.67/24 dev "v$$a"  # the flood's source
carrier_port=5070

cat >"$work/tollgate.toml" <<TOML
[switch]
listen = ["udp:203.0.113.1:5060"]

[agent]
socket = "$work/agent.sock"
state_dir = "$work/state"
table = "tollgate"
metrics = "127.0.0.1:9466"

[parameters]
BLACKLIST_ILLEGAL_CALLS = 3
INSPECT_ENABLE = 0

[[mapping_gateway]]
name = "gw-ip"
auth = "ip"
addresses = ["203.0.113.20/32"]

[[routing_gateway]]
name = "carrier"
host = "203.0.113.1"
port = $carrier_port
prefixes = ["11"]
TOML

ip netns exec "$server" "$build/agent/tollgate-agent" --config "$work/tollgate.toml" >"$work/agent.log" 2>&1 &
agent_pid=$!
wait_for "the agent's socket" 10 test -S "$work/agent.sock" || { cat "$work/agent.log"; exit 1; }
ip netns exec "$server" "$build/switch/tollgate-switch" --config "$work/tollgate.toml" >"$work/switch.log" 2>&1 &
switch_pid=$!
wait_for "the switch connected to the agent" 20 grep -q "connected" "$work/switch.log" || { cat "$work/switch.log"; exit 1; }

ctl() { "$build/ctl/tollgatectl" --socket "$work/agent.sock" "$@"; }
nft_ns() { ip netns exec "$server" nft "$@"; }
metrics() { ip netns exec "$server" python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:9466/metrics", timeout=5).read().decode(), end="")'; }
# cdr_count SQL_WHERE: CDR rows matching the condition.
cdr_count() { sqlite3 "file:$work/state/switch.db?mode=ro" "select count(*) from cdr where $1" 2>/dev/null || echo -1; }
count_is() { test "$(cdr_count "$1")" -eq "$2"; }
# call NAME SOURCE SCENARIO CALLEE [SIPP ARGS...]: SIPp from the attacker namespace.
call() {
  local name=$1 ip=$2 scenario=$3 callee=$4
  shift 4
  printf 'SEQUENTIAL\n5550%s;%s;x;\n' "$RANDOM" "$callee" >"$work/$name.csv"
  ip netns exec "$attacker" timeout 60 sipp 203.0.113.1:5060 -sf "$scenarios/$scenario" -inf "$work/$name.csv" \
    -i "$ip" -nostdin -timeout 50s -timeout_error -cid_str "kt-$name-%u@%s" -trace_err -error_file "$work/$name.err" \
    -trace_stat -stf "$work/$name.stat" "$@" >"$work/$name.out" 2>&1
  local rc=$?
  ((rc == 0)) || { echo "--- $name (exit $rc)"; tail -20 "$work/$name.err"; } >>"$check_log" 2>&1
  return $rc
}

# 1. Three illegal INVITEs from 203.0.113.66: 403 each, one illegal CDR each.
for i in 1 2 3; do
  check "illegal INVITE $i: 403" call "illegal$i" 203.0.113.66 uac_expect_403.xml 4400000$i -m 1
done
check "three illegal CDRs for 203.0.113.66" wait_for "the CDRs" 10 count_is \
  "src_ip = '203.0.113.66' and billing_mode = 4 and duration_s = 0 and disconnect_code = 403" 3
check "the CDRs carry the Call-IDs sent" count_is "call_id in ('kt-illegal1-1@203.0.113.66', 'kt-illegal2-1@203.0.113.66', 'kt-illegal3-1@203.0.113.66')" 3
check "the agent received three illegal_call reports" wait_for "the reports in the metrics" 10 \
  output_matches '^tollgate_reports_total\{type="illegal_call"\} 3$' metrics
check "the agent blocked the source in the kernel" wait_for "the block" 10 \
  output_matches '203\.0\.113\.66' nft_ns list set inet tollgate block_v4
check "the audit log has the block for illegal calls" output_matches 'illegal_calls' ctl audit
check "blacklist list shows it" output_matches '203\.0\.113\.66' ctl blacklist list --json

# 2. The next INVITE from the blocked source is dropped before the switch.
drops_before=$(nft_ns -j list counter inet tollgate drop_blocked | python3 -c 'import json,sys; print([o["counter"]["packets"] for o in json.load(sys.stdin)["nftables"] if "counter" in o][0])')
check "the next INVITE gets no answer" ip netns exec "$attacker" python3 -c '
import select, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.66", 0))
port = s.getsockname()[1]
msg = ("INVITE sip:4400000004@203.0.113.1 SIP/2.0\r\nVia: SIP/2.0/UDP 203.0.113.66:%d;branch=z9hG4bK-after;rport\r\n"
       "From: <sip:5550@203.0.113.66>;tag=after\r\nTo: <sip:4400000004@203.0.113.1>\r\nCall-ID: kt-after@203.0.113.66\r\n"
       "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n" % port).encode()
s.sendto(msg, ("203.0.113.1", 5060))
ready, _, _ = select.select([s], [], [], 2.0)
sys.exit(1 if ready else 0)
'
check "the kernel's drop counter counted it" test "$(nft_ns -j list counter inet tollgate drop_blocked | python3 -c 'import json,sys; print([o["counter"]["packets"] for o in json.load(sys.stdin)["nftables"] if "counter" in o][0])')" -gt "$drops_before"
check "and the switch wrote no CDR for it" count_is "call_id = 'kt-after@203.0.113.66'" 0

# 3. A bounded flood of illegal INVITEs from 203.0.113.67 (threshold raised so the flood
#    reaches the switch) while the IP gateway places 100 calls at 20 per second.
check "the threshold raised at run time" ctl param set BLACKLIST_ILLEGAL_CALLS 10000
ip netns exec "$server" timeout 60 sipp -sf "$scenarios/uas_answer.xml" -i 203.0.113.1 -p "$carrier_port" -m 100 \
  -nostdin -timeout 50s -timeout_error -trace_err -error_file "$work/carrier.err" >"$work/carrier.out" 2>&1 &
carrier_pid=$!
pids+=("$carrier_pid")
wait_for "the carrier listening" 10 output_matches ":$carrier_port " ip netns exec "$server" ss -lun
call flood 203.0.113.67 uac_expect_403.xml 4500000000 -m "$flood" -r "$flood_rate" -l 2000 &
flood_pid=$!
pids+=("$flood_pid")
legit_start=$(date +%s.%N)
check "every legitimate call during the flood completes" call legit 203.0.113.20 uac_call.xml 1100000001 -m 100 -r 20 -l 100
legit_end=$(date +%s.%N)
wait "$carrier_pid"
check "the carrier answered all of them" test $? -eq 0
wait "$flood_pid"
flood_rc=$?
echo "flood SIPp exit $flood_rc" >>"$check_log"
answered=$(python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=";"))
print(rows[-1][rows[0].index("SuccessfulCall(C)")])' "$work/flood.stat" 2>/dev/null || echo 0)
check "the flood got its 403s ($answered of $flood)" test "$answered" -ge $((flood * 99 / 100))
check "100 answered gateway CDRs" wait_for "the gateway CDRs" 10 count_is \
  "src_ip = '203.0.113.20' and billing_mode = 1 and disconnect_code = 200 and answer_time is not null" 100
check "every 403 the flood received has its illegal CDR" wait_for "the flood's CDRs" 20 eval \
  "test \$(cdr_count \"src_ip = '203.0.113.67' and billing_mode = 4\") -ge $answered"
check "no more illegal CDRs than INVITEs sent" test "$(cdr_count "src_ip = '203.0.113.67'")" -le "$flood"
check "the gateway was never blocked" expect_exit 1 output_matches '203\.0\.113\.20' nft_ns list set inet tollgate block_v4
check "the switch is still running" kill -0 "$switch_pid"
check "the agent is still running" kill -0 "$agent_pid"
echo "flood: $answered illegal INVITEs answered at up to $flood_rate/s; 100 gateway calls in $(echo "$legit_end - $legit_start" | bc) s"

if ((failed > 0)); then
  echo "--- checks"
  cat "$check_log"
  echo "--- switch log (last 30 lines)"
  tail -30 "$work/switch.log"
  echo "--- agent log (last 20 lines)"
  tail -20 "$work/agent.log"
fi
summary
