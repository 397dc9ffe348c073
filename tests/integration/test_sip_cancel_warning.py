#!/usr/bin/python3
"""A cancelled call to a PSTN number: the caller gets the Warning on the 180 and the 487.

sipp caller (127.0.0.1) calls +4989123@example.com (offnet_number_prefixes = +, pstn_policy =
warn), the sipp callee (127.0.0.2) rings, the caller CANCELs. The CANCEL reaches the callee with
the INVITE's branch (the proxy is stateless: RFC 3261 §16.11), the callee answers 200 and 487,
and the caller receives `Warning: 399 ... "TEXT"` on the 180 and the 487 (RFC 7081 §5), none on
the 200 to the CANCEL (a CANCEL is not the INVITE); the ACK to the 487 reaches the callee.
"""
import sys, os, re
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port, header_values

TEXT = "PSTN call: charges apply"
s = Scenario("sip-cancel")
s.bindings()
proxy_port, caller_port, callee_port = free_port(), free_port(), free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
               "next_hop": "sip:127.0.0.2:%d" % callee_port, "trusted_peers": "127.0.0.1",
               "local_domains": "example.com", "offnet_number_prefixes": "+",
               "pstn_policy": "warn", "pstn_warning": TEXT})
callee = s.sipp("callee", "callee_ring_487.xml", "127.0.0.2", callee_port)
caller = s.sipp("caller", "caller_cancel.xml", "127.0.0.1", caller_port,
                "127.0.0.1:%d" % proxy_port, csv=["+4989123@example.com", ""])
s.check(s.wait(caller) == 0, "caller scenario failed (see caller.err)")
s.check(s.wait(callee) == 0, "callee scenario failed (see callee.err)")

warning = re.compile(r'^399 \S+ "%s"$' % re.escape(TEXT))
for status in ("180", "487"):
    got = s.received("caller", "SIP/2.0 " + status)
    s.check(got and any(warning.match(w) for w in header_values(got[0], "Warning")),
            "no Warning on the %s the caller received" % status)
cancel_ok = [m for m in s.received("caller", "SIP/2.0 200") if "CANCEL" in m]
s.check(cancel_ok and not header_values(cancel_ok[0], "Warning"),
        "200 to the CANCEL missing or with a Warning")
invite = s.received("callee", "INVITE ")
cancel = s.received("callee", "CANCEL ")
if s.check(invite and cancel, "callee did not get both INVITE and CANCEL"):
    s.check(header_values(invite[0], "Via")[0] == header_values(cancel[0], "Via")[0],
            "CANCEL's top Via differs from the INVITE's")
s.check(bool(s.received("callee", "ACK ")), "ACK to the 487 did not reach the callee")
s.stop_proxy()
s.finish("Warning on the 180 and the 487 of a cancelled PSTN call; CANCEL and ACK matched")
