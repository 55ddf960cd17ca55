"""The attack run's key figures, from the sampler's record, the agent's audit log and the
office's SIPp statistics, as one flat JSON object (bench/out/lab/figures.json).

Block latency: from the triggering failure (the arrival of the last packet of that source
that passed the kernel, as the lab's counting table saw it, or the agent's block decision if
that came first) to the first packet of that source dropped in the kernel. It includes the
attacker's own pause before its next packet: a sipvicious tool whose probe got no answer
waits seconds before it tries again. Attempts before the block: the evidence the
policy counted when it decided (failures, illegal calls; 1 for a scanner), per attacker kind.
"""
import argparse
import csv
import ipaddress
import json
import re
import statistics

KINDS = {
    "203.0.113.10": "svcrack",
    "203.0.113.70": "svwar",
    "203.0.113.11": "register_flood",
    "203.0.113.71": "illegal_invite_flood",
    "2001:db8:bad:1::/64": "ipv6_rotator",
}
ATTACK = [ipaddress.ip_network("203.0.113.0/24"), ipaddress.ip_network("2001:db8:bad::/48")]


def kind_of(subject):
    network = ipaddress.ip_network(subject, strict=False)
    for key, kind in KINDS.items():
        if ipaddress.ip_network(key, strict=False).overlaps(network):
            return kind
    return str(network)


def is_attack(address):
    a = ipaddress.ip_address(address)
    return any(a in n for n in ATTACK)


def office(path):
    try:
        with open(path, newline="") as f:
            rows = [r for r in csv.reader(f, delimiter=";") if r]
    except OSError:
        return 0, 0
    if len(rows) < 2:
        return 0, 0
    head = rows[0]
    last = next((r for r in reversed(rows[1:]) if len(r) >= len(head) - 1), None)
    if last is None:
        return 0, 0
    return int(last[head.index("OutgoingCall(C)")]), int(last[head.index("SuccessfulCall(C)")])


def main():
    p = argparse.ArgumentParser()
    for name in ("samples", "audit", "office-stat", "out", "office-rc", "table"):
        p.add_argument("--" + name, required=True)
    for name in ("cpu-agent", "cpu-switch", "started", "ended", "listed-at"):
        p.add_argument("--" + name, type=float, required=True)
    a = p.parse_args()

    samples = json.load(open(a.samples))
    stages = samples["stages"]
    text = open(a.audit).read().strip()
    if text.startswith("["):
        rows = json.loads(text)
    else:
        rows = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    blocks = [r for r in rows if r.get("action") == "block" and r.get("actor") == "policy"]

    # The blocks still in the kernel at the end (block_v4, block_net_v4, block_v6).
    in_kernel = re.findall(r"([0-9a-f.:/]+) timeout ", open(a.table).read())
    attempts = {}
    latencies = []
    latency_by_kind = {}
    exact = 0
    for b in blocks:
        network = ipaddress.ip_network(b["subject"], strict=False)
        kind = kind_of(b["subject"])
        evidence = b.get("evidence") or {}
        attempts[kind] = evidence.get("count", 1) if isinstance(evidence, dict) else 1
        # The triggering failure: the last packet of the source that passed the kernel (it
        # went on to the inspector or the switch and was judged), or the decision itself
        # when packets still in flight passed after it.
        passed = [v["last"] for addr, v in stages.get("passed", {}).items() if ipaddress.ip_address(addr) in network]
        trigger = min([b["time"]] + passed)
        drops = [d for addr, d in samples["first_drop"].items()
                 if ipaddress.ip_address(addr) in network and d["time"] >= trigger - 0.001]
        if drops:
            first = min(drops, key=lambda d: d["time"])
            latencies.append(max(0.0, (first["time"] - trigger) * 1000.0))
            latency_by_kind[kind] = round(latencies[-1], 1)
            exact += 1 if first["exact"] else 0

    for kind in KINDS.values():
        attempts.setdefault(kind, None)  # never blocked (the REGISTER flood is rate limited)

    def attack_sum(stage):
        return sum(v["packets"] for addr, v in stages.get(stage, {}).items() if is_attack(addr))

    offered, passed, reached = attack_sum("offered"), attack_sum("passed"), attack_sum("reached")
    reached_by_kind = {}
    for addr, v in stages.get("reached", {}).items():
        if is_attack(addr):
            k = kind_of(addr)
            reached_by_kind[k] = reached_by_kind.get(k, 0) + v["packets"]
    attempted, completed = office(a.office_stat)
    figures = {
        "duration_s": round(a.ended - a.started, 1),
        "attempts_before_block": attempts,
        "attack_packets_reached_switch_by_kind": reached_by_kind,
        "blocks": len(blocks),
        "suspensions": sum(1 for r in rows if r.get("action") == "suspend"),
        "ipv6_rotator_addresses_seen": sum(1 for addr in stages.get("offered", {}) if addr.startswith("2001:db8:bad:")),
        "blocks_in_kernel_at_end": len(in_kernel),
        "block_latency_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
        "block_latency_ms_max": round(max(latencies), 1) if latencies else None,
        "block_latency_ms_by_kind": latency_by_kind,
        "block_latency_samples": len(latencies),

        "block_latency_exact_samples": exact,
        "legit_calls_attempted": attempted,
        "legit_calls_completed": completed,
        "legit_call_success_rate": round(completed / attempted, 4) if attempted else None,
        "office_sipp_exit_code": int(a.office_rc),
        "cpu_switch_s": a.cpu_switch,
        "cpu_agent_s": a.cpu_agent,
        "attack_packets_offered": offered,
        "attack_packets_dropped_kernel": offered - passed,
        "attack_packets_dropped_inspector": passed - reached,
        "attack_packets_reached_switch": reached,
    }
    with open(a.out, "w") as f:
        json.dump(figures, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
