"""Samples the hostile soak every INTERVAL seconds: each daemon's resident memory and open
descriptors (/proc), the switch's TCP connections on 5060 and its call counters (its control
socket's `status`), the office's legitimate calls (SIPp's statistics file) and the phase of
the run (the PHASE_FILE's contents). One CSV row a sample; stops after SECONDS or at SIGTERM.

Usage: sampler.py OUT_CSV SECONDS INTERVAL NETNS SWITCH_PID AGENT_PID SWITCH_SOCKET OFFICE_STAT PHASE_FILE
"""
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time

HEADER = ["t_s", "phase", "switch_rss_kb", "agent_rss_kb", "switch_fds", "agent_fds", "switch_tcp_connections",
          "calls_in_progress", "calls_overloaded", "calls_overloaded_source", "cdr_dropped",
          "legit_attempted", "legit_completed", "legit_failed"]


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return ""


def fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return ""


def tcp_connections(netns):
    try:
        out = subprocess.run(["ip", "netns", "exec", netns, "ss", "-Htn", "state", "established", "( sport = :5060 )"],
                             capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return sum(1 for line in out.splitlines() if line.strip())


def switch_status(path):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(3)
            s.connect(path)
            s.sendall(b'{"id":1,"command":"status"}\n')
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return json.loads(data).get("result", {})
    except (OSError, ValueError):
        return {}


def office_calls(path):
    """Cumulative (attempted, completed, failed) from SIPp's statistics file."""
    try:
        with open(path, newline="") as f:
            rows = [r for r in csv.reader(f, delimiter=";") if r]
        head = rows[0]
        for last in reversed(rows[1:]):
            if len(last) >= len(head) - 1:
                return tuple(int(last[head.index(k)]) for k in ("OutgoingCall(C)", "SuccessfulCall(C)", "FailedCall(C)"))
    except (OSError, IndexError, ValueError):
        pass
    return "", "", ""


def read_phase(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def main(argv):
    out_csv, seconds, interval, netns, switch_pid, agent_pid, switch_socket, office_stat, phase_file = argv[1:10]
    seconds, interval = float(seconds), float(interval)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    start = time.monotonic()
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        while not stop and time.monotonic() - start <= seconds:
            status = switch_status(switch_socket)
            calls, cdr = status.get("calls", {}), status.get("cdr", {})
            w.writerow([round(time.monotonic() - start, 1), read_phase(phase_file),
                        rss_kb(switch_pid), rss_kb(agent_pid), fds(switch_pid), fds(agent_pid), tcp_connections(netns),
                        calls.get("in_progress", ""), calls.get("overloaded", ""), calls.get("overloaded_source", ""),
                        cdr.get("dropped", ""), *office_calls(office_stat)])
            f.flush()
            next_at = start + interval * (int((time.monotonic() - start) / interval) + 1)
            while not stop and time.monotonic() < next_at:
                time.sleep(min(0.2, max(0.0, next_at - time.monotonic())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
