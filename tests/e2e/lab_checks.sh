# The attack lab, part checks (sourced by lab.sh, never on its own). What scenarios assert on: the lab's counting table, kernel sets, the audit log, the office's
# calls and registrations, CDRs, CPU.

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
