#!/usr/bin/env bash
# A whitelisted admin address (192.0.2.130) fails a thousand registrations in a few
# seconds (SIPp, wrong password) while the office registers. It is never blocked: no block
# row in the audit log, no element in the kernel, no packet dropped, every attempt
# answered; the policy records that the evidence was there ("protected", whitelist).
# Its endpoint is still suspended: the whitelist protects addresses, not passwords.
# Usage: whitelist_test.sh BUILD_DIR
set -uo pipefail
source "$(dirname "$0")/lab.sh"
lab_up "$1" 10

printf 'SEQUENTIAL\n1099;[authentication username=1099 password=not-the-password];\n' >"$LAB_WORK/admin.csv"
check "a thousand failed registrations, every one answered with 403" \
  lab_sipp ad "$LAB_WORK/admin.log" "$LAB_SWITCH_V4:5060" -sf "$lab_here/sipp/register_wrong.xml" \
  -inf "$LAB_WORK/admin.csv" -i "$LAB_ADMIN" -p 5066 -r 250 -m 1000 -l 200 -timeout 60s -timeout_error
check "the admin address is not in the kernel's block sets" expect_exit 1 lab_blocked "$LAB_ADMIN"
check "no block of the admin address in the audit log" test "$(lab_audit_count block '^192\.0\.2\.130')" -eq 0
check "the evidence was there: protected by the whitelist" \
  test "$(lab_audit_count protected '^192\.0\.2\.130/32$' '' '"protection": "whitelist"')" -ge 1
check "no packet of the admin's was dropped in the kernel" test "$(lab_kernel_dropped "$LAB_ADMIN")" -eq 0
reached=$(lab_count reached "$LAB_ADMIN")
check "every packet reached the switch ($reached >= 1000)" test "$reached" -ge 1000
check "the admin's endpoint is suspended all the same" output_matches '"1099"' lab_ctl suspend list --json
lab_office_checks
summary
