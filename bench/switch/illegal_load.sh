#!/usr/bin/env bash
# Illegal INVITEs rejected and recorded per second by the real tollgate-switch: an unknown
# source (127.0.0.66) sends INVITEs with distinct Call-IDs at a paced rate and counts the
# 403s that come back (the switch sends each 403 only once its illegal CDR is committed);
# then the CDR rows in switch.db are counted. Steps up the offered rate; each step is
# bounded in INVITEs and time. No agent runs (the switch buffers its reports, bounded).
# Prints each step with the switch's CPU and writes bench/out/illegal_load.json.
# Usage: bench/switch/illegal_load.sh [BUILD_DIR] [INVITES_PER_STEP] [RATES...]
#   defaults: build 20000 10000 20000 30000 40000 50000 60000 0   (0: as fast as the sender goes)
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
per_step=${2:-20000}
shift 2 2>/dev/null || shift $#
rates=("$@")
((${#rates[@]})) || rates=(10000 20000 30000 40000 50000 60000 0)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../tests/support/netns.sh"
out=${BENCH_OUT:-$here/../out}
mkdir -p "$out"
work=$(mktemp -d /tmp/tollgate-illegal-load-XXXXXX)
switch_pid=
cleanup() {
  [[ -n $switch_pid ]] && kill "$switch_pid" 2>/dev/null
  wait 2>/dev/null
  if [[ -n ${TOLLGATE_KEEP_WORK:-} ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

port=$(free_udp_port 127.0.0.1)
cat >"$work/tollgate.toml" <<TOML
[switch]
listen = ["udp:127.0.0.1:$port"]
[agent]
socket = "$work/agent.sock"
state_dir = "$work/state"
[parameters]
SERVER_BILLING_RECORD_ILLEGAL_CALL = 1
SS_REPLY_UNAUTHORIZED = 1
TOML
${SWITCH_WRAPPER:-} "$build/switch/tollgate-switch" --config "$work/tollgate.toml" --state-dir "$work/state" \
  --socket "$work/agent.sock" >"$work/switch.log" 2>&1 &
switch_pid=$!
for _ in $(seq 1 200); do grep -q running "$work/switch.log" 2>/dev/null && break; sleep 0.05; done
grep -q running "$work/switch.log" || { cat "$work/switch.log"; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
cdr_rows() { sqlite3 "file:$work/state/switch.db?mode=ro" "select count(*) from cdr where billing_mode = 4" 2>/dev/null || echo 0; }

# flood STEP RATE: sends per_step INVITEs at RATE per second (0: unpaced) and counts 403s
# until all came back or 5 s passed since the last send. Prints "sent got first_to_last_s".
flood() {
  python3 - "$port" "$per_step" "$2" "$1" <<'PY'
import os, select, socket, sys, time
port, n, rate, step = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_RCVBUFFORCE", socket.SO_RCVBUF), 32 << 20)
s.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_SNDBUFFORCE", socket.SO_SNDBUF), 8 << 20)
s.bind(("127.0.0.66", 0))
me = s.getsockname()[1]
template = ("INVITE sip:0044123456@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.66:%d;branch=z9hG4bK-%s-%%d;rport\r\n"
            "From: \"100\" <sip:100@127.0.0.66>;tag=t%%d\r\nTo: <sip:0044123456@127.0.0.1>\r\n"
            "Call-ID: il-%s-%%d@127.0.0.66\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nUser-Agent: illegal-load\r\n"
            "Content-Length: 0\r\n\r\n") % (me, step, step)
messages = [(template % (i, i, i)).encode() for i in range(n)]
dest = ("127.0.0.1", port)
s.setblocking(False)
got = 0
first = last_reply = None
def drain():
    global got, last_reply
    while True:
        try:
            data = s.recv(65535)
        except BlockingIOError:
            return
        if data.startswith(b"SIP/2.0 403"):
            got += 1
            last_reply = time.monotonic()
burst = 50
start = time.monotonic()
give_up = start + (n / rate if rate > 0 else 0) + 30  # bounded even if sends stall
i = 0
while i < n and time.monotonic() < give_up:
    if rate > 0:
        due = start + i / rate
        now = time.monotonic()
        if now < due:
            drain()
            if due - now > 0.0005:
                time.sleep(min(due - now, 0.002))
            continue
    for m in messages[i:i + burst]:
        while True:
            try:
                s.sendto(m, dest)
                break
            except BlockingIOError:
                if time.monotonic() > give_up:
                    break
                select.select([], [s], [], 0.01)
                drain()
    i += burst
    drain()
sent_end = time.monotonic()
deadline = sent_end + 5
while got < n and time.monotonic() < deadline:
    select.select([s], [], [], 0.05)
    drain()
span = (last_reply or sent_end) - start
print(min(i, n), got, f"{span:.3f}", f"{sent_end - start:.3f}")
PY
}

best_rate=0 best_per_s=0 best_cpu=0 total_got=0
json="{"
for rate in "${rates[@]}"; do
  before=$(cpu_ticks "$switch_pid")
  rows_before=$(cdr_rows)
  read -r sent got span send_span < <(flood "r$rate" "$rate")
  after=$(cpu_ticks "$switch_pid")
  total_got=$((total_got + got))
  for _ in $(seq 1 100); do (($(cdr_rows) - rows_before >= got)) && break; sleep 0.05; done
  rows=$(($(cdr_rows) - rows_before))
  read -r per_s ratio cpu offered < <(python3 -c '
import sys
sent, got, span, send_span, ticks, hz = map(float, sys.argv[1:7])
print(f"{got / span:.0f} {got / sent:.5f} {ticks / hz / span * 100:.0f} {sent / send_span:.0f}")' \
    "$sent" "$got" "$span" "$send_span" $((after - before)) "$hz")
  label=$rate
  ((rate == 0)) && label=max
  echo "offered ${label} (sent at ${offered}/s): $got 403s for $sent INVITEs in ${span} s = ${per_s}/s rejected and recorded; CDR rows $rows; switch CPU ${cpu}% of one core"
  json+="\"rate_${label}_sent_per_s\": $offered, \"rate_${label}_rejected_per_s\": $per_s, \"rate_${label}_answered_ratio\": $ratio, \"rate_${label}_cdr_rows\": $rows, \"rate_${label}_switch_cpu_percent\": $cpu, "
  if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 0.999 else 1)' "$ratio" && ((rows >= got)); then
    if ((per_s > best_per_s)); then best_rate=$label best_per_s=$per_s best_cpu=$cpu; fi
  fi
done
echo "highest rate with >= 99.9% of INVITEs answered 403 and recorded: ${best_per_s}/s (offered ${best_rate}), switch CPU ${best_cpu}% of one core"
echo "illegal CDR rows in switch.db: $(cdr_rows) for $total_got 403s received"
json+="\"max_rejected_per_s_999\": $best_per_s, \"switch_cpu_percent_at_max\": $best_cpu, \"cdr_rows\": $(cdr_rows), \"unit\": \"INVITEs/s; cpu in percent of one core\"}"
echo "$json" | python3 -m json.tool >"$out/illegal_load.json"
echo "written: $out/illegal_load.json"
