#!/usr/bin/env bash
# Calls through the real tollgate-switch on loopback: SIPp callers (an IP gateway, an IP+port
# gateway and the same address from another port, a password gateway, a registered endpoint,
# an unknown source) -> switch -> SIPp carriers (answering, hanging up, challenging with 401
# and 407, refusing with 503, silent, ringing until cancelled). Each call's SIP outcome on
# both sides, then its CDR in switch.db field by field through `tollgatectl cdr --json`.
# Sources are distinct loopback addresses (127.0.0.2-6), the carriers are on 127.0.0.10.
# With "bye-retransmission" as second argument it runs only the call whose BYE the caller
# retransmits (its own ctest entry).
# Usage: calls_e2e_test.sh BUILD_DIR [matrix|bye-retransmission]
set -uo pipefail
build=$(cd "$1" && pwd)
mode=${2:-matrix}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/netns.sh"
scenarios=$here/sipp/calls
work=$(mktemp -d /tmp/tollgate-calls-XXXXXX)
switch_pid=
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  [[ -n $switch_pid ]] && kill "$switch_pid" 2>/dev/null && wait "$switch_pid" 2>/dev/null
  wait 2>/dev/null
  if [[ -n ${TOLLGATE_KEEP_WORK:-} ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
check_log=$work/checks.log

port=$(free_udp_port 127.0.0.1)
gw_port=$(free_udp_port 127.0.0.3)
declare -A carrier_port
for c in answer bye auth401 auth407 refuse silent cancel; do carrier_port[$c]=$(free_udp_port 127.0.0.10); done

# routing_gateway NAME PORT PREFIX [AUTH_USERNAME AUTH_PASSWORD]: a [[routing_gateway]] on 127.0.0.10.
routing_gateway() {
  printf '[[routing_gateway]]\nname = "%s"\nhost = "127.0.0.10"\nport = %s\nprefixes = ["%s"]\n' "$1" "$2" "$3"
  if (($# == 5)); then printf 'auth_username = "%s"\nauth_password = "%s"\n' "$4" "$5"; fi
  echo
}
{
  cat <<TOML
[switch]
listen = ["udp:127.0.0.1:$port"]
realm = "tollgate"

[agent]
socket = "$work/agent.sock"
state_dir = "$work/state"

[parameters]
SS_AUTHCHALLENGEMODE = 3

[[endpoint]]
name = "1001"
password = "Endp0int-1001-Secret"

[[mapping_gateway]]
name = "gw-ip"
auth = "ip"
addresses = ["127.0.0.2/32"]
billing_mode = 1

[[mapping_gateway]]
name = "gw-port"
auth = "ip+port"
addresses = ["127.0.0.3:$gw_port"]
billing_mode = 1

[[mapping_gateway]]
name = "gw-pass"
auth = "password"
username = "trunk-b"
password = "Trunk-b-Secret-77"
billing_mode = 1

TOML
  routing_gateway carrier-answer "${carrier_port[answer]}" 11
  routing_gateway carrier-bye "${carrier_port[bye]}" 12
  routing_gateway carrier-401 "${carrier_port[auth401]}" 13 acct-401 Carrier-401-pw
  routing_gateway carrier-407 "${carrier_port[auth407]}" 14 acct-407 Carrier-407-pw
  routing_gateway carrier-503 "${carrier_port[refuse]}" 15
  routing_gateway carrier-silent "${carrier_port[silent]}" 16
  routing_gateway carrier-cancel "${carrier_port[cancel]}" 17
} >"$work/tollgate.toml"

"$build/switch/tollgate-switch" --config "$work/tollgate.toml" --state-dir "$work/state" \
  --socket "$work/agent.sock" >"$work/switch.log" 2>&1 &
switch_pid=$!
wait_for "the switch running" 20 grep -q running "$work/switch.log" || { cat "$work/switch.log"; exit 1; }

# carrier NAME SCENARIO CALLS [SIPP ARGS...]: a SIPp UAS on 127.0.0.10 in the background.
declare -A carrier_pid
carrier() {
  local name=$1 scenario=$2 calls=$3
  shift 3
  timeout 90 sipp -sf "$scenarios/$scenario" -i 127.0.0.10 -p "${carrier_port[$name]}" -m "$calls" -nostdin \
    -timeout 45s -timeout_error -trace_err -error_file "$work/carrier-$name.err" -trace_logs \
    -log_file "$work/carrier-$name.log" "$@" >"$work/carrier-$name.out" 2>&1 &
  carrier_pid[$name]=$!
  pids+=("$!")
  wait_for "carrier $name listening" 10 output_matches ":${carrier_port[$name]} " ss -lun
}
# caller NAME SCENARIO SOURCE_IP SOURCE_PORT CALLER CALLEE CREDENTIALS [SIPP ARGS...]: one call
# with SIPp from SOURCE_IP:SOURCE_PORT to the switch; the Call-ID is "ct-NAME@SOURCE_IP".
caller() {
  local name=$1 scenario=$2 ip=$3 src_port=$4 from=$5 to=$6 credentials=$7
  shift 7
  printf 'SEQUENTIAL\n%s;%s;%s;\n' "$from" "$to" "$credentials" >"$work/$name.csv"
  timeout 60 sipp "127.0.0.1:$port" -sf "$scenarios/$scenario" -inf "$work/$name.csv" -i "$ip" -p "$src_port" -m 1 \
    -nostdin -timeout "${caller_timeout:-10}s" -timeout_error -cid_str "ct-$name@%s" -trace_err -error_file "$work/caller-$name.err" \
    "$@" >"$work/caller-$name.out" 2>&1
  local rc=$?
  ((rc == 0)) || { echo "--- caller $name (exit $rc)"; cat "$work/caller-$name.err"; } >>"$check_log" 2>&1
  return $rc
}
# register USER PASSWORD SOURCE_IP SOURCE_PORT: USER registers with its digest from SOURCE_IP:SOURCE_PORT.
register() {
  timeout 30 sipp "127.0.0.1:$port" -sf "$here/sipp/register_only.xml" -key caller "$1" -au "$1" -ap "$2" -i "$3" \
    -p "$4" -m 1 -nostdin -timeout 20s -timeout_error
}
# finished NAME: the carrier NAME ended with every call successful.
gone() { ! kill -0 "$1" 2>/dev/null; }
finished() {
  wait_for "carrier $1 to end" 10 gone "${carrier_pid[$1]}"
  wait "${carrier_pid[$1]}"
  local rc=$?
  ((rc == 0)) || { echo "--- carrier $1 (exit $rc)"; cat "$work/carrier-$1.err"; } >>"$check_log" 2>&1
  return $rc
}
# cseq_incremented LOG: the challenged carrier saw the second INVITE with a higher CSeq.
cseq_incremented() { awk '/^CSEQ / { n++; if (!($3 > $2)) bad = 1 } END { exit !(n == 1 && !bad) }' "$1"; }
# b_leg_call_ids LOG COUNT: COUNT INVITEs logged by the carrier, none with a caller's Call-ID.
b_leg_call_ids() { test "$(grep -c '^CALLID ' "$1")" -eq "$2" && ! grep -q '^CALLID ct-' "$1"; }
# cdr_of CALLEE: the CDR of the call to CALLEE as JSON ("" while there is none).
ctl() { "$build/ctl/tollgatectl" "$@"; }
cdrs() { ctl cdr --json --db "$work/state/switch.db" --limit 1000; }
has_cdr() { cdrs 2>/dev/null | python3 -c 'import json,sys; sys.exit(0 if any(r["callee"]==sys.argv[1] for r in json.load(sys.stdin)) else 1)' "$1"; }
# cdr_is CALLEE FIELD=VALUE...: the CDR of the call to CALLEE has these values (numbers
# compared as numbers; "FIELD~A..B" a number between A and B; "FIELD=null"; "FIELD=set").
cdr_is() {
  wait_for "the CDR of the call to $1" 10 has_cdr "$1" || return 1
  cdrs | python3 -c '
import json, sys
callee, expectations = sys.argv[1], sys.argv[2:]
rows = [r for r in json.load(sys.stdin) if r["callee"] == callee]
if len(rows) != 1:
    sys.exit(f"{len(rows)} CDRs for callee {callee}")
r, bad = rows[0], []
for e in expectations:
    if "~" in e:
        k, span = e.split("~", 1); lo, hi = map(float, span.split(".."))
        if not (isinstance(r.get(k), (int, float)) and lo <= r[k] <= hi): bad.append(f"{k}={r.get(k)!r}, expected {lo}..{hi}")
        continue
    k, v = e.split("=", 1)
    got = r.get(k, "<absent>")
    ok = (got is None) if v == "null" else (got is not None and got != "") if v == "set" else \
         (str(got) == v if not isinstance(got, (int, float)) else float(got) == float(v))
    if not ok: bad.append(f"{k}={got!r}, expected {v}")
if r.get("answer_time") is not None and not (r["start_time"] <= r["answer_time"] <= r["end_time"]): bad.append("times out of order")
if r.get("end_time") is not None and r["start_time"] > r["end_time"]: bad.append("end before start")
if bad:
    sys.exit(f"CDR for {callee}: " + "; ".join(bad) + "\n" + json.dumps(r, indent=1))
' "$@"
}

# finish: the failures' details, then the count; the script's exit status.
finish() {
  if ((failed > 0)); then
    echo "--- checks"
    cat "$check_log"
    echo "--- switch log (last 40 lines)"
    tail -40 "$work/switch.log"
  fi
  summary
}

if [[ $mode == bye-retransmission ]]; then
  carrier answer uas_answer.xml 1
  gw_common=(src_ip=127.0.0.2 transport=udp user_agent=tollgate-calltest-uac account=gw-ip billing_mode=1)
  # The caller retransmits its BYE every few ms until the 200 comes (the 200 waits for the
  # CDR's commit; on a real network it may be lost): every retransmission is answered 200
  # or absorbed, never 481 (RFC 3261 17.2.2).
  check "retransmitted BYE: no 481" caller byeretrans uac_bye_retransmitted.xml 127.0.0.2 "$(free_udp_port 127.0.0.2)" \
    5550014 1100000007 x
  check "retransmitted BYE: CDR" cdr_is 1100000007 "${gw_common[@]}" routing_gateway=carrier-answer disconnect_code=200 \
    "disconnect_reason=caller hung up" answer_time=set
  check "retransmitted BYE: the carrier's side" finished answer
  finish
  exit
fi

# The carrier that never answers, not even 100, is given up after [switch]
# gateway_no_response_timeout (default 5 s; Timer B would be 32 s): started first, checked last.
carrier silent uas_silent.xml 1
caller_timeout=45 caller timeout uac_expect_408.xml 127.0.0.2 "$(free_udp_port 127.0.0.2)" gw 1600000001 x &
timeout_pid=$!
pids+=("$timeout_pid")

ua=tollgate-calltest-uac
gw_common=(src_ip=127.0.0.2 transport=udp "user_agent=$ua" account=gw-ip billing_mode=1)

carrier answer uas_answer.xml 4
# 1. An IP gateway calls, holds 1.2 s and hangs up.
p=$(free_udp_port 127.0.0.2)
check "IP gateway: answered call, caller hangs up" caller ipgw uac_call.xml 127.0.0.2 "$p" 5550001 1100000001 x -d 1200
check "IP gateway: CDR" cdr_is 1100000001 call_id=ct-ipgw@127.0.0.2 caller=5550001 "${gw_common[@]}" src_port=$p \
  routing_gateway=carrier-answer disconnect_code=200 "disconnect_reason=caller hung up" duration_s~1..2 \
  answer_time=set end_time=set

# 2. The IP+port gateway from its port; then the same address from another port is illegal.
check "IP+port gateway: answered call" caller portgw uac_call.xml 127.0.0.3 "$gw_port" 5550002 1100000002 x
check "IP+port gateway: CDR" cdr_is 1100000002 call_id=ct-portgw@127.0.0.3 caller=5550002 src_ip=127.0.0.3 \
  src_port="$gw_port" transport=udp user_agent=$ua account=gw-port billing_mode=1 routing_gateway=carrier-answer \
  disconnect_code=200 duration_s~0..1 answer_time=set
p=$(free_udp_port 127.0.0.3)
check "IP+port gateway from the wrong port: 403" caller wrongport uac_expect_403.xml 127.0.0.3 "$p" 5550003 1100000003 x
check "wrong port: illegal CDR" cdr_is 1100000003 call_id=ct-wrongport@127.0.0.3 caller=5550003 src_ip=127.0.0.3 \
  src_port="$p" transport=udp user_agent=$ua account= billing_mode=4 duration_s=0 disconnect_code=403 \
  answer_time=null routing_gateway=

# 3. The password gateway registers (only registered sources are challenged), then answers
# the switch's 407 to its INVITE with its digest.
p=$(free_udp_port 127.0.0.4)
check "password gateway registers" register trunk-b Trunk-b-Secret-77 127.0.0.4 "$p"
check "password gateway: digest, answered call" caller passgw uac_call.xml 127.0.0.4 "$p" \
  5550004 1100000004 "[authentication username=trunk-b password=Trunk-b-Secret-77]"
check "password gateway: CDR" cdr_is 1100000004 call_id=ct-passgw@127.0.0.4 caller=5550004 src_ip=127.0.0.4 \
  src_port="$p" account=gw-pass billing_mode=1 routing_gateway=carrier-answer disconnect_code=200 answer_time=set

# 4. A registered endpoint: REGISTER (401 in mode 3), then INVITE with digest (407).
p=$(free_udp_port 127.0.0.5)
check "endpoint registers" register 1001 Endp0int-1001-Secret 127.0.0.5 "$p"
check "endpoint: digest, answered call" caller endpoint uac_call.xml 127.0.0.5 "$p" 1001 1100000006 \
  "[authentication username=1001 password=Endp0int-1001-Secret]"
check "endpoint: CDR" cdr_is 1100000006 call_id=ct-endpoint@127.0.0.5 caller=1001 src_ip=127.0.0.5 src_port="$p" \
  user_agent=$ua account=1001 billing_mode=0 routing_gateway=carrier-answer disconnect_code=200 answer_time=set
check "the answering carrier took its four calls" finished answer
check "the carrier saw the B leg's own Call-IDs and the callers' SDP offers" b_leg_call_ids "$work/carrier-answer.log" 4

# 5. The carrier hangs up after 1.2 s.
carrier bye uas_bye.xml 1 -d 1200
check "callee hangs up" caller calleebye uac_wait_bye.xml 127.0.0.2 "$(free_udp_port 127.0.0.2)" 5550007 1200000001 x
check "callee hangs up: the carrier's side" finished bye
check "callee hangs up: CDR" cdr_is 1200000001 "${gw_common[@]}" routing_gateway=carrier-bye disconnect_code=200 \
  "disconnect_reason=callee hung up" duration_s~1..2 answer_time=set

# 6. Carriers that challenge: the switch answers with the routing gateway's credentials.
carrier auth401 uas_auth_401.xml 1 -key user acct-401 -key password Carrier-401-pw
check "carrier 401: call answered" caller c401 uac_call.xml 127.0.0.2 "$(free_udp_port 127.0.0.2)" 5550008 1300000001 x
check "carrier 401: the carrier accepted the credentials" finished auth401
check "carrier 401: the authenticated INVITE has a higher CSeq" cseq_incremented "$work/carrier-auth401.log"
check "carrier 401: CDR" cdr_is 1300000001 "${gw_common[@]}" routing_gateway=carrier-401 disconnect_code=200 answer_time=set
carrier auth407 uas_auth_407.xml 1
check "carrier 407: call answered" caller c407 uac_call.xml 127.0.0.2 "$(free_udp_port 127.0.0.2)" 5550009 1400000001 x
check "carrier 407: the carrier's side" finished auth407
check "carrier 407: the Proxy-Authorization is right for acct-407" \
  python3 "$scenarios/check_digest.py" "$work/carrier-auth407.log" acct-407 Carrier-407-pw
check "carrier 407: the authenticated INVITE has a higher CSeq" cseq_incremented "$work/carrier-auth407.log"
check "carrier 407: CDR" cdr_is 1400000001 "${gw_common[@]}" routing_gateway=carrier-407 disconnect_code=200 answer_time=set

# 7. The carrier refuses with 503.
carrier refuse uas_reject_503.xml 1
check "carrier 503: relayed to the caller" caller c503 uac_expect_503.xml 127.0.0.2 "$(free_udp_port 127.0.0.2)" 5550010 1500000001 x
check "carrier 503: the carrier's side" finished refuse
check "carrier 503: CDR" cdr_is 1500000001 "${gw_common[@]}" routing_gateway=carrier-503 disconnect_code=503 \
  duration_s=0 answer_time=null end_time=set

# 8. The caller cancels while it rings: 487 on both legs.
carrier cancel uas_cancel.xml 1
check "cancel before answer: 487" caller cancel uac_cancel.xml 127.0.0.2 "$(free_udp_port 127.0.0.2)" 5550011 1700000001 x
check "cancel: the carrier got the CANCEL and answered 487" finished cancel
check "cancel: CDR" cdr_is 1700000001 "${gw_common[@]}" routing_gateway=carrier-cancel disconnect_code=487 \
  disconnect_reason=cancelled duration_s=0 answer_time=null

# 9. No route, and an unknown source.
check "no route: 404" caller noroute uac_expect_404.xml 127.0.0.2 "$(free_udp_port 127.0.0.2)" 5550012 9900000001 x
check "no route: CDR" cdr_is 9900000001 "${gw_common[@]}" routing_gateway= disconnect_code=404 answer_time=null
p=$(free_udp_port 127.0.0.6)
check "unknown source: 403" caller unknown uac_expect_403.xml 127.0.0.6 "$p" 5550013 1100000099 x
check "unknown source: illegal CDR" cdr_is 1100000099 call_id=ct-unknown@127.0.0.6 caller=5550013 src_ip=127.0.0.6 \
  src_port="$p" transport=udp user_agent=$ua account= billing_mode=4 duration_s=0 disconnect_code=403 answer_time=null

# 10. The silent carrier: 408 to the caller after gateway_no_response_timeout.
wait "$timeout_pid"
check "carrier timeout: 408 to the caller" test $? -eq 0
check "carrier timeout: CDR" cdr_is 1600000001 call_id=ct-timeout@127.0.0.2 caller=gw src_ip=127.0.0.2 account=gw-ip \
  billing_mode=1 routing_gateway=carrier-silent disconnect_code=408 duration_s=0 answer_time=null

# Every attempt wrote exactly one CDR; the illegal ones are found by the CLI's filter.
check "one CDR per call attempt (13)" test "$(cdrs | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 13
check "tollgatectl cdr --billing-mode illegal finds the two illegal calls" test "$(ctl cdr --json --db \
  "$work/state/switch.db" --billing-mode illegal | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 2
check "the switch is still running" kill -0 "$switch_pid"

finish
