#!/usr/bin/env bash
# Slow TCP clients and descriptor exhaustion against the real tollgate-switch in a network
# namespace (root).
# 1. Small limits: five addresses fill every slot with clients trickling a byte every 0.4 s,
#    and one sends its headers, then its body at 8 bytes/s. The header deadline and the
#    minimum rate close them; at the total limit a newcomer evicts a trickler; a fresh source
#    gets each of its REGISTERs over TCP answered throughout.
# 2. Under `prlimit --nofile=64:64`: 150 connections, more than the descriptors. The switch
#    answers UDP OPTIONS, does not spin (CPU over 2 s), logs accept errors a bounded number of
#    times, and accepts again once the connections close.
# Usage: tcp_limits_test.sh BUILD_DIR
set -uo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/netns.sh"
((EUID == 0)) || { echo "SKIP: needs root for network namespaces"; exit 77; }

server=tgtl$$s
attacker=tgtl$$a
work=$(mktemp -d /tmp/tollgate-tcplimits-XXXXXX)
switch_pid=
attack_pid=
cleanup() {
  [[ -n $attack_pid ]] && kill "$attack_pid" 2>/dev/null && wait "$attack_pid" 2>/dev/null
  [[ -n $switch_pid ]] && kill "$switch_pid" 2>/dev/null && wait "$switch_pid" 2>/dev/null
  delete_namespaces "$server" "$attacker"
  if [[ -n ${TOLLGATE_KEEP_WORK:-} ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
check_log=$work/checks.log

make_link "$server" "$attacker"
for host in 67 68 69 70 80; do ip -n "$attacker" addr add "203.0.113.$host/24" dev "v$$a"; done

# start_switch LIMITS_TOML [WRAPPER...]: the switch in the server namespace.
start_switch() {
  local limits=$1
  shift
  cat >"$work/tollgate.toml" <<TOML
[switch]
listen = ["udp:203.0.113.1:5060", "tcp:203.0.113.1:5060"]
control_socket = "$work/switch.sock"
$limits

[agent]
socket = "$work/agent.sock"
state_dir = "$work/state"
TOML
  : >"$work/switch.log"
  ip netns exec "$server" "$@" "$build/switch/tollgate-switch" --config "$work/tollgate.toml" >"$work/switch.log" 2>&1 &
  switch_pid=$!
  wait_for "the switch running" 20 grep -q running "$work/switch.log" || { cat "$work/switch.log"; exit 1; }
}
stop_switch() {
  kill "$switch_pid" 2>/dev/null
  wait "$switch_pid" 2>/dev/null
  switch_pid=
}
# switch_status FIELD: a value of the switch's `status` on its control socket.
switch_status() { control_status "$work/switch.sock" "$1"; }
at_least() { test "$(switch_status "$1")" -ge "$2"; }

# The attacker: slow clients, each reconnecting when closed, for a bounded time. Prints one
# JSON line: connections opened, and how long the closed ones lived (per kind).
cat >"$work/slow_clients.py" <<'PY'
import json, selectors, socket, sys, time
# slow_clients.py SECONDS PER_SOURCE TRICKLE_SOURCES SLOW_BODY_SOURCE SLOW_BODIES
duration, per_source = float(sys.argv[1]), int(sys.argv[2])
sources = [a for a in sys.argv[3].split(",") if a]
slow_body_source, slow_bodies = sys.argv[4], int(sys.argv[5])
sel = selectors.DefaultSelector()
lived = {"trickle": [], "slow_body": []}
opened = 0
again = []  # (when, source, kind): reconnects, 0.2 s after a close
head = (b"REGISTER sip:203.0.113.1 SIP/2.0\r\nVia: SIP/2.0/TCP 203.0.113.66;branch=z9hG4bK-slow\r\n"
        b"From: <sip:slow@203.0.113.1>;tag=1\r\nTo: <sip:slow@203.0.113.1>\r\n")
def connect(source, kind):
    global opened
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.setblocking(False)
    s.connect_ex(("203.0.113.1", 5060))
    opened += 1
    state = {"kind": kind, "source": source, "start": time.monotonic(), "sent": 0}
    if kind == "slow_body":
        state["pending"] = (b"MESSAGE sip:x@203.0.113.1 SIP/2.0\r\nVia: SIP/2.0/TCP 203.0.113.70;branch=z9hG4bK-b\r\n"
                            b"Call-ID: body@x\r\nCSeq: 1 MESSAGE\r\nContent-Length: 4000\r\n\r\n")
    sel.register(s, selectors.EVENT_READ, state)
for source in sources:
    for _ in range(per_source):
        connect(source, "trickle")
for _ in range(slow_bodies):
    connect(slow_body_source, "slow_body")
end = time.monotonic() + duration
next_byte = time.monotonic()
while time.monotonic() < end:
    for key, _ in sel.select(timeout=0.05):
        state = key.data
        try:
            data = key.fileobj.recv(4096)
        except (ConnectionResetError, BlockingIOError, OSError):
            data = b""
        if not data:
            lived[state["kind"]].append(round(time.monotonic() - state["start"], 2))
            sel.unregister(key.fileobj)
            key.fileobj.close()
            if state["kind"] == "trickle":
                again.append((time.monotonic() + 0.2, state["source"], state["kind"]))
    now = time.monotonic()
    for item in [a for a in again if a[0] <= now]:
        again.remove(item)
        connect(item[1], item[2])
    if now >= next_byte:
        next_byte += 0.4
        for key in list(sel.get_map().values()):
            state = key.data
            try:
                if state["kind"] == "trickle":
                    key.fileobj.send(head[state["sent"] % len(head):][:1])
                    state["sent"] += 1
                else:
                    key.fileobj.send(state.pop("pending", None) or b"xxx")
            except (BlockingIOError, OSError):
                pass
print(json.dumps({"opened": opened, "lived": lived}))
PY

# register_tcp SOURCE: one REGISTER over a fresh TCP connection; true when answered in 3 s.
register_tcp() {
  ip netns exec "$attacker" python3 - "$1" <<'PY'
import socket, sys, time
s = socket.create_connection(("203.0.113.1", 5060), timeout=3, source_address=(sys.argv[1], 0))
port = s.getsockname()[1]
s.sendall(("REGISTER sip:203.0.113.1 SIP/2.0\r\nVia: SIP/2.0/TCP %s:%d;branch=z9hG4bK-fresh%d\r\n"
           "From: <sip:fresh@203.0.113.1>;tag=f\r\nTo: <sip:fresh@203.0.113.1>\r\nCall-ID: fresh%d@x\r\n"
           "CSeq: 1 REGISTER\r\nContact: <sip:fresh@%s:%d;transport=tcp>\r\nMax-Forwards: 70\r\n"
           "Content-Length: 0\r\n\r\n" % (sys.argv[1], port, time.time_ns(), time.time_ns(), sys.argv[1], port)).encode())
data = b""
deadline = time.monotonic() + 3
while b"\r\n\r\n" not in data and time.monotonic() < deadline:
    s.settimeout(max(deadline - time.monotonic(), 0.01))
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
sys.exit(0 if data.startswith(b"SIP/2.0 ") else 1)
PY
}

# --- 1. Slow clients under small limits -------------------------------------------------
start_switch $'tcp_max_connections = 32\ntcp_max_connections_per_source = 8\ntcp_header_timeout = 2\ntcp_min_rate = 64\ntcp_idle_timeout = 30'
check "a REGISTER over TCP is answered before the attack" register_tcp 203.0.113.80
# 4 sources x 8 tricklers hold all 32 slots.
ip netns exec "$attacker" timeout 30 python3 "$work/slow_clients.py" 10 8 \
  203.0.113.66,203.0.113.67,203.0.113.68,203.0.113.69 - 0 >"$work/attack.json" 2>"$work/attack.err" &
attack_pid=$!
wait_for "the slots filled" 10 at_least tcp.connections 32
fresh_ok=0
for i in 1 2 3 4 5 6; do
  register_tcp 203.0.113.80 && fresh_ok=$((fresh_ok + 1))
  sleep 1
done
check "every REGISTER from a fresh source is answered during the attack ($fresh_ok of 6)" test "$fresh_ok" -eq 6
wait "$attack_pid"
attack_pid=
cat "$work/attack.json" >>"$check_log"
check "the trickling clients were closed by the header deadline" at_least tcp.header_timeouts 30
check "each newcomer at the total limit evicted a trickler" at_least tcp.evicted 6
check "no trickler held its slot past the header deadline (2 s) and a check" python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["lived"]["trickle"]
assert len(t) >= 30 and max(t) <= 4.0, t
' "$work/attack.json"
check "the eviction is logged a bounded number of times" test "$(grep -c 'closed for newcomers' "$work/switch.log")" -le 3
# A message whose headers came, then its body at 7.5 bytes/s: closed for its rate.
ip netns exec "$attacker" timeout 30 python3 "$work/slow_clients.py" 8 0 "" 203.0.113.70 2 >"$work/body.json" 2>&1
cat "$work/body.json" >>"$check_log"
check "the slow bodies were closed for their rate" at_least tcp.too_slow 2
check "a slow body lived about one rate window (5 s)" python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))["lived"]["slow_body"]
assert len(b) == 2 and all(4.0 <= x <= 7.0 for x in b), b
' "$work/body.json"
check "a REGISTER over TCP is answered after the attack" register_tcp 203.0.113.80
stop_switch

# --- 2. More connections than descriptors --------------------------------------------------
start_switch "" prlimit --nofile=64:64
check "the switch warns that 64 descriptors are too few" grep -q "descriptor limit is 64" "$work/switch.log"
cat >"$work/hold.py" <<'PY'
import socket, sys, time
held = []
for source in sys.argv[2].split(","):
    for _ in range(int(sys.argv[1])):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((source, 0))
        s.setblocking(False)
        s.connect_ex(("203.0.113.1", 5060))
        held.append(s)
print("held", len(held), flush=True)
time.sleep(float(sys.argv[3]))
PY
ip netns exec "$attacker" timeout 30 python3 "$work/hold.py" 50 203.0.113.66,203.0.113.67,203.0.113.68 9 \
  >"$work/hold.out" 2>&1 &
attack_pid=$!
wait_for "the connections opened" 10 grep -q held "$work/hold.out"
# The control socket cannot accept either now: the log tells.
check "accept fails for want of descriptors" wait_for "accept errors" 5 grep -q "accept failed: Too many open files" "$work/switch.log"
cpu() { awk '{print $14 + $15}' "/proc/$switch_pid/stat"; }
before=$(cpu)
sleep 2
after=$(cpu)
echo "cpu ticks over 2 s: $((after - before))" >>"$check_log"
check "the switch does not spin ($((after - before)) ticks in 2 s)" test $((after - before)) -le 20
check "UDP OPTIONS is answered while descriptors are exhausted" ip netns exec "$attacker" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.80", 0))
s.settimeout(2)
port = s.getsockname()[1]
s.sendto(("OPTIONS sip:203.0.113.1 SIP/2.0\r\nVia: SIP/2.0/UDP 203.0.113.80:%d;branch=z9hG4bK-opt\r\n"
          "From: <sip:p@203.0.113.80>;tag=o\r\nTo: <sip:203.0.113.1>\r\nCall-ID: opt@x\r\nCSeq: 1 OPTIONS\r\n"
          "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n" % port).encode(), ("203.0.113.1", 5060))
assert s.recv(65535).startswith(b"SIP/2.0 200")
'
wait "$attack_pid"
attack_pid=
lines=$(grep -c "accept failed" "$work/switch.log")
echo "accept-error lines: $lines" >>"$check_log"
check "accept errors are logged once per interval ($lines lines in about 10 s)" test "$lines" -ge 1 -a "$lines" -le 3
check "status counts the accept errors" at_least tcp.accept_errors 2
check "the log line carries a count" grep -qE "accept failed: .*\([0-9]+ times since the last report\)" "$work/switch.log"
check "a REGISTER over TCP is answered once the connections closed" wait_for "accepting again" 10 register_tcp 203.0.113.80
stop_switch

if ((failed > 0)); then
  echo "--- checks log"
  cat "$check_log"
  echo "--- switch log (tail)"
  tail -20 "$work/switch.log"
fi
summary
