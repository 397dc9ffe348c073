#!/usr/bin/python3
"""Requests that end at the proxy, with real packets (raw UDP on 127.0.0.1 and 127.0.0.2):
  - RFC 3261 §11: OPTIONS whose Request-URI is the proxy and with no Route (what Kamailio's
    dispatcher sends to probe a destination) is answered 200 by the proxy, with Allow and
    Accept, and not relayed to the next hop;
  - RFC 3261 §16.3 item 3: an ACK with Max-Forwards 0 is not forwarded, and (§17) gets no
    response; with Max-Forwards 1 it is forwarded with 0.
"""
import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port
from udp_agent import UdpAgent

s = Scenario("sip-options-probe")
s.ctl("init")
proxy_port, probe_port, hop_port = free_port(), free_port(), free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
               "next_hop": "sip:127.0.0.2:%d" % hop_port})
proxy = ("127.0.0.1", proxy_port)
probe = UdpAgent("127.0.0.1", probe_port, "dispatcher")
hop = UdpAgent("127.0.0.2", hop_port, "next")
me = "<sip:dispatcher@127.0.0.1:%d>;tag=d1" % probe_port

probe.request("OPTIONS", "sip:127.0.0.1:%d" % proxy_port, "probe-1", 10, me,
              "<sip:127.0.0.1:%d>" % proxy_port, proxy)
answer = probe.expect(lambda m: m.header("Call-ID") == "probe-1", 10)
if s.check(answer is not None, "no answer to the OPTIONS probe"):
    s.check(answer.status == 200, "probe answered %s" % answer.first_line)
    allow = answer.header("Allow")
    s.check(all(m in allow for m in ("INVITE", "ACK", "CANCEL", "BYE", "OPTIONS")),
            "Allow: %r" % allow)
    s.check(answer.header("Accept") != "", "no Accept in the answer")
    s.check(";tag=" in answer.header("To"), "no To tag in the answer")

# The ACK with Max-Forwards 0, then an ACK with 1: the first to reach the next hop must be
# the second (on loopback, datagrams from one socket arrive in order).
for n, max_forwards in enumerate((0, 1)):
    lines = ["ACK sip:bob@example.com SIP/2.0",
             "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-ack%d;rport" % (probe_port, n),
             "Max-Forwards: %d" % max_forwards, "From: " + me, "To: <sip:bob@example.com>;tag=b1",
             "Call-ID: ack-%d" % max_forwards, "CSeq: 1 ACK", "Content-Length: 0", "", ""]
    probe.send("\r\n".join(lines), proxy)
got = hop.expect(lambda m: m.method == "ACK", 10)
if s.check(got is not None, "the ACK with Max-Forwards 1 was not forwarded"):
    s.check(got.header("Call-ID") == "ack-1", "the ACK with Max-Forwards 0 was forwarded")
    s.check(got.header("Max-Forwards") == "0", "forwarded with Max-Forwards %s" %
            got.header("Max-Forwards"))
# Anything the proxy sent before the last ACK left it is already in the sockets (loopback
# delivers at once): these reads only drain them, they wait for nothing.
s.check(hop.expect(lambda m: m.method == "OPTIONS", 0.05) is None, "the probe was relayed")
s.check(probe.expect(lambda m: m.header("Call-ID").startswith("ack-"), 0.05) is None,
        "an ACK was answered")
s.check(s.wait_for_text(s.proxy_log, "ACK not forwarded"), "the dropped ACK was not logged")
s.stop_proxy()
s.finish("OPTIONS probe answered 200 by the proxy; ACK with Max-Forwards 0 dropped")
