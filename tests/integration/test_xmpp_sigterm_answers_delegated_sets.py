#!/usr/bin/python3
"""SIGTERM while delegated vCard sets wait for the store: each is answered before the component
closes its stream, none is left waiting and none is stored unanswered.

An operator restarts the component (systemctl restart: SIGTERM) while users edit their vCards.
Prosody's mod_delegation keeps each forwarded iq until the component answers it, with no timer
of its own: a set the component has taken and never answers leaves the user's client waiting
for ever (its stream to Prosody stays up), and a set stored without its answer is one the user
was never told of. Here the vCard store is held locked by another connection (as cusaxctl or a
backup may hold a SQLite file) while alice sends three sets at once, so that one is under way in
the store worker and two wait behind it; the component gets SIGTERM, and the lock is released
once it has logged that it is stopping.

Asserted: alice gets an answer to each of the three sets (a result: the store came back
within the close timeout), the last is what the store holds, the component exits 0 within its
close timeout (2 s) plus slack, having logged xmpp.closed.
"""
import asyncio
import os
import re
import signal
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import cusax_xmpp as xm  # noqa: E402
from xmpp_flow import Session  # noqa: E402

ALICE = "alice@" + xm.LOCAL
SETS = 3
STOP_BOUND = 2.0 + 3.0  # close_timeout, plus slack for a loaded machine


def handed_over(component):
    """vCard requests the component has taken so far, from its latest stats line."""
    counts = re.findall(r" stats .*?xmpp\.queries\.vcard=(\d+)", component.text())
    return int(counts[-1]) if counts else 0


async def scenario(s, c, vcards):
    loop = asyncio.get_running_loop()
    alice = await Session.open(s.c2s_port, ALICE, "pw-alice")
    xm.check(alice is not None, "alice could not log in")
    fetched_as, fetched = await alice.iq("<vCard xmlns='vcard-temp'/>", to=ALICE)
    xm.check(fetched_as == "answered", "alice's vCard fetch: " + fetched_as)
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: handed_over(c) >= 1, 10, "the stats line counting alice's fetch"))
    before = handed_over(c)

    lock = sqlite3.connect(vcards, timeout=5, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # the component's writes wait (busy_timeout)
    sets = [asyncio.ensure_future(alice.iq(xm.nick_vcard(fetched, n), to=ALICE, itype="set"))
            for n in range(1, SETS + 1)]
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: handed_over(c) >= before + SETS, 10,
        "the component taking alice's %d sets" % SETS))

    started = time.monotonic()
    c.proc.send_signal(signal.SIGTERM)
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: "daemon.stopping" in c.text(), 10, "the component stopping"))
    lock.execute("ROLLBACK")
    lock.close()
    rc = await loop.run_in_executor(None, lambda: c.proc.wait(30))
    took = time.monotonic() - started
    outcomes = [r[0] for r in await asyncio.gather(*sets)]
    alive = alice.alive
    await alice.close()
    return outcomes, rc, took, alive


def main():
    with xm.Scenario("SIGTERM answers the delegated sets it took") as s:
        s.write_prosody_config()
        s.enable_vcard_delegation()
        s.start_prosody()
        s.register("alice", xm.LOCAL, "pw-alice")
        s.example_bindings()
        vcards = os.path.join(s.dir, "vcards.sqlite")
        c = s.start_component(log={"stats_interval": "100ms"},
                              component={"vcard_store": vcards})
        c.wait_connected()
        xm.wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                    "Prosody advertising the delegation")

        outcomes, rc, took, alive = asyncio.run(scenario(s, c, vcards))
        print("alice's sets: %s; exit %s after %.2f s" % (outcomes, rc, took))
        xm.check(alive, "alice's own stream to Prosody was lost")
        xm.check(outcomes == ["answered"] * SETS,
                 "sets the component took were not all answered before it closed: %s" %
                 outcomes)
        db = sqlite3.connect("file:%s?mode=ro" % vcards, uri=True)
        try:
            row = db.execute("SELECT vcard FROM vcards WHERE jid = ?", (ALICE,)).fetchone()
        finally:
            db.close()
        xm.check(row and "nick-%d" % SETS in row[0],
                 "the store does not hold alice's last set: %s" % (row,))
        xm.check(rc == 0, "exit status %s" % rc)
        xm.check(took < STOP_BOUND, "took %.2f s to stop" % took)
        text = c.text()
        xm.check("xmpp.draining" in text and "xmpp.drain_timeout" not in text,
                 "the component did not wait for the sets' answers before closing its stream")
        xm.check("xmpp.closed" in text, "the stream was not closed cleanly")


if __name__ == "__main__":
    main()
