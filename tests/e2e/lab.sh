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
# The parts: lab_topology.sh (namespaces), lab_daemons.sh (config, agent, switch),
# lab_traffic.sh (SIPp, the office), lab_checks.sh (what scenarios assert on).
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

for lab_part in topology daemons traffic checks; do source "$lab_here/lab_$lab_part.sh"; done
unset lab_part
