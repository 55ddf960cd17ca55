#!/usr/bin/env bash
# REGISTER with digest auth, side by side in one run: tollgate-switch (authentication
# suspend on, so its own failure counting is in the path), optionally a second switch
# binary (BASELINE_SWITCH, e.g. one built from an earlier commit), and Kamailio 5.6 as a
# registrar with digest auth (2 UDP workers), each driven by the same SIPp scenario
# (tests/switch/sipp/register_load.xml) at the same offered rate. Reports per target the
# REGISTER exchanges per second, the CPU microseconds per exchange from /proc (every
# process of the target) and the ratio to Kamailio. The machine is shared: compare the
# ratios, not the absolute figures.
# Figures also go to $BENCH_OUT/register_kamailio.json.
# Usage: bench/switch/register_kamailio_load.sh [BUILD_DIR] [ENDPOINTS] [RATE] [CALLS] [ROUNDS]
#   defaults: build 10000 20000 60000 2
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
endpoints=${2:-10000}
rate=${3:-20000}
calls=${4:-60000}
rounds=${5:-2}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../tests/support/netns.sh"
bench_out=${BENCH_OUT:-$here/../out}
mkdir -p "$bench_out"
work=$(mktemp -d /tmp/tollgate-register-kamailio-XXXXXX)
target_pid=
cleanup() {
  if [[ -n $target_pid ]]; then
    pkill -TERM -P "$target_pid" 2>/dev/null || true
    kill "$target_pid" 2>/dev/null || true
    wait "$target_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
command -v kamailio >/dev/null || { echo "register_kamailio_load: kamailio is not installed" >&2; exit 1; }

python3 - "$work" "$endpoints" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
with open(f"{work}/endpoints.toml", "w") as c:
    for i in range(n):
        name = 100000 + i
        c.write(f'[[endpoint]]\nname = "{name}"\npassword = "s3cret-{name}-Long"\n\n')
with open(f"{work}/users.csv", "w") as u:
    u.write("SEQUENTIAL\n")
    for i in range(n):
        name = 100000 + i
        u.write(f"{name};[authentication username={name} password=s3cret-{name}-Long];\n")
PY

# cpu_ticks PID: user+system ticks of PID and its children that are still running.
cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [[ -r /proc/$p/stat ]] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}

# run NAME PORT: the SIPp load against 127.0.0.1:PORT; appends "NAME ok wall cpu_ticks".
run() {
  local name=$1 port=$2 sipp_port before after start end
  sipp_port=$(free_udp_port 127.0.0.1)
  before=$(cpu_ticks "$target_pid")
  start=$(date +%s.%N)
  timeout 300 sipp "127.0.0.1:$port" -sf "$here/../../tests/switch/sipp/register_load.xml" -inf "$work/users.csv" \
    -t u1 -r "$rate" -m "$calls" -l 20000 -nostdin -i 127.0.0.1 -p "$sipp_port" -timeout 120s \
    -trace_stat -stf "$work/$name.csv" -fd 1 >"$work/$name.sipp" 2>&1 || true
  end=$(date +%s.%N)
  after=$(cpu_ticks "$target_pid")
  local ok
  ok=$(python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=";"))
print(rows[-1][rows[0].index("SuccessfulCall(C)")])' "$work/$name.csv")
  echo "$name $ok $start $end $((after - before))" >>"$work/results.txt"
  rm -f "$work/$name.csv"
}

wait_port() {  # wait_port PORT: until a UDP socket is bound to PORT
  local _
  for _ in $(seq 1 100); do
    ss -lun | grep -q ":$1 " && return 0
    sleep 0.1
  done
  return 1
}

switch_round() {  # switch_round NAME BINARY
  local name=$1 binary=$2 port
  port=$(free_udp_port 127.0.0.1)
  rm -rf "$work/state"
  {
    printf '[switch]\nlisten = ["udp:127.0.0.1:%s"]\n\n' "$port"
    printf '[parameters]\nSS_AUTHCHALLENGEMODE = 2\nSS_ENDPOINTREGISTERSUSPEND = 1\nSS_ENDPOINTREGISTERRETRY = 5\n\n'
    cat "$work/endpoints.toml"
  } >"$work/tollgate.toml"
  "$binary" --config "$work/tollgate.toml" --state-dir "$work/state" --socket "$work/agent.sock" \
    2>"$work/$name.log" &
  target_pid=$!
  for _ in $(seq 1 600); do
    grep -q "running" "$work/$name.log" 2>/dev/null && break
    sleep 0.1
  done
  run "$name" "$port"
  kill "$target_pid"
  wait "$target_pid" 2>/dev/null || true
  target_pid=
}

kamailio_round() {
  local port
  port=$(free_udp_port 127.0.0.1)
  cat >"$work/kamailio.cfg" <<CFG
#!KAMAILIO
debug=0
log_stderror=yes
fork=yes
children=2
listen=udp:127.0.0.1:$port
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "auth.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
modparam("auth", "secret", "tollgate-compare")
modparam("usrloc", "db_mode", 0)
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("REGISTER")) {
    if (!pv_proxy_authenticate("\$fd", "s3cret-\$fU-Long", "0")) { proxy_challenge("\$fd", "0"); exit; }
    if (!save("location")) sl_reply_error();
    exit;
  }
  sl_send_reply("405", "Method Not Allowed");
}
CFG
  kamailio -f "$work/kamailio.cfg" -DD -E -m 256 -M 16 -P "$work/kamailio.pid" 2>"$work/kamailio.log" &
  target_pid=$!
  wait_port "$port" || { echo "kamailio did not start:" >&2; tail "$work/kamailio.log" >&2; exit 1; }
  sleep 0.5
  run kamailio "$port"
  kill "$target_pid"
  wait "$target_pid" 2>/dev/null || true
  target_pid=
}

for ((round = 1; round <= rounds; round++)); do
  switch_round tollgate "$build/switch/tollgate-switch"
  [[ -n ${BASELINE_SWITCH:-} ]] && switch_round baseline "$BASELINE_SWITCH"
  kamailio_round
done

python3 - "$work/results.txt" "$(getconf CLK_TCK)" "$bench_out/register_kamailio.json" "$rate" "$calls" "$endpoints" <<'PY'
import json, sys
from collections import defaultdict
path, hz, out, rate, calls, endpoints = sys.argv[1], int(sys.argv[2]), sys.argv[3], *map(int, sys.argv[4:7])
runs = defaultdict(list)
for line in open(path):
    name, ok, start, end, ticks = line.split()
    ok, wall, cpu = int(ok), float(end) - float(start), int(ticks) / hz
    runs[name].append({"ok": ok, "per_s": ok / wall, "cpu_us": 1e6 * cpu / max(ok, 1)})
summary = {}
for name, rs in runs.items():
    summary[name] = {
        "register_exchanges_per_s": round(sum(r["per_s"] for r in rs) / len(rs)),
        "cpu_us_per_exchange": round(sum(r["cpu_us"] for r in rs) / len(rs), 1),
        "successful": [r["ok"] for r in rs],
    }
k = summary.get("kamailio")
print(f"offered {rate}/s, {calls} REGISTER exchanges (407 then 200) per run, {endpoints} endpoints, {len(rs)} rounds")
for name, s in summary.items():
    ratio = f"  ratio to kamailio: rate {s['register_exchanges_per_s'] / k['register_exchanges_per_s']:.2f}, " \
            f"cpu {s['cpu_us_per_exchange'] / k['cpu_us_per_exchange']:.2f}" if k and name != "kamailio" else ""
    print(f"{name:9} {s['register_exchanges_per_s']:7}/s  {s['cpu_us_per_exchange']:6.1f} us CPU/exchange  "
          f"ok {s['successful']}{ratio}")
json.dump({"offered_rate_per_s": rate, "calls": calls, "endpoints": endpoints, "targets": summary},
          open(out, "w"), indent=1)
PY
