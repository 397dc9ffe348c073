"""Pieces the fault tests (tests/integration/test_fault_*.py) share: what a store holds, what
a daemon published, and a large import file.

A fault test asserts that nothing was lost, so it compares the whole store before and after
the fault (store_dump: every table, row by row, as SQL text) and reads from the daemon's own
log which snapshots it published (published_counts).
"""
import re
import sqlite3


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
