#!/usr/bin/env bash
# A REGISTER flood from attacker a1 (SIPp, 500/s for 4 s, no credentials, an ordinary
# User-Agent) while the office registers: the kernel's per-source meter lets through only
# REGISTER_RATE_BURST plus REGISTER_RATE_LIMIT per minute; the rest is dropped before the
# inspector and the switch. The office, trusted by its live registrations, is not limited.
# Usage: register_flood_test.sh BUILD_DIR
set -uo pipefail
source "$(dirname "$0")/lab.sh"
lab_up "$1" 10 "REGISTER_RATE_LIMIT = 10" "REGISTER_RATE_BURST = 10"
wait_for "the office's first registrations" 10 lab_office_registered

rate=500
seconds=4
offered=$((rate * seconds))
lab_sipp a1 "$LAB_WORK/flood.log" "$LAB_SWITCH_V4:5060" -sf "$lab_here/sipp/register_flood.xml" \
  -i "$LAB_ATTACKER1" -p 5070 -r "$rate" -m "$offered" -timeout 30s
arrived=$(lab_count offered "$LAB_ATTACKER1")
passed=$(lab_count passed "$LAB_ATTACKER1")
reached=$(lab_count reached "$LAB_ATTACKER1")
dropped=$(lab_kernel_dropped "$LAB_ATTACKER1")
echo "flood: sent $offered, arrived $arrived, passed the kernel $passed, reached the switch $reached, dropped $dropped"
check "the flood arrived at the switch host ($arrived of $offered)" test "$arrived" -ge $((offered * 95 / 100))
# burst 10, plus 10/min over the flood's few seconds, plus one for the meter's rounding.
check "the kernel let through at most burst + rate ($passed)" test "$passed" -le 12
check "the kernel let some through ($passed)" test "$passed" -ge 1
check "the switch saw no more than passed ($reached)" test "$reached" -le "$passed"
check "the rate counter counts the drops" output_matches "packets ($dropped|[0-9]{4,})" lab_nft list counter inet tollgate drop_register_rate
check "a flood of challenges blocks no one (no failure was verified)" expect_exit 1 lab_blocked "$LAB_ATTACKER1"
lab_office_checks
check "the office was not rate limited" test "$(lab_kernel_dropped "$LAB_OFFICE")" -eq 0
summary
