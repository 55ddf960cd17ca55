#!/usr/bin/env bash
# The real tollgate-agent in a network namespace: reports over its socket block an attacker
# on a veth pair within one report; a restart keeps blocks with their remaining time; a
# flushed ruleset comes back; tollgatectl's verbs work for root and refuse a plain user;
# /metrics answers on the namespace's loopback; reload takes a good file and refuses a bad one.
# Usage: agent_kernel_test.sh BUILD_DIR
set -uo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/netns.sh"

server=tgag$$s
attacker=tgag$$a
work=$(mktemp -d /tmp/tollgate-agent-test-XXXXXX)
agent_pid=
counter_pid=
cleanup() {
  [[ -n $agent_pid ]] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
  [[ -n $counter_pid ]] && kill "$counter_pid" 2>/dev/null
  delete_namespaces "$server" "$attacker"
  rm -rf "$work"
}
trap cleanup EXIT
check_log=$work/checks.log

make_link "$server" "$attacker"
cat > "$work/tollgate.toml" <<TOML
[agent]
socket = "$work/agent.sock"
state_dir = "$work/state"
table = "tollgate"
metrics = "127.0.0.1:9466"

[parameters]
BLACKLIST_ILLEGAL_CALLS = 1
INSPECT_ENABLE = 0

[whitelist]
cidrs = ["192.0.2.10/32"]
TOML

start_agent() {
  ip netns exec "$server" "$build/agent/tollgate-agent" --config "$work/tollgate.toml" >>"$work/agent.log" 2>&1 &
  agent_pid=$!
  wait_for "the agent's socket" 10 test -S "$work/agent.sock"
}
stop_agent() {
  kill -TERM "$agent_pid"
  wait "$agent_pid"
  local rc=$?
  agent_pid=
  return $rc
}
ctl() { "$build/ctl/tollgatectl" --socket "$work/agent.sock" "$@"; }
nft_ns() { ip netns exec "$server" nft "$@"; }
report() {
  python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
s.close()
' "$work/agent.sock" "$1"
}
# metrics [PATH]: the body of http://127.0.0.1:9466/PATH inside the namespace, or "HTTP <code>".
metrics() {
  ip netns exec "$server" python3 -c '
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen("http://127.0.0.1:9466/" + sys.argv[1], timeout=5).read().decode(), end="")
except urllib.error.HTTPError as e:
    print("HTTP", e.code)
' "${1:-metrics}"
}
received() { cat "$work/count" 2>/dev/null || echo 0; }
in_block_set() { output_matches "$1" nft_ns list set inet tollgate block_v4; }
block_expires_ms() {
  nft_ns -j list set inet tollgate block_v4 | python3 -c '
import json, sys
for item in json.load(sys.stdin)["nftables"]:
    for e in item.get("set", {}).get("elem", []):
        if isinstance(e, dict) and e["elem"]["val"] == sys.argv[1]:
            print(e["elem"]["expires"])
' "$1"
}

start_agent
udp_counter "$server" 5070 "$work/count"
counter_pid=$!
sleep 0.3

# Before any report the attacker's packets arrive.
send_udp "$attacker" 203.0.113.1 5070 3
wait_for "packets before the block" 5 test "$(received)" -ge 3
check "packets arrive before the block" test "$(received)" -eq 3

# One illegal-call report (threshold 1) blocks the source in the kernel.
start=$(date +%s%N)
report '{"time":'"$(date +%s)"',"type":"illegal_call","ip":"203.0.113.66","port":5060,"transport":"udp","callee":"0044"}'
wait_for "the block in block_v4" 5 in_block_set 203.0.113.66
echo "report to kernel element: $((($(date +%s%N) - start) / 1000000)) ms (including process starts)"
send_udp "$attacker" 203.0.113.1 5070 5
sleep 0.3
check "packets from the blocked source are dropped" test "$(received)" -eq 3
check "the drop counter counts them" output_matches 'packets ([5-9]|[1-9][0-9]+)' nft_ns list counter inet tollgate drop_blocked

# The metrics endpoint shows the same story (counters since this start of the agent).
check "metrics: the report by type" output_matches '^tollgate_reports_total\{type="illegal_call"\} 1$' metrics
check "metrics: the block decision" output_matches '^tollgate_decisions_total\{kind="block"\} 1$' metrics
check "metrics: one active block" output_matches '^tollgate_active_blocks 1$' metrics
check "metrics: kernel drops of the blocked source" \
  output_matches '^tollgate_kernel_drops_packets_total\{reason="blocked"\} ([5-9]|[1-9][0-9]+)$' metrics
check "metrics: drop bytes per reason" output_matches '^tollgate_kernel_drops_bytes_total\{reason="register_rate"\} ' metrics
check "metrics: the report-to-kernel latency histogram" \
  output_matches '^tollgate_report_to_kernel_latency_seconds_count 1$' metrics
check "metrics: +Inf bucket" output_matches '^tollgate_report_to_kernel_latency_seconds_bucket\{le="\+Inf"\} 1$' metrics
check "metrics: the socket's counters" output_matches '^tollgate_socket_reports_total 1$' metrics
check "metrics: another path is 404" output_matches '^HTTP 404$' metrics other

# A restart keeps the block and its remaining time (no re-block: expiry keeps counting down).
before=$(block_expires_ms 203.0.113.66)
check "the agent stops cleanly on SIGTERM" stop_agent
check "the table stays while the agent is away" in_block_set 203.0.113.66
sleep 1
start_agent
after=$(block_expires_ms 203.0.113.66)
check "the block keeps its remaining time across the restart (${before} ms then ${after} ms)" test "$after" -lt "$before"
check "agent.db still holds the block" output_matches 203.0.113.66 ctl blacklist list --json

# Someone flushes the ruleset: the agent notices and restores its table with the block.
nft_ns flush ruleset
wait_for "the table restored after nft flush ruleset" 10 in_block_set 203.0.113.66
send_udp "$attacker" 203.0.113.1 5070 3
sleep 0.3
check "the restored block drops packets" test "$(received)" -eq 3

# tollgatectl, every verb, as root.
check "status" ctl status
check "status --json" output_matches '"blocks": [1-9]' ctl status --json
check "blacklist add with a duration" ctl blacklist add 198.51.100.0/24 --for 1h --reason "botnet"
check "blacklist add permanent" ctl blacklist add 2001:db8:bad::/48 --permanent
check "the network block is in block_net_v4" output_matches 198.51.100.0/24 nft_ns list set inet tollgate block_net_v4
check "a whitelisted address is refused without --force" expect_exit 1 ctl blacklist add 192.0.2.10
check "blacklist list" ctl blacklist list
check "blacklist del" ctl blacklist del 198.51.100.0/24
check "blacklist del of an unknown block fails" expect_exit 1 ctl blacklist del 198.51.100.0/24
check "whitelist add" ctl whitelist add 192.0.2.20/32
check "whitelist list shows both origins" output_matches 'runtime' ctl whitelist list
check "whitelist del" ctl whitelist del 192.0.2.20/32
check "suspend list" ctl suspend list
check "suspend clear of an endpoint not suspended fails" expect_exit 1 ctl suspend clear 1001
check "param list" ctl param list
check "param get" ctl param get BLACKLIST_WINDOW
check "param set in range" ctl param set BLACKLIST_WINDOW 120
check "param set out of range names the range" output_matches 'between 10 and 86400' ctl param set BLACKLIST_WINDOW 5
check "audit" output_matches param_set ctl audit
check "blacklist flush" ctl blacklist flush

# reload: a good file is taken; a broken one is refused with file:line and the agent goes on.
check "reload" output_matches 'reloaded' ctl reload
cp "$work/tollgate.toml" "$work/tollgate.toml.good"
sed -i 's/^INSPECT_ENABLE = 0$/INSPECT_ENABLE = 7/' "$work/tollgate.toml"
reload_out=$(ctl reload 2>&1)
reload_rc=$?
check "reload of a broken file fails" test "$reload_rc" -eq 1
check "the failure names file and line ($reload_out)" grep -Eq "tollgate\.toml:[0-9]+:[0-9]+: .*INSPECT_ENABLE" <<<"$reload_out"
check "the agent keeps running after a refused reload" kill -0 "$agent_pid"
check "and keeps answering" ctl status
cp "$work/tollgate.toml.good" "$work/tollgate.toml"
check "reload of the repaired file" ctl reload
check "flush emptied the kernel sets" expect_exit 1 in_block_set 203.0.113.66

# A plain user is refused: by the socket file's mode, and (given access to the file) by the
# agent itself, which audits the refusal.
chmod 0755 "$work"
check "a plain user cannot open the socket file" expect_exit 1 runuser -u nobody -- "$build/ctl/tollgatectl" --socket "$work/agent.sock" status
chmod 0666 "$work/agent.sock"
check "a plain user is refused by the agent" expect_exit 1 runuser -u nobody -- "$build/ctl/tollgatectl" --socket "$work/agent.sock" status
check "the refusal is audited" output_matches refused ctl audit

check "the agent stops cleanly" stop_agent
if ((failed > 0)); then
  echo "--- checks"
  cat "$work/checks.log"
  echo "--- agent log"
  cat "$work/agent.log"
fi
summary
