#!/usr/bin/python3
"""A Route whose transport parameter is given twice is refused, not sent by the other one.

The proxy reads a URI parameter's first occurrence (the TLS guard and the UDP fast path read
`transport`), Sofia-SIP's transport layer, which sends what the proxy hands it, the last: a
Route `;transport=tls;transport=udp` was checked as TLS and left over UDP. Here, with a next hop
listening on UDP and TCP on 127.0.0.2, `;lr;transport=tcp;transport=udp` reached it over UDP.
The proxy must answer 400 and the next hop must receive nothing; the same Route with one
transport (tcp) still reaches it over TCP.
"""
import os
import select
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port

s = Scenario("sip-repeated-hop-param")
s.bindings()
proxy_port, hop_port = free_port(), free_port("127.0.0.2")
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.2", hop_port))
tcp = socket.socket()
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.2", hop_port))
tcp.listen(5)
s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
               "next_hop": "sip:127.0.0.2:%d" % hop_port, "trusted_peers": "127.0.0.1"})
caller = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
caller.bind(("127.0.0.1", 0))


def send(i, route_params, until):
    """One INVITE with that Route; what arrived ("resp: ...", "UDP: ...", "TCP: ...") once
    `until` holds for it, or after 5 s."""
    m = ("INVITE sip:bob@127.0.0.2:%d SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKrepeated%d;rport\r\n"
         "Route: <sip:127.0.0.2:%d%s>\r\nFrom: <sip:alice@example.com>;tag=%d\r\n"
         "To: <sip:bob@example.com>\r\nCall-ID: repeated-%d\r\nCSeq: 1 INVITE\r\n"
         "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
         % (hop_port, caller.getsockname()[1], i, hop_port, route_params, i, i))
    caller.sendto(m.encode(), ("127.0.0.1", proxy_port))
    got, conns = [], []
    end = time.monotonic() + 5
    while time.monotonic() < end and not until(got):
        ready, _, _ = select.select([udp, tcp, caller] + conns, [], [], 0.1)
        for x in ready:
            if x is tcp:
                conns.append(tcp.accept()[0])
                continue
            data = x.recv(65535) if x is not udp else udp.recv(65535)
            if not data:
                conns.remove(x)
                continue
            kind = "resp" if x is caller else "UDP" if x is udp else "TCP"
            got.append("%s: %s" % (kind, data.decode(errors="replace").split("\r\n")[0]))
    for c in conns:
        c.close()
    return got


got = send(1, ";lr;transport=tcp;transport=udp",
           lambda g: any(x.startswith("resp: SIP/2.0 4") for x in g))
s.check(any(x.startswith("resp: SIP/2.0 400") for x in got),
        "no 400 for a repeated transport: %s" % got)
s.check(not any(x.startswith(("UDP", "TCP")) for x in got), "relayed all the same: %s" % got)
got = send(2, ";lr;transport=tcp", lambda g: any(x.startswith("TCP: INVITE") for x in g))
s.check(any(x.startswith("TCP: INVITE") for x in got),
        "one transport=tcp not relayed over TCP: %s" % got)
s.stop_proxy()
s.finish("a Route with transport given twice refused with 400; with one, relayed over TCP")
