#!/usr/bin/env bash
# The attack lab under a sustained mixed attack, measured: the topology of tests/e2e/lab.sh
# with the shipped hardened parameters, while the office's phones register and call:
#   a1 203.0.113.10  svcrack (password guessing, sipvicious)     a1 203.0.113.11  SIPp REGISTER flood
#   a2 203.0.113.70  svwar (extension scan, sipvicious)          a2 203.0.113.71  SIPp illegal-INVITE flood
#   a6 2001:db8:bad:1::/64  a new address for every wrong-password REGISTER (SIPp)
# Writes OUT/timeseries.csv (one row a second) and OUT/figures.json. Root.
# Usage: bench/lab/attack_run.sh [BUILD_DIR] [--quick] [--out DIR]
#   a full run lasts about 60 s of attack; --quick about 15 s (a smoke check).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=build
out=$here/../out/lab
duration=60
while (($#)); do
  case $1 in
    --quick) duration=15 ;;
    --out) out=$2; shift ;;
    --duration) duration=$2; shift ;;
    *) build=$1 ;;
  esac
  shift
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
source "$here/../../tests/e2e/lab.sh"
lab_init "$build"
lab_topology
ip -n "$(lab_ns a1)" addr add 203.0.113.11/26 dev eth0
ip -n "$(lab_ns a2)" addr add 203.0.113.71/26 dev eth0
lab_config "SS_ENDPOINTREGISTERSUSPENDTIME = 600" "BLACKLIST_DURATION = 3600" "REGISTER_RATE_LIMIT = 10" "REGISTER_RATE_BURST = 10"
lab_start

flood_rate=${FLOOD_RATE:-1000}
invite_rate=${INVITE_RATE:-500}
deadline=$((SECONDS + duration))
remaining() { echo $((deadline - SECONDS)); }

# The office: its phones register and call (to the carrier) for the whole run.
lab_office_start "$duration" 4 "${CALL_RATE:-5}"
office_stat=$LAB_OFFICE_CALLS_STAT

agent_cpu0=$(cpu_seconds "$LAB_AGENT_PID")
switch_cpu0=$(cpu_seconds "$LAB_SWITCH_PID")
lab_bg "$LAB_WORK/sampler.log" python3 "$here/sampler.py" "$(lab_ns sw)" $((duration + 3)) \
  "$out/timeseries.csv" "$LAB_WORK/samples.json" "$office_stat"
sampler_pid=$LAB_LAST_PID
started=$(date +%s.%N)

seq -f 'guess%05g' 1 5000 >"$LAB_WORK/words.txt"
# Each attacker keeps at it until the deadline: a blocked tool gives up after a few silent
# seconds and is started again, as a script kiddie's loop would.
crack_loop() {
  local n=0
  while ((SECONDS < deadline && n < 100)); do
    lab_in a1 timeout "$(remaining)" svcrack -u 1009 -d "$LAB_WORK/words.txt" -b "$LAB_ATTACKER1" -x "$LAB_ATTACKER1" -p 5060 \
      --maximumtime 3 "$LAB_SWITCH_V4" >>"$LAB_WORK/svcrack.log" 2>&1
    n=$((n + 1))
  done
}
scan_loop() {
  local n=0
  while ((SECONDS < deadline && n < 100)); do
    lab_in a2 timeout "$(remaining)" svwar -e 1000-1999 -m REGISTER -b "$LAB_ATTACKER2" -x "$LAB_ATTACKER2" -p 5060 --force \
      --maximumtime 3 "$LAB_SWITCH_V4" >>"$LAB_WORK/svwar.log" 2>&1
    n=$((n + 1))
  done
}
rotate_loop() {
  local n=0 address
  printf 'SEQUENTIAL\n1010;[authentication username=1010 password=wrong-guess];\n' >"$LAB_WORK/guess.csv"
  while ((SECONDS < deadline && n < duration * 20)); do
    n=$((n + 1))
    address=$(lab_add_v6 $((0x1000 + n)))
    lab_in a6 timeout 2 sipp "[$LAB_SWITCH_V6]:5060" -nostdin -sf "$lab_here/sipp/register_wrong.xml" \
      -inf "$LAB_WORK/guess.csv" -i "$address" -p 5080 -m 1 -recv_timeout 1000 -timeout 5s >>"$LAB_WORK/rotator.log" 2>&1
  done
}
lab_bg "$LAB_WORK/crack.out" crack_loop
lab_bg "$LAB_WORK/scan.out" scan_loop
lab_bg "$LAB_WORK/rotate.out" rotate_loop
lab_bg "$LAB_WORK/register-flood.log" lab_in a1 timeout $((duration + 5)) sipp "$LAB_SWITCH_V4:5060" -nostdin \
  -sf "$lab_here/sipp/register_flood.xml" -i 203.0.113.11 -p 5070 -r "$flood_rate" -m $((flood_rate * duration))
lab_bg "$LAB_WORK/invite-flood.log" lab_in a2 timeout $((duration + 5)) sipp "$LAB_SWITCH_V4:5060" -nostdin \
  -sf "$lab_here/sipp/invite_flood.xml" -i 203.0.113.71 -p 5072 -r "$invite_rate" -m $((invite_rate * duration))
attack_pids=("${LAB_PIDS[@]: -5}")

wait "${attack_pids[@]}" 2>/dev/null
lab_office_wait
office_rc=$?
ended=$(date +%s.%N)
agent_cpu=$(awk -v a="$(cpu_seconds "$LAB_AGENT_PID")" -v b="$agent_cpu0" 'BEGIN {printf "%.2f", a - b}')
switch_cpu=$(awk -v a="$(cpu_seconds "$LAB_SWITCH_PID")" -v b="$switch_cpu0" 'BEGIN {printf "%.2f", a - b}')
kill -TERM "$sampler_pid" 2>/dev/null
wait "$sampler_pid"

lab_ctl audit --json --limit 1000000 >"$LAB_WORK/audit.jsonl"
listed_at=$(date +%s.%N)
lab_nft list table inet tollgate >"$LAB_WORK/tollgate-table.txt" 2>/dev/null
python3 "$here/figures.py" --samples "$LAB_WORK/samples.json" --audit "$LAB_WORK/audit.jsonl" \
  --office-stat "$office_stat" --office-rc "$office_rc" --cpu-agent "$agent_cpu" --cpu-switch "$switch_cpu" \
  --started "$started" --ended "$ended" --table "$LAB_WORK/tollgate-table.txt" --listed-at "$listed_at" \
  --out "$out/figures.json"
echo "lab: $out/timeseries.csv ($(($(wc -l <"$out/timeseries.csv") - 1)) s), $out/figures.json"
cat "$out/figures.json"
