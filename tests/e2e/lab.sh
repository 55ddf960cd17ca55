# The attack lab: a small internet of network namespaces around one Tollgate host, sourced
# by every scenario in tests/e2e/ and by bench/lab/. Root only.
#
#                        +------------------ router (rt) ------------------+
#                        |        |         |        |        |           |
#   switch host (sw)  office (of)  carrier (ca)  admin (ad)  attacker a1  attacker a2  attacker a6
#   192.0.2.1         198.51.100.20 192.0.2.70   192.0.2.130 203.0.113.10 203.0.113.70 2001:db8:bad:1::/64
#   2001:db8:1::1
#
# The switch host runs the real tollgate-agent (its nft table, its NFQUEUE inspector) and
# the real tollgate-switch. The lab adds a table of its own there, `inet tollgate_lab`, that
# only counts: per source, packets offered (prerouting, before the agent's raw chain),
# packets that passed the agent's raw chain (blocks and the REGISTER meter) and packets
# that reached the switch's socket layer (input, after the inspector's verdict), each with
# the time of the last packet. The office's four phones (one address, SIPp) register with
# digest and call out through the switch to the carrier (a SIPp UAS, the routing gateway
# for prefix 00). Everything the lab starts is killed by pid, with its children, and every
# namespace deleted on exit, however the script ends.
#
# Usage: source lab.sh; lab_init BUILD_DIR; lab_topology; lab_config [PARAM = VALUE]...;
#   lab_start; lab_office_start SECONDS; (the attack; checks with lab_count, lab_blocked,
#   lab_audit_count, lab_cdr_count); lab_office_checks; summary
#   A scenario's first steps in one: lab_up BUILD_DIR SECONDS [PARAM = VALUE]...

lab_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$lab_here/../support/netns.sh"

LAB_SWITCH_V4=192.0.2.1
LAB_SWITCH_V6=2001:db8:1::1
LAB_CARRIER=192.0.2.70
LAB_ADMIN=192.0.2.130
LAB_OFFICE=198.51.100.20
LAB_ATTACKER1=203.0.113.10
LAB_ATTACKER2=203.0.113.70
LAB_ATTACKER6_PREFIX=2001:db8:bad:1
LAB_OFFICE_PHONES=(1001 1002 1003 1004)
LAB_ROLES=(rt sw of ca ad a1 a2 a6)
LAB_CALL_SCENARIOS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../switch/sipp/calls" && pwd)

# lab_init BUILD_DIR: names unique to this run, a work directory, the exit trap.
lab_init() {
  LAB_BUILD=$(cd "$1" && pwd)
  LAB_ID=tl$$
  LAB_WORK=$(mktemp -d /tmp/tollgate-lab-XXXXXX)
  chmod 0755 "$LAB_WORK"
  lab_ensure_user
  LAB_PIDS=()
  LAB_AGENT_PID=
  LAB_SWITCH_PID=
  LAB_CARRIER_PID=
  LAB_KEEP=${LAB_KEEP:-0}
  check_log=$LAB_WORK/checks.log
  : >"$check_log"
  trap lab_teardown EXIT
  trap 'exit 130' INT TERM
}

# lab_ensure_user: the switch's system user, as the packages create it, when missing.
lab_ensure_user() {
  getent passwd tollgate >/dev/null && return 0
  local attempt
  for attempt in 1 2 3 4 5; do  # useradd exits 10 while another process holds the lock
    useradd --system --user-group --no-create-home --shell /usr/sbin/nologin tollgate && return 0
    sleep 0.2
  done
  return 1
}

lab_ns() { echo "$LAB_ID$1"; }
# lab_in ROLE COMMAND...: runs COMMAND in that namespace.
lab_in() {
  local role=$1
  shift
  ip netns exec "$(lab_ns "$role")" "$@"
}

# lab_kill_tree PID...: the processes and every descendant of theirs, TERM then KILL.
lab_kill_tree() {
  local all=() queue=("$@") pid children
  while ((${#queue[@]})); do
    pid=${queue[0]}
    queue=("${queue[@]:1}")
    [[ -n $pid ]] || continue
    all+=("$pid")
    children=$(ps -o pid= --ppid "$pid" 2>/dev/null)
    queue+=($children)
  done
  ((${#all[@]})) || return 0
  kill -TERM "${all[@]}" 2>/dev/null
  local deadline=$((SECONDS + 3))
  local alive=1
  while ((alive && SECONDS < deadline)); do
    alive=0
    for pid in "${all[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) && sleep 0.05
  done
  kill -KILL "${all[@]}" 2>/dev/null
  return 0
}

lab_teardown() {
  local rc=$?
  lab_kill_tree "${LAB_PIDS[@]}" $LAB_AGENT_PID $LAB_SWITCH_PID
  local pid
  for pid in "${LAB_PIDS[@]}" $LAB_AGENT_PID $LAB_SWITCH_PID; do
    wait "$pid" 2>/dev/null
  done
  local role
  for role in "${LAB_ROLES[@]}"; do ip netns del "$(lab_ns "$role")" 2>/dev/null; done
  if ((rc != 0 || failed > 0)); then
    echo "--- lab logs ($LAB_WORK)" >&2
    local f
    for f in "$LAB_WORK"/checks.log "$LAB_WORK"/agent.log "$LAB_WORK"/switch.log; do
      [[ -s $f ]] && { echo "--- $f" >&2; tail -n 40 "$f" >&2; }
    done
  fi
  [[ $LAB_KEEP == 1 ]] || rm -rf "$LAB_WORK"
}

# lab_link ROLE V4/LEN V4_GATEWAY [V6/LEN V6_GATEWAY]: a veth from the router to ROLE.
lab_link() {
  local role=$1 v4=$2 gw4=$3 v6=${4:-} gw6=${5:-}
  local rt host
  rt=$(lab_ns rt)
  host=$(lab_ns "$role")
  ip -n "$rt" link add "r-$role" type veth peer name eth0 netns "$host"
  ip -n "$host" link set lo up
  if [[ -n $v4 ]]; then
    ip -n "$host" addr add "$v4" dev eth0
    ip -n "$rt" addr add "$gw4/${v4#*/}" dev "r-$role"
  fi
  if [[ -n $v6 ]]; then
    ip -n "$host" addr add "$v6" dev eth0 nodad
    ip -n "$rt" addr add "$gw6/${v6#*/}" dev "r-$role" nodad
  fi
  ip -n "$rt" link set "r-$role" up
  ip -n "$host" link set eth0 up
  [[ -n $v4 ]] && ip -n "$host" route add default via "$gw4"
  [[ -n $v6 ]] && ip -n "$host" -6 route add default via "$gw6"
  return 0
}

# lab_topology: the router and the seven hosts, documentation addresses only.
lab_topology() {
  local role
  for role in "${LAB_ROLES[@]}"; do ip netns add "$(lab_ns "$role")"; done
  ip -n "$(lab_ns rt)" link set lo up
  lab_in rt sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  lab_link sw "$LAB_SWITCH_V4/26" 192.0.2.62 "$LAB_SWITCH_V6/64" 2001:db8:1::fe
  lab_link ca "$LAB_CARRIER/26" 192.0.2.126
  lab_link ad "$LAB_ADMIN/26" 192.0.2.190
  lab_link of "$LAB_OFFICE/24" 198.51.100.254
  lab_link a1 "$LAB_ATTACKER1/26" 203.0.113.62
  lab_link a2 "$LAB_ATTACKER2/26" 203.0.113.126
  lab_link a6 "" "" "$LAB_ATTACKER6_PREFIX::1/64" "$LAB_ATTACKER6_PREFIX::fe"
}

# lab_add_v6 N: gives the v6 attacker address PREFIX::N (hex) and prints it.
lab_add_v6() {
  local address
  address=$(printf '%s::%x' "$LAB_ATTACKER6_PREFIX" "$1")
  ip -n "$(lab_ns a6)" addr add "$address/64" dev eth0 nodad 2>/dev/null
  echo "$address"
}

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

# lab_counters: the lab's own counting table in the switch host (see the top of this file).
lab_counters() {
  lab_in sw nft -f - <<'NFT'
table inet tollgate_lab {
  set offered_v4 { type ipv4_addr; flags dynamic,timeout; timeout 1h; size 65535; counter; }
  set offered_v6 { type ipv6_addr; flags dynamic,timeout; timeout 1h; size 65535; counter; }
  set passed_v4 { type ipv4_addr; flags dynamic,timeout; timeout 1h; size 65535; counter; }
  set passed_v6 { type ipv6_addr; flags dynamic,timeout; timeout 1h; size 65535; counter; }
  set reached_v4 { type ipv4_addr; flags dynamic,timeout; timeout 1h; size 65535; counter; }
  set reached_v6 { type ipv6_addr; flags dynamic,timeout; timeout 1h; size 65535; counter; }
  chain offered { type filter hook prerouting priority -400; policy accept;
    meta nfproto ipv4 udp dport 5060 update @offered_v4 { ip saddr }
    meta nfproto ipv6 udp dport 5060 update @offered_v6 { ip6 saddr }
  }
  chain passed { type filter hook prerouting priority -299; policy accept;
    meta nfproto ipv4 udp dport 5060 update @passed_v4 { ip saddr }
    meta nfproto ipv6 udp dport 5060 update @passed_v6 { ip6 saddr }
  }
  chain reached { type filter hook input priority 100; policy accept;
    meta nfproto ipv4 udp dport 5060 update @reached_v4 { ip saddr }
    meta nfproto ipv6 udp dport 5060 update @reached_v6 { ip6 saddr }
  }
}
NFT
}

# lab_count STAGE PREFIX: packets at STAGE (offered, passed, reached) from sources whose
# address starts with PREFIX (an address, or the start of one: "2001:db8:bad:1:").
lab_count() {
  lab_in sw nft list table inet tollgate_lab | python3 "$lab_here/lab_nft.py" count "$1" "$2"
}
# lab_kernel_dropped PREFIX: packets from PREFIX dropped by the agent's raw chain (blocks
# and the REGISTER meter) = offered - passed.
lab_kernel_dropped() {
  echo $(($(lab_count offered "$1") - $(lab_count passed "$1")))
}

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
# lab_blocked ADDRESS_OR_PREFIX: true when it is an element of the agent's block sets.
lab_blocked() {
  local sets
  sets=$(lab_nft list set inet tollgate block_v4; lab_nft list set inet tollgate block_net_v4; lab_nft list set inet tollgate block_v6)
  grep -Fq -- "$1" <<<"$sets"
}
# lab_audit_count ACTION [SUBJECT [REASON [EVIDENCE]]]: audit rows whose action equals
# ACTION and whose subject, reason and evidence (as JSON) match the regular expressions.
lab_audit_count() {
  local rows
  rows=$(lab_ctl audit --json --limit 1000000 2>/dev/null)
  python3 -c '
import json, re, sys
action, subject, reason, evidence = (sys.argv[1:] + ["", "", ""])[:4]
text = sys.stdin.read().strip()
rows = json.loads(text) if text.startswith("[") else [json.loads(l) for l in text.splitlines() if l.startswith("{")]
n = 0
for r in rows:
    if r.get("action") != action:
        continue
    found = json.dumps(r.get("evidence"), sort_keys=True)
    if re.search(subject, r.get("subject", "")) and re.search(reason, r.get("reason", "")) and re.search(evidence, found):
        n += 1
print(n)
' "$@" <<<"$rows"
}

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
# lab_office_calls: "ATTEMPTED COMPLETED", the office's calls so far (SIPp's statistics).
lab_office_calls() {
  python3 - "$LAB_OFFICE_CALLS_STAT" <<'PY'
import csv, sys
try:
    rows = [r for r in csv.reader(open(sys.argv[1]), delimiter=";") if r]
    head, last = rows[0], rows[-1]
    print(last[head.index("OutgoingCall(C)")], last[head.index("SuccessfulCall(C)")])
except (OSError, IndexError, ValueError):
    print(0, 0)
PY
}
# lab_office_registered: every office phone has a live registration in switch.db.
lab_office_registered() {
  python3 - "$LAB_WORK/switch-state/switch.db" "${LAB_OFFICE_PHONES[@]}" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
names = {r[0] for r in db.execute("select endpoint from registrations where source_ip = '198.51.100.20'")}
sys.exit(0 if set(sys.argv[2:]) <= names else 1)
PY
}

# cpu_seconds PID: user + system CPU of a process so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"
}

# lab_office_checks: the office's verdict for a scenario: every registration and every call
# of the run succeeded, calls were made, and every phone is registered at the end.
lab_office_checks() {
  check "the office registered and called throughout" lab_office_wait
  local attempted completed
  read -r attempted completed < <(lab_office_calls)
  check "the office's calls all completed ($completed of $attempted)" \
    test "$attempted" -gt 0 -a "$completed" -eq "$attempted"
  check "every office phone is registered" lab_office_registered
}

# lab_cdr_count SQL_WHERE: rows of the switch's CDR table matching the condition.
lab_cdr_count() {
  python3 - "$LAB_WORK/switch-state/switch.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(db.execute("select count(*) from cdr where " + sys.argv[2]).fetchone()[0])
PY
}
