#!/usr/bin/env python3
"""Hostile frames for a graft instance behind a tap device.

Run inside the test's network namespace, as root: writes raw Ethernet
frames to the tap with an AF_PACKET socket, so nothing of Linux's own
stack shapes them.  One attack per run:

  malformed   truncated headers at every layer, bad checksums, bogus
              header and total lengths, bogus TCP options, bogus ARP, and
              seeded random garbage
  oversized   frames longer than the instance's MTU (the tap's MTU must
              be raised first)
  fragments   overlapping fragments, then endless ones: thousands of
              datagrams that never complete, and pieces past 64 KiB
  synflood    SYNs to an open port from many spoofed addresses and ports
  window      against a live connection (its own, through Linux's
              socket): resets, SYNs and data outside the window, acks of
              data never sent; the connection must still echo after

Prints one line of counts; exits non-zero only when it could not run.
"""
import os
import random
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def ip_bytes(text):
    return socket.inet_aton(text)


class Injector:
    def __init__(self, dev, src_mac, dst_mac, src_ip, dst_ip):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.sock.bind((dev, 0))
        self.src_mac, self.dst_mac = mac_bytes(src_mac), mac_bytes(dst_mac)
        self.src_ip, self.dst_ip = ip_bytes(src_ip), ip_bytes(dst_ip)
        self.sent = 0
        self.refused = 0

    def eth(self, payload, ethertype=ETH_P_IP):
        return self.dst_mac + self.src_mac + struct.pack("!H", ethertype) + payload

    def send(self, frame):
        try:
            self.sock.send(frame)
            self.sent += 1
        except OSError:
            # The tap refuses what Linux will not carry (longer than its
            # MTU allows): counted, not fatal.
            self.refused += 1

    def ip(self, proto, payload, src=None, ihl=5, total=None, ident=0,
           frag=0, ttl=64, options=b"", good_csum=True):
        src = src or self.src_ip
        if total is None:
            total = ihl * 4 + len(payload) if ihl >= 5 else 20 + len(payload)
        hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | (ihl & 15), 0, total & 0xFFFF,
                          ident, frag, ttl, proto, 0, src, self.dst_ip)
        hdr += options
        c = csum(hdr)
        if not good_csum:
            c ^= 0x5A5A
        hdr = hdr[:10] + struct.pack("!H", c) + hdr[12:]
        return hdr + payload

    def tcp(self, sport, dport, seq, ack, flags, payload=b"", doff=None,
            options=b"", window=65535, src=None, good_csum=True):
        if doff is None:
            doff = (20 + len(options)) // 4
        hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                          ack & 0xFFFFFFFF, (doff & 15) << 4, flags, window, 0, 0)
        seg = hdr + options + payload
        pseudo = (src or self.src_ip) + self.dst_ip + struct.pack("!BBH", 0, 6, len(seg))
        c = csum(pseudo + seg)
        if not good_csum:
            c ^= 0x1234
        return seg[:16] + struct.pack("!H", c) + seg[18:]

    def udp(self, sport, dport, payload, length=None, good_csum=True):
        length = 8 + len(payload) if length is None else length
        seg = struct.pack("!HHHH", sport, dport, length & 0xFFFF, 0) + payload
        pseudo = self.src_ip + self.dst_ip + struct.pack("!BBH", 0, 17, len(seg))
        c = csum(pseudo + seg) or 0xFFFF
        if not good_csum:
            c ^= 0x4321
        return seg[:6] + struct.pack("!H", c) + seg[8:]


def malformed(inj, port):
    rng = random.Random(20261128)
    good_syn = inj.tcp(40000, port, 1, 0, 0x02)
    good_ip = inj.ip(6, good_syn)
    # Truncated at every byte of the IPv4 and TCP headers.
    for n in range(0, len(good_ip)):
        inj.send(inj.eth(good_ip[:n]))
    # Bad checksums: IPv4 header, TCP, UDP, ICMP.
    inj.send(inj.eth(inj.ip(6, good_syn, good_csum=False)))
    inj.send(inj.eth(inj.ip(6, inj.tcp(40001, port, 1, 0, 0x02, good_csum=False))))
    inj.send(inj.eth(inj.ip(17, inj.udp(40002, port, b"x" * 20, good_csum=False))))
    icmp = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"ping"
    inj.send(inj.eth(inj.ip(1, icmp)))  # checksum left zero: wrong
    # Bogus IPv4 lengths: header length below 5 and past the frame, total
    # length shorter than the header and longer than the frame.
    for ihl in (0, 1, 4, 15):
        inj.send(inj.eth(inj.ip(6, good_syn, ihl=ihl)))
    for total in (0, 1, 19, 21, 39, 1500, 65535):
        inj.send(inj.eth(inj.ip(6, good_syn, total=total)))
    # IPv4 options with bogus lengths.
    for opt in (b"\x07\x00\x04\x00", b"\x07\xff\x04\x00", b"\x44\x01\x00\x00",
                b"\x01\x01\x01\x83"):
        inj.send(inj.eth(inj.ip(6, good_syn, ihl=6, options=opt)))
    # TCP data offset below 5 and past the segment; options whose lengths
    # are 0, 1, or run past the header; absurd MSS and window scale.
    for doff in (0, 1, 4, 15):
        inj.send(inj.eth(inj.ip(6, inj.tcp(40003, port, 7, 0, 0x02, doff=doff))))
    for opt in (b"\x02\x00\x00\x00", b"\x02\x01\x00\x00", b"\x02\x04\x00\x00",
                b"\x03\x03\xff\x00", b"\x08\x0a" + b"\0" * 6, b"\x05\xff\x00\x00",
                b"\x04\x00\x00\x00", b"\x05\x0a\x00\x00\x00\x00\x00\x00\x00\x00",
                b"\xfe\x28" + b"\0" * 38):
        inj.send(inj.eth(inj.ip(6, inj.tcp(40004, port, 9, 0, 0x02, options=opt))))
    # UDP length shorter than its header and longer than the datagram.
    for length in (0, 7, 9, 4000):
        inj.send(inj.eth(inj.ip(17, inj.udp(40005, port, b"y" * 16, length=length))))
    # ARP with bogus hardware and protocol lengths, and truncated.
    arp = struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 1) + inj.src_mac + inj.src_ip \
        + b"\0" * 6 + inj.dst_ip
    for n in range(0, len(arp)):
        inj.send(inj.eth(arp[:n], ETH_P_ARP))
    for hl, pl in ((0, 4), (6, 0), (255, 255), (6, 16)):
        inj.send(inj.eth(arp[:4] + bytes((hl, pl)) + arp[6:], ETH_P_ARP))
    # Unknown ethertypes and IP protocols.
    inj.send(inj.eth(b"\0" * 46, 0x86DD))
    inj.send(inj.eth(inj.ip(253, b"z" * 30)))
    # Seeded garbage: random bytes after a valid Ethernet header, and
    # random bytes after a valid IPv4 header claiming TCP, UDP or ICMP.
    for _ in range(3000):
        n = rng.randrange(0, 1500)
        body = bytes(rng.getrandbits(8) for _ in range(n))
        kind = rng.randrange(3)
        if kind == 0:
            inj.send(inj.eth(body, rng.choice((ETH_P_IP, ETH_P_ARP))))
        else:
            proto = rng.choice((1, 6, 17))
            inj.send(inj.eth(inj.ip(proto, body[:1400])))


def oversized(inj, port):
    for size in (1515, 1600, 4000, 9000, 9100, 16000):
        payload = b"o" * (size - 14 - 20 - 20)
        seg = inj.tcp(40100, port, 1, 0, 0x18, payload)
        inj.send(inj.eth(inj.ip(6, seg)))
        inj.send(inj.eth(inj.ip(17, inj.udp(40101, port, payload))))


def fragments(inj, port):
    def frag(ident, offset8, more, data, proto=17):
        flags = (0x2000 if more else 0) | (offset8 & 0x1FFF)
        return inj.eth(inj.ip(proto, data, ident=ident, frag=flags))

    # Overlapping pieces of one datagram, each overlap shaped differently.
    body = inj.udp(40200, port, b"A" * 64)
    for ident, plan in enumerate((
            [(0, True, body[:32]), (2, True, body[16:48]), (4, False, body[32:])],
            [(0, True, body[:48]), (0, True, body[:48]), (6, False, body[48:])],
            [(4, False, body[32:]), (0, True, body[:40]), (3, True, body[24:40])],
            [(0, True, body[:16]), (1, True, b"X" * 64), (2, False, body[16:])],
    ), start=1000):
        for off, more, data in plan:
            inj.send(frag(ident, off, more, data))
    # Endless: thousands of datagrams whose last piece never comes.
    for ident in range(2000, 12000):
        inj.send(frag(ident, 0, True, b"E" * 64))
    # Pieces that would reassemble past 65535 bytes, and a piece at the
    # largest offset with more to follow.
    for off8 in range(0, 8191, 180):
        inj.send(frag(40000, off8, True, b"F" * 1440))
    inj.send(frag(40001, 8191, False, b"G" * 1000))
    inj.send(frag(40002, 8191, True, b"H" * 8))
    # A TCP segment split so that its header straddles pieces.
    seg = inj.tcp(40201, port, 5, 0, 0x02)
    inj.send(frag(50000, 0, True, seg[:8], proto=6))
    inj.send(frag(50000, 1, False, seg[8:], proto=6))


def synflood(inj, port, count):
    rng = random.Random(7)
    for i in range(count):
        # Spoofed sources inside the namespace's subnet (the instance asks
        # ARP for them, and nobody answers) and on the test's own address.
        if i % 2:
            src = bytes((192, 0, 2, rng.randrange(100, 250)))
        else:
            src = inj.src_ip
        seg = inj.tcp(rng.randrange(1024, 65535), port, rng.getrandbits(32), 0,
                      0x02, options=b"\x02\x04\x05\xb4", src=src)
        inj.send(inj.eth(inj.ip(6, seg, src=src)))


def window(inj, dst, port):
    rng = random.Random(11)
    conn = socket.create_connection((dst, port), timeout=10)
    conn.sendall(b"before\n")
    got = b""
    while not got.endswith(b"\n"):
        got += conn.recv(100)
    if got != b"before\n":
        print("window: echo before the attack said %r" % got)
        return False
    sport = conn.getsockname()[1]
    for _ in range(1000):  # resets at random sequence numbers
        inj.send(inj.eth(inj.ip(6, inj.tcp(sport, port, rng.getrandbits(32), 0, 0x04))))
    for _ in range(200):  # resets with ACK, at random numbers
        inj.send(inj.eth(inj.ip(6, inj.tcp(sport, port, rng.getrandbits(32),
                                           rng.getrandbits(32), 0x14))))
    for _ in range(200):  # SYNs on the established connection
        inj.send(inj.eth(inj.ip(6, inj.tcp(sport, port, rng.getrandbits(32), 0, 0x02))))
    for _ in range(500):  # data far outside the window, acks of unsent data
        inj.send(inj.eth(inj.ip(6, inj.tcp(sport, port, rng.getrandbits(32),
                                           rng.getrandbits(32), 0x18, b"junk"))))
    time.sleep(0.5)
    conn.sendall(b"after\n")
    got = b""
    try:
        while not got.endswith(b"\n"):
            more = conn.recv(100)
            if not more:
                break
            got += more
    except OSError as e:
        print("window: connection broken by the attack: %s" % e)
        return False
    conn.close()
    if got != b"after\n":
        print("window: echo after the attack said %r" % got)
        return False
    return True


def main():
    if len(sys.argv) != 8:
        sys.exit("usage: inject_frames.py ATTACK DEV SRC_MAC DST_MAC SRC_IP DST_IP PORT")
    attack, dev, smac, dmac, sip, dip, port = sys.argv[1:]
    port = int(port)
    inj = Injector(dev, smac, dmac, sip, dip)
    ok = True
    if attack == "malformed":
        malformed(inj, port)
    elif attack == "oversized":
        oversized(inj, port)
    elif attack == "fragments":
        fragments(inj, port)
    elif attack == "synflood":
        synflood(inj, port, int(os.environ.get("SYNFLOOD_COUNT", "20000")))
    elif attack == "window":
        ok = window(inj, dip, port)
    else:
        sys.exit("inject_frames.py: no attack named '%s'" % attack)
    print("%s: %d frames sent, %d refused by the tap" % (attack, inj.sent, inj.refused))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
