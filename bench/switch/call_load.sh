#!/usr/bin/env bash
# Calls per second through the real tollgate-switch: SIPp as an IP gateway (127.0.0.2) ->
# switch (127.0.0.1) -> SIPp as the carrier (127.0.0.10), each call INVITE/180/200/ACK/BYE/200
# on both legs with no hold time. Steps up the offered rate; a step passes when at least
# 99.9% of its calls succeed. Prints each step with the switch's CPU and writes the figures
# to bench/out/call_load.json.
# Usage: bench/switch/call_load.sh [BUILD_DIR] [SECONDS_PER_STEP] [RATES...]
#   defaults: build 5 500 1000 2000 3000 4000 5000 6000 7000 8000
set -uo pipefail
build=$(cd "${1:-build}" && pwd)
seconds=${2:-5}
shift 2 2>/dev/null || shift $#
rates=("$@")
((${#rates[@]})) || rates=(500 1000 2000 3000 4000 5000 6000 7000 8000)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../tests/support/netns.sh"
scenarios=$here/../../tests/switch/sipp/calls
out=${BENCH_OUT:-$here/../out}
mkdir -p "$out"
work=$(mktemp -d /tmp/tollgate-call-load-XXXXXX)
switch_pid=
carrier_pid=
cleanup() {
  [[ -n $carrier_pid ]] && kill "$carrier_pid" 2>/dev/null
  [[ -n $switch_pid ]] && kill "$switch_pid" 2>/dev/null
  wait 2>/dev/null
  if [[ -n ${TOLLGATE_KEEP_WORK:-} ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

port=$(free_udp_port 127.0.0.1)
carrier_port=$(free_udp_port 127.0.0.10)
caller_port=$(free_udp_port 127.0.0.2)
cat >"$work/tollgate.toml" <<TOML
[switch]
listen = ["udp:127.0.0.1:$port"]
[agent]
socket = "$work/agent.sock"
state_dir = "$work/state"
[[mapping_gateway]]
name = "gw-load"
auth = "ip"
addresses = ["127.0.0.2/32"]
[[routing_gateway]]
name = "carrier"
host = "127.0.0.10"
port = $carrier_port
prefixes = ["11"]
TOML
printf 'SEQUENTIAL\n5550001;1100000001;x;\n' >"$work/users.csv"

${SWITCH_WRAPPER:-} "$build/switch/tollgate-switch" --config "$work/tollgate.toml" --state-dir "$work/state" \
  --socket "$work/agent.sock" >"$work/switch.log" 2>&1 &
switch_pid=$!
for _ in $(seq 1 200); do grep -q running "$work/switch.log" 2>/dev/null && break; sleep 0.05; done
grep -q running "$work/switch.log" || { cat "$work/switch.log"; exit 1; }
# The carrier answers every call of every step; it runs until the end.
timeout 900 sipp -sf "$scenarios/uas_answer.xml" -i 127.0.0.10 -p "$carrier_port" -nostdin -l 100000 \
  -max_socket 100 -buff_size 4194304 >"$work/carrier.out" 2>&1 </dev/null &
carrier_pid=$!
for _ in $(seq 1 100); do ss -lun | grep -q ":$carrier_port " && break; sleep 0.05; done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# UDP datagrams dropped by full receive buffers: on the switch's socket, and on every socket
# of this host (the switch's, SIPp's and anything else running).
switch_drops() { ss -uamnH "sport = :$port" | grep -o ',d[0-9]*)' | tr -dc '0-9'; }
udp_rcvbuf_errors() { awk '/^Udp: [0-9]/ {print $6}' /proc/net/snmp; }
cdr_rows() { sqlite3 "file:$work/state/switch.db?mode=ro" 'select count(*) from cdr' 2>/dev/null || echo 0; }

best_rate=0 best_cps=0 best_cpu=0 total=0
json="{"
for rate in "${rates[@]}"; do
  calls=$((rate * seconds))
  rm -f "$work/stat.csv"
  before=$(cpu_ticks "$switch_pid")
  drops_before=$(udp_rcvbuf_errors)
  switch_drops_before=$(switch_drops)
  start=$(date +%s.%N)
  timeout $((seconds * 4 + 60)) sipp "127.0.0.1:$port" -sf "$scenarios/uac_call.xml" -inf "$work/users.csv" \
    -i 127.0.0.2 -p "$caller_port" -r "$rate" -m "$calls" -l $((rate * 10)) -nostdin -timeout $((seconds * 4 + 30))s -buff_size 4194304 \
    -trace_stat -stf "$work/stat.csv" -fd 1 -trace_err -error_file "$work/caller-$rate.err" >"$work/caller.out" 2>&1
  code=$?
  end=$(date +%s.%N)
  after=$(cpu_ticks "$switch_pid")
  drops=$(($(udp_rcvbuf_errors) - drops_before))
  sw_drops=$(($(switch_drops) - switch_drops_before))
  total=$((total + calls))
  read -r ok failed < <(python3 - "$work/stat.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
head, last = rows[0], rows[-1]
print(last[head.index("SuccessfulCall(C)")], last[head.index("FailedCall(C)")])
PY
  )
  line=$(python3 -c '
import sys
rate, calls, ok, failed, start, end, ticks, hz = sys.argv[1:9]
elapsed = float(end) - float(start)
ratio = int(ok) / int(calls)
cpu = int(ticks) / int(hz) / elapsed * 100
print(f"{ratio:.5f} {int(ok)/elapsed:.0f} {cpu:.0f} {elapsed:.2f}")' "$rate" "$calls" "$ok" "$failed" "$start" "$end" $((after - before)) "$hz")
  read -r ratio cps cpu elapsed <<<"$line"
  echo "offered ${rate} cps: $ok of $calls calls succeeded ($failed failed, sipp exit $code) in ${elapsed} s = ${cps} cps, switch CPU ${cpu}% of one core; datagrams dropped by full receive buffers: $sw_drops at the switch, $drops on the host"
  json+="\"rate_${rate}_success_ratio\": $ratio, \"rate_${rate}_cps\": $cps, \"rate_${rate}_switch_cpu_percent\": $cpu, \"rate_${rate}_switch_rcvbuf_drops\": $sw_drops, \"rate_${rate}_host_rcvbuf_drops\": $drops, "
  if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 0.999 else 1)' "$ratio"; then
    best_rate=$rate best_cps=$cps best_cpu=$cpu
  else
    break
  fi
done
for _ in $(seq 1 100); do [[ $(cdr_rows) -ge $total ]] && break; sleep 0.05; done
rows=$(cdr_rows)
echo "highest rate with >= 99.9% success: offered ${best_rate} cps, achieved ${best_cps} cps, switch CPU ${best_cpu}% of one core"
echo "CDR rows: $rows for $total calls offered"
json+="\"max_offered_cps_999\": $best_rate, \"max_cps_999\": $best_cps, \"switch_cpu_percent_at_max\": $best_cpu, "
json+="\"cdr_rows\": $rows, \"calls_offered\": $total, \"unit\": \"calls/s; cpu in percent of one core\"}"
echo "$json" | python3 -m json.tool >"$out/call_load.json"
echo "written: $out/call_load.json"
