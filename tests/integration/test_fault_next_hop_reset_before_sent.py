#!/usr/bin/python3
"""A next hop whose connection is reset after the kernel completed it: a request that left cusax
counts as relayed, one that never left counts as lost (stream_fallback.cpp, the reset rule).

The next hop is a listening socket that never accepts: the kernel completes cusax's connection
from its backlog and keeps whatever cusax writes unread; closing the listener then resets the
connection. One INVITE each, from a trusted caller over UDP:
1. next_hop ...;transport=tcp: the INVITE is written into the connection (the listener's side
   holds at least its bytes) before the reset: it left, and counts in requests.relayed, with no
   sip.forward_failed warning.
2. next_hop ...;transport=tls: the connection is up but TLS never gets past cusax's
   ClientHello, so not one byte of the INVITE was sent when the reset comes: it counts in
   requests.forward_failed, not requests.relayed, and the warning names its Call-ID, reported
   on the reset (well before the 32 s give-up for a connection that never opens).
"""
import os
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import sip_load  # noqa: E402
import sipkit  # noqa: E402

WAIT = 10  # bound for each event waited for, in seconds
REPORTED_WITHIN = 20  # the reset's report, well below the proxy's own 32 s give-up
INVITE_BYTES = 300  # an INVITE from the caller below, as the proxy relays it, is longer


def hex_address(ip, port):
    return "%s:%04X" % ("".join("%02X" % int(b) for b in reversed(ip.split("."))), port)


def unread_at(port):
    """Bytes waiting unread in the connections to 127.0.0.2:port (/proc/net/tcp rx_queue)."""
    want = hex_address("127.0.0.2", port)
    with open("/proc/net/tcp") as f:
        rows = [line.split() for line in f.readlines()[1:]]
    return sum(int(row[4].split(":")[1], 16) for row in rows if row[1] == want and row[3] == "01")


s = sipkit.Scenario("fault-next-hop-reset-before-sent")
s.bindings()
certs, proxy_dir = sipkit.proxy_tls_dir(s)

for transport, left in (("tcp", True), ("tls", False)):
    hop_port, udp_port, tls_port = sipkit.free_port("127.0.0.2"), sipkit.free_port(), \
        sipkit.free_port()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.2", hop_port))
    listener.listen(8)  # never accepted: the kernel completes the connection and keeps its data
    s.start_proxy({"listen": "sip:127.0.0.1:%d, sips:127.0.0.1:%d" % (udp_port, tls_port),
                   "next_hop": "sip:127.0.0.2:%d;transport=%s" % (hop_port, transport),
                   "trusted_peers": "127.0.0.1", "tls_certificate_dir": proxy_dir,
                   "tls_verify_peers": "outgoing"}, log_level="info")
    load = sip_load.CallLoad(udp_port, sipkit.free_port("127.0.0.2"))
    call_id = "reset-before-sent-" + transport
    try:
        load.caller.request("INVITE", "sip:bob@example.com", call_id, 1,
                            "<sip:alice@example.com>;tag=r", "<sip:bob@example.com>", load.proxy,
                            extra=["P-Asserted-Identity: <sip:alice@example.com>"])
        # TCP: the INVITE itself; TLS: only the ClientHello, which is shorter than an INVITE
        # would be, and nothing more can come before the server's answer that never comes.
        s.check(s.wait_until(lambda: unread_at(hop_port) > 0, WAIT),
                "%s: nothing of cusax's connection waits at the next hop" % transport)
        if left:
            s.check(s.wait_until(lambda: unread_at(hop_port) >= INVITE_BYTES, WAIT),
                    "tcp: the INVITE did not arrive whole (%d bytes)" % unread_at(hop_port))
        waiting = unread_at(hop_port)
        listener.close()  # the kernel resets the connection it kept for the listener

        def counted():
            c = s.counters()
            return c.get("requests.relayed", 0), c.get("requests.forward_failed", 0)

        want = (1, 0) if left else (0, 1)
        s.check(s.wait_until(lambda: counted() == want, REPORTED_WITHIN),
                "%s, %d bytes at the next hop when reset: (requests.relayed, "
                "requests.forward_failed) %s, expected %s" % (transport, waiting, counted(), want))
        warned = [l for l in s.read(s.proxy_log).splitlines()
                  if "sip.forward_failed" in l and "call_id=%s " % call_id in l + " "]
        s.check(bool(warned) != left, "%s: sip.forward_failed warnings %s" % (transport, warned))
        print("%s: %d bytes at the next hop when reset, counted %s, %s" %
              (transport, waiting, counted(), warned))
    finally:
        load.close()
    s.check(s.proxy_alive(), transport + ": proxy died")
    s.stop_proxy()
    os.rename(s.proxy_log, s.path("proxy-%s.log" % transport))
    if os.path.exists(s.path("sip-proxy.stats.json")):  # the next proxy starts from none
        os.rename(s.path("sip-proxy.stats.json"), s.path("stats-%s.json" % transport))

s.finish("a reset after the request was written counts it relayed; before any of it was "
         "written (TLS not past the ClientHello), lost")
