#!/usr/bin/python3
"""A stanza over max_stanza_size costs only itself, through a real Prosody (vcard-temp
delegated to the component) and slixmpp clients: carol sends a 100 KB chat message to a SIP
account and then sets her own vCard with a 150 KB avatar (delegated to the component), while
bob keeps asking for a SIP user's vCard. Every one of bob's queries is answered, the component
keeps its one stream (no second handshake, no disconnect line), logs each oversize stanza once
with its id and sender, and carol's set gets an error rather than silence.

max_stanza_size is set here (64KiB) so that the test does not depend on the default."""
import asyncio
import base64
import os
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, VT, QueriesThroughout, Scenario,  # noqa: E402
                        check, client_session, fetch_vcard, set_vcard, wait_for, wait_in_log)

CAROL = "carol@" + LOCAL
BOB = "bob@" + LOCAL
SIP_USER = "alice@" + DOMAIN
MESSAGE_ID = "big-msg-1"


def avatar_vcard(size):
    v = ET.Element(VT + "vCard")
    ET.SubElement(v, VT + "FN").text = "Carol"
    photo = ET.SubElement(v, VT + "PHOTO")
    ET.SubElement(photo, VT + "TYPE").text = "image/jpeg"
    ET.SubElement(photo, VT + "BINVAL").text = base64.b64encode(os.urandom(size * 3 // 4)).decode()
    return v


async def scenario(s, component):
    async def with_bob(carol):
        async def both(bob):
            # Bob is answered before anything big is sent and after, by the component and
            # through delegation.
            async with QueriesThroughout(bob, SIP_USER) as q:
                msg = carol.make_message(mto=SIP_USER, mbody="x" * 100_000, mtype="chat")
                msg["id"] = MESSAGE_ID
                msg.send()
                await wait_in_log(component, "stanza_id=" + MESSAGE_ID)
                during_message = len(q.answers)
                set_result = await set_vcard(carol, avatar_vcard(150_000))
            alice = await fetch_vcard(bob, "alice@" + LOCAL)
            return q.answers, during_message, set_result, alice
        return await client_session(s.c2s_port, BOB, "pw-bob", both)
    return await client_session(s.c2s_port, CAROL, "pw-carol", with_bob)


def main():
    with Scenario("an oversize stanza costs only itself") as s:
        s.write_prosody_config()
        s.enable_vcard_delegation()
        s.start_prosody()
        for user in ("alice", "bob", "carol"):
            s.register(user, LOCAL, "pw-" + user)
        s.example_bindings()
        keys = {"vcard_store": os.path.join(s.dir, "vcards.sqlite"), "max_stanza_size": "64KiB"}
        c = s.start_component(component=keys)
        c.wait_connected()
        wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                 "Prosody advertising the delegation")

        answers, during_message, set_result, alice = asyncio.run(scenario(s, c))

        check(answers and all(a == "Alice Liddell" for a in answers),
              f"every one of bob's queries answered: {answers}")
        print(f"ok: bob's {len(answers)} queries all answered ({during_message} before the "
              "message was skipped)")
        numbers = [t.findtext(VT + "NUMBER") for t in alice.findall(VT + "TEL")]
        check("sip:" + SIP_USER in numbers, f"a delegated vCard fetch after both: {numbers}")
        check(set_result != "TIMEOUT" and set_result != "ok",
              f"carol's oversize vCard set gets an error: {set_result}")
        print(f"ok: carol's 150 KB vCard set answered with an error: {set_result}")

        check(c.handshakes() == 1, f"one stream throughout: {c.handshakes()} handshakes")
        check("xmpp.disconnected" not in c.text(), "the component never lost its stream")
        lines = [line for line in c.text().splitlines() if "xmpp.stanza_too_large" in line]
        check(len(lines) == 2, f"each oversize stanza logged once: {lines}")
        check(f"stanza_id={MESSAGE_ID} peer={CAROL}/" in lines[0], f"message logged: {lines[0]}")
        check("stanza=iq type=set" in lines[1], f"delegated set logged: {lines[1]}")
        print("ok: one stream throughout; each oversize stanza logged once")


if __name__ == "__main__":
    main()
