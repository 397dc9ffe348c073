#!/usr/bin/python3
"""A delegated vCard set taken just before the component's connection to Prosody is lost is
answered on the connection that replaces it, and what it says is what the store holds.

Prosody's mod_delegation keeps each forwarded iq by the component's JID and the iq's id, not by
the connection it went out on, and keeps no timer: an answer that comes on the next connection
is passed on to the user. The component used to drop it ("the server forgot the request with
the old connection"), while its store worker still ran the set: the vCard was stored and alice
waited for ever (TIMEOUT here).

Here the component reaches Prosody through a TCP relay of the test's own (lib/tcp_relay.py), so that its
connection can be cut while Prosody and alice's own stream stay up. The vCard file is held
locked by another connection while alice sends a set, so that the set waits in the store
worker; the relay cuts the component's connection; the component connects again; the lock is
released. Asserted: alice gets an answer, her stream to Prosody stayed up, and the answer is
what the store holds: a result with her set stored, or (should the reconnect outlast the vCard
file's busy wait, 5 s, on a loaded machine) an error of type wait with nothing stored.
"""
import asyncio
import os
import sqlite3
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import cusax_xmpp as xm  # noqa: E402
from tcp_relay import Relay  # noqa: E402

ALICE = "alice@" + xm.LOCAL
WAIT_ERRORS = {"error:internal-server-error", "error:service-unavailable"}


async def scenario(s, c, relay, vcards):
    loop = asyncio.get_running_loop()
    alice, fetched = await xm.logged_in_with_own_vcard(s.c2s_port, ALICE, "pw-alice")
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: xm.vcard_queries_taken(c) >= 1, 10, "the stats line counting alice's fetch"))
    before = xm.vcard_queries_taken(c)

    lock = sqlite3.connect(vcards, timeout=5, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # the set waits in the store worker (busy_timeout 5 s)
    try:
        pending = asyncio.ensure_future(
            alice.iq(xm.nick_vcard(fetched, 7), to=ALICE, itype="set"))
        await loop.run_in_executor(None, lambda: xm.wait_for(
            lambda: xm.vcard_queries_taken(c) > before, 10, "the component taking alice's set"))
        relay.cut()
        await loop.run_in_executor(None, lambda: c.wait_connected(times=2))
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    outcome, _ = await pending
    alive = alice.alive
    await alice.close()
    return outcome, alive


def main():
    with xm.Scenario("a delegated answer after the component reconnected") as s:
        s.start_with_vcard_delegation()
        relay = Relay(s.component_port)
        try:
            vcards = os.path.join(s.dir, "vcards.sqlite")
            c = s.start_delegated_component(
                {"vcard_store": vcards, "server_port": str(relay.port)})
            outcome, alive = asyncio.run(scenario(s, c, relay, vcards))
            held = xm.stored_nick(vcards, ALICE)
            print("alice's set: %s; stored nickname %s; relayed connections %d" %
                  (outcome, held, relay.accepted))
            xm.check(relay.accepted >= 2, "the component did not connect again")
            xm.check(alive, "alice's own stream to Prosody was lost")
            xm.check(outcome == "answered" or outcome in WAIT_ERRORS,
                     "alice's set, taken before the component's connection was cut: %s (the "
                     "store holds %s)" % (outcome, held))
            if outcome == "answered":
                xm.check(held == "nick-7", "answered as stored, but the store holds %s" % held)
            else:
                xm.check(held != "nick-7", "answered %s, but the set was stored" % outcome)
        finally:
            relay.close()


if __name__ == "__main__":
    main()
