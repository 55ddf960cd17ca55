# The attack lab, part daemons (sourced by lab.sh, never on its own). The switch host's daemons: the shared tollgate.toml, the agent and the switch, their CLIs.

# lab_config [TOML LINES]: tollgate.toml for both daemons. Parameters are tuned so that a
# scenario decides in seconds; extra lines given as arguments are appended to
# [parameters] and win over these (later keys are refused by the loader, so the defaults
# below are filtered).
lab_config() {
  local -A params=(
    [SS_ENDPOINTREGISTERSUSPEND]=1 [SS_ENDPOINTREGISTERRETRY]=5 [SS_ENDPOINTREGISTERSUSPENDTIME]=60
    [SS_AUTHCHALLENGEMODE]=2 [BLACKLIST_ENABLE]=1 [BLACKLIST_WINDOW]=60
    [BLACKLIST_REGISTER_FAILURES]=10 [BLACKLIST_DISTINCT_ENDPOINTS]=5 [BLACKLIST_ILLEGAL_CALLS]=3
    [BLACKLIST_SCANNER_UA]=1 [BLACKLIST_DURATION]=600 [REGISTER_RATE_LIMIT]=60 [REGISTER_RATE_BURST]=20
    [INSPECT_ENABLE]=1 [SERVER_BILLING_RECORD_ILLEGAL_CALL]=1
  )
  local line
  for line in "$@"; do params[${line%% =*}]=${line#*= }; done
  {
    cat <<TOML
[switch]
listen = ["udp:0.0.0.0:5060", "tcp:0.0.0.0:5060", "udp:[::]:5060", "tcp:[::]:5060"]
realm = "tollgate"

[agent]
socket = "$LAB_WORK/agent.sock"
state_dir = "$LAB_WORK/state"
table = "tollgate"

[whitelist]
cidrs = ["$LAB_ADMIN/32"]

[parameters]
TOML
    local name
    for name in "${!params[@]}"; do echo "$name = ${params[$name]}"; done
    local phone
    for phone in "${LAB_OFFICE_PHONES[@]}" 1009 1010 1099; do
      printf '\n[[endpoint]]\nname = "%s"\npassword = "%s"\n' "$phone" "$(lab_password "$phone")"
    done
    cat <<TOML

[[routing_gateway]]
name = "carrier"
host = "$LAB_CARRIER"
port = 5060
transport = "udp"
prefixes = ["00"]
TOML
  } >"$LAB_WORK/tollgate.toml"
  # The office's phones for SIPp: one line each, in turn.
  {
    echo SEQUENTIAL
    for phone in "${LAB_OFFICE_PHONES[@]}"; do
      echo "$phone;[authentication username=$phone password=$(lab_password "$phone")];"
    done
  } >"$LAB_WORK/phones.csv"
  # Their calls: to UK numbers through the carrier, each phone in turn.
  {
    echo SEQUENTIAL
    for phone in "${LAB_OFFICE_PHONES[@]}"; do
      echo "$phone;004420794600${phone: -2};[authentication username=$phone password=$(lab_password "$phone")];"
    done
  } >"$LAB_WORK/calls.csv"
}

lab_password() { echo "Lab-$1-pass-X7q"; }

lab_start_agent() {
  ip netns exec "$(lab_ns sw)" "$LAB_BUILD/agent/tollgate-agent" --config "$LAB_WORK/tollgate.toml" >>"$LAB_WORK/agent.log" 2>&1 &
  LAB_AGENT_PID=$!
  wait_for "the agent's socket" 15 lab_ctl status
}

# lab_kill_agent: SIGKILL, no goodbye.
lab_kill_agent() {
  kill -KILL "$LAB_AGENT_PID"
  wait "$LAB_AGENT_PID" 2>/dev/null
  LAB_AGENT_PID=
  rm -f "$LAB_WORK/agent.sock"
}

# The switch runs as user tollgate, as installed (SO_PEERCRED gives it the switch role;
# suspend_failsafe_test.sh runs it as root too).
lab_start_switch() {
  mkdir -p "$LAB_WORK/switch-state"
  chown tollgate:tollgate "$LAB_WORK/switch-state"
  ip netns exec "$(lab_ns sw)" setpriv --reuid=tollgate --regid=tollgate --init-groups \
    "$LAB_BUILD/switch/tollgate-switch" --config "$LAB_WORK/tollgate.toml" --state-dir "$LAB_WORK/switch-state" \
    >>"$LAB_WORK/switch.log" 2>&1 &
  LAB_SWITCH_PID=$!
  wait_for "the switch running" 15 grep -q running "$LAB_WORK/switch.log"
}

# lab_start: the counting table, the agent, the switch.
lab_start() {
  lab_counters
  lab_start_agent
  lab_start_switch
}

# lab_up BUILD_DIR SECONDS [PARAM = VALUE]...: a scenario's lab: lab_init, lab_topology,
# lab_config with these parameters, lab_start, and the office for SECONDS (4 registrations
# and 2 calls a second).
lab_up() {
  local build=$1 seconds=$2
  shift 2
  lab_init "$build"
  lab_topology
  lab_config "$@"
  lab_start
  lab_office_start "$seconds" 4 2
}

lab_ctl() { "$LAB_BUILD/ctl/tollgatectl" --socket "$LAB_WORK/agent.sock" "$@"; }

lab_nft() { lab_in sw nft "$@"; }
