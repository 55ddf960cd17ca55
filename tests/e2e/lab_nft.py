"""Reads `nft list table inet tollgate_lab` (and the agent's block sets) for the attack lab.

count STAGE PREFIX   packets at STAGE (offered, passed, reached) from sources starting with PREFIX
json                 every stage: {stage: {address: {"packets": n, "last": unix seconds}}}
"""
import json
import re
import sys
import time

ELEMENT = re.compile(r"([0-9a-f.:]+) counter packets (\d+) bytes \d+ expires ((?:\d+(?:ms|d|h|m|s))+)")
SET = re.compile(r"set (\w+)_v[46] \{(.*?)\n\t\}", re.S)
UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def seconds(text):
    return sum(float(n) * UNITS[u] for n, u in re.findall(r"(\d+)(ms|d|h|m|s)", text))


def parse(text, now, timeout=3600.0):
    """Per stage and source: packets, and the time of the last one (from the element's
    remaining timeout: every packet refreshes it to the set's full timeout)."""
    stages = {}
    for name, body in SET.findall(text):
        stage = stages.setdefault(name, {})
        for address, packets, expires in ELEMENT.findall(body):
            stage[address] = {"packets": int(packets), "last": now - (timeout - seconds(expires))}
    return stages


def main():
    now = time.time()
    stages = parse(sys.stdin.read(), now)
    if sys.argv[1] == "count":
        stage, prefix = sys.argv[2], sys.argv[3]
        print(sum(v["packets"] for a, v in stages.get(stage, {}).items() if a == prefix or (prefix[-1] in ":." and a.startswith(prefix))))
    elif sys.argv[1] == "json":
        print(json.dumps(stages))
    else:
        sys.exit("usage: lab_nft.py count STAGE PREFIX | json")


if __name__ == "__main__":
    main()
