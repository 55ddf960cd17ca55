# The attack lab, part traffic (sourced by lab.sh, never on its own). Traffic: background jobs killed at teardown, SIPp, and the office that registers and calls.

# lab_bg LOG COMMAND...: a background job killed at teardown (with its children); its pid
# in LAB_LAST_PID. `lab_bg LOG lab_in ROLE ...` execs in the namespace, so the pid is the
# command's own.
lab_bg() {
  local log=$1
  shift
  if [[ $1 == lab_in ]]; then
    local role=$2
    shift 2
    set -- ip netns exec "$(lab_ns "$role")" "$@"
  fi
  "$@" >"$log" 2>&1 &
  LAB_LAST_PID=$!
  LAB_PIDS+=("$LAB_LAST_PID")
}

# lab_sipp ROLE LOG SIPP_ARGS...: SIPp in ROLE's namespace, against the switch, bounded.
lab_sipp() {
  local role=$1 log=$2
  shift 2
  lab_in "$role" timeout 300 sipp -nostdin "$@" >"$log" 2>&1
}

# lab_office_start SECONDS [REGISTER_RATE] [CALL_RATE]: the office, all from one address:
# its phones register (digest) REGISTER_RATE times a second, in turn, and call out through
# the switch to the carrier (digest, prefix 00, half-second calls) CALL_RATE times a
# second, for SECONDS. The carrier answers every call. lab_office_wait gives the verdict:
# 0 when every registration and every call succeeded. Call statistics (SIPp's -stf) in
# LAB_OFFICE_CALLS_STAT.
lab_office_start() {
  local seconds=$1 rate=${2:-4} call_rate=${3:-2}
  LAB_OFFICE_LOG=$LAB_WORK/office-$RANDOM
  LAB_OFFICE_CALLS_STAT=$LAB_OFFICE_LOG-calls.csv
  LAB_OFFICE_PIDS=()
  lab_bg "$LAB_OFFICE_LOG.out" lab_in of timeout $((seconds + 60)) sipp "$LAB_SWITCH_V4:5060" -nostdin \
    -sf "$lab_here/sipp/office_register.xml" -inf "$LAB_WORK/phones.csv" -i "$LAB_OFFICE" -p 5062 \
    -r "$rate" -m $((seconds * rate)) -timeout $((seconds + 30))s -timeout_error \
    -trace_stat -fd 1 -stf "$LAB_OFFICE_LOG.csv" -trace_err -error_file "$LAB_OFFICE_LOG.err"
  LAB_OFFICE_PIDS+=("$LAB_LAST_PID")
  ((call_rate > 0)) || return 0
  # The carrier: answers every INVITE the switch routes to it, until the lab ends.
  if [[ -z $LAB_CARRIER_PID ]]; then
    lab_bg "$LAB_WORK/carrier.out" lab_in ca timeout 600 sipp -nostdin -sf "$LAB_CALL_SCENARIOS/uas_answer.xml" \
      -i "$LAB_CARRIER" -p 5060 -trace_err -error_file "$LAB_WORK/carrier.err"
    LAB_CARRIER_PID=$LAB_LAST_PID
    wait_for "the carrier listening" 10 output_matches "$LAB_CARRIER:5060 " lab_in ca ss -lun
  fi
  # The phones must be registered before they call (their first REGISTERs go first).
  wait_for "the office's phones registered" 15 lab_office_registered
  lab_bg "$LAB_OFFICE_LOG-calls.out" lab_in of timeout $((seconds + 60)) sipp "$LAB_SWITCH_V4:5060" -nostdin \
    -sf "$LAB_CALL_SCENARIOS/uac_call.xml" -inf "$LAB_WORK/calls.csv" -i "$LAB_OFFICE" -p 5063 -d 500 \
    -r "$call_rate" -m $((seconds * call_rate)) -timeout $((seconds + 30))s -timeout_error \
    -trace_stat -fd 1 -stf "$LAB_OFFICE_CALLS_STAT" -trace_err -error_file "$LAB_OFFICE_LOG-calls.err"
  LAB_OFFICE_PIDS+=("$LAB_LAST_PID")
}

lab_office_wait() {
  local pid rc=0 one
  for pid in "${LAB_OFFICE_PIDS[@]}"; do
    wait "$pid"
    one=$?
    ((one == 0)) || rc=$one
  done
  if ((rc != 0)); then
    echo "office SIPp exit $rc" >&2
    tail -n 20 "$LAB_OFFICE_LOG"*.err >&2 2>/dev/null
  fi
  return $rc
}
