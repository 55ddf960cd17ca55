#!/usr/bin/env bash
# Password cracking: svcrack guesses the password of extension 1009 from attacker a1 while
# the office registers. The endpoint is suspended after exactly SS_ENDPOINTREGISTERRETRY
# wrong passwords, the right password is refused while it lasts, the attacker's address is
# blocked in the kernel and its packets stop reaching the switch; nothing is cracked.
# The inspector is off here: it would drop svcrack at its first packet (scan_test.sh shows
# that), and this scenario tests the switch's and the policy's own defence behind it.
# Usage: crack_test.sh BUILD_DIR
set -uo pipefail
source "$(dirname "$0")/lab.sh"
lab_up "$1" 8 "INSPECT_ENABLE = 0" "BLACKLIST_REGISTER_FAILURES = 6"

seq -f 'guess%04g' 1 300 >"$LAB_WORK/words.txt"
# svcrack goes on guessing through the suspension (every refusal counts against its source)
# and, once blocked, waits long for answers that never come: each run is stopped after a few
# seconds and started again, as a cracker's script would, until the block.
runs=0
for runs in 1 2 3 4 5; do
  lab_in a1 timeout 6 svcrack -c -u 1009 -d "$LAB_WORK/words.txt" -t 0.05 -p 5060 --maximumtime 2 -x "$LAB_ATTACKER1" "$LAB_SWITCH_V4" \
    >>"$LAB_WORK/svcrack.log" 2>&1
  lab_blocked "$LAB_ATTACKER1" && break
done
check "1009 is suspended" output_matches '"1009"' lab_ctl suspend list --json
check "the cracker is blocked after $runs svcrack runs" wait_for "the block of $LAB_ATTACKER1" 5 lab_blocked "$LAB_ATTACKER1"
reached_at_block=$(lab_count reached "$LAB_ATTACKER1")
# One more run after the block: the kernel drops all of it.
lab_in a1 timeout 4 svcrack -c -u 1009 -d "$LAB_WORK/words.txt" -t 0.05 -p 5060 --maximumtime 1 -x "$LAB_ATTACKER1" "$LAB_SWITCH_V4" \
  >>"$LAB_WORK/svcrack.log" 2>&1

check "the suspension came after exactly RETRY (5) failures" test "$(lab_audit_count suspend '^1009$' register_failures '"failures": 5[,}]')" -eq 1
check "the block's reason is register failures" test "$(lab_audit_count block '^203\.0\.113\.10/32$' register_failures)" -eq 1
check "the kernel dropped the cracker's packets ($(lab_kernel_dropped "$LAB_ATTACKER1"))" test "$(lab_kernel_dropped "$LAB_ATTACKER1")" -gt 0
check "nothing more reached the switch after the block" test "$(lab_count reached "$LAB_ATTACKER1")" -eq "$reached_at_block"
check "the drop counter counts them" output_matches 'packets [1-9]' lab_nft list counter inet tollgate drop_blocked
check "svcrack cracked nothing" expect_exit 1 grep -Eq '\| *1009 *\| *guess' "$LAB_WORK/svcrack.log"
# While suspended, the real password is refused at once (from the office, trusted).
printf 'SEQUENTIAL\n1009;[authentication username=1009 password=%s];\n' "$(lab_password 1009)" >"$LAB_WORK/right.csv"
check "the right password is refused while 1009 is suspended" \
  lab_sipp of "$LAB_WORK/right.log" "$LAB_SWITCH_V4:5060" -sf "$lab_here/sipp/register_wrong.xml" \
  -inf "$LAB_WORK/right.csv" -i "$LAB_OFFICE" -p 5064 -m 1 -timeout 10s -timeout_error
lab_office_checks
summary
