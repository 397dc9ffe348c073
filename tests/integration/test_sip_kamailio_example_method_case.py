#!/usr/bin/python3
"""The shipped Kamailio example refuses a method it knows written in another case.

caller (127.0.0.1, raw UDP) -> Kamailio on conf/kamailio-cusax.cfg -> cusax -> Kamailio ->
callee (127.0.0.2, raw UDP). cusax runs pstn_policy = block: a new INVITE to +4989123 gets its
403. A method name is case-sensitive (RFC 3261 §7.1), so "invite" is an extension method, and
cusax relays it as one (RFC 3261 §16.6), without the charge policy it applies to INVITEs. But
Kamailio takes "invite" for an INVITE: it sent it to cusax and, on pass 2, on to the callee (in
production: to the gateway by the Request-URI), record-routed and tracked as a call, a call to
a blocked number past cusax's policy for any next hop that reads methods as Kamailio does. The
example answers such a request with an error and relays it nowhere. An extension method
Kamailio does not know ("Foo", RFC 4475's odd one) still reaches the callee, in its case.
"""
import os, random, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import kamailio_example
from sipkit import Scenario
from udp_agent import UdpAgent

kamailio_example.skip_unless_installed()

NUMBER = "sip:+4989123@example.com;user=phone"
ODD_METHOD = "!interesting-Method0123456789_*+`.%indeed'~"  # RFC 4475 §3.1.1.2

s = Scenario("sip-kamailio-method-case")
s.bindings()
ports = kamailio_example.ChainPorts()
kamailio = kamailio_example.start_chain(s, ports, offnet_number_prefixes="+", pstn_policy="block")
KAMAILIO = ("127.0.0.1", ports.kamailio)
caller = UdpAgent("127.0.0.1", ports.caller, "alice")
callee = UdpAgent("127.0.0.2", ports.callee, "bob")
run = random.randint(0, 1 << 30)


def probe(label):
    return lambda m: not m.is_response and m.header("X-Probe") == label


def final(call_id):
    return lambda m: m.is_response and m.status >= 200 and m.header("Call-ID") == call_id


def send(method, label):
    call_id = "case-%d-%d@caller" % (run, random.randint(0, 1 << 30))
    from_hdr = "<sip:alice@example.com>;tag=c%d" % run
    branch = caller.request(method, NUMBER, call_id, 1, from_hdr, "<%s>" % NUMBER, KAMAILIO,
                            [], ["X-Probe: " + label])
    return call_id, from_hdr, branch


refused = []
for method in ("invite", "Invite", "INVITe", "message", "Options"):
    label = "new %s to a blocked number" % method
    call_id, from_hdr, branch = send(method, label)
    answer = caller.expect(final(call_id), timeout=10)
    if s.check(answer is not None, label + ": no final response"):
        s.check(answer.status >= 400, label + ": answered " + answer.first_line)
        if method.upper() == "INVITE":  # hop by hop, as to an INVITE's error (RFC 3261 §17.1.1.3)
            caller.request("ACK", NUMBER, call_id, 1, from_hdr, answer.header("To"), KAMAILIO,
                           branch=branch)
    refused.append(label)
# What the policy refuses stays refused: the INVITE as registered gets cusax's 403.
call_id, from_hdr, branch = send("INVITE", "new INVITE to a blocked number")
answer = caller.expect(final(call_id), timeout=10)
s.check(answer is not None and answer.status == 403, "INVITE to a blocked number: not 403")
if answer is not None:
    caller.request("ACK", NUMBER, call_id, 1, from_hdr, answer.header("To"), KAMAILIO,
                   branch=branch)
for method in ("Foo", ODD_METHOD):
    label = "new %s, an extension method" % method
    send(method, label)
    got = callee.expect(probe(label), timeout=10)
    if s.check(got is not None, label + ": the callee never got it"):
        s.check(got.first_line.split()[0] == method, label + ": arrived as " + got.first_line)
        callee.respond(got, 200, "OK", to_tag="x")
callee.expect(lambda m: False, timeout=0.5)  # what is still on its way, into the backlog
for label in refused:
    s.check(callee.expect(probe(label), timeout=0) is None, label + ": reached the callee")
for agent in (caller, callee):
    agent.close()
s.stop(kamailio)
s.stop_proxy()
s.finish("a method Kamailio knows, written in another case, got an error and reached no one "
         "(%d); INVITE got cusax's 403; two extension methods reached the callee" % len(refused))
