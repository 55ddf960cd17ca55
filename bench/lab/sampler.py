"""Samples the attack lab while an attack run lasts.

Every SAMPLE seconds it reads the lab's counting table in the switch host (packets offered,
passed the agent's raw chain, reached the switch, per source, each with the time of its last
packet) and, once a second, the office's SIPp statistics file; it writes one row per second
of timeseries.csv (per-second counts) and, at the end, a JSON file with the first kernel drop
of every source (for the block latency) and the final counters.

Usage: sampler.py NETNS SECONDS OUT_CSV OUT_JSON OFFICE_STAT_CSV [SAMPLE]
It stops after SECONDS, or earlier when it receives SIGTERM.
"""
import csv
import ipaddress
import json
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/e2e"))
import lab_nft  # noqa: E402

ATTACK = [ipaddress.ip_network("203.0.113.0/24"), ipaddress.ip_network("2001:db8:bad::/48")]
HEADER = ["t_s", "attack_offered", "attack_dropped_kernel", "attack_reached_switch",
          "legit_calls_attempted", "legit_calls_completed"]


def is_attack(address):
    a = ipaddress.ip_address(address)
    return any(a in n for n in ATTACK)


def read_lab(netns):
    out = subprocess.run(["ip", "netns", "exec", netns, "nft", "list", "table", "inet", "tollgate_lab"],
                         capture_output=True, text=True, timeout=5).stdout
    return lab_nft.parse(out, time.time())


def attack_totals(stages):
    totals = {}
    for stage in ("offered", "passed", "reached"):
        totals[stage] = sum(v["packets"] for a, v in stages.get(stage, {}).items() if is_attack(a))
    return totals


def office_calls(path):
    """Cumulative (attempted, completed) from the office's SIPp statistics file."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f, delimiter=";"))
    except OSError:
        return 0, 0
    if len(rows) < 2:
        return 0, 0
    head, last = rows[0], rows[-1]
    if len(last) < len(head) - 1:
        last = rows[-2] if len(rows) > 2 else None
        if last is None:
            return 0, 0

    def get(name):
        try:
            return int(last[head.index(name)])
        except (ValueError, IndexError):
            return 0
    return get("OutgoingCall(C)"), get("SuccessfulCall(C)")


def main():
    netns, seconds, out_csv, out_json, office_stat = sys.argv[1:6]
    sample = float(sys.argv[6]) if len(sys.argv) > 6 else 0.05
    seconds = float(seconds)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))

    start = time.time()
    first_drop = {}  # source -> {"time", "dropped", "exact"}
    previous = {"offered": 0, "passed": 0, "reached": 0}
    previous_calls = (0, 0)
    next_row = start + 1.0
    stages = {}
    with open(out_csv, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        second = 0
        while not stop and time.time() - start < seconds:
            stages = read_lab(netns)
            offered = stages.get("offered", {})
            passed = stages.get("passed", {})
            for address, o in offered.items():
                if address in first_drop:
                    continue
                p = passed.get(address, {"packets": 0, "last": 0.0})
                dropped = o["packets"] - p["packets"]
                if dropped > 0:
                    # One drop so far: the last offered packet is the first dropped, to the ms.
                    # More: `dropped` packets came between the last that passed and the last
                    # offered; the first of them is taken one even spacing after the last pass.
                    if dropped == 1 or not p["packets"]:
                        first = o["last"]
                    else:
                        first = p["last"] + (o["last"] - p["last"]) / dropped
                    first_drop[address] = {"time": first, "dropped": dropped, "exact": dropped == 1,
                                           "last_offered": o["last"], "last_passed": p["last"] if p["packets"] else None}
            now = time.time()
            if now >= next_row:
                second += 1
                totals = attack_totals(stages)
                calls = office_calls(office_stat)
                writer.writerow([second,
                                 totals["offered"] - previous["offered"],
                                 (totals["offered"] - totals["passed"]) - (previous["offered"] - previous["passed"]),
                                 totals["reached"] - previous["reached"],
                                 calls[0] - previous_calls[0],
                                 calls[1] - previous_calls[1]])
                f.flush()
                previous, previous_calls = totals, calls
                next_row += 1.0
            time.sleep(max(0.0, sample - (time.time() - now)))
    stages = read_lab(netns)
    with open(out_json, "w") as f:
        json.dump({"start": start, "end": time.time(), "first_drop": first_drop, "stages": stages}, f)


if __name__ == "__main__":
    main()
