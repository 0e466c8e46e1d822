"""Scapy side of the send-hokey interop test (run by tests/interop.rs).

Reads messages emitted by send-hokey, one per line:
    icmp <src> <dst> <hex of the ICMPv6 message>
    mh <src> <dst> <home address> <hex of the Mobility Header>
builds the IPv6 packets with Scapy (Ethernet / IPv6 Hop Limit 255 / payload; the FBU with a
Destination Options header carrying the Home Address option) and writes them to a pcap for
tshark. For every ICMPv6 message it prints `cksum <ours> <scapy's in6_chksum>`. It then
prints SEND options built by Scapy's own classes as `opt <hex>`, for the Rust side to parse.
"""
import sys

from scapy.all import Ether, IPv6, Raw, wrpcap
from scapy.contrib.send import ICMPv6NDOptCGA, ICMPv6NDOptNonce, ICMPv6NDOptRsaSig
from scapy.layers.inet6 import HAO, ICMPv6NDOptIPAddr, IPv6ExtHdrDestOpt, PadN, in6_chksum

inp, pcap, params = sys.argv[1], sys.argv[2], sys.argv[3]
pkts = []
for line in open(inp):
    f = line.split()
    if not f:
        continue
    eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:fe")
    if f[0] == "icmp":
        src, dst, msg = f[1], f[2], bytes.fromhex(f[3])
        ip = IPv6(src=src, dst=dst, hlim=255, nh=58)
        zeroed = msg[:2] + b"\0\0" + msg[4:]
        ours = int.from_bytes(msg[2:4], "big")
        print("cksum %d %d" % (ours, in6_chksum(58, ip / Raw(zeroed), zeroed)))
        pkts.append(eth / ip / Raw(msg))
    elif f[0] == "mh":
        src, dst, hoa, mh = f[1], f[2], f[3], bytes.fromhex(f[4])
        dopt = IPv6ExtHdrDestOpt(nh=135, options=[PadN(optdata=b""), HAO(hoa=hoa), PadN(optdata=b"")])
        pkts.append(eth / IPv6(src=src, dst=dst, hlim=64, nh=60) / dopt / Raw(mh))
wrpcap(pcap, pkts)

cga = open(params, "rb").read()
for o in [
    ICMPv6NDOptNonce(nonce=bytes(range(1, 15))),
    ICMPv6NDOptCGA(CGA_PARAMS=cga),
    ICMPv6NDOptRsaSig(key_hash=bytes(range(16)), signature_pad=bytes(132)),
    ICMPv6NDOptIPAddr(optcode=3, plen=128, addr="2004::1"),
]:
    print("opt " + bytes(o).hex())
