#!/usr/bin/python3
"""A SIGHUP that arrives while the proxy starts is not lost.

`systemctl reload` right after `systemctl start` (Type=simple: systemd calls the unit active at
once), or a configuration tool that edits the file and reloads while the daemon comes up, sends
SIGHUP before the proxy listens for it. The proxy must then read the file again once it can,
not run on silently with what it read at start.

Made deterministic with a FIFO: the proxy blocks opening its configuration file (a FIFO) until
the test writes it. While it waits (past the point where it decides what SIGHUP does, seen in
/proc/PID/status), the test sends SIGHUP, puts a regular file with pstn_policy = block at the
same path, and only then feeds the FIFO the start-up configuration (pstn_policy = warn). The
reload that the SIGHUP asked for must then apply pstn_policy.
"""
import os
import re
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import PROXY, Scenario, free_port, proxy_env

s = Scenario("sip-reload-start-up")
s.bindings()
lines = ["[log]", "level = debug", "stats_interval = 1s", "stats_dir = " + s.dir, "[store]",
         "path = " + s.store, "[sip-proxy]",
         "listen = sip:127.0.0.1:%d" % free_port(),
         "next_hop = sip:127.0.0.1:%d" % free_port(),
         "local_domains = example.com", "offnet_number_prefixes = 0, +", "pstn_policy = warn"]
start_up = "\n".join(lines) + "\n"
ini = s.path("cusax.ini")
os.mkfifo(ini)
s.proxy = s.spawn([PROXY, "-c", ini], "proxy.log", env=proxy_env())

SIGHUP_BIT = 1 << (signal.SIGHUP - 1)


def sighup_handled_or_held():
    """True once the proxy ignores or blocks SIGHUP (it has decided what a SIGHUP does before
    it opens its file), so that the SIGHUP sent now cannot end it."""
    try:
        with open("/proc/%d/status" % s.proxy.pid) as f:
            status = dict(line.split(":\t", 1) for line in f if ":\t" in line)
    except FileNotFoundError:
        return False
    return any(int(status.get(k, "0"), 16) & SIGHUP_BIT for k in ("SigIgn", "SigBlk"))


s.check(s.wait_until(sighup_handled_or_held, timeout=10), "the proxy never set up SIGHUP")
s.proxy.send_signal(signal.SIGHUP)
# The FIFO's writer end: opened before the path is replaced, so the proxy reads the start-up
# configuration from it and the reload reads the new regular file.
fifo = os.open(ini, os.O_WRONLY)
with open(ini + ".new", "w") as f:
    f.write(start_up.replace("pstn_policy = warn", "pstn_policy = block"))
os.rename(ini + ".new", ini)
os.write(fifo, start_up.encode())
os.close(fifo)

s.wait_listening(s.proxy, s.proxy_log)
s.check(s.wait_until(lambda: re.search(r'config\.reloaded .*keys="\[sip-proxy\] pstn_policy"',
                                       s.read(s.proxy_log)), timeout=10),
        "the SIGHUP sent during start-up was lost: pstn_policy = block never applied")
s.check(s.proxy_alive(), "the proxy did not survive a SIGHUP during start-up")
s.stop_proxy()
s.finish("a SIGHUP during start-up reloads once the proxy runs")
