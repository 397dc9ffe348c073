#!/usr/bin/python3
"""The shipped Kamailio example ignores the Route headers a phone puts on a new request.

caller (127.0.0.1, raw UDP) -> Kamailio on conf/kamailio-cusax.cfg -> cusax -> Kamailio ->
callee (127.0.0.2, raw UDP). A phone's new INVITE or MESSAGE carries Route headers naming a
third host (127.0.0.3, a bare socket): a loose one, and a strict one naming a telephone number
there. Relayed as they came, cusax would honour them (RFC 3261 §16.6: a Route wins over the
configured next hop) and send the call straight to that host, past Kamailio's second pass (its
routing, its accounting), from cusax's address, which a gateway may trust. The example removes
them on pass 1, as Kamailio's stock configuration removes preloaded Routes: the callee gets each
request through cusax (alice's impp proves the way), without the phone's Route values, and the
third host gets nothing.
"""
import os, random, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import kamailio_example
from sipkit import Scenario, free_port
from udp_agent import UdpAgent

kamailio_example.skip_unless_installed()

GENUINE = "<xmpp:alice@xmpp.example.com>;purpose=impp"

s = Scenario("sip-kamailio-preloaded-route")
s.bindings()
ports = kamailio_example.ChainPorts()
kamailio_port, from_cusax_port, cusax_port = ports.kamailio, ports.from_cusax, ports.cusax
caller_port, callee_port = ports.caller, ports.callee
elsewhere_port = free_port("127.0.0.3")
kamailio_example.start_chain(s, ports, call_info_methods="INVITE, MESSAGE")
KAMAILIO = ("127.0.0.1", kamailio_port)
caller = UdpAgent("127.0.0.1", caller_port, "alice")
callee = UdpAgent("127.0.0.2", callee_port, "bob")
elsewhere = UdpAgent("127.0.0.3", elsewhere_port, "gateway")
run = random.randint(0, 1 << 30)
ELSEWHERE = "127.0.0.3:%d" % elsewhere_port
ROUTE_SETS = {
    "loose": ["<sip:%s;lr>" % ELSEWHERE],
    "strict number": ["<sip:+4989123@%s;user=phone>" % ELSEWHERE],
    "Kamailio then elsewhere": ["<sip:127.0.0.1:%d;lr>" % kamailio_port,
                                "<sip:%s;lr>" % ELSEWHERE],
}


def probe(label):
    return lambda m: not m.is_response and m.header("X-Probe") == label


for method in ("INVITE", "MESSAGE"):
    for name, routes in ROUTE_SETS.items():
        label = "%s with a preloaded Route (%s)" % (method, name)
        call_id = "route-%d-%d@caller" % (run, random.randint(0, 1 << 30))
        caller.request(method, "sip:bob@example.com", call_id, 1,
                       "<sip:alice@example.com>;tag=c%d" % run, "<sip:bob@example.com>",
                       KAMAILIO, routes, ["X-Probe: " + label])
        got = callee.expect(probe(label), timeout=10)
        if not s.check(got is not None, label + ": the callee never got it"):
            continue
        values = got.values("Call-Info")
        s.check(values.count(GENUINE) == 1,
                label + ": not through cusax (no alice's impp): %s" % values)
        s.check(ELSEWHERE not in got.text, label + ": the phone's Route reached the callee:\n" +
                got.text)
        callee.respond(got, 486 if method == "INVITE" else 200, "Busy Here" if method == "INVITE"
                       else "OK")
        if method == "INVITE":
            # The ACK to the 486 (hop by hop), so that no retransmission follows.
            caller.expect(lambda m: m.is_response and m.header("Call-ID") == call_id, timeout=10)
s.check(elsewhere.expect(lambda m: True, timeout=1) is None,
        "a request went to the host a phone's Route named")
for agent in (caller, callee, elsewhere):
    agent.close()
s.finish("a phone's preloaded Routes (loose, strict with a number, after Kamailio's own) are "
         "removed by the example: %d requests reached the callee through cusax, none the "
         "third host" % (2 * len(ROUTE_SETS)))
