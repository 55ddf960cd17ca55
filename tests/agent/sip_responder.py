#!/usr/bin/python3
# A plain UDP SIP responder standing in for the switch: logs every datagram, answers requests.
#
# Usage: sip_responder.py LOG [PORT]
# Each datagram that reaches it becomes one JSON line in LOG: source address and port, the
# first line, the User-Agent, the Call-ID and the raw text. REGISTER without credentials
# gets 401 with a challenge, REGISTER with credentials for user 1001 gets 200 and for any
# other user 403, INVITE gets 200 with a Contact, ACK nothing, anything
# else 200. Runs until killed.
import json
import socket
import sys


def header(lines, *names):
    for line in lines[1:]:
        if not line:
            break
        name, _, value = line.partition(":")
        if name.strip().lower() in names:
            return value.strip()
    return ""


def response(code, reason, lines, extra=()):
    keep = []
    for line in lines[1:]:
        if not line:
            break
        name = line.partition(":")[0].strip().lower()
        if name in ("via", "v", "from", "f", "to", "t", "call-id", "i", "cseq"):
            if name in ("to", "t") and ";tag=" not in line:
                line += ";tag=resp1"
            keep.append(line)
    out = ["SIP/2.0 %d %s" % (code, reason)] + keep + list(extra) + ["Content-Length: 0", "", ""]
    return "\r\n".join(out).encode()


def main():
    log = open(sys.argv[1], "a", buffering=1)
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 5060
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind(("::", port))
    log.write(json.dumps({"ready": True}) + "\n")
    while True:
        data, peer = sock.recvfrom(65535)
        text = data.decode("utf-8", "replace")
        lines = text.split("\r\n")
        source = peer[0][7:] if peer[0].startswith("::ffff:") else peer[0]
        log.write(json.dumps({"src": source, "port": peer[1], "first": lines[0],
                              "ua": header(lines, "user-agent"),
                              "call_id": header(lines, "call-id", "i"), "raw": text}) + "\n")
        parts = lines[0].split(" ")
        if len(parts) < 3 or not parts[2].startswith("SIP/2.0"):
            continue
        method = parts[0]
        if method == "ACK":
            continue
        if method == "REGISTER":
            auth = header(lines, "authorization")
            if not auth:
                reply = response(401, "Unauthorized", lines,
                                 ['WWW-Authenticate: Digest realm="tollgate", nonce="0123456789abcdef", algorithm=MD5'])
            elif 'username="1001"' in auth:
                reply = response(200, "OK", lines, ["Expires: 3600"])
            else:
                reply = response(403, "Forbidden", lines)
        elif method == "INVITE":
            reply = response(200, "OK", lines, ["Contact: <sip:switch@192.0.2.1:5060>"])
        else:
            reply = response(200, "OK", lines)
        sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
