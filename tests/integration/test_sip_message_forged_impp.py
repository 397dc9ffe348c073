#!/usr/bin/python3
"""A MESSAGE with forged Call-Info impp values reaches the callee without them.

sipp caller on 127.0.0.1 (trusted) sends a MESSAGE with two forged impp values (case, quoting,
LWS) over two Call-Info lines beside a harmless info value; sipp callee on 127.0.0.2. With
call_info_methods = INVITE the callee gets no impp at all and keeps the info value;
with call_info_methods = INVITE, MESSAGE it gets exactly the one the proxy inserts for alice
(RFC 7081 §3.5, RFC 6993).
"""
import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port, header_values

s = Scenario("sip-message")
s.bindings()
proxy_port, caller_port, callee_port = free_port(), free_port(), free_port("127.0.0.2")
pai = "P-Asserted-Identity: <sip:alice@example.com>"

for methods, expect_inserted in (("INVITE", False), ("INVITE, MESSAGE", True)):
    s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
                   "next_hop": "sip:127.0.0.2:%d" % callee_port,
                   "trusted_peers": "127.0.0.1", "call_info_methods": methods})
    tag = "inserted" if expect_inserted else "plain"
    callee = s.sipp("callee-" + tag, "callee_message.xml", "127.0.0.2", callee_port)
    caller = s.sipp("caller-" + tag, "caller_message.xml", "127.0.0.1", caller_port,
                    "127.0.0.1:%d" % proxy_port, csv=["bob@example.com", pai])
    s.check(s.wait(caller) == 0, tag + ": caller did not get its 200")
    s.wait(callee)
    got = s.received("callee-" + tag, "MESSAGE ")
    if s.check(len(got) == 1, tag + ": callee received %d MESSAGEs" % len(got)):
        values = ", ".join(header_values(got[0], "Call-Info"))
        s.check("mallory" not in values and "eve@" not in values,
                tag + ": forged impp reached the callee: " + values)
        s.check("<http://example.com/info>;purpose=info" in values,
                tag + ": harmless Call-Info value lost: " + values)
        impp = values.lower().count("purpose=impp")
        if expect_inserted:
            s.check(impp == 1 and "<xmpp:alice@xmpp.example.com>;purpose=impp" in values,
                    tag + ": expected exactly alice's impp: " + values)
        else:
            s.check(impp == 0, tag + ": impp inserted into a MESSAGE: " + values)
        s.check("hello from alice" in got[0], tag + ": body lost")
    s.stop_proxy()
    c = s.counters()
    s.check(c.get("call_info.removed_forged") == 2,
            tag + ": call_info.removed_forged = %s" % c.get("call_info.removed_forged"))
    os.rename(s.proxy_log, s.path("proxy-%s.log" % tag))

s.finish("forged impp removed from MESSAGE; inserted only when MESSAGE is configured")
