#!/usr/bin/env bash
# Extension scanning: svwar from attacker a2 against the switch while the office registers.
# With the inspector on, its first packet is dropped before the switch and its source is
# blocked in the kernel at once: the switch never sees the scan. With the inspector off
# (attacker a1), the switch itself recognises the scanner and the agent blocks it. Either
# way svwar finds no extension.
# Usage: scan_test.sh BUILD_DIR
set -uo pipefail
source "$(dirname "$0")/lab.sh"
lab_up "$1" 10

lab_in a2 timeout 30 svwar -e 1000-1100 -m REGISTER -p 5060 --maximumtime 3 "$LAB_SWITCH_V4" >"$LAB_WORK/svwar-a2.log" 2>&1
check "inspector on: the scanner is blocked" wait_for "the block of $LAB_ATTACKER2" 10 lab_blocked "$LAB_ATTACKER2"
check "inspector on: the block names the scanner" test "$(lab_audit_count block '^203\.0\.113\.70/32$' scanner)" -eq 1
check "inspector on: no scan packet reached the switch" test "$(lab_count reached "$LAB_ATTACKER2")" -eq 0
check "inspector on: its probe did arrive ($(lab_count offered "$LAB_ATTACKER2"))" test "$(lab_count offered "$LAB_ATTACKER2")" -ge 1
lab_in a2 timeout 10 svwar -e 1000-1010 -m REGISTER -p 5060 --force --maximumtime 1 "$LAB_SWITCH_V4" >>"$LAB_WORK/svwar-a2.log" 2>&1
check "inspector on: a second scan is dropped in the kernel ($(lab_kernel_dropped "$LAB_ATTACKER2"))" test "$(lab_kernel_dropped "$LAB_ATTACKER2")" -ge 1
check "inspector on: still no scan packet reached the switch" test "$(lab_count reached "$LAB_ATTACKER2")" -eq 0
check "inspector on: svwar found nothing" expect_exit 1 grep -Eq '\| *10[0-9][0-9] *\| *reqauth' "$LAB_WORK/svwar-a2.log"

check "the inspector can be turned off at run time" lab_ctl param set INSPECT_ENABLE 0
lab_in a1 timeout 30 svwar -e 1000-1100 -m REGISTER -p 5060 --maximumtime 3 "$LAB_SWITCH_V4" >"$LAB_WORK/svwar-a1.log" 2>&1
check "inspector off: the scanner is blocked" wait_for "the block of $LAB_ATTACKER1" 10 lab_blocked "$LAB_ATTACKER1"
check "inspector off: the switch saw it first ($(lab_count reached "$LAB_ATTACKER1"))" test "$(lab_count reached "$LAB_ATTACKER1")" -ge 1
check "inspector off: svwar found nothing" expect_exit 1 grep -Eq '\| *10[0-9][0-9] *\| *reqauth' "$LAB_WORK/svwar-a1.log"
before=$(lab_count offered "$LAB_ATTACKER1")
lab_in a1 timeout 10 svwar -e 1000-1005 -m REGISTER -p 5060 --maximumtime 1 "$LAB_SWITCH_V4" >/dev/null 2>&1
check "a second scan is dropped in the kernel" test "$(lab_kernel_dropped "$LAB_ATTACKER1")" -ge 1
check "and offered packets did arrive ($before -> $(lab_count offered "$LAB_ATTACKER1"))" test "$(lab_count offered "$LAB_ATTACKER1")" -gt "$before"

lab_office_checks
check "the office was never blocked" expect_exit 1 lab_blocked "$LAB_OFFICE"
summary
