#!/usr/bin/python3
"""RFC 6121 presence to the component through a real Prosody: juliet's subscription request to
a SIP account is approved (subscribed); one to an address the directory does not have is
answered unsubscribed, which Prosody passes on to her client, so that it does not stay pending
(the component answers a probe to such an address the same way, RFC 6121 §4.3.2)."""
import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import DOMAIN, LOCAL, TIMEOUT, Scenario, check  # noqa: E402

ALICE = "alice@" + DOMAIN
NOBODY = "nobody@" + DOMAIN


async def juliet(client):
    loop = asyncio.get_running_loop()
    answers = {ALICE: loop.create_future(), NOBODY: loop.create_future()}

    def on(kind):
        def handler(p):
            f = answers.get(p["from"].bare)
            if f is not None and not f.done():
                f.set_result(kind)
        return handler
    # Subscription states reach only resources that asked for the roster (RFC 6121 §2.1.6).
    await client.get_roster()
    client.add_event_handler("presence_subscribed", on("subscribed"))
    client.add_event_handler("presence_unsubscribed", on("unsubscribed"))
    for jid in answers:
        client.send_presence(pto=jid, ptype="subscribe")
    return {jid: await asyncio.wait_for(f, TIMEOUT) for jid, f in answers.items()}


def main():
    with Scenario("presence to an unknown account") as s:
        s.start_prosody()
        s.register("juliet", LOCAL, "pw-juliet")
        s.example_bindings()
        c = s.start_component()
        c.wait_connected()
        got = s.client("juliet@" + LOCAL, "pw-juliet", juliet)
        check(got[ALICE] == "subscribed", f"subscription to a SIP account: {got[ALICE]}")
        check(got[NOBODY] == "unsubscribed", f"subscription to an unknown address: {got[NOBODY]}")
        print(f"ok: {ALICE} approved the subscription, {NOBODY} answered unsubscribed")


if __name__ == "__main__":
    main()
