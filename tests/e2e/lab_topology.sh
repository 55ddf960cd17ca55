# The attack lab, part topology (sourced by lab.sh, never on its own). The lab's namespaces: names unique to a run, the router and its hosts, teardown by pid.

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
