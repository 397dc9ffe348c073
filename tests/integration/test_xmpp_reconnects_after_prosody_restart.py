#!/usr/bin/python3
"""Prosody stops and starts again: the component logs the lost connection once, retries with
back-off while the port is closed, authenticates again and answers without a restart of its
own. While it is away Prosody answers clients itself (remote-server-timeout)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import DOMAIN, LOCAL, Scenario, check, query, vcard_fn, wait_for


def main():
    with Scenario("reconnects after a Prosody restart") as s:
        s.start_prosody()
        s.register("juliet", LOCAL, "pw-juliet")
        s.example_bindings()
        c = s.start_component()
        c.wait_connected()
        fn = s.client("juliet@" + LOCAL, "pw-juliet", lambda cl: vcard_fn(cl, "alice@" + DOMAIN))
        check(fn == "Alice Liddell", f"before: {fn}")

        s.stop_prosody()
        wait_for(lambda: c.count("xmpp.disconnected") >= 2, 10, "failed reconnection attempts")
        check(c.proc.poll() is None, "the component keeps running without its server")
        check("cannot connect" in c.text(), "a connection refused is logged as such")

        s.start_prosody()
        c.wait_connected(times=2)
        fn = s.client("juliet@" + LOCAL, "pw-juliet", lambda cl: vcard_fn(cl, "alice@" + DOMAIN))
        check(fn == "Alice Liddell", f"after the restart: {fn}")
        print("ok: reconnected and answering")

        # The component goes away: Prosody answers for it.
        check(c.stop() == 0, "component exit status")

        async def unanswered(client):
            return await query(client, "alice@" + DOMAIN, "<vCard xmlns='vcard-temp'/>")

        r = s.client("juliet@" + LOCAL, "pw-juliet", unanswered)
        check(r in ("remote-server-timeout", "service-unavailable"),
              f"without the component: {r}")
        print(f"ok: without the component Prosody answers {r}")


if __name__ == "__main__":
    main()
