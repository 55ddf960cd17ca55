#!/usr/bin/env python3
"""Checks the digest credentials that uas_auth_407.xml logged ("INVITE <Proxy-Authorization>"
lines in SIPp's -log_file) against a user name and password: exit 0 when every logged line
is a correct RFC 2617/7616 MD5 answer for that user, 1 otherwise (or when none was logged).
Usage: check_digest.py LOG_FILE USER PASSWORD"""
import hashlib
import re
import sys


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


def verify(method, credentials, user, password):
    fields = dict((k.lower(), v1 if v1 else v2) for k, v1, v2 in
                  re.findall(r'([A-Za-z0-9-]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))', credentials))
    if fields.get("username") != user:
        return f"username {fields.get('username')!r}, expected {user!r}"
    if fields.get("algorithm", "MD5").upper() != "MD5":
        return f"algorithm {fields.get('algorithm')}"
    ha1 = md5(f"{user}:{fields['realm']}:{password}")
    ha2 = md5(f"{method}:{fields['uri']}")
    if "qop" in fields:
        expected = md5(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:{fields['qop']}:{ha2}")
    else:
        expected = md5(f"{ha1}:{fields['nonce']}:{ha2}")
    return None if fields.get("response") == expected else "wrong response"


def main():
    log, user, password = sys.argv[1:4]
    lines = [l.rstrip("\n") for l in open(log, errors="replace") if re.match(r"^(?:\S+\s+)*INVITE Digest ", l)]
    if not lines:
        print(f"{log}: no credentials logged")
        return 1
    for line in lines:
        credentials = line[line.index("INVITE Digest ") + len("INVITE "):]
        problem = verify("INVITE", credentials, user, password)
        if problem:
            print(f"{log}: {problem}: {credentials}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
