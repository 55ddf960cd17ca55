# Shell helpers for tests that need a small network: two namespaces joined by a veth pair,
# documentation addresses, and cleanup that runs however the test ends. Source it.

# make_link SERVER_NS ATTACKER_NS: server 203.0.113.1 / 2001:db8:1::1, attacker
# 203.0.113.66 / 2001:db8:1::66.
make_link() {
  local server=$1 attacker=$2
  ip netns add "$server"
  ip netns add "$attacker"
  ip link add "v$$s" netns "$server" type veth peer name "v$$a" netns "$attacker"
  ip -n "$server" link set lo up
  ip -n "$attacker" link set lo up
  ip -n "$server" addr add 203.0.113.1/24 dev "v$$s"
  ip -n "$attacker" addr add 203.0.113.66/24 dev "v$$a"
  ip -n "$server" addr add 2001:db8:1::1/64 dev "v$$s" nodad
  ip -n "$attacker" addr add 2001:db8:1::66/64 dev "v$$a" nodad
  ip -n "$server" link set "v$$s" up
  ip -n "$attacker" link set "v$$a" up
}

delete_namespaces() {
  local ns
  for ns in "$@"; do ip netns del "$ns" 2>/dev/null || true; done
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds.
# free_udp_port ADDRESS: a UDP port nobody has bound on ADDRESS right now.
free_udp_port() {
  python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}

wait_for() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "FAIL: timed out after ${seconds}s waiting for $what" >&2
      return 1
    fi
    sleep 0.05
  done
}

# udp_counter NS PORT FILE: counts datagrams arriving on PORT into FILE (background job).
udp_counter() {
  ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", int(sys.argv[1])))
n = 0
while True:
    s.recv(65535)
    n += 1
    open(sys.argv[2], "w").write(str(n))
' "$2" "$3" &
}

# send_udp NS DEST PORT COUNT: sends COUNT small datagrams, 10 ms apart.
send_udp() {
  ip netns exec "$1" python3 -c '
import socket, sys, time
family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
for i in range(int(sys.argv[3])):
    s.sendto(b"OPTIONS sip:probe@x SIP/2.0\r\n\r\n", (sys.argv[1], int(sys.argv[2])))
    time.sleep(0.01)
' "$2" "$3" "$4"
}

# check NAME COMMAND...: runs an assertion, counting passes and failures.
passed=0
failed=0
check_log=/dev/null
check() {
  local name=$1
  shift
  if "$@" >>"$check_log" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name" >&2
  fi
}

# expect_exit CODE COMMAND...: true when COMMAND exits with CODE.
expect_exit() {
  local code=$1
  shift
  "$@"
  test $? -eq "$code"
}

# output_matches REGEX COMMAND...: true when COMMAND's output (stdout and stderr) matches.
output_matches() {
  local pattern=$1
  shift
  local output
  output=$("$@" 2>&1)  # captured first: grep -q on a pipe would SIGPIPE the command
  grep -Eq -- "$pattern" <<<"$output"
}

# control_status SOCKET FIELD: a value of a daemon's `status` on its control socket, as JSON;
# FIELD is a dotted path ("cdr.dropped").
control_status() {
  python3 - "$1" "$2" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b'{"id":1,"command":"status"}\n')
value = json.loads(s.makefile().readline())["result"]
for part in sys.argv[2].split("."):
    value = value[part]
print(json.dumps(value))
PY
}

summary() {
  echo "$passed passed, $failed failed"
  ((failed == 0))
}
