#!/usr/bin/python3
"""cusax-sip-proxy beside a real Kamailio, with the operator's example conf/kamailio-cusax.cfg.

sipp caller (127.0.0.1) -> Kamailio -> cusax -> Kamailio -> sipp callee (127.0.0.2). Kamailio
asserts the caller (P-Asserted-Identity from its From, replacing the forged one the phone sent)
and sends each new INVITE to cusax and back (pass 1 and pass 2 of the example). Checks:
  1. alice (verified binding) calls bob: the callee gets exactly one Call-Info impp, alice's,
     and not the forged one the caller sent; the harmless icon value stays;
  2. alice calls +4989123 (PSTN, warn): the caller gets the Warning 399 on the 180 and the 200.
Both INVITEs reach the callee from Kamailio's main socket (its Via), not from the one pass 2
came in on.
The example file is used as written, on this test's ports (sip/kamailio_example.py); cusax's
next_hop is the port only cusax sends to, over UDP.
"""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import kamailio_example
from sipkit import Scenario, free_port, header_values

kamailio_example.skip_unless_installed()
TEXT = "Call to the telephone network: charges may apply"

s = Scenario("sip-kamailio")
s.bindings()
kamailio_port, from_cusax_port, cusax_port = free_port(), free_port(), free_port()
caller_port = free_port()
callee_port = free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % cusax_port,
               "next_hop": "sip:127.0.0.1:%d" % from_cusax_port, "trusted_peers": "127.0.0.1",
               "local_domains": "example.com", "offnet_number_prefixes": "+",
               "pstn_policy": "warn", "pstn_warning": TEXT})
kamailio = kamailio_example.start(s, kamailio_port, cusax_port, "127.0.0.2", callee_port,
                                  from_cusax_port=from_cusax_port)
if s.failures:
    s.finish("")

forged = "P-Asserted-Identity: <sip:dave@example.com>"
for name, user in (("verified", "bob@example.com"), ("pstn", "+4989123@example.com")):
    callee = s.sipp("callee-" + name, "callee_answer.xml", "127.0.0.2", callee_port)
    caller = s.sipp("caller-" + name, "caller_invite.xml", "127.0.0.1", caller_port,
                    "127.0.0.1:%d" % kamailio_port, csv=[user, forged, ""])
    s.check(s.wait(caller) == 0, name + ": call through Kamailio and cusax failed")
    s.wait(callee)
    invites = s.received("callee-" + name, "INVITE ")
    if not s.check(len(invites) == 1, name + ": callee received %d INVITEs" % len(invites)):
        continue
    # Pass 2 came in on the socket only cusax sends to and leaves by the main one, where the
    # callee's responses then come.
    vias = header_values(invites[0], "Via")
    s.check(vias and vias[0].startswith("SIP/2.0/UDP 127.0.0.1:%d;" % kamailio_port),
            name + ": not sent from Kamailio's main socket: %s" % vias[:1])
    values = ", ".join(header_values(invites[0], "Call-Info"))
    s.check(values.lower().count("purpose=impp") == 1 and
            "<xmpp:alice@xmpp.example.com>;purpose=impp" in values,
            name + ": expected exactly alice's impp at the callee: " + values)
    s.check("mallory" not in values, name + ": forged impp reached the callee")
    s.check("purpose=icon" in values, name + ": harmless Call-Info value lost")
    if name == "pstn":
        for status in ("180", "200"):
            got = s.received("caller-pstn", "SIP/2.0 " + status)
            s.check(got and any(TEXT in w for w in header_values(got[0], "Warning")),
                    "pstn: no Warning on the %s the caller received" % status)
    else:
        got = s.received("caller-verified", "SIP/2.0 200")
        s.check(got and not header_values(got[0], "Warning"), "verified: unexpected Warning")

s.stop_proxy()
s.stop(kamailio)
s.finish("through Kamailio and cusax: one impp for a verified caller, forged removed, "
         "PSTN Warning on the 180 and 200")
