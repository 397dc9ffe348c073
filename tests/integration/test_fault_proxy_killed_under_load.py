#!/usr/bin/python3
"""cusax-sip-proxy killed with SIGKILL under load and started again: it serves again as soon as
its snapshot is loaded, and nothing in the store changed.

The store holds alice (verified) and 50000 other bindings, so loading the snapshot takes a
while. INVITEs flow through the proxy (sip_load: a trusted caller asserting alice, a next hop
answering 486). The proxy is killed with SIGKILL between two calls and started again on the
same INI while the caller keeps calling. The first call answered after the restart carries
alice's impp (the proxy served it from a full snapshot), the proxy listened within a second of
publishing that snapshot (its own log's clock) and answered a call sent within a second of it
(the log's time against the test's, one clock), every later call is answered, and the store is
what it was (every table, row by row).
"""
import datetime
import os
import re
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import fault_kit  # noqa: E402
import sip_load  # noqa: E402
import sipkit  # noqa: E402

OTHERS = 50000
CALLS = 20  # calls before the kill, and after the first answered one
RESTART_BOUND = 60  # seconds for the restarted proxy to answer on a loaded machine


def stamp(log, event):
    """The time of the first `event` line of the log, in seconds since the epoch."""
    m = re.search(r"^(\S+)Z \w+ sip-proxy %s " % re.escape(event), log, re.M)
    if not m:
        return None
    return datetime.datetime.fromisoformat(m.group(1)).replace(
        tzinfo=datetime.timezone.utc).timestamp()


s = sipkit.Scenario("fault-proxy-killed")
s.bindings()
others = s.path("others.csv")
fault_kit.write_import_csv(others, OTHERS)
s.ctl("import", others)
dump_before = fault_kit.store_dump(s.store)

proxy_port, next_hop_port = sipkit.free_port(), sipkit.free_port("127.0.0.2")
keys = {"listen": "sip:127.0.0.1:%d" % proxy_port,
        "next_hop": "sip:127.0.0.2:%d" % next_hop_port, "trusted_peers": "127.0.0.1"}
s.start_proxy(keys, log_level="info")
load = sip_load.CallLoad(proxy_port, next_hop_port)
try:
    before = [load.call(5.0) for _ in range(CALLS)]
    s.check(before == [(True, True, True)] * CALLS,
            "before the kill, calls not all relayed with alice's impp and answered: %s" % before)

    s.proxy.send_signal(signal.SIGKILL)
    s.proxy.wait(10)
    s.check(s.proxy.returncode == -signal.SIGKILL, "the proxy was not killed by SIGKILL")
    os.rename(s.proxy_log, s.path("proxy-killed.log"))
    s.proxy = s.spawn([sipkit.PROXY, "-c", s.path("cusax.ini")], "proxy.log",
                      env=sipkit.proxy_env())

    # The caller keeps calling while the proxy starts; the calls before it listens are lost
    # with it (UDP, no one to take them), as a caller's retransmission would cover.
    deadline, lost, first = time.time() + RESTART_BOUND, 0, None
    while time.time() < deadline and s.proxy.poll() is None:
        sent = time.time()
        result = load.call(0.2)
        if result[2]:
            first = (sent, result)
            break
        lost += 1
    s.check(first is not None, "the restarted proxy answered no call within %ds" % RESTART_BOUND)
    if first:
        log = s.read(s.proxy_log)
        published, listening = stamp(log, "store.snapshot_published"), stamp(log, "sip.listening")
        s.check(published is not None and listening is not None,
                "the restarted proxy did not log its snapshot and its listening")
        s.check(first[1][1], "the first answered call after the restart had no impp")
        if published and listening:
            print("restart: %d calls unanswered while it was away; snapshot published -> "
                  "listening %.3f s; -> first answered call sent %.3f s (test's clock)" %
                  (lost, listening - published, first[0] - published))
            s.check(0 <= listening - published < 1.0,
                    "listening %.3f s after the snapshot load" % (listening - published))
            # Listening is not yet serving: the call answered first was sent within a second
            # of the snapshot load (each call unanswered before it waited 0.2 s).
            s.check(first[0] - published < 1.0,
                    "the first call answered after the restart was sent %.3f s after the "
                    "snapshot load" % (first[0] - published))
            s.check(fault_kit.published_counts(log)[:1] == [OTHERS + 2],
                    "the restarted proxy's first snapshot is not of every binding")
    after = [load.call(5.0) for _ in range(CALLS)]
    s.check(after == [(True, True, True)] * CALLS,
            "after the restart, calls not all relayed with alice's impp and answered: %s" % after)
finally:
    load.close()

s.check(fault_kit.store_dump(s.store) == dump_before, "the store changed across the kill")
s.check(s.proxy_alive(), "the restarted proxy died")
s.stop_proxy()
s.finish("proxy killed under load: serves again once its snapshot is loaded; store unchanged")
