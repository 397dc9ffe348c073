#!/usr/bin/python3
"""A caller that really sends from an untrusted address gets no identity.

sipp caller bound to 127.0.0.2 (trusted_peers = 127.0.0.1 only) asserts alice, a verified
binding, with P-Asserted-Identity and sends a forged impp. The callee (127.0.0.3) receives no
P-Asserted-Identity (RFC 3325 §5), no impp at all (RFC 7081 §3.5), and the harmless icon value;
the proxy logs call_info.skipped with reason untrusted and the source address. Then the same
call from 127.0.0.1 (trusted) gets alice's impp, so the difference is the source alone.
"""
import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port, header_values

s = Scenario("sip-untrusted")
s.bindings()
proxy_port, callee_port = free_port(), free_port("127.0.0.3")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
               "next_hop": "sip:127.0.0.3:%d" % callee_port, "trusted_peers": "127.0.0.1"})
pai = "P-Asserted-Identity: <sip:alice@example.com>, <tel:+4930123456>"

for source, trusted in (("127.0.0.2", False), ("127.0.0.1", True)):
    name = "trusted" if trusted else "untrusted"
    callee = s.sipp("callee-" + name, "callee_answer.xml", "127.0.0.3", callee_port)
    caller = s.sipp("caller-" + name, "caller_invite.xml", source, free_port(source),
                    "127.0.0.1:%d" % proxy_port, csv=["bob@example.com", pai, ""])
    s.check(s.wait(caller) == 0, name + ": call failed")
    s.wait(callee)
    got = s.received("callee-" + name, "INVITE ")
    if not s.check(len(got) == 1, name + ": callee received %d INVITEs" % len(got)):
        continue
    values = ", ".join(header_values(got[0], "Call-Info"))
    s.check("mallory" not in values, name + ": forged impp reached the callee")
    s.check("purpose=icon" in values, name + ": harmless Call-Info lost")
    if trusted:
        s.check(values.count("purpose=impp") == 1 and "xmpp:alice@xmpp.example.com" in values,
                name + ": alice's impp missing: " + values)
    else:
        s.check("purpose=impp" not in values.lower(), name + ": impp inserted: " + values)
        s.check(not header_values(got[0], "P-Asserted-Identity"),
                name + ": P-Asserted-Identity from an untrusted hop relayed")

log = s.read(s.proxy_log)
s.check("reason=untrusted" in log and "peer=127.0.0.2" in log,
        "no call_info.skipped line naming the untrusted peer")
s.check("pai.removed" in log, "no pai.removed log line")
s.stop_proxy()
s.check(s.counters().get("call_info.skipped.untrusted") == 1, "call_info.skipped.untrusted != 1")
s.finish("untrusted caller on 127.0.0.2: PAI removed, no impp; trusted: impp inserted")
