#!/usr/bin/env bash
# The call scenarios of sipp/calls/ against each other on loopback, without the switch: each
# UAC scenario with the UAS scenario it meets through the switch, so that a failure of the
# switch's call tests is the switch's and not the scenarios'. Wrong credentials must fail.
# Usage: sipp_pairs_test.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/netns.sh"
scenarios=$here/sipp/calls
work=$(mktemp -d /tmp/tollgate-sipp-pairs-XXXXXX)
uas_pid=
cleanup() {
  [[ -n $uas_pid ]] && kill "$uas_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
check_log=$work/checks.log

printf 'SEQUENTIAL\n1001;0044123;[authentication username=acct password=pw];\n' >"$work/users.csv"

# pair NAME UAS_SCENARIO "UAS ARGS" UAC_SCENARIO "UAC ARGS": both exit 0 within 30 s.
pair() {
  local name=$1 uas=$2 uas_args=$3 uac=$4 uac_args=$5
  local uas_port uac_port
  uas_port=$(free_udp_port 127.0.0.10)
  uac_port=$(free_udp_port 127.0.0.2)
  # shellcheck disable=SC2086
  timeout 30 sipp -sf "$scenarios/$uas" -i 127.0.0.10 -p "$uas_port" -m 1 -nostdin -timeout 25s -timeout_error \
    -trace_err -error_file "$work/$name.uas.err" -trace_logs -log_file "$work/$name.uas.log" $uas_args >"$work/$name.uas.out" 2>&1 &
  uas_pid=$!
  wait_for "the UAS of $name listening" 5 output_matches ":$uas_port " ss -lun || { wait "$uas_pid"; uas_pid=; cat "$work/$name.uas.err" >>"$check_log"; return 1; }
  # shellcheck disable=SC2086
  timeout 30 sipp "127.0.0.10:$uas_port" -sf "$scenarios/$uac" -inf "$work/users.csv" -i 127.0.0.2 -p "$uac_port" \
    -m 1 -nostdin -timeout 25s -timeout_error -trace_err -error_file "$work/$name.uac.err" $uac_args \
    >"$work/$name.uac.out" 2>&1
  local uac_rc=$?
  wait "$uas_pid"
  local uas_rc=$?
  uas_pid=
  echo "$name: uac exit $uac_rc, uas exit $uas_rc" >>"$check_log"
  cat "$work/$name".*.err >>"$check_log" 2>/dev/null
  [[ $uac_rc == 0 && $uas_rc == 0 ]]
}

check "answered, caller hangs up" pair answer uas_answer.xml "" uac_call.xml ""
check "answered, the BYE retransmitted" pair byeretrans uas_answer.xml "" uac_bye_retransmitted.xml ""
check "answered, callee hangs up" pair bye uas_bye.xml "-d 200" uac_wait_bye.xml ""
check "carrier challenges with 401" pair auth401 uas_auth_401.xml "-key user acct -key password pw" uac_call.xml ""
check "carrier challenges with 407" pair auth407 uas_auth_407.xml "" uac_call.xml ""
check "the CSeq of the 407-challenged INVITE is logged, incremented" \
  awk '/^CSEQ / { n++; if (!($3 > $2)) bad = 1 } END { exit !(n == 1 && !bad) }' "$work/auth407.uas.log"
check "the 407 answer is right" python3 "$scenarios/check_digest.py" "$work/auth407.uas.log" acct pw
check "a wrong password is caught" expect_exit 1 python3 "$scenarios/check_digest.py" "$work/auth407.uas.log" acct other
check "a wrong user name is caught" expect_exit 1 python3 "$scenarios/check_digest.py" "$work/auth407.uas.log" other pw
check "wrong credentials fail the 401 carrier's check" \
  expect_exit 1 pair auth401bad uas_auth_401.xml "-key user acct -key password other" uac_call.xml ""
check "a wrong user name fails the 401 carrier's check" \
  expect_exit 1 pair auth401user uas_auth_401.xml "-key user other -key password pw" uac_call.xml ""
check "cancel before answer" pair cancel uas_cancel.xml "" uac_cancel.xml ""
for code in 403 404 408 503; do
  check "refused with $code" pair "reject$code" "uas_reject_$code.xml" "" "uac_expect_$code.xml" ""
done
check "a 503 is not the 408 expected" expect_exit 1 pair mismatch uas_reject_503.xml "" uac_expect_408.xml ""

if ((failed > 0)); then
  cat "$check_log"
fi
summary
