"""Slow TCP clients for the hostile soak: from each source address, up to PER_SOURCE
connections to the switch, each sending the start of a REGISTER one byte a second and never
finishing it. A connection the switch closes is opened again (at most RECONNECTS_PER_S new
connections a second in all), so the pressure stays on for the whole run.

Usage: slow_tcp.py HOST PORT SECONDS PER_SOURCE SOURCE...
Prints one JSON line at the end: connections opened, refused or reset, closed by the switch.
"""
import errno
import json
import selectors
import socket
import sys
import time

RECONNECTS_PER_S = 100
TRICKLE = b"REGISTER sip:tollgate SIP/2.0\r\nVia: SIP/2.0/TCP 203.0.113.20;branch=z9hG4bK" + b"x" * 4000


def main(argv):
    host, port, seconds, per_source = argv[1], int(argv[2]), float(argv[3]), int(argv[4])
    sources = argv[5:]
    deadline = time.monotonic() + seconds
    selector = selectors.DefaultSelector()
    open_by_source = {s: 0 for s in sources}
    sent = {}  # socket -> bytes of TRICKLE sent
    counts = {"opened": 0, "failed_to_open": 0, "closed_by_switch": 0, "max_open": 0}

    def connect(source):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((source, 0))
            err = s.connect_ex((host, port))
        except OSError:
            s.close()
            counts["failed_to_open"] += 1
            return
        if err not in (0, errno.EINPROGRESS):
            s.close()
            counts["failed_to_open"] += 1
            return
        selector.register(s, selectors.EVENT_READ, source)
        sent[s] = 0
        open_by_source[source] += 1
        counts["opened"] += 1

    def drop(s, source):
        selector.unregister(s)
        s.close()
        del sent[s]
        open_by_source[source] -= 1

    next_tick = time.monotonic()
    while time.monotonic() < deadline:
        # Top up each source, within the reconnect budget of this second.
        budget = RECONNECTS_PER_S
        for source in sources:
            while open_by_source[source] < per_source and budget > 0:
                connect(source)
                budget -= 1
        counts["max_open"] = max(counts["max_open"], len(sent))
        # One byte on each connection, then wait for the next second, reading closes.
        for key in list(selector.get_map().values()):
            s = key.fileobj
            try:
                s.send(TRICKLE[sent[s] % len(TRICKLE):][:1])
                sent[s] += 1
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                counts["closed_by_switch"] += 1
                drop(s, key.data)
        next_tick += 1.0
        while True:
            timeout = next_tick - time.monotonic()
            if timeout <= 0:
                break
            for key, _ in selector.select(timeout):
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:
                    counts["closed_by_switch"] += 1
                    drop(s, key.data)
    for key in list(selector.get_map().values()):
        key.fileobj.close()
    print(json.dumps(counts), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
