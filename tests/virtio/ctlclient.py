#!/usr/bin/env python3
"""Speak the control protocol (include/abi/ctl.h) to an instance's socket:
ctlclient.py SOCKET OP PAYLOAD-BYTES prints the response's op, status and
payload length, and whether the payload came back unchanged (devtest ctl
echoes it)."""
import os
import socket
import struct
import sys

MAGIC = 0x4C544347


def main():
    path, op, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    payload = os.urandom(size)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(20)
    s.connect(path)
    s.send(struct.pack("<IIiI", MAGIC, op, 0, size) + payload)
    resp = s.recv(16 + size + 4096)
    magic, rop, status, length = struct.unpack("<IIiI", resp[:16])
    same = resp[16:] == payload and length == size
    print(f"op {rop:#x} status {status} length {length} "
          f"{'same' if same else 'different'}")


main()
