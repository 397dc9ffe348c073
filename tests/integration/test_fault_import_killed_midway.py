#!/usr/bin/python3
"""`cusaxctl import` of a large file killed with SIGKILL midway: nothing is lost, nothing half
done is seen.

The store holds alice and dave; cusax-sip-proxy and cusax-xmpp-component run on it. `cusaxctl import` of 100000 new
bindings is started and, once its write is under way (the store's WAL holds more than 1 MiB of
it: pages of the open transaction), killed with SIGKILL. Then:
- the store holds exactly what it held before (every table, row by row, and `cusaxctl export`);
- neither running daemon ever published a snapshot of the partial import: after one more
  binding is added (an event each must publish), the snapshots each published are of 2 and
  then 3 bindings, nothing else.
- the same import run again to its end (SQLite's bulk path: more rows than the change log
  keeps) reaches each daemon as one snapshot of all of it, by one full reload, and the next
  binding added after it by the log again (snapshots of 2, 3, 100003, 100004 bindings).
"""
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import fault_kit  # noqa: E402
import sipkit  # noqa: E402

ROWS = 100000
WAL_UNDER_WAY = 1 << 20  # bytes of the import's transaction in the WAL: the write has begun
WAIT = 20  # bound for each daemon event waited for, in seconds
IMPORT_BOUND = 300  # bound for the import to reach its write on a loaded machine


def export(s):
    r = subprocess.run([sipkit.CUSAXCTL, "--store", s.store, "export"], capture_output=True,
                       text=True, timeout=60)
    s.check(r.returncode == 0, "cusaxctl export failed: " + r.stderr)
    return r.stdout


def wal_size(s):
    try:
        return os.path.getsize(s.store + "-wal")
    except FileNotFoundError:
        return 0


s = sipkit.Scenario("fault-import-killed")
s.bindings()
dump_before, export_before = fault_kit.store_dump(s.store), export(s)
s.start_proxy({"listen": "sip:127.0.0.1:%d" % sipkit.free_port(),
               "next_hop": "sip:127.0.0.2:%d" % sipkit.free_port("127.0.0.2"),
               "trusted_peers": "127.0.0.1"}, log_level="info")
component, component_log = fault_kit.start_store_watching_component(s, s.store)
for log, who in ((s.proxy_log, "proxy"), (component_log, "component")):
    s.check(s.wait_until(lambda: fault_kit.published_counts(s.read(log)) == [2], WAIT),
            "the %s did not publish its first snapshot of 2 bindings" % who)

big = s.path("big.csv")
fault_kit.write_import_csv(big, ROWS)
importer = subprocess.Popen([sipkit.CUSAXCTL, "--store", s.store, "import", big],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
deadline = time.time() + IMPORT_BOUND
while importer.poll() is None and wal_size(s) < WAL_UNDER_WAY and time.time() < deadline:
    time.sleep(0.002)
midway = importer.poll() is None and wal_size(s) >= WAL_UNDER_WAY
if importer.poll() is None:
    importer.send_signal(signal.SIGKILL)
out, err = importer.communicate(timeout=30)
s.check(midway, "the import was not caught midway (exit %s, WAL %d bytes): %s" %
        (importer.returncode, wal_size(s), err.decode(errors="replace")[-400:]))
s.check(importer.returncode == -signal.SIGKILL, "cusaxctl import was not killed by SIGKILL")
print("import killed with %d bytes of its transaction in the WAL" % wal_size(s))

s.check(fault_kit.store_dump(s.store) == dump_before, "the store changed: a partial import")
s.check(export(s) == export_before, "cusaxctl export differs from before the import")

# Each daemon's watcher runs after the kill: one real change, which it must publish, shows
# what it saw. A partial import would have shown as a snapshot of more than 3 bindings.
s.ctl("add", "sip:carol@example.com", "carol@xmpp.example.com")
for log, who in ((s.proxy_log, "proxy"), (component_log, "component")):
    s.check(s.wait_until(lambda: 3 in fault_kit.published_counts(s.read(log)), WAIT),
            "the %s did not publish the binding added after the kill" % who)
    seen = fault_kit.published_counts(s.read(log))
    s.check(seen == [2, 3], "the %s published snapshots of %s bindings, not [2, 3]" % (who, seen))


def modes(log_text):
    """The mode (full, incremental) of every store.snapshot_published line, in order."""
    return re.findall(r"store\.snapshot_published .*?mode=(\w+)", log_text)


# The same import run to its end with both daemons watching. It takes SQLite's bulk path (more
# rows than the change log keeps: one gap in the log), so each daemon publishes all of it at
# once, by one full reload, nothing between; the next change reaches them through the log.
r = subprocess.run([sipkit.CUSAXCTL, "--store", s.store, "import", big], capture_output=True,
                   text=True, stdin=subprocess.DEVNULL, timeout=IMPORT_BOUND)
s.check(r.returncode == 0, "the import run again failed: " + r.stderr)
for log, who in ((s.proxy_log, "proxy"), (component_log, "component")):
    s.check(s.wait_until(lambda: ROWS + 3 in fault_kit.published_counts(s.read(log)), WAIT),
            "the %s did not publish the import" % who)
s.ctl("add", "sip:erin@example.com", "erin@xmpp.example.com")
for log, who in ((s.proxy_log, "proxy"), (component_log, "component")):
    s.check(s.wait_until(lambda: ROWS + 4 in fault_kit.published_counts(s.read(log)), WAIT),
            "the %s did not publish the import and the binding added after it" % who)
    seen = fault_kit.published_counts(s.read(log))
    s.check(seen == [2, 3, ROWS + 3, ROWS + 4],
            "the %s published snapshots of %s bindings, not [2, 3, %d, %d]" %
            (who, seen, ROWS + 3, ROWS + 4))
    s.check(modes(s.read(log))[2:] == ["full", "incremental"],
            "the %s published the import and the add after it as %s, not one full reload "
            "then the log" % (who, modes(s.read(log))[2:]))
s.check(s.proxy_alive() and component.poll() is None, "a daemon died")
s.stop_proxy()
s.finish("import killed midway: store as before, neither daemon saw a partial import; run "
         "to its end, one full reload of all of it")
