#!/usr/bin/python3
"""The binding store on a real PostgreSQL 15: changes reach a running daemon at once, an outage
keeps it serving, and it catches up when the database is back.

cusaxctl creates the schema (`init`) and adds a binding; cusax-sip-proxy reads the store
through the INI's conninfo (the password only in a passfile). A binding added with cusaxctl is
published by the proxy without a restart. The server is then stopped: cusaxctl fails with exit
code 6 and a message naming the server; the proxy keeps running on its last snapshot and logs
the failure once. The server is started again and two changes are made at once: the proxy
logs once that the store is back and publishes both, having read the store in full once on
its new connection (a standby promoted meanwhile may reuse generation numbers, so they are not
trusted across a reconnect). The password never appears in any log or output.
"""
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import postgres  # noqa: E402
import sipkit  # noqa: E402

WAIT = 20  # bound for each event waited for, in seconds


def published_count(log):
    counts = re.findall(r"store\.snapshot_published count=(\d+)", log)
    return int(counts[-1]) if counts else -1


s = sipkit.Scenario("store-postgresql")
pg = postgres.PostgresServer()
try:
    conninfo = pg.create_database("cusax")
    ini = s.path("cusax.ini")
    port = sipkit.free_port()
    with open(ini, "w") as f:
        f.write("\n".join([
            "[log]", "level = info", "stats_interval = 0s", "stats_dir = " + s.dir,
            "[store]", "backend = postgresql", "conninfo = " + conninfo, "refresh_interval = 250ms",
            "[sip-proxy]", "listen = sip:127.0.0.1:%d" % port,
            "next_hop = sip:127.0.0.2:%d" % sipkit.free_port("127.0.0.2"),
            "trusted_peers = 127.0.0.1"]) + "\n")

    def ctl(*args):
        return subprocess.run([sipkit.CUSAXCTL, "-c", ini, *args], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=60)

    r = ctl("init")
    s.check(r.returncode == 0, "cusaxctl init failed: " + r.stderr)
    r = ctl("add", "sip:alice@example.com", "alice@xmpp.example.com", "--verified", "admin")
    s.check(r.returncode == 0, "cusaxctl add failed: " + r.stderr)

    s.proxy = s.spawn([sipkit.PROXY, "-c", ini], "proxy.log")
    s.check(s.wait_for_text(s.proxy_log, "sip.listening", WAIT), "proxy did not start")
    s.check(published_count(s.read(s.proxy_log)) == 1, "first snapshot not of 1 binding")

    # A change reaches the running daemon without a restart.
    ctl("add", "sip:bob@example.com", "bob@xmpp.example.com")
    s.check(s.wait_until(lambda: published_count(s.read(s.proxy_log)) == 2, WAIT),
            "the proxy did not publish bob")

    pg.stop()
    r = ctl("add", "sip:carol@example.com", "carol@xmpp.example.com")
    s.check(r.returncode == 6, "cusaxctl with the server down: exit %d, not 6" % r.returncode)
    s.check("127.0.0.1" in r.stderr and "cannot connect" in r.stderr,
            "cusaxctl's error does not name the server: " + r.stderr)
    s.check(s.wait_for_text(s.proxy_log, "store.refresh_failed", WAIT),
            "the proxy did not log the unreachable store")
    time.sleep(1)  # several polls' worth: the failure must still be logged only once
    s.check(s.proxy_alive(), "the proxy exited while the store was away")
    s.check(s.read(s.proxy_log).count("store.refresh_failed") == 1,
            "the failure was logged more than once")

    pg.start()
    for args in (("add", "sip:carol@example.com", "carol@xmpp.example.com"),
                 ("verify", "sip:bob@example.com")):
        r = ctl(*args)
        s.check(r.returncode == 0, "cusaxctl %s after the restart: %s" % (args[0], r.stderr))
    s.check(s.wait_until(lambda: published_count(s.read(s.proxy_log)) == 3, WAIT),
            "the proxy did not catch up with carol")
    s.check(s.wait_for_text(s.proxy_log, "store.refresh_recovered", WAIT),
            "the proxy did not log that the store is back")
    log = s.read(s.proxy_log)
    s.check(log.count("store.refresh_recovered") == 1, "recovery logged more than once")
    # The load at start and the one on the new connection, nothing more.
    s.check(log.count("mode=full") == 2,
            "the proxy did not read the store in full exactly once after reconnecting")
    r = ctl("show", "sip:bob@example.com")
    s.check("admin" in r.stdout, "bob not verified: " + r.stdout)
    for name in os.listdir(s.dir):
        s.check(pg.password not in s.read(s.path(name)), "the password is in " + name)
    s.stop(s.proxy)
finally:
    if s.failures:
        print("--- postgres log (tail)")
        print(pg.read_log()[-3000:])
    pg.close()
s.finish("the store on PostgreSQL: changes, an outage and the catch-up")
