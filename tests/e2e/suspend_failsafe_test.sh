#!/usr/bin/env bash
# Authentication suspend holds whichever part is down, against real svcrack at full speed
# (compact mode; the inspector and the blacklist are off, so the switch's own defence is
# what is tested). In each case exactly SS_ENDPOINTREGISTERRETRY (5) wrong guesses get a
# digest verdict, every later one a 403 with no digest work, and nothing is cracked:
#   A. the switch alone, no agent at all (1009);
#   B. the switch run as root with the agent: root that reports is taken as a switch (1010);
#      A's suspension, made with no agent, reaches the agent with its original time;
#   C. the switch as user tollgate with the agent, which is killed in the middle of the
#      attack and started again (1099); `suspend clear` then reaches the switch at once;
#   D. `tollgatectl param set SS_ENDPOINTREGISTERRETRY 3` reaches the switch, which then
#      suspends at 3 on its own with the agent killed again.
# The right password is 8th in every word list, after the 5 wrong guesses.
# Usage: suspend_failsafe_test.sh BUILD_DIR
set -uo pipefail
source "$(dirname "$0")/lab.sh"
lab_init "$1"
lab_topology
lab_config "INSPECT_ENABLE = 0" "BLACKLIST_ENABLE = 0" "REGISTER_RATE_LIMIT = 0"
# A control socket the switch's user may create, whichever user runs it.
mkdir -p "$LAB_WORK/ctl"
chown tollgate:tollgate "$LAB_WORK/ctl"
sed -i "s|^realm = \"tollgate\"|&\ncontrol_socket = \"$LAB_WORK/ctl/switch.sock\"|" "$LAB_WORK/tollgate.toml"
lab_counters

# switch_status FIELD: a counter of the switch's `status` on its control socket.
switch_status() { control_status "$LAB_WORK/ctl/switch.sock" "$1"; }
# crack ENDPOINT WORDS LOG: svcrack at full speed from attacker a1. Refused at once, it sends
# unauthenticated REGISTERs on and on (a 403 is no challenge to answer): 4 s of that end it.
crack() {
  lab_in a1 timeout 4 svcrack -c -u "$1" -d "$2" -p 5060 --maximumtime 3 -x "$LAB_ATTACKER1" "$LAB_SWITCH_V4" \
    >>"$3" 2>&1
}
cracked() { grep -Eq "\| *$1 *\| *[^ |]" "$2"; }
# words FILE ENDPOINT COUNT: COUNT guesses, the right password 8th.
words() {
  local i
  for ((i = 1; i <= $3; i++)); do
    if ((i == 8)); then lab_password "$2"; else printf 'guess%04d\n' "$i"; fi
  done >"$1"
}
stop_switch() {
  kill -TERM "$LAB_SWITCH_PID"
  wait "$LAB_SWITCH_PID" 2>/dev/null
  LAB_SWITCH_PID=
}
start_switch_as_root() {
  ip netns exec "$(lab_ns sw)" "$LAB_BUILD/switch/tollgate-switch" --config "$LAB_WORK/tollgate.toml" \
    --state-dir "$LAB_WORK/switch-state" >>"$LAB_WORK/switch.log" 2>&1 &
  LAB_SWITCH_PID=$!
  wait_for "the switch running" 15 grep -q running "$LAB_WORK/switch.log"
}

echo "# A: the switch alone ($SECONDS s)"
lab_start_switch
wait_for "the switch's control socket" 10 switch_status bindings >/dev/null
words "$LAB_WORK/words-a.txt" 1009 60
crack 1009 "$LAB_WORK/words-a.txt" "$LAB_WORK/crack-a.log"
a_verified=$(switch_status register.verified_failures)
check "A: exactly 5 wrong guesses got a digest verdict ($a_verified)" test "$a_verified" -eq 5
check "A: the rest got 403 at once ($(switch_status register.refused_suspended))" \
  test "$(switch_status register.refused_suspended)" -ge 50
check "A: svcrack cracked nothing" expect_exit 1 cracked 1009 "$LAB_WORK/crack-a.log"
check "A: the switch suspended it itself" test "$(switch_status suspensions.suspended_by_switch)" -eq 1
check "A: the switch says the agent will hear of it" grep -q "1009 suspended .*agent away" "$LAB_WORK/switch.log"
a_time=$(date +%s)

echo "# B: the switch as root, with the agent ($SECONDS s)"
stop_switch
chown -R root:root "$LAB_WORK/switch-state"
lab_start_agent
start_switch_as_root
wait_for "the switch's control socket" 10 switch_status bindings >/dev/null
check "B: A's suspension survived the switch's restart" \
  wait_for "1009 in the agent's suspensions" 10 output_matches '"1009"' lab_ctl suspend list --json
check "B: and is audited once, by the switch, at its original time" python3 - <<PY
import json, subprocess
text = subprocess.run(["$LAB_BUILD/ctl/tollgatectl", "--socket", "$LAB_WORK/agent.sock", "audit", "--json"],
                      capture_output=True, text=True).stdout.strip()
rows = json.loads(text) if text.startswith("[") else [json.loads(l) for l in text.splitlines() if l.startswith("{")]
rows = [r for r in rows if r["action"] == "suspend" and r["subject"] == "1009"]
assert len(rows) == 1, rows
assert rows[0]["actor"] == "switch", rows
assert rows[0]["time"] <= $a_time, (rows[0]["time"], $a_time)
PY
words "$LAB_WORK/right-1009.txt" 1009 8
sed -i '1,7d' "$LAB_WORK/right-1009.txt"
crack 1009 "$LAB_WORK/right-1009.txt" "$LAB_WORK/crack-a2.log"
check "B: 1009's right password is still refused" expect_exit 1 cracked 1009 "$LAB_WORK/crack-a2.log"
before=$(switch_status register.verified_failures)
words "$LAB_WORK/words-b.txt" 1010 60
crack 1010 "$LAB_WORK/words-b.txt" "$LAB_WORK/crack-b.log"
b_verified=$(($(switch_status register.verified_failures) - before))
check "B: exactly 5 wrong guesses got a digest verdict ($b_verified)" test "$b_verified" -eq 5
check "B: svcrack cracked nothing" expect_exit 1 cracked 1010 "$LAB_WORK/crack-b.log"
check "B: the agent suspended 1010" wait_for "1010 suspended" 10 output_matches '"1010"' lab_ctl suspend list --json
check "B: the agent warned that root reports and takes it as a switch" grep -q "taken as a switch" "$LAB_WORK/agent.log"
check "B: and root's switch got the agent's decisions" test "$(switch_status agent.decisions)" -ge 1

echo "# C: the switch as tollgate, the agent killed in the middle of the attack ($SECONDS s)"
stop_switch
chown -R tollgate:tollgate "$LAB_WORK/switch-state"
lab_start_switch
wait_for "the switch's control socket" 10 switch_status bindings >/dev/null
wait_for "the switch on the agent socket" 10 test "$(switch_status agent.connected)" = true
before=$(switch_status register.verified_failures)
printf 'guess%04d\n' 1 2 3 >"$LAB_WORK/words-c1.txt"
crack 1099 "$LAB_WORK/words-c1.txt" "$LAB_WORK/crack-c.log"
check "C: 3 wrong guesses reached the agent" test "$(($(switch_status register.verified_failures) - before))" -eq 3
lab_kill_agent
words "$LAB_WORK/words-c2.txt" 1099 60
crack 1099 "$LAB_WORK/words-c2.txt" "$LAB_WORK/crack-c.log" &
cracker=$!
LAB_PIDS+=("$cracker")
wait_for "the switch suspending 1099 with the agent away" 10 grep -q "1099 suspended" "$LAB_WORK/switch.log"
lab_start_agent
wait "$cracker"
c_verified=$(($(switch_status register.verified_failures) - before))
check "C: exactly 5 wrong guesses got a digest verdict ($c_verified)" test "$c_verified" -eq 5
check "C: svcrack cracked nothing" expect_exit 1 cracked 1099 "$LAB_WORK/crack-c.log"
check "C: the restarted agent holds 1099's suspension" \
  wait_for "1099 in the agent's suspensions" 10 output_matches '"1099"' lab_ctl suspend list --json
check "C: audited once" test "$(lab_audit_count suspend '^1099$')" -eq 1
check "C: suspend clear reaches the switch at once" lab_ctl suspend clear 1099
printf '%s\n' "$(lab_password 1099)" >"$LAB_WORK/right-1099.txt"
crack 1099 "$LAB_WORK/right-1099.txt" "$LAB_WORK/crack-c3.log"
check "C: the right password registers after the clear" cracked 1099 "$LAB_WORK/crack-c3.log"

echo "# D: a parameter set at run time counts on the switch too, with the agent gone again ($SECONDS s)"
check "D: param set" lab_ctl param set SS_ENDPOINTREGISTERRETRY 3
wait_for "the switch hearing of it" 10 grep -q "parameters set at run time apply here" "$LAB_WORK/switch.log"
lab_kill_agent
before=$(switch_status register.verified_failures)
words "$LAB_WORK/words-d.txt" 1099 60
crack 1099 "$LAB_WORK/words-d.txt" "$LAB_WORK/crack-d.log"
d_verified=$(($(switch_status register.verified_failures) - before))
check "D: exactly 3 wrong guesses got a digest verdict ($d_verified)" test "$d_verified" -eq 3
check "D: svcrack cracked nothing" expect_exit 1 cracked 1099 "$LAB_WORK/crack-d.log"
echo "# done ($SECONDS s)"
summary
