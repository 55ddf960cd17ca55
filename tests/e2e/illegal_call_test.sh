#!/usr/bin/env bash
# An illegal-call burst: attacker a2 dials international numbers with no account (SIPp, ten
# INVITEs at 10/s) while the office registers and calls. Every INVITE that reaches the switch
# is answered 403 and leaves exactly one illegal CDR (billing mode 4, duration 0, disconnect
# 403, its source, caller, callee, User-Agent and Call-ID); after BLACKLIST_ILLEGAL_CALLS of
# them the source is blocked in the kernel and the rest of the burst is dropped unanswered,
# leaving no CDR.
# Usage: illegal_call_test.sh BUILD_DIR
set -uo pipefail
source "$(dirname "$0")/lab.sh"
lab_up "$1" 10 "BLACKLIST_ILLEGAL_CALLS = 3"

burst=10
printf 'SEQUENTIAL\n100;0972599%s;x;\n' "$RANDOM" >"$LAB_WORK/illegal.csv"
lab_sipp a2 "$LAB_WORK/illegal.log" "$LAB_SWITCH_V4:5060" -sf "$LAB_CALL_SCENARIOS/uac_expect_403.xml" \
  -inf "$LAB_WORK/illegal.csv" -i "$LAB_ATTACKER2" -p 5090 -m "$burst" -r 10 -recv_timeout 2000 -timeout 20s \
  -cid_str "lab-illegal-%u@%s" -trace_stat -stf "$LAB_WORK/illegal.csv.stat" -fd 1
answered=$(python3 -c '
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1]), delimiter=";") if r]
print(rows[-1][rows[0].index("SuccessfulCall(C)")])' "$LAB_WORK/illegal.csv.stat" 2>/dev/null || echo 0)
echo "illegal burst: $burst INVITEs sent, $answered answered with 403"
illegal="src_ip = '$LAB_ATTACKER2' and billing_mode = 4"
check "the source is blocked for illegal calls" wait_for "the block of a2" 10 lab_blocked "$LAB_ATTACKER2"
check "the block's reason is illegal calls" test "$(lab_audit_count block '^203\.0\.113\.70/32$' illegal_calls)" -eq 1
check "at least BLACKLIST_ILLEGAL_CALLS INVITEs were answered 403 ($answered)" test "$answered" -ge 3
check "the rest of the burst was never answered ($answered of $burst)" test "$answered" -lt "$burst"
check "one illegal CDR per answered INVITE" wait_for "the illegal CDRs" 10 eval "test \$(lab_cdr_count \"$illegal\") -eq $answered"
check "each with duration 0 and disconnect 403" \
  test "$(lab_cdr_count "$illegal and duration_s = 0 and disconnect_code = 403 and answer_time is null")" -eq "$answered"
check "each with the caller, callee, port, transport and User-Agent sent" \
  test "$(lab_cdr_count "$illegal and caller = '100' and callee like '0972599%' and src_port = 5090 and transport = 'udp' and user_agent != ''")" -eq "$answered"
check "each with its own Call-ID as sent" \
  test "$(lab_cdr_count "$illegal and call_id like 'lab-illegal-%@$LAB_ATTACKER2'")" -eq "$answered"
check "no CDR has a Call-ID twice" test "$(lab_cdr_count "$illegal and call_id in (select call_id from cdr group by call_id having count(*) > 1)")" -eq 0
check "the kernel dropped the rest ($(lab_kernel_dropped "$LAB_ATTACKER2"))" test "$(lab_kernel_dropped "$LAB_ATTACKER2")" -ge 1
check "no office call was recorded as illegal" test "$(lab_cdr_count "src_ip = '$LAB_OFFICE' and billing_mode = 4")" -eq 0
lab_office_checks
check "the office's calls have endpoint CDRs" test "$(lab_cdr_count "src_ip = '$LAB_OFFICE' and billing_mode = 0 and disconnect_code = 200")" -ge 1
summary
