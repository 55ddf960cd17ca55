#!/usr/bin/env bash
# The hostile soak: the attack lab (tests/e2e/lab.sh) under a mixed hostile load for DURATION
# seconds (default 300), while the office's phones register and call through the switch:
#   a1 203.0.113.20-29  slow TCP clients: 64 connections per address, one byte a second
#   a2 203.0.113.71     an IP-authorized trunk flooding INVITEs with distinct Call-IDs to a
#                       carrier that never answers (from 10 % to 90 % of the run)
#   the state directory of both daemons on a 64 MiB tmpfs, filled to the last byte from 40 %
#   to 60 % of the run, then freed
# Every 5 s it samples resident memory and descriptors of both daemons, the switch's TCP
# connections and call counters, and the office's calls (bench/soak/sampler.py). Writes
# OUT/timeseries.csv and OUT/figures.json; bench/report.py plots them (bench/soak/soak.gp).
# Root. Run by `make bench` only.
# Usage: bench/soak/hostile_soak.sh [BUILD_DIR] [--duration SECONDS] [--out DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=build
out=${BENCH_OUT:-$here/../out}/soak
duration=300
while (($#)); do
  case $1 in
    --duration) duration=$2; shift ;;
    --out) out=$2; shift ;;
    *) build=$1 ;;
  esac
  shift
done
((duration >= 30)) || { echo "hostile_soak: --duration must be at least 30 s" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
source "$here/../../tests/e2e/lab.sh"
lab_init "$build"

# Both daemons' state on a small tmpfs of the soak's own, unmounted after the lab is gone.
state_mount=$(mktemp -d /tmp/tollgate-soak-state-XXXXXX)
mount -t tmpfs -o size=64m,mode=0755 tollgate-soak "$state_mount" || { echo "hostile_soak: cannot mount a tmpfs" >&2; exit 1; }
soak_teardown() {
  local rc=$?
  (exit "$rc")
  lab_teardown
  umount "$state_mount" 2>/dev/null || umount -l "$state_mount"
  rmdir "$state_mount"
  exit "$rc"
}
trap soak_teardown EXIT
mkdir -p "$state_mount/agent" "$state_mount/switch"
ln -s "$state_mount/agent" "$LAB_WORK/state"
ln -s "$state_mount/switch" "$LAB_WORK/switch-state"

lab_topology
slow_sources=()
for n in $(seq 20 29); do
  ip -n "$(lab_ns a1)" addr add "203.0.113.$n/26" dev eth0
  slow_sources+=("203.0.113.$n")
done
trunk=203.0.113.71
ip -n "$(lab_ns a2)" addr add "$trunk/26" dev eth0
silent_port=5070
# A control socket the switch's user may create (it runs as tollgate).
mkdir -p "$LAB_WORK/ctl"
chown tollgate:tollgate "$LAB_WORK/ctl"
lab_config "REGISTER_RATE_LIMIT = 60" "REGISTER_RATE_BURST = 20"
# The trunk and its silent carrier; calls wait for it as long as the switch lets them.
python3 - "$LAB_WORK/tollgate.toml" <<PY
import sys
path = sys.argv[1]
text = open(path).read().replace('realm = "tollgate"\n', 'realm = "tollgate"\ngateway_no_response_timeout = 30000\n'
                                 'control_socket = "$LAB_WORK/ctl/switch.sock"\n', 1)
text += '''
[[mapping_gateway]]
name = "soak-trunk"
auth = "ip"
addresses = ["$trunk/32"]
billing_mode = 1

[[routing_gateway]]
name = "silent-carrier"
host = "$LAB_CARRIER"
port = $silent_port
transport = "udp"
prefixes = ["011"]
'''
open(path, "w").write(text)
PY
lab_start

phase_file=$LAB_WORK/phase
echo warm-up >"$phase_file"
deadline=$((SECONDS + duration))
lab_office_start "$duration" 4 "${CALL_RATE:-5}"
lab_bg "$LAB_WORK/silent-carrier.out" lab_in ca timeout $((duration + 60)) sipp -nostdin \
  -sf "$LAB_CALL_SCENARIOS/uas_silent.xml" -i "$LAB_CARRIER" -p "$silent_port"
switch_cpu0=$(cpu_seconds "$LAB_SWITCH_PID")
agent_cpu0=$(cpu_seconds "$LAB_AGENT_PID")
lab_bg "$LAB_WORK/sampler.out" python3 "$here/sampler.py" "$out/timeseries.csv" $((duration + 5)) 5 \
  "$(lab_ns sw)" "$LAB_SWITCH_PID" "$LAB_AGENT_PID" "$LAB_WORK/ctl/switch.sock" "$LAB_OFFICE_CALLS_STAT" "$phase_file"
sampler_pid=$LAB_LAST_PID
lab_bg "$LAB_WORK/slow-tcp.out" lab_in a1 timeout $((duration + 10)) python3 "$here/slow_tcp.py" \
  "$LAB_SWITCH_V4" 5060 "$duration" 64 "${slow_sources[@]}"
slow_pid=$LAB_LAST_PID

# at FRACTION: sleeps until that fraction of the run.
at() {
  local when=$((deadline - duration + duration * $1 / 100))
  while ((SECONDS < when)); do sleep 1; done
}
at 10
echo flood >"$phase_file"
flood_rate=${FLOOD_RATE:-200}
flood_seconds=$((duration * 80 / 100))
lab_bg "$LAB_WORK/flood.out" lab_in a2 timeout $((flood_seconds + 10)) sipp "$LAB_SWITCH_V4:5060" -nostdin \
  -sf "$lab_here/sipp/invite_flood.xml" -i "$trunk" -p 5090 -r "$flood_rate" -m $((flood_rate * flood_seconds)) \
  -timeout "${flood_seconds}s"
flood_pid=$LAB_LAST_PID
at 40
echo "flood+full disk" >"$phase_file"
dd if=/dev/zero of="$state_mount/filler" bs=1M status=none 2>/dev/null
df -k "$state_mount" | tail -n 1 >"$LAB_WORK/df-full.txt"
at 60
rm -f "$state_mount/filler"
echo flood >"$phase_file"
at 90
echo cool-down >"$phase_file"
wait "$flood_pid" 2>/dev/null
at 100
lab_office_wait
office_rc=$?
wait "$slow_pid" 2>/dev/null
kill "$sampler_pid" 2>/dev/null
wait "$sampler_pid" 2>/dev/null
switch_cpu=$(awk -v a="$switch_cpu0" -v b="$(cpu_seconds "$LAB_SWITCH_PID")" 'BEGIN { print b - a }')
agent_cpu=$(awk -v a="$agent_cpu0" -v b="$(cpu_seconds "$LAB_AGENT_PID")" 'BEGIN { print b - a }')
switch_alive=0
kill -0 "$LAB_SWITCH_PID" 2>/dev/null && switch_alive=1

python3 - "$out/timeseries.csv" "$out/figures.json" "$duration" "$switch_cpu" "$agent_cpu" "$switch_alive" \
  "$office_rc" "$LAB_WORK/slow-tcp.out" "$LAB_WORK/switch.log" <<'PY'
import csv, json, sys
series, figures_path, duration, switch_cpu, agent_cpu, alive, office_rc, slow_out, switch_log = sys.argv[1:10]
rows = list(csv.DictReader(open(series)))
def column(name, phase=None):
    return [float(r[name]) for r in rows if r[name] != "" and (phase is None or r["phase"] == phase)]
def last(name):
    values = column(name)
    return values[-1] if values else None
def peak(name):
    values = column(name)
    return max(values) if values else None
def success_in(phase):
    marks = [r for r in rows if r["phase"] == phase and r["legit_attempted"] != ""]
    if len(marks) < 2:
        return None
    done = int(marks[-1]["legit_completed"]) - int(marks[0]["legit_completed"])
    failed = int(marks[-1]["legit_failed"]) - int(marks[0]["legit_failed"])
    return round(done / (done + failed), 4) if done + failed else None
try:
    slow = json.loads(open(slow_out).read().strip().splitlines()[-1])
except (OSError, ValueError, IndexError):
    slow = {}
log = open(switch_log, errors="replace").read().splitlines()
completed, failed = last("legit_completed") or 0, last("legit_failed") or 0
rss = column("switch_rss_kb")
figures = {
    "duration_s": float(duration),
    "switch_alive_at_end": alive == "1",
    "switch_rss_kb_first": rss[0] if rss else None,
    "switch_rss_kb_max": peak("switch_rss_kb"),
    "switch_rss_kb_last": last("switch_rss_kb"),
    "agent_rss_kb_max": peak("agent_rss_kb"),
    "switch_fds_max": peak("switch_fds"),
    "agent_fds_max": peak("agent_fds"),
    "switch_tcp_connections_max": peak("switch_tcp_connections"),
    "calls_in_progress_max": peak("calls_in_progress"),
    "calls_refused_overloaded_source": last("calls_overloaded_source"),
    "cdr_rows_dropped": last("cdr_dropped"),
    "legit_calls_attempted": last("legit_attempted"),
    "legit_calls_completed": completed,
    "legit_calls_failed": failed,
    "legit_call_success_rate": round(completed / (completed + failed), 4) if completed + failed else None,
    "legit_call_success_rate_full_disk": success_in("flood+full disk"),
    "legit_call_success_rate_flood": success_in("flood"),
    "office_sipp_exit": int(office_rc),
    "slow_tcp_connections_opened": slow.get("opened"),
    "slow_tcp_closed_by_switch": slow.get("closed_by_switch"),
    "switch_log_lines": len(log),
    "cpu_switch_s": float(switch_cpu),
    "cpu_agent_s": float(agent_cpu),
}
json.dump(figures, open(figures_path, "w"), indent=2)
print(json.dumps(figures, indent=2))
PY
((switch_alive == 1))
