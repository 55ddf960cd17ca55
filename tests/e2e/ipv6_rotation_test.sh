#!/usr/bin/env bash
# An IPv6 attacker guesses passwords from a new address of its /64 for every attempt. The
# evidence adds up per prefix (BLACKLIST_IPV6_PREFIX = 64): the /64 is blocked, not one
# address, and an address of that /64 never used before is dropped at its first packet.
# Usage: ipv6_rotation_test.sh BUILD_DIR
set -uo pipefail
source "$(dirname "$0")/lab.sh"
lab_up "$1" 10 "BLACKLIST_IPV6_PREFIX = 64"

printf 'SEQUENTIAL\n1010;[authentication username=1010 password=wrong-guess];\n' >"$LAB_WORK/guess.csv"
used=0
deadline=$((SECONDS + 40))
for i in $(seq 1 30); do
  ((SECONDS < deadline)) || break
  address=$(lab_add_v6 $((0x1000 + i)))
  lab_in a6 timeout 10 sipp "[$LAB_SWITCH_V6]:5060" -nostdin -sf "$lab_here/sipp/register_wrong.xml" \
    -inf "$LAB_WORK/guess.csv" -i "$address" -p 5080 -m 1 -recv_timeout 1500 -timeout 10s >>"$LAB_WORK/rotator.log" 2>&1
  used=$((used + 1))
  lab_blocked "$LAB_ATTACKER6_PREFIX::/64" && break
done
echo "addresses used before the block: $used"
check "the /64 is blocked" wait_for "the block of the /64" 10 lab_blocked "$LAB_ATTACKER6_PREFIX::/64"
check "after several addresses ($used)" test "$used" -ge 3
check "the audit row names the prefix" test "$(lab_audit_count block '^2001:db8:bad:1::/64$' register_failures)" -eq 1
check "no single address was blocked" test "$(lab_audit_count block '^2001:db8:bad:1::.*/128$')" -eq 0
fresh=$(lab_add_v6 0xbeef)
lab_in a6 timeout 10 sipp "[$LAB_SWITCH_V6]:5060" -nostdin -sf "$lab_here/sipp/register_wrong.xml" \
  -inf "$LAB_WORK/guess.csv" -i "$fresh" -p 5080 -m 1 -recv_timeout 1500 -timeout 10s >>"$LAB_WORK/rotator.log" 2>&1
check "a never used address of the /64 arrives" test "$(lab_count offered "$fresh")" -ge 1
check "and is dropped in the kernel" test "$(lab_count passed "$fresh")" -eq 0
lab_office_checks
summary
