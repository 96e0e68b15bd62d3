#!/usr/bin/env python3
# A stand-in for an instance's control socket (include/abi/ctl.h), so that
# the graft tool's client can be tested without a kernel: it checks each
# request's framing and answers.  What it answers is chosen by the request:
# `graft unload SOCK MODE` with MODE one of
#   refuse    status -22 and a text
#   badmagic  a response with the wrong magic
#   badop     a response to another op
#   short     a response shorter than a header
#   silent    no response (the client must time out)
#   close     close without a response
# and every other request gets status 0 and a line describing what came.
import os, socket, struct, sys, time, zlib

MAGIC, RESPONSE = 0x4C544347, 0x100
path = sys.argv[1]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
srv.bind(path)
srv.listen(4)
open(path + ".ready", "w").close()


def answer(op, status, text, magic=MAGIC):
    body = text.encode()
    return struct.pack("<IIiI", magic, op, status, len(body)) + body


while True:
    conn, _ = srv.accept()
    msg = conn.recv(16 << 20)
    if len(msg) < 16:
        conn.close()
        continue
    magic, op, _, length = struct.unpack("<IIiI", msg[:16])
    payload = msg[16:]
    mode = payload.decode(errors="replace") if op == 3 else ""
    if mode == "refuse":
        conn.send(answer(op | RESPONSE, -22, "module 'x': refused for the test\n"))
    elif mode == "badmagic":
        conn.send(answer(op | RESPONSE, 0, "x", magic=0x12345678))
    elif mode == "badop":
        conn.send(answer(5 | RESPONSE, 0, "x"))
    elif mode == "short":
        conn.send(b"GCTL")
    elif mode == "silent":
        time.sleep(1.5)
    elif mode == "close":
        pass
    else:
        framing = "ok" if magic == MAGIC and length == len(payload) else "bad"
        conn.send(answer(op | RESPONSE, 0,
                         "op %d length %d framing %s crc %08x\n"
                         % (op, length, framing, zlib.crc32(payload))))
    conn.close()
