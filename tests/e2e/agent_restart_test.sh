#!/usr/bin/env bash
# The agent is killed (SIGKILL) in the middle of an attack and started again; nothing is
# lost. Before the kill: a1 guesses 1009's password, 1009 is suspended and a1 blocked.
# While the agent is away: the kernel table stays and keeps dropping a1; the switch keeps
# refusing 1009 (the suspension it knows) and buffers the reports of a2's guesses at
# 1010. After the restart: the block and the suspension are restored from agent.db without
# a second block row, and the buffered reports are replayed: 1010 is suspended and a2
# blocked, each decision with its audit row. The office registers throughout.
# Usage: agent_restart_test.sh BUILD_DIR
set -uo pipefail
source "$(dirname "$0")/lab.sh"
lab_up "$1" 15 "SS_ENDPOINTREGISTERSUSPENDTIME = 600"

# guess ROLE ADDRESS ENDPOINT COUNT PORT [TIMEOUT]: COUNT wrong-password registrations.
guess() {
  printf 'SEQUENTIAL\n%s;[authentication username=%s password=wrong-guess];\n' "$3" "$3" >"$LAB_WORK/guess-$1.csv"
  lab_sipp "$1" "$LAB_WORK/guess-$1.log" "$LAB_SWITCH_V4:5060" -sf "$lab_here/sipp/register_wrong.xml" \
    -inf "$LAB_WORK/guess-$1.csv" -i "$2" -p "$5" -r 20 -m "$4" -l 1 -recv_timeout "${6:-10}000" -timeout 30s
}

# 5 wrong passwords suspend 1009, 5 more refusals (suspended) make 10 failures: the block.
guess a1 "$LAB_ATTACKER1" 1009 10 5070
check "before the kill: a1 is blocked" wait_for "the block of a1" 10 lab_blocked "$LAB_ATTACKER1"
check "before the kill: 1009 is suspended" output_matches '"1009"' lab_ctl suspend list --json

lab_kill_agent
check "the agent is gone" expect_exit 1 lab_ctl status
check "the table stays while the agent is away" lab_blocked "$LAB_ATTACKER1"
dropped_before=$(lab_kernel_dropped "$LAB_ATTACKER1")
guess a1 "$LAB_ATTACKER1" 1009 2 5072 2
check "the kernel still drops a1 with no agent" test "$(lab_kernel_dropped "$LAB_ATTACKER1")" -gt "$dropped_before"
printf 'SEQUENTIAL\n1009;[authentication username=1009 password=%s];\n' "$(lab_password 1009)" >"$LAB_WORK/right.csv"
check "the switch keeps refusing 1009 while the agent is away" \
  lab_sipp of "$LAB_WORK/right.log" "$LAB_SWITCH_V4:5060" -sf "$lab_here/sipp/register_wrong.xml" \
  -inf "$LAB_WORK/right.csv" -i "$LAB_OFFICE" -p 5064 -m 1 -timeout 10s -timeout_error
guess a2 "$LAB_ATTACKER2" 1010 12 5074
check "no block is made while the agent is away" expect_exit 1 lab_blocked "$LAB_ATTACKER2"

lab_start_agent
check "after the restart: a1's block is restored" output_matches '203\.0\.113\.10' lab_ctl blacklist list --json
check "after the restart: 1009's suspension is restored" output_matches '"1009"' lab_ctl suspend list --json
check "the buffered reports are replayed: a2 is blocked" wait_for "the block of a2" 15 lab_blocked "$LAB_ATTACKER2"
check "and 1010 is suspended" wait_for "the suspension of 1010" 10 output_matches '"1010"' lab_ctl suspend list --json
check "one block row for a1 (no re-block at restart)" test "$(lab_audit_count block '^203\.0\.113\.10/32$')" -eq 1
check "one block row for a2" test "$(lab_audit_count block '^203\.0\.113\.70/32$' register_failures)" -eq 1
check "one suspend row each" test "$(lab_audit_count suspend '^10(09|10)$')" -eq 2
check "no release at restart" test "$(lab_audit_count release)" -eq 0
lab_office_checks
summary
