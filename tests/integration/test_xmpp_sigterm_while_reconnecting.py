#!/usr/bin/python3
"""SIGTERM while the component's stream to Prosody is down (waiting to reconnect) and delegated
vCard sets it took still wait for the store: the component comes back once to answer them,
then stops.

Prosody's mod_delegation keeps each forwarded iq by the component's JID and the iq's id, not by
the connection, with no timer: the sets alice sent before the component's connection was lost
still wait for their answers (test_xmpp_delegated_answer_after_reconnect.py). A component
stopped in the back-off between two connections exited at once: the set under way in the store
worker was stored once the store answered, never answered, and those queued were dropped; alice
waited for ever (TIMEOUT here, three times).

Here the component reaches Prosody through a relay of the test's own (lib/tcp_relay.py) and
holds every new connection until the component has had SIGTERM (so that it is not up again
before); the vCard file is held locked while alice sends three sets; the relay cuts the
connection; once the component logs the loss it gets SIGTERM; the relay lets new connections
through, and the lock is released a second later. Asserted: alice gets an answer to each set (a
result, or an error of type wait), an answered set is what the store holds, and the component
exits 0 within close timeout + store call wait, twice (reconnecting, then draining), plus slack.
"""
import asyncio
import os
import signal
import sqlite3
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import cusax_xmpp as xm  # noqa: E402
from tcp_relay import Relay  # noqa: E402

ALICE = "alice@" + xm.LOCAL
SETS = 3
CLOSE_TIMEOUT = 2.0
STORE_CALL_WAIT = 5.0 + 5.0 + 1.0  # main.cpp: vCard busy wait, binding busy_timeout, 1 s
STOP_BOUND = 2 * (CLOSE_TIMEOUT + STORE_CALL_WAIT) + 3.0
WAIT_ERRORS = {"error:service-unavailable", "error:internal-server-error"}


async def scenario(s, c, relay, vcards):
    loop = asyncio.get_running_loop()
    alice, fetched = await xm.logged_in_with_own_vcard(s.c2s_port, ALICE, "pw-alice")
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: xm.vcard_queries_taken(c) >= 1, 10, "the stats line counting alice's fetch"))
    before = xm.vcard_queries_taken(c)

    lock = sqlite3.connect(vcards, timeout=5, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        sets = [asyncio.ensure_future(alice.iq(xm.nick_vcard(fetched, 10 + n), to=ALICE,
                                               itype="set"))
                for n in range(SETS)]
        await loop.run_in_executor(None, lambda: xm.wait_for(
            lambda: xm.vcard_queries_taken(c) >= before + SETS, 10,
            "the component taking alice's %d sets" % SETS))
        relay.hold()
        relay.cut()
        await loop.run_in_executor(None, lambda: xm.wait_for(
            lambda: "xmpp.disconnected" in c.text(), 10, "the component seeing the cut"))
        started = time.monotonic()
        c.proc.send_signal(signal.SIGTERM)
        await loop.run_in_executor(None, lambda: xm.wait_for(
            lambda: "daemon.stopping" in c.text(), 10, "the component stopping"))
        relay.release()
        await asyncio.sleep(1.0)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    try:
        rc = await loop.run_in_executor(None, lambda: c.proc.wait(STOP_BOUND))
    except Exception:  # subprocess.TimeoutExpired: said below
        rc = None
    took = time.monotonic() - started
    outcomes = [r[0] for r in await asyncio.gather(*sets)]
    alive = alice.alive
    await alice.close()
    return outcomes, rc, took, alive


def main():
    with xm.Scenario("SIGTERM while the component reconnects") as s:
        s.start_with_vcard_delegation()
        relay = Relay(s.component_port)
        try:
            vcards = os.path.join(s.dir, "vcards.sqlite")
            c = s.start_delegated_component(
                {"vcard_store": vcards, "server_port": str(relay.port)})
            outcomes, rc, took, alive = asyncio.run(scenario(s, c, relay, vcards))
            held = xm.stored_nick(vcards, ALICE)
            print("alice's sets: %s; stored %s; exit %s after %.2f s" %
                  (outcomes, held, rc, took))
            xm.check(alive, "alice's own stream to Prosody was lost")
            xm.check(all(o == "answered" or o in WAIT_ERRORS for o in outcomes),
                     "sets the component took were not all answered before it stopped: %s "
                     "(the store holds %s)" % (outcomes, held))
            answered = [10 + n for n, o in enumerate(outcomes) if o == "answered"]
            want = "nick-%d" % answered[-1] if answered else None
            xm.check(held == want, "the store holds %s, the last set answered as stored is %s"
                     % (held, want))
            xm.check(rc == 0, "exit status %s after %.2f s" % (rc, took))
            xm.check(took < STOP_BOUND, "took %.2f s to stop" % took)
        finally:
            relay.close()


if __name__ == "__main__":
    main()
