"""Pieces the fault tests (tests/integration/test_fault_*.py) share: what a store holds, what
a daemon published, and a large import file.

A fault test asserts that nothing was lost, so it compares the whole store before and after
the fault (store_dump: every table, row by row, as SQL text) and reads from the daemon's own
log which snapshots it published (published_counts).
"""
import os
import re
import socket
import sqlite3

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CUSAX_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "../../..")))
BUILD = os.environ.get("CUSAX_BUILD_DIR", os.path.join(SOURCE, "build"))
COMPONENT = os.path.join(BUILD, "xmpp-component", "cusax-xmpp-component")


def store_dump(path):
    """Every table of the SQLite store at path as SQL text (sqlite3's iterdump), read-only so
    that reading it changes nothing."""
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return "\n".join(db.iterdump())
    finally:
        db.close()


def published_counts(log_text):
    """The binding counts of every store.snapshot_published line of a daemon's text log, in
    order."""
    return [int(n) for n in re.findall(r"store\.snapshot_published count=(\d+)", log_text)]


def write_import_csv(path, rows, prefix="bulk"):
    """A CSV file in `cusaxctl import`'s format with `rows` verified bindings of its own
    (sip:PREFIXn@example.com, numbers +49301 and n), none of them in the store before."""
    with open(path, "w") as f:
        f.write("aor,jid,display_name,numbers,verification\n")
        for i in range(rows):
            f.write('"sip:%s%d@example.com","%s%d@xmpp.example.com","User %d","+49301%07d",'
                    "admin\n" % (prefix, i, prefix, i, i, i))


def udp_bound(ip, port):
    """True while some socket is bound to UDP ip:port (read once from /proc/net/udp)."""
    want = "%s:%04X" % ("".join("%02X" % int(b) for b in reversed(ip.split("."))), port)
    with open("/proc/net/udp") as f:
        return any(line.split()[1] == want for line in f.readlines()[1:])


def start_store_watching_component(scenario, store):
    """cusax-xmpp-component on the store, with no XMPP server to reach (a closed port): it
    loads and refreshes its snapshot all the same, so its log tells which snapshots of the
    store it published. Started with scenario.spawn (stopped by PID with the scenario's
    processes); returns (process, log path)."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    ini = scenario.path("component.ini")
    with open(ini, "w") as f:
        f.write("\n".join([
            "[log]", "level = info", "stats_interval = 0s", "stats_dir = " + scenario.dir,
            "[store]", "path = " + store, "refresh_interval = 250ms",
            "[xmpp-component]", "server_host = 127.0.0.1", "server_port = %d" % port,
            "domain = sip.example.com", "secret = fault-test-secret",
            "local_domains = xmpp.example.com", "reconnect_min = 1s",
            "reconnect_max = 5s"]) + "\n")
    os.chmod(ini, 0o600)
    return scenario.spawn([COMPONENT, "-c", ini], "component.log"), scenario.path("component.log")
