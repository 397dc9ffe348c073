#!/usr/bin/python3
"""A stanza that Prosody's own escaping makes larger than max_stanza_size costs only itself,
even when the growth is in one attribute value (one XML token), at the default limit.

Prosody 0.12 accepts up to 256 KiB from its users and writes what it routes with util.stanza's
escaping, which turns each ' and " into a six-byte &apos; / &quot;, in attribute values and
character data alike. So carol's 200 KB attribute of apostrophes (200 KB on her stream, well
under Prosody's limit) reaches the component as a single 1.2 MB start tag: one token longer
than the default 1 MiB. The README says only input no server routes from a user can end the
component's stream; this one any user can send. Bob keeps asking for a SIP user's vCard
throughout; the component must keep its one stream and answer him.

Found by review (rev18, issue 18 item 1): fails while the parser ends the stream with
policy-violation for a token over max_stanza_size."""
import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, QueriesThroughout, Scenario,  # noqa: E402
                        check, client_session, wait_for)

CAROL = "carol@" + LOCAL
BOB = "bob@" + LOCAL
SIP_USER = "alice@" + DOMAIN
MESSAGE_ID = "apostrophes-1"
APOSTROPHES = 200_000  # x6 on the component's stream: over the default 1 MiB


async def scenario(s, component):
    async def with_bob(carol):
        async def both(bob):
            async with QueriesThroughout(bob, SIP_USER) as q:
                carol.send_raw(f"<message to='{SIP_USER}' id='{MESSAGE_ID}' type='chat'>"
                               f"<x xmlns='urn:example:big' a=\"{chr(39) * APOSTROPHES}\"/>"
                               "<body>hi</body></message>")
                # Whitespace after it: Debian's expat (reparse deferral, backported) holds a
                # large token in Prosody's parser until about as much again has arrived.
                for _ in range(8):
                    carol.send_raw(" " * (APOSTROPHES // 2))
                # Prosody routes it (a ping round trip through the same c2s stream proves
                # that carol's stanza went before it).
                await carol.plugin["xep_0199"].ping(LOCAL, timeout=10)
                before = len(q.answers)
            return q.answers, before
        return await client_session(s.c2s_port, BOB, "pw-bob", both)

    async def carol_body(carol):
        carol.register_plugin("xep_0199")
        return await with_bob(carol)
    return await client_session(s.c2s_port, CAROL, "pw-carol", carol_body)


def main():
    with Scenario("an attribute grown by the server's escaping costs only itself") as s:
        s.write_prosody_config()
        s.start_prosody()
        for user in ("alice", "bob", "carol"):
            s.register(user, LOCAL, "pw-" + user)
        s.example_bindings()
        c = s.start_component()  # max_stanza_size: the default
        c.wait_connected()

        answers, before = asyncio.run(scenario(s, c))
        check(answers and all(a == "Alice Liddell" for a in answers),
              f"every one of bob's queries answered: {answers}")
        wait_for(lambda: "stanza_id=" + MESSAGE_ID in c.text() or "xmpp.disconnected" in c.text(),
                 10, "the component to see carol's stanza")
        check("xmpp.disconnected" not in c.text() and "policy-violation" not in c.text(),
              "the component kept its stream")
        check(c.handshakes() == 1, f"one stream throughout: {c.handshakes()} handshakes")
        print(f"ok: bob's {len(answers)} queries answered, one stream throughout")


if __name__ == "__main__":
    main()
