#!/usr/bin/python3
"""What a caller gets when the next hop cannot be reached (documented in stateless_proxy.cpp).

1. The next hop has no transport the proxy can use (;transport=tls, no sips: listener):
   nta_msg_tsend fails at once, the caller gets 503 and its ACK is absorbed.
2. A closed UDP port on 127.0.0.2 (ICMP port unreachable) and 3. a refused TCP connection:
   Sofia-SIP reports the error later, to NTA's agent-wide hook, naming no message, so a
   stateless proxy cannot answer: the caller gets no response at all (its Timer B ends the
   call with a local 408 after 32 s; here sipp gives up after 4 s), the proxy logs Sofia's
   "Connection refused" at debug and stays up. Over UDP the INVITE went out
   (requests.relayed); over TCP it never left, which the proxy learns from the connection
   (stream_fallback.hpp): a sip.forward_failed warning and requests.forward_failed, not
   requests.relayed.
"""
import sys, os, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port, scenario_from_template

# "At once" means from the proxy itself, not from the caller's Timer B (64*T1 = 32 s, RFC 3261
# §17.1.1.2): a bound well below Timer B that a loaded machine still meets.
IMMEDIATE = 15

s = Scenario("sip-unreachable")
s.bindings()
caller_port = free_port()

for transport, expect_503 in (("tls", True), ("udp", False), ("tcp", False)):
    proxy_port, dead_port = free_port(), free_port("127.0.0.2")
    s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
                   "next_hop": "sip:127.0.0.2:%d;transport=%s" % (dead_port, transport),
                   "trusted_peers": "127.0.0.1"})
    if expect_503:
        xml = scenario_from_template(s, "caller_rejected.xml.in", CODE=503)
        caller = s.sipp("caller-" + transport, xml, "127.0.0.1", caller_port,
                        "127.0.0.1:%d" % proxy_port, csv=["bob@example.com", ""],
                        timeout=IMMEDIATE + 5)
        start = time.time()
        s.check(s.wait(caller) == 0, transport + ": caller did not get a 503")
        s.check(time.time() - start < IMMEDIATE, transport + ": the 503 was not immediate")
        # The caller's scenario ends with its ACK sent: the proxy logs its absorption after.
        s.check(s.wait_for_text(s.proxy_log, "sip.forward_failed"),
                transport + ": no sip.forward_failed log line")
        s.check(s.wait_for_text(s.proxy_log, "sip.ack_absorbed"),
                transport + ": the ACK to the 503 was not absorbed")
    else:
        caller = s.sipp("caller-" + transport, "caller_invite.xml", "127.0.0.1", caller_port,
                        "127.0.0.1:%d" % proxy_port, csv=["bob@example.com", "", ""], timeout=4)
        s.check(s.wait(caller) not in (0, None), transport + ": the call did not time out")
        got = [m for d, m in s.messages("caller-" + transport) if d == "received"]
        s.check(not got, transport + ": caller received %s" % [m.split("\n")[0] for m in got])
        s.check(s.wait_for_text(s.proxy_log, "Connection refused"),
                transport + ": Sofia's Connection refused not in the log")
    s.check(s.proxy_alive(), transport + ": proxy died")
    s.stop_proxy()
    c = s.counters()
    if expect_503:
        s.check(c.get("requests.rejected.503") == 1 and c.get("requests.forward_failed") == 1,
                transport + ": counters %s" % {k: v for k, v in c.items() if "503" in k or
                                               "forward" in k})
    else:
        if transport == "udp":
            s.check(c.get("requests.relayed", 0) >= 1, transport + ": requests.relayed is 0")
        else:
            s.check(c.get("requests.relayed", 0) == 0 and c.get("requests.forward_failed", 0) >= 1,
                    transport + ": a request that never left counted %s" %
                    {k: v for k, v in c.items() if "relayed" in k or "forward" in k})
            s.check(any("sip.forward_failed" in l and " warn" in l for l in
                        s.read(s.proxy_log).splitlines()),
                    transport + ": no sip.forward_failed warning")
        # The proxy answered nothing at all, also after sipp gave up (the log line above
        # shows the INVITE was handled; the counters cover the whole run).
        answered = {k: v for k, v in c.items() if k.startswith("requests.rejected.") and v}
        s.check(not answered, transport + ": the proxy answered: %s" % answered)
    os.rename(s.proxy_log, s.path("proxy-%s.log" % transport))

s.finish("no transport: 503 at once; closed UDP port and refused TCP: caller times out")
