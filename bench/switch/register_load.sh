#!/usr/bin/env bash
# REGISTER with digest auth per second against the real tollgate-switch, with SIPp, and the
# switch's RSS once every endpoint is bound.
# The figures also go to $BENCH_OUT/register_load.json (default bench/out/) for the report.
# Usage: bench/switch/register_load.sh [BUILD_DIR] [ENDPOINTS] [RATE] [CALLS] [TRANSPORT]
#   defaults: build 100000 20000 100000 u1   (transport: u1 = UDP, t1 = TCP)
set -euo pipefail
build=${1:-build}
endpoints=${2:-100000}
rate=${3:-20000}
calls=${4:-100000}
transport=${5:-u1}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../tests/support/netns.sh"
bench_out=${BENCH_OUT:-$here/../out}
mkdir -p "$bench_out"
work=$(mktemp -d /tmp/tollgate-register-load-XXXXXX)
switch_pid=
cleanup() {
  [[ -n "$switch_pid" ]] && kill "$switch_pid" 2>/dev/null && wait "$switch_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sipp_port=$(free_udp_port 127.0.0.1)
python3 - "$work" "$endpoints" "$port" <<'PY'
import sys
work, n, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(f"{work}/tollgate.toml", "w") as c:
    c.write(f'[switch]\nlisten = ["udp:127.0.0.1:{port}", "tcp:127.0.0.1:{port}"]\n\n')
    c.write('[parameters]\nSS_AUTHCHALLENGEMODE = 2\n\n')
    for i in range(n):
        name = 100000 + i
        c.write(f'[[endpoint]]\nname = "{name}"\npassword = "s3cret-{name}-Long"\n\n')
with open(f"{work}/users.csv", "w") as u:
    u.write("SEQUENTIAL\n")
    for i in range(n):
        name = 100000 + i
        u.write(f"{name};[authentication username={name} password=s3cret-{name}-Long];\n")
PY

${SWITCH_WRAPPER:-} "$build/switch/tollgate-switch" --config "$work/tollgate.toml" --state-dir "$work/state" \
  --socket "$work/agent.sock" 2>"$work/switch.log" &
switch_pid=$!
for _ in $(seq 1 600); do
  grep -q "running" "$work/switch.log" 2>/dev/null && break
  sleep 0.1
done
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$switch_pid/status"; }
rss_before=$(rss_kb)
echo "switch RSS with $endpoints endpoints configured, no bindings: $rss_before kB"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$switch_pid/stat"; }
cpu_before=$(cpu_ticks)
start=$(date +%s.%N)
set +e
timeout 600 sipp "127.0.0.1:$port" -sf "$here/../../tests/switch/sipp/register_load.xml" -inf "$work/users.csv" \
  -t "$transport" -r "$rate" -m "$calls" -l 20000 -nostdin -i 127.0.0.1 -p "$sipp_port" -timeout 120s \
  -max_socket 100 -trace_stat -stf "$work/stat.csv" -fd 1 -trace_err -error_file "$work/errors.log" >"$work/sipp.out" 2>&1
code=$?
set -e
end=$(date +%s.%N)
cpu_after=$(cpu_ticks)
rss_after=$(rss_kb)
echo "switch RSS after the run: $rss_after kB"
sleep 1.5  # one write-behind flush of switch.db
bindings=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from registrations').fetchone()[0])" "$work/state/switch.db")
echo "bindings: $bindings"
python3 - "$work/stat.csv" "$start" "$end" "$code" "$endpoints" "$rate" "$rss_before" "$rss_after" "$bindings" \
  "$bench_out/register_load.json" "$cpu_before" "$cpu_after" "$(getconf CLK_TCK)" <<'PY'
import csv, json, sys
path, start, end, code = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
endpoints, rate, rss_before, rss_after, bindings, out = sys.argv[5:11]
cpu = (int(sys.argv[12]) - int(sys.argv[11])) / int(sys.argv[13])
rows = list(csv.reader(open(path), delimiter=';'))
head, last = rows[0], rows[-1]
get = lambda name: last[head.index(name)]
ok, failed = int(get("SuccessfulCall(C)")), int(get("FailedCall(C)"))
print(f"sipp exit {code}: {ok} successful, {failed} failed REGISTER exchanges in {end-start:.1f} s wall")
print(f"rate: {ok/(end-start):.0f} REGISTER exchanges/s (each two transactions: 407, then 200)")
print(f"switch CPU: {cpu:.1f} s in {end-start:.1f} s wall ({100*cpu/(end-start):.0f}% of one core)")
figures = {
    "endpoints": int(endpoints), "offered_rate_per_s": int(rate),
    "register_exchanges_per_s": round(ok / (end - start)), "successful": ok, "failed": failed,
    "wall_s": round(end - start, 2), "sipp_exit": code,
    "rss_before_mb": round(int(rss_before) * 1024 / 1e6, 1), "rss_after_mb": round(int(rss_after) * 1024 / 1e6, 1),
    "bindings": int(bindings), "switch_cpu_s": round(cpu, 2),
}
with open(out, "w") as f:
    json.dump(figures, f, indent=1)
# SIPp exits 1 when some exchanges failed: a figure of the run (failed), not a failure of it.
sys.exit(0 if code in (0, 1) else 1)
PY
