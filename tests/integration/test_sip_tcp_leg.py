#!/usr/bin/python3
"""A call over TCP on both legs: sipp caller (127.0.0.1, trusted) -> proxy -> sipp callee
(127.0.0.2) with next_hop ;transport=tcp. The callee gets alice's impp (and no forged one) with
the proxy's Via naming TCP; the caller gets the 180 and 200 back on its connection; ACK and
BYE follow the same way.
"""
import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port, header_values

s = Scenario("sip-tcp")
s.bindings()
proxy_port, caller_port, callee_port = free_port(), free_port(), free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
               "next_hop": "sip:127.0.0.2:%d;transport=tcp" % callee_port,
               "trusted_peers": "127.0.0.1"})
callee = s.sipp("callee", "callee_answer.xml", "127.0.0.2", callee_port, transport="t1")
caller = s.sipp("caller", "caller_invite.xml", "127.0.0.1", caller_port,
                "127.0.0.1:%d" % proxy_port, transport="t1",
                csv=["bob@example.com", "P-Asserted-Identity: <sip:alice@example.com>", ""])
s.check(s.wait(caller) == 0, "caller: call over TCP failed")
s.check(s.wait(callee) == 0, "callee: call over TCP failed")
invite = s.received("callee", "INVITE ")
if s.check(len(invite) == 1, "callee received %d INVITEs" % len(invite)):
    values = ", ".join(header_values(invite[0], "Call-Info"))
    s.check(values.count("purpose=impp") == 1 and "xmpp:alice@xmpp.example.com" in values,
            "alice's impp not inserted over TCP: " + values)
    vias = header_values(invite[0], "Via")
    s.check(vias and vias[0].startswith("SIP/2.0/TCP 127.0.0.1"), "proxy's Via: %s" % vias[:1])
s.check(bool(s.received("callee", "BYE ")), "BYE did not reach the callee")
s.stop_proxy()
s.finish("INVITE, ACK and BYE over TCP both ways; impp inserted")
