#!/usr/bin/python3
"""workers = 2: SIGHUP means what it means with one proxy (read the INI file again, apply its
reloadable keys, fail no call), for every worker; each worker serves its own metrics.

The proxy starts with two workers, pstn_policy = warn and [metrics] sip_proxy_listen on port P:
worker 1 answers /health and /metrics on P, worker 2 on P + 1 (one shared port would hand
each scrape to whichever worker the kernel picks). The file is rewritten with
pstn_policy = block and `cusaxctl reload` signals the pid in the stats file (the first
worker): it hands the signal to the supervisor, which signals both workers, and both log
config.reloaded. PSTN calls from several source ports (spread over both workers by the
kernel) all get the proxy's 403. Then SIGUSR2 replaces the workers one at a time, and the
replacements still refuse PSTN calls: they run on the configuration the supervisor reloaded,
not on the one it started with.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import (CUSAXCTL, PROXY, Scenario, free_port, proxy_env, scenario_from_template,
                    udp_sockets_on)

PSTN = "0891234@example.com"
CALLS = 6

s = Scenario("sip-workers-reload")
s.bindings()
proxy_port, callee_port = free_port(), free_port("127.0.0.2")


def free_port_pair():
    """A TCP port P with P + 1 free too (the two workers' metrics)."""
    for _ in range(50):
        port = free_port(kind=socket.SOCK_STREAM)
        probe = socket.socket()
        try:
            probe.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
        finally:
            probe.close()
    s.check(False, "no two adjacent free TCP ports")
    s.finish("")


metrics_port = free_port_pair()
ini = s.path("cusax.ini")
original = "\n".join([
    "[log]", "level = debug", "stats_interval = 1s", "stats_dir = " + s.dir,
    "[store]", "path = " + s.store,
    "[metrics]", "sip_proxy_listen = 127.0.0.1:%d" % metrics_port,
    "[sip-proxy]", "listen = sip:127.0.0.1:%d;transport=udp" % proxy_port,
    "next_hop = sip:127.0.0.2:%d" % callee_port, "trusted_peers = 127.0.0.1",
    "local_domains = example.com", "offnet_number_prefixes = 0, +", "pstn_policy = warn",
    "workers = 2"]) + "\n"
with open(ini, "w") as f:
    f.write(original)
s.proxy = s.spawn([PROXY, "-c", ini], "proxy.log", env=proxy_env())


def http_get(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
            return r.status, r.read().decode()
    except Exception as e:  # refused, reset: the test says which port
        return None, str(e)


s.check(s.wait_until(lambda: udp_sockets_on(proxy_port) == 2, 20),
        "two workers' sockets on the port: %d" % udp_sockets_on(proxy_port))
for port in (metrics_port, metrics_port + 1):
    s.check(s.wait_until(lambda: http_get(port, "/health")[0] == 200, 10),
            "no /health on %d: %s" % (port, http_get(port, "/health")))
    status, body = http_get(port, "/metrics")
    s.check(status == 200 and "cusax_requests_relayed_total" in body,
            "/metrics on %d: %s" % (port, status))

refused_xml = scenario_from_template(s, "caller_rejected.xml.in", CODE=403)


def pstn_calls_refused(name):
    """CALLS PSTN calls, each from a port of its own; True when every one got 403."""
    callers = [s.sipp("%s-%d" % (name, i), refused_xml, "127.0.0.1", free_port(),
                      "127.0.0.1:%d" % proxy_port, csv=[PSTN, ""], timeout=10)
               for i in range(CALLS)]
    return all([s.wait(c) == 0 for c in callers])


# Reload: pstn_policy = block, through cusaxctl (the first worker's pid).
with open(ini, "w") as f:
    f.write(original.replace("pstn_policy = warn", "pstn_policy = block"))
s.check(s.wait_until(lambda: os.path.exists(s.path("sip-proxy.stats.json")), 10),
        "no stats file for cusaxctl reload to find")
out = subprocess.run([CUSAXCTL, "-c", ini, "reload"], capture_output=True, text=True, timeout=30)
s.check(out.returncode == 0, "cusaxctl reload: %s %s" % (out.stdout, out.stderr))
s.check(s.wait_until(lambda: len(re.findall(r"config\.reloaded .*pstn_policy",
                                            s.read(s.proxy_log))) == 2, 10),
        "config.reloaded by %d workers, not 2" %
        len(re.findall(r"config\.reloaded .*pstn_policy", s.read(s.proxy_log))))
s.check(pstn_calls_refused("after-reload"), "a PSTN call was not refused after the reload")

# SIGUSR2: the replacements run on the reloaded configuration.
s.proxy.send_signal(signal.SIGUSR2)
s.check(s.wait_until(lambda: s.read(s.proxy_log).count("sip.worker_stopped") >= 2, 60),
        "the workers were not replaced")
s.check(s.wait_until(lambda: udp_sockets_on(proxy_port) == 2, 10), "sockets after replacing")
s.check(pstn_calls_refused("after-replace"),
        "a PSTN call was not refused by the replaced workers")
s.check(s.wait_until(lambda: http_get(metrics_port + 1, "/health")[0] == 200, 10),
        "no /health on the second worker's port after replacing")

rc = s.stop(s.proxy)
s.check(rc == 0, "supervisor exit status %s after SIGTERM" % rc)
s.finish("SIGHUP reloaded both workers, replacements kept the reload, metrics per worker")
