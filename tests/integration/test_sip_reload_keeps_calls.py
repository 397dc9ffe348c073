#!/usr/bin/python3
"""SIGHUP (cusaxctl reload, systemctl reload) changes the proxy's policy for the next call
while a call is up, and a broken file changes nothing.

The proxy starts with pstn_policy = warn. A call to a PSTN number is answered by the callee
(sipp on 127.0.0.2) and held up. The file is rewritten with pstn_policy = block and a new
listen port, and `cusaxctl reload` signals the proxy: its log says the policy applied and that
listen needs a restart. The next PSTN call gets the proxy's 403 on the old port; the held call
then ends with BYE and 200 through the proxy. Then the file gets pstn_policy = allow and a
misspelt key: after SIGHUP the proxy logs the error with file and line, and the next PSTN call
is still refused.
"""
import os
import re
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import CUSAXCTL, Scenario, free_port, scenario_from_template

PSTN = "0891234@example.com"


s = Scenario("sip-reload")
s.bindings()
proxy_port, new_port, callee_port = free_port(), free_port(), free_port("127.0.0.2")
keys = {"listen": "sip:127.0.0.1:%d" % proxy_port, "next_hop": "sip:127.0.0.2:%d" % callee_port,
        "trusted_peers": "127.0.0.1", "local_domains": "example.com",
        "offnet_number_prefixes": "0, +", "pstn_policy": "warn"}
s.start_proxy(keys)
ini = s.path("cusax.ini")
original = s.read(ini)


def rewrite(**changes):
    text = original
    for key, value in changes.items():
        text = re.sub(r"(?m)^%s = .*$" % key, "%s = %s" % (key, value), text)
    with open(ini, "w") as f:
        f.write(text)


# The callee answers the held call and says so by creating a file once the ACK is in.
held_flag = s.path("held")
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip",
                       "callee_answer.xml")) as f:
    callee_xml = f.read().replace(
        '<recv request="ACK" crlf="true"/>',
        '<recv request="ACK"/>\n  <nop><action><exec command="touch %s"/></action></nop>' %
        held_flag)
with open(s.path("callee_held.xml"), "w") as f:
    f.write(callee_xml)
callee = s.sipp("callee", s.path("callee_held.xml"), "127.0.0.2", callee_port, timeout=120)
s.check(s.wait_udp_bound("127.0.0.2", callee_port), "callee sipp not listening")
caller_port = free_port()
held = s.sipp("held", "caller_held.xml", "127.0.0.1", caller_port,
              "127.0.0.1:%d" % proxy_port, csv=[PSTN, "", ""], timeout=120,
              extra=("-cid_str", "held-call@127.0.0.1"))
s.check(s.wait_until(lambda: os.path.exists(held_flag), timeout=20), "the held call never got up")

# Reload 1: pstn_policy = block (applies), listen moved (needs a restart).
rewrite(pstn_policy="block", listen="sip:127.0.0.1:%d" % new_port)
s.check(s.wait_until(lambda: os.path.exists(s.path("sip-proxy.stats.json")), timeout=10),
        "no stats file for cusaxctl reload to find")
out = subprocess.run([CUSAXCTL, "-c", ini, "reload"], capture_output=True, text=True, timeout=30)
s.check(out.returncode == 0 and "cusax-sip-proxy (pid %d)" % s.proxy.pid in out.stdout,
        "cusaxctl reload: %s %s" % (out.stdout, out.stderr))
s.check(s.wait_until(lambda: "config.reloaded" in s.read(s.proxy_log), timeout=10),
        "no config.reloaded after cusaxctl reload")
log = s.read(s.proxy_log)
s.check(re.search(r"config\.reloaded .*keys=\"\[sip-proxy\] pstn_policy\"", log),
        "pstn_policy not among the applied keys")
s.check(re.search(r"config\.restart_needed .*keys=\"\[sip-proxy\] listen\"", log),
        "listen not named as needing a restart")


refused_xml = scenario_from_template(s, "caller_rejected.xml.in", CODE=403)


def pstn_call_refused(name):
    caller = s.sipp(name, refused_xml, "127.0.0.1", free_port(), "127.0.0.1:%d" % proxy_port,
                    csv=[PSTN, ""], timeout=10)
    return s.wait(caller) == 0


s.check(pstn_call_refused("after-reload"), "the next PSTN call was not refused after reload")

# The held call ends normally through the proxy.
poke = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
poke.bind(("127.0.0.1", 0))
poke.sendto(("OPTIONS sip:alice@127.0.0.1:%d SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-poke\r\n"
             "From: <sip:test@127.0.0.1>;tag=poke\r\nTo: <sip:alice@127.0.0.1>\r\n"
             "Call-ID: held-call@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
             "Content-Length: 0\r\n\r\n" % (caller_port, poke.getsockname()[1])).encode(),
            ("127.0.0.1", caller_port))
s.check(s.wait(held) == 0, "the held call did not end normally (see held.err)")
s.check(s.wait(callee) == 0, "the callee did not see the held call end (see callee.err)")
poke.close()

# Reload 2: a broken file (a misspelt key) is refused; the block stays.
with open(ini, "w") as f:
    f.write(original.replace("pstn_policy = warn", "pstn_policy = allow\npstn_polcy = allow"))
bad_line = s.read(ini).splitlines().index("pstn_polcy = allow") + 1
s.proxy.send_signal(signal.SIGHUP)
s.check(s.wait_until(lambda: "%s:%d:" % (ini, bad_line) in s.read(s.proxy_log), timeout=10),
        "the error was not logged with file and line")
s.check("config.reload_refused" in s.read(s.proxy_log), "no config.reload_refused")
s.check(pstn_call_refused("after-broken"), "the old policy (block) no longer applies")
s.check(s.proxy_alive(), "the proxy did not survive the broken file")
s.stop_proxy()
s.finish("policy reloaded under a held call, listen kept, broken file refused")
