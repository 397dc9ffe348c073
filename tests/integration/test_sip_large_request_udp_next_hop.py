#!/usr/bin/python3
"""A request larger than a datagram's safe size (RFC 3261 §18.1.1: 1300 bytes) toward a next
hop that listens on UDP only, with real packets: a raw UDP caller (127.0.0.1) -> proxy (UDP and
TCP) -> a raw UDP next hop (127.0.0.2).

- next_hop ;transport=udp: the URI names UDP, so UDP is used (RFC 3263 §4.1), whatever the
  size; counted as relayed.
- next_hop with no transport: the proxy tries TCP (§18.1.1); the next hop refuses it, so the
  request goes over UDP; counted as relayed once.
- next_hop ;transport=tcp to a port where nothing listens: lost, and said so: a warning, the
  forward_failed counter, and not counted as relayed.
"""
import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port
from udp_agent import UdpAgent

PAD = "X-Padding: " + "p" * 1500  # the INVITE is then about 1900 bytes


def large_invite(caller, proxy_port, call_id):
    caller.request("INVITE", "sip:bob@example.com", call_id, 1, "<sip:alice@example.com>;tag=a1",
                   "<sip:bob@example.com>", ("127.0.0.1", proxy_port), extra=[PAD])


def counter(s, name, want):
    return s.wait_until(lambda: s.counters().get(name) == want, 10)


s = Scenario("sip-large-udp")
s.ctl("init")
proxy_port, caller_port, hop_port = free_port(), free_port(), free_port("127.0.0.2")
caller = UdpAgent("127.0.0.1", caller_port, "alice")
hop = UdpAgent("127.0.0.2", hop_port, "bob")  # UDP only: a TCP connection to it is refused

for n, suffix in enumerate([";transport=udp", ""]):
    s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
                   "next_hop": "sip:127.0.0.2:%d%s" % (hop_port, suffix)})
    call_id = "large-%d" % n
    large_invite(caller, proxy_port, call_id)
    got = hop.expect(lambda m: m.header("Call-ID") == call_id, 10)
    if s.check(got is not None, "next hop%s got no large INVITE over UDP" % suffix):
        vias = got.values("Via")
        s.check(len(vias) == 2 and vias[0].startswith("SIP/2.0/UDP 127.0.0.1:%d" % proxy_port),
                "next hop%s: Via %s" % (suffix, vias))
        s.check(PAD in got.text, "the padding did not arrive whole")
    s.check(counter(s, "requests.relayed", 1), "relayed counter %s" % s.counters())
    s.check(s.counters().get("requests.forward_failed") == 0, "counted as failed")
    if not suffix:
        s.check(s.wait_for_text(s.proxy_log, "sip.udp_fallback"), "no log of the UDP retry")
    s.check(hop.expect(lambda m: m.header("Call-ID") == call_id, 0.5) is None,
            "the INVITE arrived twice")
    s.stop_proxy()

# Explicit TCP to a port where nothing listens: a loss, said so.
closed_port = free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
               "next_hop": "sip:127.0.0.2:%d;transport=tcp" % closed_port})
large_invite(caller, proxy_port, "large-lost")
s.check(counter(s, "requests.forward_failed", 1), "loss not counted: %s" % s.counters())
s.check(s.counters().get("requests.relayed") == 0, "a lost request counted as relayed")
s.stop_proxy()
lost = [l for l in s.read(s.proxy_log).splitlines() if "sip.forward_failed" in l]
s.check(len(lost) == 1 and " warn" in lost[0] and "call_id=large-lost" in lost[0],
        "the loss is not one warning line with its Call-ID: %s" % lost)
s.finish("large requests reach a UDP-only next hop; a loss is counted and logged")
