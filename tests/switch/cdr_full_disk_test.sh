#!/usr/bin/env bash
# CDRs on a full disk, through the real tollgate-switch: switch.db sits on a small tmpfs the
# test mounts and fills. Illegal INVITEs (distinct Call-IDs) are still answered, every one,
# at once; the rows wait in memory up to [switch] cdr_buffer and the rest are counted lost;
# the failure is logged once, not once a write; once space returns the kept rows are written,
# and rows in switch.db plus rows counted lost equal the calls. Root (mount).
# Usage: cdr_full_disk_test.sh BUILD_DIR
set -uo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/netns.sh"
((EUID == 0)) || { echo "SKIP: needs root to mount a tmpfs"; exit 77; }
work=$(mktemp -d /tmp/tollgate-cdrdisk-XXXXXX)
state=$work/state
switch_pid=
mounted=0
cleanup() {
  [[ -n $switch_pid ]] && kill "$switch_pid" 2>/dev/null && wait "$switch_pid" 2>/dev/null
  ((mounted)) && umount "$state"
  if [[ -n ${TOLLGATE_KEEP_WORK:-} ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
check_log=$work/checks.log
passed=0
failed=0
calls=3000
buffer=500

mkdir -p "$state"
mount -t tmpfs -o size=4m tollgate-cdr-test "$state" && mounted=1 || { echo "FAIL: mount tmpfs"; exit 1; }
port=$(free_udp_port 127.0.0.1)
cat >"$work/tollgate.toml" <<TOML
[switch]
listen = ["udp:127.0.0.1:$port"]
control_socket = "$work/switch.sock"
cdr_buffer = $buffer

[agent]
socket = "$work/agent.sock"
state_dir = "$state"

[[routing_gateway]]
name = "carrier"
host = "127.0.0.10"
prefixes = [""]
TOML

"$build/switch/tollgate-switch" --config "$work/tollgate.toml" --state-dir "$state" \
  --socket "$work/agent.sock" >"$work/switch.log" 2>&1 &
switch_pid=$!
wait_for "the switch running" 20 grep -q running "$work/switch.log" || { cat "$work/switch.log"; exit 1; }

# switch_status FIELD: a value of the switch's `status` on its control socket.
switch_status() { control_status "$work/switch.sock" "$1"; }
# illegal_calls COUNT PREFIX: COUNT INVITEs from an unknown source, paced in bursts; prints
# how many distinct Call-IDs got a 403 back.
illegal_calls() {
  python3 - "$port" "$1" "$2" <<'PY'
import socket, sys, time
port, count, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.7", 0))
local = s.getsockname()[1]
answered = set()
def drain(until):
    while (left := until - time.monotonic()) > 0:
        s.settimeout(min(left, 0.2))
        try:
            data = s.recv(65535).decode(errors="replace")
        except socket.timeout:
            return
        if data.startswith("SIP/2.0 403"):
            for line in data.split("\r\n"):
                if line.lower().startswith("call-id:"):
                    answered.add(line.split(":", 1)[1].strip())
for i in range(count):
    cid = f"{prefix}-{i}@127.0.0.7"
    msg = (f"INVITE sip:0044123456{i}@127.0.0.1:{port} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP 127.0.0.7:{local};branch=z9hG4bK{prefix}{i}\r\n"
           f"From: <sip:attacker@127.0.0.7>;tag=t{i}\r\nTo: <sip:0044123456{i}@127.0.0.1>\r\n"
           f"Call-ID: {cid}\r\nCSeq: 1 INVITE\r\nContact: <sip:attacker@127.0.0.7:{local}>\r\n"
           f"Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
    s.sendto(msg.encode(), ("127.0.0.1", port))
    if i % 50 == 49:
        drain(time.monotonic() + 0.05)
deadline = time.monotonic() + 10
while len(answered) < count and time.monotonic() < deadline:
    drain(deadline)
print(len(answered))
PY
}
rows_in_db() { sqlite3 "file:$state/switch.db?mode=ro" "SELECT count(*) FROM cdr"; }
rows_are() { test "$(rows_in_db)" -eq "$1"; }

wait_for "the switch's control socket" 10 switch_status bindings
# The disk fills up (what SQLite holds already, the WAL among it, stays).
dd if=/dev/zero of="$state/filler" bs=64k 2>/dev/null
sync
answered=$(illegal_calls "$calls" full)
check "every illegal INVITE answered 403 on the full disk ($answered of $calls)" test "$answered" -eq "$calls"
wait_for "a failed CDR write" 10 output_matches '^false$' switch_status cdr.writing
check "status: CDR writing has stopped" output_matches '^false$' switch_status cdr.writing
check "status: the error is named" output_matches 'full' switch_status cdr.last_error
queued=$(switch_status cdr.queued)
dropped=$(switch_status cdr.dropped)
check "status: at most cdr_buffer rows kept ($queued)" test "$queued" -le "$buffer"
check "status: rows beyond the buffer counted lost ($dropped)" test "$dropped" -gt 0
alarms=$(grep -c 'CDR rows cannot be written\|CDR rows still cannot be written' "$work/switch.log")
check "the failure logged once, not once a write ($alarms lines)" test "$alarms" -le 2

# Space returns: the kept rows are written, and nothing is unaccounted for.
rm -f "$state/filler"
wait_for "CDR writes to recover" 10 output_matches '^true$' switch_status cdr.writing
check "status: writing again" output_matches '^true$' switch_status cdr.writing
check "the recovery logged" grep -q 'CDR writes recovered' "$work/switch.log"
dropped=$(switch_status cdr.dropped)
rows=$(rows_in_db)
check "rows in switch.db ($rows) + rows lost ($dropped) = calls ($calls)" test $((rows + dropped)) -eq "$calls"
check "status: nothing left queued" test "$(switch_status cdr.queued)" -eq 0
# Writing again, a 403 waits for its row as before, and every one is answered.
answered=$(illegal_calls 200 after)
check "after recovery every illegal INVITE answered ($answered of 200)" test "$answered" -eq 200
wait_for "the last rows" 5 rows_are $((rows + 200))
check "after recovery each call has its CDR" test "$(rows_in_db)" -eq $((rows + 200))
check "the switch is still up" kill -0 "$switch_pid"

# [switch] cdr_retention (90 days): rows made 100 days old are pruned when the switch starts
# again; the others stay.
kill "$switch_pid" && wait "$switch_pid"
switch_pid=
total=$(rows_in_db)
sqlite3 "$state/switch.db" "UPDATE cdr SET start_time = start_time - 100 * 86400 * 1000 WHERE id IN (SELECT id FROM cdr ORDER BY id LIMIT 100)"
"$build/switch/tollgate-switch" --config "$work/tollgate.toml" --state-dir "$state" \
  --socket "$work/agent.sock" >"$work/switch2.log" 2>&1 &
switch_pid=$!
wait_for "old CDRs pruned" 10 rows_are $((total - 100))
check "CDRs past cdr_retention pruned ($(rows_in_db) of $total left)" test "$(rows_in_db)" -eq $((total - 100))
check "the pruning logged" grep -q '100 CDRs older than \[switch\] cdr_retention pruned' "$work/switch2.log"
summary || { tail -20 "$work/switch.log"; cat "$check_log"; exit 1; }
