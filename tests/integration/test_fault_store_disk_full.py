#!/usr/bin/python3
"""The store's disk full: cusaxctl fails clearly with exit code 6 and changes nothing, the
proxy keeps serving its last snapshot, and everything works again once space is freed.

The SQLite store lives on a tmpfs of 4 MiB that the test mounts in its own directory (it needs
root) and unmounts at the end. With cusax-sip-proxy running on it, a filler file takes every
free byte. Then `cusaxctl add`, `import` and `remove` each exit with 6 and name the cause
("database or disk is full", or the system's "No space left on device" where
SQLite says only "disk I/O error"); so does an import of 70000 rows (SQLite's bulk path, its change
triggers dropped inside its transaction) with 1 MiB freed, which fills the disk midway; the
store holds exactly what it held (every table, row by row, its triggers);
calls through the proxy still carry alice's impp, and neither the proxy nor
cusax-xmpp-component (watching the same store) published a new snapshot. The filler is
removed: an add and a remove succeed and both daemons publish each; calls still go through.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import fault_kit  # noqa: E402
import sip_load  # noqa: E402
import sipkit  # noqa: E402

WAIT = 20  # bound for each daemon event waited for, in seconds
CALLS = 5
# What names the cause: SQLite's own words for SQLITE_FULL, or the system's for ENOSPC met
# while writing the WAL, which SQLite itself calls only "disk I/O error".
FULL = re.compile(r"database or disk is full|No space left on device")

sipkit.skip_unless(os.geteuid() == 0, "mounting the test's own small filesystem needs root")
s = sipkit.Scenario("fault-disk-full")
disk = s.path("disk")
os.mkdir(disk)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", disk], check=True)
load = None
try:
    s.store = os.path.join(disk, "store.db")
    s.bindings()
    proxy_port, next_hop_port = sipkit.free_port(), sipkit.free_port("127.0.0.2")
    s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
                   "next_hop": "sip:127.0.0.2:%d" % next_hop_port,
                   "trusted_peers": "127.0.0.1"}, log_level="info")
    component, component_log = fault_kit.start_store_watching_component(s, s.store)
    logs = ((s.proxy_log, "proxy"), (component_log, "component"))
    for log, who in logs:
        s.check(s.wait_until(lambda: fault_kit.published_counts(s.read(log)) == [2], WAIT),
                "the %s did not publish its first snapshot of 2 bindings" % who)
    load = sip_load.CallLoad(proxy_port, next_hop_port)
    ok = [(True, True, True)] * CALLS

    def calls_go_through(when):
        got = [load.call(5.0) for _ in range(CALLS)]
        s.check(got == ok, "%s: calls not all relayed with alice's impp: %s" % (when, got))

    calls_go_through("before the disk filled")
    dump_before = fault_kit.store_dump(s.store)

    filler = os.path.join(disk, "filler")
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 65536)
        except OSError as e:
            s.check(e.errno == 28, "filling the disk: %s" % e)
        try:
            while True:  # the last partial block
                f.write(b"\0")
        except OSError:
            pass

    def ctl(*args):
        return subprocess.run([sipkit.CUSAXCTL, "--store", s.store, *args], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=60)

    rows = s.path("rows.csv")
    fault_kit.write_import_csv(rows, 2000)
    for args in (("add", "sip:carol@example.com", "carol@xmpp.example.com"), ("import", rows),
                 ("remove", "sip:alice@example.com")):
        r = ctl(*args)
        s.check(r.returncode == 6 and FULL.search(r.stderr),
                "disk full: cusaxctl %s: exit %d, not 6 naming the cause: %s" %
                (args[0], r.returncode, r.stderr.strip()))
        print("disk full: cusaxctl %s -> %d: %s" % (args[0], r.returncode, r.stderr.strip()))
    s.check(fault_kit.store_dump(s.store) == dump_before, "the store changed on a full disk")

    # A bulk import (more rows than the change log keeps: it drops the change triggers inside
    # its transaction) that the disk fills up under midway: 1 MiB free, far less than its
    # 70000 rows take, so it writes pages of its transaction into the WAL until the disk is
    # full. It fails the same way, and the store, triggers included, is what it was.
    os.truncate(filler, os.path.getsize(filler) - (1 << 20))
    big = s.path("big.csv")  # in the test's directory, not on the small disk
    fault_kit.write_import_csv(big, 70000, prefix="big")
    r = ctl("import", big)
    s.check(r.returncode == 6 and FULL.search(r.stderr),
            "disk full midway: cusaxctl import of 70000 rows: exit %d, not 6 naming the cause: "
            "%s" % (r.returncode, r.stderr.strip()))
    wal = os.path.getsize(s.store + "-wal") if os.path.exists(s.store + "-wal") else 0
    print("disk full midway: cusaxctl import -> %d, %d bytes in the WAL: %s" %
          (r.returncode, wal, r.stderr.strip()))
    s.check(wal > 256 * 1024, "the bulk import failed before it wrote (%d bytes in the WAL)" % wal)
    s.check(fault_kit.store_dump(s.store) == dump_before,
            "the store changed after a bulk import failed midway on a full disk")
    calls_go_through("disk full")
    for log, who in logs:
        s.check(fault_kit.published_counts(s.read(log)) == [2],
                "the %s published a snapshot while the disk was full" % who)

    os.remove(filler)
    r = ctl("add", "sip:carol@example.com", "carol@xmpp.example.com")
    s.check(r.returncode == 0, "space freed: cusaxctl add failed: " + r.stderr)
    for log, who in logs:
        s.check(s.wait_until(lambda: fault_kit.published_counts(s.read(log))[-1:] == [3], WAIT),
                "space freed: the %s did not publish the added binding" % who)
    r = ctl("remove", "sip:dave@example.com")
    s.check(r.returncode == 0, "space freed: cusaxctl remove failed: " + r.stderr)
    for log, who in logs:
        s.check(s.wait_until(lambda: fault_kit.published_counts(s.read(log)) == [2, 3, 2],
                             WAIT), "space freed: the %s did not publish both changes" % who)
    calls_go_through("space freed")
    s.check(s.proxy_alive() and component.poll() is None, "a daemon died")
    s.stop_proxy()
finally:
    if load:
        load.close()
    for proc in s.procs:
        s.stop(proc)
    if subprocess.run(["umount", disk]).returncode != 0:
        subprocess.run(["umount", "-l", disk])
s.finish("disk full: cusaxctl exit 6 naming the cause, store unchanged, proxy served; "
         "all works once space is freed")
