#!/usr/bin/python3
"""cusax-sip-proxy beside a real Kamailio, with the operator's example conf/kamailio-cusax.cfg.

sipp caller (127.0.0.1) -> Kamailio -> cusax -> Kamailio -> sipp callee (127.0.0.2). Kamailio
asserts the caller (P-Asserted-Identity from its From, replacing the forged one the phone sent)
and sends each new INVITE to cusax and back (pass 1 and pass 2 of the example). Checks:
  1. alice (verified binding) calls bob: the callee gets exactly one Call-Info impp, alice's,
     and not the forged one the caller sent; the harmless icon value stays;
  2. alice calls +4989123 (PSTN, warn): the caller gets the Warning 399 on the 180 and the 200.
The example file is used as written, with its #!define lines, listen line and children
changed to this test's ports (one worker, so a 180 never overtakes its 200).
"""
import os, re, shutil, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import kamailio_example
import sipkit
from sipkit import Scenario, free_port, header_values

sipkit.skip_unless(shutil.which("kamailio"), "kamailio not installed")
SOURCE = os.environ.get("CUSAX_SOURCE_DIR", os.path.join(sipkit.HERE, "../../.."))
EXAMPLE = os.path.join(SOURCE, "conf", "kamailio-cusax.cfg")
TEXT = "Call to the telephone network: charges may apply"

s = Scenario("sip-kamailio")
s.bindings()
kamailio_port, cusax_port, caller_port = free_port(), free_port(), free_port()
callee_port = free_port("127.0.0.2")

cfg = open(EXAMPLE).read()
for pattern, value in ((r"(?m)^#!define CUSAX_PORT .*$", "#!define CUSAX_PORT %d" % cusax_port),
                       (r"(?m)^#!define CUSAX_URI .*$",
                        '#!define CUSAX_URI "sip:127.0.0.1:%d"' % cusax_port),
                       (r"(?m)^#!define CALLEE_URI .*$",
                        '#!define CALLEE_URI "sip:127.0.0.2:%d"' % callee_port),
                       (r"(?m)^listen=.*$", "listen=udp:127.0.0.1:%d" % kamailio_port),
                       (r"(?m)^children=.*$", "children=1")):
    cfg, n = re.subn(pattern, value, cfg)
    s.check(n == 1, "example config: %s not found once" % pattern)
with open(s.path("kamailio.cfg"), "w") as f:
    f.write(cfg)
check = __import__("subprocess").run(["kamailio", "-c", "-f", s.path("kamailio.cfg")],
                                     capture_output=True, text=True, timeout=30)
s.check(check.returncode == 0, "kamailio -c refuses the example: " + check.stderr[-300:])

kamailio = s.spawn(["kamailio", "-f", s.path("kamailio.cfg"), "-P", s.path("kamailio.pid"),
                    "-m", "64", "-M", "8", "-DD", "-E", "-Y", s.dir, "-w", s.dir], "kamailio.log")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % cusax_port,
               "next_hop": "sip:127.0.0.1:%d" % kamailio_port, "trusted_peers": "127.0.0.1",
               "local_domains": "example.com", "offnet_number_prefixes": "+",
               "pstn_policy": "warn", "pstn_warning": TEXT})
# Kamailio binds, then forks its worker: ready once the worker answers a probe.
s.check(kamailio_example.wait_until_answering(kamailio_port) and kamailio.poll() is None,
        "kamailio did not start answering (see kamailio.log)")

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
