#!/usr/bin/env python3
"""A control-protocol client (include/abi/ctl.h) for the virtio tests:

    ctlclient.py SOCKET ping|ls|stats|seal|stop
    ctlclient.py SOCKET load|upgrade FILE
    ctlclient.py SOCKET unload NAME
    ctlclient.py SOCKET bad-magic|bad-length

prints "status N" and the response's text.  The bad-* requests are not
well-framed messages; the launcher must answer them itself.
"""
import socket
import struct
import sys

MAGIC = 0x4C544347
OPS = {"ping": 1, "load": 2, "unload": 3, "upgrade": 4, "ls": 5,
       "seal": 6, "stop": 7, "stats": 8}


def request(path, data):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(30)
    s.connect(path)
    s.send(data)
    resp = s.recv(16 + (1 << 20))
    magic, op, status, length = struct.unpack("<IIiI", resp[:16])
    print(f"status {status}")
    sys.stdout.write(resp[16:16 + length].decode(errors="replace"))


def main():
    path, what = sys.argv[1], sys.argv[2]
    if what == "bad-magic":
        request(path, struct.pack("<IIiI", 0x12345678, 1, 0, 0))
        return
    if what == "bad-length":
        request(path, struct.pack("<IIiI", MAGIC, 1, 0, 100) + b"short")
        return
    payload = b""
    if what in ("load", "upgrade"):
        with open(sys.argv[3], "rb") as f:
            payload = f.read()
    elif what == "unload":
        payload = sys.argv[3].encode()
    request(path, struct.pack("<IIiI", MAGIC, OPS[what], 0, len(payload))
            + payload)


main()
