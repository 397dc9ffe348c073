#!/usr/bin/python3
"""A stanza nested deeper than the component's parser allows costs only itself, through a real
Prosody and slixmpp clients: carol sends a chat message to a SIP account carrying an extension
element nested 70 levels deep (Prosody routes it; it has no depth limit of its own), then an
iq get to the component's domain nested the same way. The component keeps its one stream (one
handshake throughout) and carol's iq gets an error rather than silence (RFC 6120 §8.2.3)."""
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, TIMEOUT, Scenario, check,  # noqa: E402
                        client_session, vcard_fn, wait_for)

CAROL = "carol@" + LOCAL
SIP_USER = "alice@" + DOMAIN
DEPTH = 70


def nested(depth):
    return "<x xmlns='urn:example:nest'>" * depth + "</x>" * depth


async def scenario(s, component):
    async def with_carol(carol):
        from slixmpp.xmlstream.handler import Callback
        from slixmpp.xmlstream.matcher import MatchXPath
        replies = {}
        carol.register_handler(Callback("deep-iq-answer", MatchXPath("{jabber:client}iq"),
                                        lambda iq: replies.setdefault(iq["id"], iq["type"])))
        carol.send_raw(f"<message to='{SIP_USER}' id='deep-msg' type='chat'><body>hi</body>"
                       f"{nested(DEPTH)}</message>")
        carol.send_raw(f"<iq to='{DOMAIN}' id='deep-iq' type='get'><query "
                       f"xmlns='http://jabber.org/protocol/disco#info'>{nested(DEPTH)}</query>"
                       "</iq>")
        deadline = time.monotonic() + TIMEOUT
        while "deep-iq" not in replies and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        after = await vcard_fn(carol, SIP_USER)
        return replies.get("deep-iq", "NO REPLY"), after
    return await client_session(s.c2s_port, CAROL, "pw-carol", with_carol)


def main():
    with Scenario("a deeply nested stanza costs only itself") as s:
        s.write_prosody_config()
        s.start_prosody()
        for user in ("alice", "bob", "carol"):
            s.register(user, LOCAL, "pw-" + user)
        s.example_bindings()
        c = s.start_component()
        c.wait_connected()
        wait_for(lambda: "xmpp.connected" in c.text(), 10, "the component connected")
        iq_reply, after = asyncio.run(scenario(s, c))
        check(after == "Alice Liddell", f"a query after both is answered: {after}")
        check(iq_reply == "error", f"the deep iq gets an error: {iq_reply}")
        check(c.handshakes() == 1, f"one stream throughout: {c.handshakes()} handshakes")
        check("xmpp.disconnected" not in c.text(), "the component never lost its stream")
        print("ok: a 70-deep message and iq cost only themselves")


if __name__ == "__main__":
    main()
