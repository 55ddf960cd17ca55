#!/usr/bin/env python3
"""The interop suite's audio: `tone.py make FILE` writes 20 s of a 440 Hz tone (8 kHz mono
16-bit, what G.711 carries); `tone.py check FILE` exits 0 when FILE holds at least MIN_SECONDS
of loud audio whose pitch is near 440 Hz, i.e. the tone crossed the call as RTP.
The WAV header is not trusted: a phone that is stopped may leave its length unwritten."""
import math
import struct
import sys
import wave

RATE = 8000
PITCH = 440
MIN_SECONDS = 1.5


def make(path):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * PITCH * i / RATE)))
                               for i in range(RATE * 20)))


def samples(path):
    raw = open(path, "rb").read()
    at = raw.find(b"data")
    if at < 0:
        raise SystemExit(f"{path}: no data chunk")
    with wave.open(path) as w:
        channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
    if width != 2:
        raise SystemExit(f"{path}: {8 * width}-bit samples, expected 16")
    body = raw[at + 8:]
    body = body[:len(body) - len(body) % (2 * channels)]
    return struct.unpack(f"<{len(body) // 2}h", body)[::channels], rate


def check(path):
    data, rate = samples(path)
    loud = 0
    crossings = 0
    for a, b in zip(data, data[1:]):
        if abs(a) > 2000 or abs(b) > 2000:
            loud += 1
            if (a < 0) != (b < 0):
                crossings += 1
    seconds = loud / rate
    pitch = crossings / 2 / seconds if seconds else 0
    print(f"{path}: {len(data) / rate:.1f} s recorded, {seconds:.1f} s loud, pitch about {pitch:.0f} Hz")
    return seconds >= MIN_SECONDS and abs(pitch - PITCH) < 100


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "check"):
        raise SystemExit("usage: tone.py make|check FILE.wav")
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        sys.exit(0 if check(sys.argv[2]) else 1)
