#!/usr/bin/python3
"""A bound user's vCard4 that the component's parser cannot take costs only its sync, through a
real Prosody (XEP-0356 privileged pubsub) and slixmpp clients. alice (admin-verified) publishes
her own vCard4 carrying an extension element nested 70 levels deep (Prosody stores and serves
it). The component reads it after its handshake (vcard4_sync); that answer must not end the
component's one stream, or every reconnection reads it again and the component never stays on
the air. Expected: one handshake throughout, bob's queries answered."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, Scenario, check, query,  # noqa: E402
                        vcard_fn, wait_for)

ALICE = "alice@" + LOCAL
BOB = "bob@" + LOCAL
DEEP_VCARD4 = ("<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:vcard4'>"
               "<item id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><fn><text>"
               "Alice</text></fn>" + "<x xmlns='urn:example:nest'>" * 70 + "</x>" * 70 +
               "</vcard></item></publish></pubsub>")


def main():
    with Scenario("an unreadable vCard4 costs only its sync") as s:
        s.write_prosody_config()
        s.enable_pubsub_privilege()
        s.start_prosody()
        s.register("alice", LOCAL, "pw-alice")
        s.register("bob", LOCAL, "pw-bob")
        s.example_bindings()  # alice: admin-verified
        r = s.client(ALICE, "pw-alice", lambda cl: query(cl, ALICE, DEEP_VCARD4, itype="set"))
        check(not isinstance(r, str), f"alice publishes her vCard4: {r}")
        c = s.start_component(log={"level": "debug"})
        c.wait_connected()
        # The sync has read alice's vCard4 (its request went out and something came of it: an
        # outcome line naming her, or the stream lost).
        wait_for(lambda: any("vcard4" in line and ALICE in line and "stanza_id=vcard4-" in line
                             for line in c.text().splitlines()
                             if "xmpp.vcard4_" in line) or c.handshakes() > 1,
                 20, "the sync's outcome for alice")

        async def bob(cl):
            answers = []
            for _ in range(5):
                answers.append(await vcard_fn(cl, "alice@" + DOMAIN))
            return answers
        answers = s.client(BOB, "pw-bob", bob)
        check(all(a == "Alice Liddell" for a in answers), f"bob's queries answered: {answers}")
        check(c.handshakes() == 1, f"one stream throughout: {c.handshakes()} handshakes")
        check("xmpp.disconnected" not in c.text(), "the component never lost its stream")
        print("ok: alice's deeply nested vCard4 did not take the component off the air")


if __name__ == "__main__":
    main()
