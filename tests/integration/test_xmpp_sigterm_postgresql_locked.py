#!/usr/bin/python3
"""SIGTERM while delegated vCard sets wait for a PostgreSQL table another session holds locked:
each set is answered and the component exits within its drain bound (close timeout plus store
call wait), none is stored unanswered.

test_xmpp_sigterm_answers_delegated_sets.py does this with the SQLite vCard file, whose busy
wait (5 s) bounds the store call under way. With `vcard_store = postgresql` a write waits for a
row or table lock as long as the holder keeps it (an operator's open psql transaction, a long
`cusaxctl` import): the set under way never returned, the drain ran out (xmpp.drain_timeout) and
closed the stream with every set unanswered, and the process then waited in the store worker's
join until the lock went, storing the set after all, its answer never sent.

Here the vcards table is held locked (LOCK TABLE ... IN EXCLUSIVE MODE: reads go on, writes
wait) by a psql session while alice sends three sets; the component gets SIGTERM; the lock is
released only once the component has exited (or, when it has not, after the bound, so that the
test can say so). Asserted: the component exits 0 within close timeout + store call wait +
slack, without xmpp.drain_timeout; alice has an answer to each set, each an error of type wait
(none could be stored), and the store still holds what it held before.
"""
import asyncio
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import cusax_xmpp as xm  # noqa: E402
import postgres  # noqa: E402

ALICE = "alice@" + xm.LOCAL
SETS = 3
CLOSE_TIMEOUT = 2.0
STORE_CALL_WAIT = 5.0 + 5.0 + 1.0  # main.cpp: vCard wait, binding store busy_timeout, 1 s
SLACK = 3.0  # a loaded machine
STOP_BOUND = CLOSE_TIMEOUT + STORE_CALL_WAIT + SLACK
WAIT_ERRORS = {"error:service-unavailable", "error:internal-server-error"}


class TableLock:
    """A psql session holding `table` in EXCLUSIVE mode until release()."""

    def __init__(self, conninfo, table):
        self.proc = subprocess.Popen(["psql", "-X", "-q", "-At", conninfo],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.proc.stdin.write("BEGIN; LOCK TABLE %s IN EXCLUSIVE MODE; SELECT 'locked';\n" %
                              table)
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().strip()
        xm.check(line == "locked", "psql did not lock %s: %r" % (table, line))

    def release(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("ROLLBACK;\n")
            self.proc.stdin.close()
            self.proc.wait(30)


async def scenario(s, c, pg, conninfo):
    loop = asyncio.get_running_loop()
    alice, fetched = await xm.logged_in_with_own_vcard(s.c2s_port, ALICE, "pw-alice")
    # One set stored first, so that the store holds a vCard of alice's to compare with.
    stored_as, _ = await alice.iq(xm.nick_vcard(fetched, 1), to=ALICE, itype="set")
    xm.check(stored_as == "answered", "alice's first set: " + stored_as)
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: xm.vcard_queries_taken(c) >= 2, 10, "the stats line counting alice's first set"))
    before = xm.vcard_queries_taken(c)

    lock = TableLock(conninfo, "vcards")
    sets = [asyncio.ensure_future(alice.iq(xm.nick_vcard(fetched, 10 + n), to=ALICE,
                                           itype="set"))
            for n in range(SETS)]
    try:
        await loop.run_in_executor(None, lambda: xm.wait_for(
            lambda: xm.vcard_queries_taken(c) >= before + SETS, 10,
            "the component taking alice's %d sets" % SETS))
        started = time.monotonic()
        c.proc.send_signal(signal.SIGTERM)
        try:
            rc = await loop.run_in_executor(None, lambda: c.proc.wait(STOP_BOUND))
        except subprocess.TimeoutExpired:
            rc = None
        took = time.monotonic() - started
    finally:
        lock.release()
    if rc is None:
        rc = await loop.run_in_executor(None, lambda: c.proc.wait(30))
    outcomes = [r[0] for r in await asyncio.gather(*sets)]
    alive = alice.alive
    await alice.close()
    return outcomes, rc, took, alive


def main():
    pg = postgres.PostgresServer()
    try:
        conninfo = pg.create_database("cusax")
        with xm.Scenario("SIGTERM with the PostgreSQL vCard table locked") as s:
            s.store_section = ["[store]", "backend = postgresql", "conninfo = " + conninfo,
                               "refresh_interval = 250ms"]
            s.ctl_ini = s.write_ini("ctl")
            s.start_with_vcard_delegation()
            c = s.start_delegated_component({"vcard_store": "postgresql"})
            outcomes, rc, took, alive = asyncio.run(scenario(s, c, pg, conninfo))
            held = pg.psql("cusax", "SELECT vcard FROM vcards WHERE jid = '%s'" % ALICE)
            print("alice's sets: %s; exit %s after %.2f s" % (outcomes, rc, took))
            text = c.text()
            xm.check(took < STOP_BOUND,
                     "the component took %.2f s to stop (bound %.1f s; drain_timeout logged: "
                     "%s)" % (took, STOP_BOUND, "xmpp.drain_timeout" in text))
            xm.check(rc == 0, "exit status %s" % rc)
            xm.check(alive, "alice's own stream to Prosody was lost")
            xm.check(all(o in WAIT_ERRORS for o in outcomes),
                     "the sets were not all answered with an error of type wait (the table "
                     "was locked throughout): %s" % outcomes)
            xm.check("<NICKNAME>nick-1</NICKNAME>" in held,
                     "the store no longer holds alice's first set: %r" % held[:200])
            xm.check("xmpp.draining" in text and "xmpp.drain_timeout" not in text,
                     "the component did not wait for the sets' answers before closing")
    finally:
        pg.close()


if __name__ == "__main__":
    main()
