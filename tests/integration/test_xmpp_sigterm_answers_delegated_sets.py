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
once it has logged that it is stopping, in three cases, each with a component of its own:
- at once: every set is stored and answered, within the close timeout (2 s);
- 3.5 s later: past the close timeout, within the vCard file's busy wait (5 s). The set under
  way is answered once its write returns; those that had not started by the close timeout are
  answered service-unavailable (wait), never tried;
- not while the component runs: the set under way fails when its busy wait runs out and is
  answered internal-server-error (wait), the others as above.

Asserted in each case: alice gets an answer to each of the three sets, no TIMEOUT; an answered
(result) set is one the store holds (the store holds the last one answered, or what it held
before when none was), an error is of type wait; the component exits 0 within its close timeout
plus its store call wait (ComponentSettings::store_call_wait: 11 s here) plus slack, having
logged xmpp.draining, xmpp.closed and no xmpp.drain_timeout.
"""
import asyncio
import os
import signal
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import cusax_xmpp as xm  # noqa: E402

ALICE = "alice@" + xm.LOCAL
SETS = 3
CLOSE_TIMEOUT = 2.0
STORE_CALL_WAIT = 5.0 + 5.0 + 1.0  # vCard file busy wait, binding store busy_timeout, 1 s
SLACK = 3.0  # a loaded machine
# When the lock goes, in seconds after the component logged daemon.stopping (None: only once
# it has exited), and how long the stop may take.
CASES = [(0.0, CLOSE_TIMEOUT + SLACK),
         (3.5, CLOSE_TIMEOUT + STORE_CALL_WAIT + SLACK),
         (None, CLOSE_TIMEOUT + STORE_CALL_WAIT + SLACK)]
WAIT_ERRORS = {"error:service-unavailable", "error:internal-server-error"}


async def scenario(s, c, vcards, first, release_after):
    """alice's SETS sets (nick-FIRST...) behind a locked store, then SIGTERM; the lock released
    release_after seconds after daemon.stopping (None: once the component has exited)."""
    loop = asyncio.get_running_loop()
    alice, fetched = await xm.logged_in_with_own_vcard(s.c2s_port, ALICE, "pw-alice")
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: xm.vcard_queries_taken(c) >= 1, 10, "the stats line counting alice's fetch"))
    before = xm.vcard_queries_taken(c)

    lock = sqlite3.connect(vcards, timeout=5, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # the component's writes wait (busy_timeout)
    sets = [asyncio.ensure_future(alice.iq(xm.nick_vcard(fetched, first + n), to=ALICE,
                                           itype="set"))
            for n in range(SETS)]
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: xm.vcard_queries_taken(c) >= before + SETS, 10,
        "the component taking alice's %d sets" % SETS))

    started = time.monotonic()
    c.proc.send_signal(signal.SIGTERM)
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: "daemon.stopping" in c.text(), 10, "the component stopping"))
    if release_after is not None:
        await asyncio.sleep(release_after)
        lock.execute("ROLLBACK")
        lock.close()
    rc = await loop.run_in_executor(None, lambda: c.proc.wait(30))
    took = time.monotonic() - started
    if release_after is None:
        lock.execute("ROLLBACK")
        lock.close()
    outcomes = [r[0] for r in await asyncio.gather(*sets)]
    alive = alice.alive
    await alice.close()
    return outcomes, rc, took, alive


def main():
    with xm.Scenario("SIGTERM answers the delegated sets it took") as s:
        s.start_with_vcard_delegation()
        vcards = os.path.join(s.dir, "vcards.sqlite")
        for number, (release_after, stop_bound) in enumerate(CASES):
            held_before = xm.stored_nick(vcards, ALICE) if os.path.exists(vcards) else None
            c = s.start_delegated_component({"vcard_store": vcards}, name="component-%d" % number)
            first = 10 * (number + 1)
            outcomes, rc, took, alive = asyncio.run(
                scenario(s, c, vcards, first, release_after))
            case = "lock released %s" % ("at once" if release_after == 0 else
                                          "%.1f s after daemon.stopping" % release_after
                                          if release_after else "after the exit")
            print("%s: alice's sets: %s; exit %s after %.2f s" % (case, outcomes, rc, took))
            xm.check(alive, case + ": alice's own stream to Prosody was lost")
            xm.check(all(o == "answered" or o in WAIT_ERRORS for o in outcomes),
                     case + ": sets the component took were not all answered before it "
                     "closed: %s" % outcomes)
            answered = [first + n for n, o in enumerate(outcomes) if o == "answered"]
            want = "nick-%d" % answered[-1] if answered else held_before
            xm.check(xm.stored_nick(vcards, ALICE) == want,
                     case + ": the store holds %s, the last set answered as stored is %s" %
                     (xm.stored_nick(vcards, ALICE), want))
            if release_after == 0:
                xm.check(outcomes == ["answered"] * SETS,
                         case + ": a set was refused although the store came back at once: %s"
                         % outcomes)
            else:
                # Those not started by the close timeout were never tried.
                xm.check(outcomes[-1] == "error:service-unavailable",
                         case + ": the last set, queued past the close timeout: %s" %
                         outcomes[-1])
            xm.check(rc == 0, case + ": exit status %s" % rc)
            xm.check(took < stop_bound, case + ": took %.2f s to stop" % took)
            text = c.text()
            xm.check("xmpp.draining" in text and "xmpp.drain_timeout" not in text,
                     case + ": the component did not wait for the sets' answers before "
                     "closing its stream")
            xm.check("xmpp.closed" in text, case + ": the stream was not closed cleanly")


if __name__ == "__main__":
    main()
