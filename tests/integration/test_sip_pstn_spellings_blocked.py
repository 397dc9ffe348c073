#!/usr/bin/python3
"""Every spelling of a PSTN number is blocked under pstn_policy = block.

A SIP server reads a telephone-subscriber unescaped (RFC 3261 §19.1.2), without its visual
separators and RFC 3966 parameters (isub, ext, npdi, rn, phone-context), and routes it to the
telephone network. The proxy must class each spelling as the plain number: sipp on 127.0.0.1
sends one INVITE per Request-URI through the proxy (local_domains = example.com,
offnet_number_prefixes = 0 and +, pstn_policy = block) and must get the proxy's 403 (then ACKs
it); the next hop, a UDP socket on 127.0.0.2, must receive nothing. An emergency number in the
same spellings, to any host, is relayed (RFC 5031: never blocked). A number in a Route without
;lr (a strict next hop, which gets it as Request-URI: a next hop that drops preloaded Routes
on new calls then routes by it) is blocked the same, whatever the Request-URI. sips: spellings are
covered by the unit tests (tests/unit/sip_proxy/dial_plan_test.cpp): over UDP the proxy
refuses them for their scheme before it classifies them.
"""
import os
import re
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port

PSTN_URIS = [
    "sip:0891234@example.com",
    "sip:089-123.4@example.com",
    "sip:(089)1234@example.com",
    "sip:089%20123%204@example.com",
    "sip:%30%38%39%31%32%33%34@example.com",
    "sip:0891234;isub=12@example.com",
    "sip:0891234;ext=7@example.com",
    "sip:0891234;phone-context=example.com@example.com",
    "sip:0891234%3Bisub=12@example.com",
    "sip:+4989123;npdi;rn=+4989999@example.com",
    "sip:%2B4989123@example.com",
    "sip:1234;phone-context=+4989@example.com",
    "sip:+49-89-123;isub=1@gw.example.net;user=phone",
    "sip:+49%2089%20123@gw.example.net;user=phone",
    "tel:+49-89-123;ext=1",
    "tel:1234;phone-context=+4989",
    "tel:089%201234;isub=1",
]
# A '/' after the host or inside a number: Sofia-SIP would read what follows as a path and write
# it back without the '/' (a ;user=phone the proxy never saw, more digits of the number), so the
# proxy answers 400 before it classifies anything. A '#' after the host the same: Sofia-SIP keeps
# the rest as a fragment (in no parameter) and writes it back whole.
PATH_URIS = ["sip:+4989123@gw.example.net/;user=phone", "tel:+49/89123",
             "sip:089/1234@example.com/x", "sip:+4989123@gw.example.net#;user=phone"]
# Route values without ;lr ahead of a harmless Request-URI: the proxy hands the number on as the
# Request-URI. {hop} is the next hop's address, so whatever is let through reaches its socket.
STRICT_ROUTES = ["<sip:+4989123@{hop};user=phone>", "<sip:0891234@example.com>",
                 "<tel:+49-89-123>"]
EMERGENCY_URIS = ["sip:112;phone-context=+49@elsewhere.example", "sip:%31%31%32@192.0.2.7",
                  "tel:1-1-2"]

INVITE = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="cusax caller, one Request-URI">
  <send retrans="500">
    <![CDATA[
      INVITE {uri} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:alice@example.com>;tag=[pid]SIPpTag00[call_number]
      To: <{uri}>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:alice@[local_ip]:[local_port];transport=[transport]>
      {route}Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="{code}"/>
  <send>
    <![CDATA[
      ACK {uri} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3];rport
      From: <sip:alice@example.com>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
</scenario>
"""

s = Scenario("sip-pstn-spellings")
s.bindings()
proxy_port, callee_port = free_port(), free_port("127.0.0.2")
# The next hop: a bare socket that answers nothing; whatever reaches it was relayed.
next_hop = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
next_hop.bind(("127.0.0.2", callee_port))
next_hop.setblocking(False)
s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
               "next_hop": "sip:127.0.0.2:%d" % callee_port, "trusted_peers": "127.0.0.1",
               "local_domains": "example.com", "offnet_number_prefixes": "0, +",
               "pstn_policy": "block"})


def relayed():
    got = []
    while True:
        try:
            got.append(next_hop.recv(65535).decode(errors="replace"))
        except BlockingIOError:
            return got


def call_answered(name, i, uri, code, route=""):
    """One INVITE to `uri` (with a Route value `route`, if any) from its own sipp; True when the
    proxy answered it with `code`."""
    xml = s.path("%s-%d.xml" % (name, i))
    with open(xml, "w") as f:
        f.write(INVITE.format(uri=uri, code=code,
                              route="Route: %s\n      " % route if route else ""))
    caller = s.sipp("%s-%d" % (name, i), xml, "127.0.0.1", free_port(),
                    "127.0.0.1:%d" % proxy_port, timeout=5,
                    extra=("-cid_str", "%s-%d-%%u-%%p@%%s" % (name, i)))
    return s.check(s.wait(caller) == 0,
                   "%s: no %d from the proxy (see %s-%d.err)" % (uri, code, name, i))


for i, uri in enumerate(PSTN_URIS):
    call_answered("pstn", i, uri, 403)
    blocked = re.compile(r"charge\.classified call_id=pstn-%d-\S+ \S+ class=pstn action=block" % i)
    s.check(s.wait_until(lambda: blocked.search(s.read(s.proxy_log)), timeout=5),
            "%s: not logged as a blocked PSTN call" % uri)
for i, uri in enumerate(PATH_URIS):
    call_answered("path", i, uri, 400)
for i, route in enumerate(STRICT_ROUTES):
    route = route.format(hop="127.0.0.2:%d" % callee_port)
    call_answered("strict", i, "sip:bob@example.com", 403, route)
    blocked = re.compile(r"charge\.classified call_id=strict-%d-\S+ \S+ class=pstn action=block" % i)
    s.check(s.wait_until(lambda: blocked.search(s.read(s.proxy_log)), timeout=5),
            "Route %s: not logged as a blocked PSTN call" % route)
s.check(not relayed(), "a blocked INVITE or one with a '/' or '#' in its URI reached the next hop")

# The emergency spellings are relayed: the next hop gets each INVITE (the caller's sipp is
# not waited for: nobody answers it).
for i, uri in enumerate(EMERGENCY_URIS):
    xml = s.path("emergency-%d.xml" % i)
    with open(xml, "w") as f:
        f.write(INVITE.format(uri=uri, code=200, route=""))
    s.sipp("emergency-%d" % i, xml, "127.0.0.1", free_port(), "127.0.0.1:%d" % proxy_port,
           timeout=5, extra=("-cid_str", "sos-%d-%%u-%%p@%%s" % i))
    got = []
    s.check(s.wait_until(lambda: got.extend(relayed()) or any(
        m.startswith("INVITE ") and re.search(r"\nCall-ID: sos-%d-" % i, m) for m in got),
        timeout=10), "%s: emergency INVITE not relayed" % uri)
next_hop.close()
s.stop_proxy()
s.finish("%d PSTN spellings blocked with 403, %d URIs with a '/' or '#' refused with 400, "
         "%d numbers in a strict Route blocked with 403, %d emergency spellings relayed"
         % (len(PSTN_URIS), len(PATH_URIS), len(STRICT_ROUTES), len(EMERGENCY_URIS)))
