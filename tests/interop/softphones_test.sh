#!/usr/bin/env bash
# Real softphones from Debian through the real tollgate-switch on loopback: two phones register
# with the shipped digest setting (MD5 only) under SS_AUTHCHALLENGEMODE = MODE, the caller dials
# the callee, the callee answers by itself, the caller plays a 440 Hz tone and the callee
# records what its RTP carried; the recording must hold the tone. The caller then hangs up
# (BYE) and switch.db must hold the call's CDR with duration > 0.
#   PAIR baresip-baresip, baresip-linphonec or linphonec-baresip (caller-callee).
#   PAIR sha256: [switch] offers MD5 and SHA-256; records that baresip 1.0 then cannot register,
#   that an [[endpoint]] digest_algorithms = ["MD5"] lets it, and that linphonec takes SHA-256.
# baresip (baresip-core) runs headless with -f DIR, commands go to its cons module over UDP;
# linphonec (linphone-cli) reads commands from a FIFO and plays/records .wav files in
# "soundcard use files" mode. Every process has its own directory under one mktemp -d, every
# wait is bounded, every process is killed and reaped by PID.
# Usage: softphones_test.sh BUILD_DIR PAIR [MODE]
set -uo pipefail
build=$(cd "$1" && pwd)
pair=$2
mode=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/netns.sh"
for tool in baresip linphonec; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (packaging/install-deps.sh)"; exit 77; }
done
work=$(mktemp -d /tmp/tollgate-interop-XXXXXX)
check_log=$work/checks.log
pids=()
fifos=()
cleanup() {
  local fd
  for fd in "${fifos[@]}"; do eval "exec $fd>&-"; done
  # Newest first: the phones unregister while the switch still answers, then the switch.
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null
    wait "${pids[i]}" 2>/dev/null
  done
  if ((failed > 0)) || [[ -n ${TOLLGATE_KEEP_WORK:-} ]]; then
    echo "work directory kept: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

python3 "$here/tone.py" make "$work/tone.wav"
port=$(free_udp_port 127.0.0.1)
switch_address=127.0.0.1:$port
password() { echo "Interop-$1-Secret9"; }

# switch_config GLOBAL_ALGORITHMS [ENDPOINT ALGORITHMS]...: the config with endpoints 1001-1003.
switch_config() {
  cat <<TOML
[switch]
listen = ["udp:$switch_address"]
realm = "tollgate"
control_socket = "$work/switch.sock"
TOML
  [[ -n $1 ]] && echo "digest_algorithms = $1"
  shift
  cat <<TOML

[agent]
socket = "$work/agent.sock"
state_dir = "$work/state"

[parameters]
SS_AUTHCHALLENGEMODE = $mode
TOML
  local user
  for user in 1001 1002 1003; do
    printf '\n[[endpoint]]\nname = "%s"\npassword = "%s"\n' "$user" "$(password "$user")"
    if [[ ${1:-} == "$user" ]]; then
      echo "digest_algorithms = $2"
      shift 2
    fi
  done
}

start_switch() {
  switch_config "$@" >"$work/tollgate.toml"
  "$build/switch/tollgate-switch" --config "$work/tollgate.toml" --state-dir "$work/state" \
    --socket "$work/agent.sock" >"$work/switch.log" 2>&1 &
  pids+=("$!")
  wait_for "the switch running" 20 grep -q running "$work/switch.log" || { cat "$work/switch.log"; exit 1; }
}

ctl() { "$build/ctl/tollgatectl" --switch-socket "$work/switch.sock" "$@"; }
registered() { ctl --json registrations 2>/dev/null | grep -q "\"$1\""; }

# ---- baresip ----
declare -A cons_port
# baresip_start USER: baresip registered as USER, playing the tone, recording into DIR/rec.
baresip_start() {
  local user=$1 dir=$work/baresip-$1 sip rtp
  mkdir -p "$dir/rec"
  sip=$(free_udp_port 127.0.0.1)
  rtp=$(free_udp_port 127.0.0.1)
  cons_port[$user]=$(free_udp_port 127.0.0.1)
  cat >"$dir/config" <<EOF
poll_method epoll
sip_listen 127.0.0.1:$sip
sip_trans_def udp
net_interface 127.0.0.1
audio_player aubridge,nowhere
audio_alert aubridge,nowhere
audio_source aufile,$work/tone.wav
rtp_ports $rtp-$((rtp + 9))
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module aubridge.so
module sndfile.so
module cons.so
cons_listen 127.0.0.1:${cons_port[$user]}
module_app account.so
module_app menu.so
snd_path $dir/rec
EOF
  echo "<sip:$user@$switch_address;transport=udp>;auth_pass=$(password "$user");answermode=auto" >"$dir/accounts"
  : >"$dir/contacts"
  timeout 120 baresip -f "$dir" </dev/null >"$dir/log" 2>&1 &
  pids+=("$!")
}
# baresip_command USER COMMAND: a console command (e.g. "/dial sip:..."), as one UDP datagram.
baresip_command() {
  python3 -c 'import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto((sys.argv[2] + "\n").encode(), ("127.0.0.1", int(sys.argv[1])))' \
    "${cons_port[$1]}" "$2"
}
baresip_recording() { ls "$work/baresip-$1/rec/"*-dec.wav 2>/dev/null | head -1; }

# ---- linphonec ----
declare -A linphonec_fd
# linphonec_start USER: linphonec registered as USER, auto-answering, in file mode: it plays
# the tone and records into DIR/rec.wav.
linphonec_start() {
  local user=$1 dir=$work/linphonec-$1 sip rtp fd
  mkdir -p "$dir/.local/share/linphone"
  sip=$(free_udp_port 127.0.0.1)
  rtp=$(free_udp_port 127.0.0.1)
  # sip_port is the UDP port; 0 turns TCP and TLS off (-1 would mean a random port). Without
  # the two register_only_* = 0 it never registers on a host whose network it thinks is down.
  cat >"$dir/rc" <<EOF
[sip]
sip_port=$sip
sip_tcp_port=0
sip_tls_port=0
default_proxy=0
register_only_when_network_is_up=0
register_only_when_upnp_is_ok=0
[rtp]
audio_rtp_port=$rtp
[sound]
echocancellation=0
[proxy_0]
reg_proxy=<sip:$switch_address;transport=udp>
reg_identity=sip:$user@127.0.0.1
reg_expires=600
reg_sendregister=1
publish=0
[auth_info_0]
username=$user
passwd=$(password "$user")
realm=tollgate
domain=127.0.0.1
EOF
  mkfifo "$dir/commands"
  HOME=$dir timeout 120 linphonec -c "$dir/rc" -d 5 -l "$dir/log" <"$dir/commands" >"$dir/out" 2>&1 &
  pids+=("$!")
  exec {fd}>"$dir/commands"
  fifos+=("$fd")
  linphonec_fd[$user]=$fd
  linphonec_command "$user" "soundcard use files"
  linphonec_command "$user" "play $work/tone.wav"
  linphonec_command "$user" "record $dir/rec.wav"
  linphonec_command "$user" "autoanswer enable"
}
linphonec_command() { echo "$2" >&"${linphonec_fd[$1]}"; }

# ---- one call ----
# phone_start KIND USER / dial KIND USER URI / hangup KIND USER / established KIND USER
phone_start() { "${1}_start" "$2"; }
dial() {
  if [[ $1 == baresip ]]; then baresip_command "$2" "/dial $3"; else linphonec_command "$2" "call $3"; fi
}
hangup() {
  if [[ $1 == baresip ]]; then baresip_command "$2" "/hangup"; else linphonec_command "$2" "terminate"; fi
}
established() {
  if [[ $1 == baresip ]]; then
    grep -aq "Call established" "$work/baresip-$2/log"
  else
    grep -aq "connected\." "$work/linphonec-$2/out"
  fi
}
recording() {
  if [[ $1 == baresip ]]; then baresip_recording "$2"; else echo "$work/linphonec-$2/rec.wav"; fi
}
tone_received() {
  local file
  file=$(recording "$1" "$2")
  [[ -n $file && -s $file ]] && python3 "$here/tone.py" check "$file"
}
# cdr_ok CALLER CALLEE: switch.db holds an answered call CALLER -> CALLEE that lasted > 0 s.
cdr_ok() {
  ctl cdr --json --db "$work/state/switch.db" --limit 10 | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["caller"] == sys.argv[1] and r["callee"] == sys.argv[2]]
print(rows)
sys.exit(0 if len(rows) == 1 and rows[0]["duration_s"] > 0 and rows[0]["disconnect_code"] == 200 else 1)' "$1" "$2"
}

call_test() {
  local caller_kind=${pair%-*} callee_kind=${pair#*-}
  start_switch ""  # the shipped default: MD5 alone
  phone_start "$callee_kind" 1002
  phone_start "$caller_kind" 1001
  check "1002 ($callee_kind) registered" wait_for "1002 registered" 15 registered 1002
  check "1001 ($caller_kind) registered" wait_for "1001 registered" 15 registered 1001
  dial "$caller_kind" 1001 "sip:1002@$switch_address"
  check "the call is established" wait_for "the call established" 15 established "$caller_kind" 1001
  sleep 4  # tone for a few seconds
  hangup "$caller_kind" 1001
  check "a CDR for 1001 -> 1002 with duration > 0" wait_for "the CDR" 10 cdr_ok 1001 1002
  # The phones write their recordings' WAV headers when the call ends.
  check "the callee ($callee_kind) recorded the caller's tone" wait_for "the callee's recording" 5 tone_received "$callee_kind" 1002
  if [[ $callee_kind == baresip ]]; then
    check "the caller ($caller_kind) heard the callee's tone" wait_for "the caller's recording" 5 tone_received "$caller_kind" 1001
  fi
}

# baresip 1.0 with two challenges fails before it sends a second REGISTER.
register_failed() { grep -aq "Register: Function not implemented" "$work/baresip-$1/log"; }
sha256_test() {
  start_switch '["MD5", "SHA-256"]' 1002 '["MD5"]'
  phone_start baresip 1001
  phone_start baresip 1002
  phone_start linphonec 1003
  check "baresip offered MD5 and SHA-256 fails to register" wait_for "baresip's failure" 15 register_failed 1001
  check "an endpoint with digest_algorithms = [\"MD5\"] registers with baresip" \
    wait_for "1002 registered" 15 registered 1002
  check "linphonec registers when offered MD5 and SHA-256" wait_for "1003 registered" 15 registered 1003
  check "1001 never registered" expect_exit 1 registered 1001
}

case $pair in
  baresip-baresip | baresip-linphonec | linphonec-baresip) call_test ;;
  sha256) sha256_test ;;
  *) echo "unknown pair $pair" >&2; exit 2 ;;
esac
if ((failed > 0)); then
  echo "--- checks"; cat "$check_log"
  echo "--- switch"; tail -20 "$work/switch.log"
fi
summary
