#!/usr/bin/python3
"""Strict routers (RFC 2543 hops, Route values without ;lr) with real sipp, RFC 3261 §16.4 and
§16.6 item 6.

1. From a strict router: the INVITE's Request-URI is the proxy's own Record-Route URI and the
   real target is the last Route value. The callee must receive the target as Request-URI and
   no Route; the call completes (ACK and BYE go by the callee's Contact).
2. To a strict router: the next Route lacks ;lr. The callee (standing for that router) must
   receive its own URI as Request-URI and the original target as the last Route value.
3. The same call under inter_domain_policy = block, then warn (reloaded): the router's address
   (host only) is no call target, so bob's on-net call still completes, without a Warning.
Everything on 127.0.0.1/2.
"""
import os, re, signal, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port, header_values

s = Scenario("sip-strict-route")
s.bindings()
port = free_port()
s.start_proxy({"listen": "sip:127.0.0.1:%d" % port, "trusted_peers": "127.0.0.1",
               "local_domains": "example.com"})


# The INVITE carries the Route; the ACK and BYE go to the callee's Contact (no Record-Route),
# relayed by the proxy by that Request-URI.
CALLER = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="cusax caller through strict routes">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[field0] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:alice@example.com>;tag=[pid]SIPpTag00[call_number]
      To: <sip:bob@example.com>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:alice@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      [field1]
      Content-Length: 0

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true"/>
  <send>
    <![CDATA[
      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:alice@example.com>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="100"/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:alice@example.com>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
</scenario>
"""
with open(s.path("caller_strict.xml"), "w") as f:
    f.write(CALLER)


def call(name, request_uri, extra_header):
    callee_port = free_port("127.0.0.2")
    callee = s.sipp("callee-" + name, "callee_answer.xml", "127.0.0.2", callee_port, timeout=10)
    s.check(s.wait_udp_bound("127.0.0.2", callee_port), name + ": the callee did not bind")
    caller = s.sipp("caller-" + name, s.path("caller_strict.xml"), "127.0.0.1", free_port(),
                    "127.0.0.1:%d" % port,
                    csv=[request_uri.replace("@CALLEE@", str(callee_port)),
                         extra_header.replace("@CALLEE@", str(callee_port)), ""], timeout=10)
    s.check(s.wait(caller) == 0, name + ": caller's call did not complete")
    s.check(s.wait(callee) == 0, name + ": callee's call did not complete")
    invites = s.received("callee-" + name, r"INVITE ")
    s.check(len(invites) >= 1, name + ": callee got no INVITE")
    return callee_port, invites[0] if invites else ""


# 1. The previous hop routes strictly: our Record-Route URI is the Request-URI.
# (Without its ;lr: sipp's injection file splits fields at ';'. is_own_uri ignores parameters.)
callee_port, invite = call("from-strict", "127.0.0.1:%d" % port,
                           "Route: <sip:bob@127.0.0.2:@CALLEE@>")
s.check(invite.split("\n")[0] == "INVITE sip:bob@127.0.0.2:%d SIP/2.0" % callee_port,
        "from-strict: callee's Request-URI: %s" % invite.split("\n")[0])
s.check(header_values(invite, "Route") == [], "from-strict: Route left: %s" %
        header_values(invite, "Route"))

# 2. The next hop routes strictly: it gets the Request-URI, the target goes last.
callee_port, invite = call("to-strict", "bob@example.com", "Route: <sip:127.0.0.2:@CALLEE@>")
s.check(invite.split("\n")[0] == "INVITE sip:127.0.0.2:%d SIP/2.0" % callee_port,
        "to-strict: callee's Request-URI: %s" % invite.split("\n")[0])
routes = ",".join(header_values(invite, "Route"))
s.check(re.fullmatch(r"<sip:bob@example\.com>", routes.strip()) is not None,
        "to-strict: Route at the callee: %s" % routes)

# 3. A strict router under a strict inter-domain policy (reloaded with SIGHUP).
ini = s.read(s.path("cusax.ini"))
for n, policy in enumerate(("block", "warn"), 1):
    with open(s.path("cusax.ini"), "w") as f:
        f.write(ini + "inter_domain_policy = %s\n" % policy)
    s.proxy.send_signal(signal.SIGHUP)
    s.check(s.wait_until(lambda: s.read(s.proxy_log).count("config.reloaded") == n, timeout=10),
            "no config.reloaded for inter_domain_policy = " + policy)
    name = "to-strict-inter-domain-" + policy
    callee_port, invite = call(name, "bob@example.com", "Route: <sip:127.0.0.2:@CALLEE@>")
    s.check(invite.split("\n")[0] == "INVITE sip:127.0.0.2:%d SIP/2.0" % callee_port,
            "%s: callee's Request-URI: %s" % (name, invite.split("\n")[0]))
    answers = s.received("caller-" + name, "SIP/2.0 200")
    s.check(answers and not header_values(answers[0], "Warning"),
            "%s: Warning on bob's on-net call: %s" %
            (name, header_values(answers[0], "Warning") if answers else "no 200"))

s.check(s.proxy_alive(), "proxy died")
s.stop_proxy()
s.finish("from a strict router: Request-URI restored from the last Route; "
         "to a strict router: Request-URI is the router, target last in Route, "
         "no inter-domain call under inter_domain_policy = block or warn")
