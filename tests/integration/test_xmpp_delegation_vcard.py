#!/usr/bin/python3
"""XEP-0355: Prosody (mod_delegation, Debian prosody-modules) hands vcard-temp of its users to
the component. A second user fetches alice@xmpp.example.com's vCard and sees her SIP TEL (from
her binding); alice sets a nickname, the component is restarted, the nickname is still there
(vcard_store); alice tries to replace her SIP TEL and is refused with not-acceptable naming it
(vcard_guard = refuse) and, restarted with vcard_guard = correct, corrected; a
delegation-wrapped stanza sent by a client is ignored; a binding change made with cusaxctl
shows in a fetch within one second; Prosody's disco-nesting probes are answered."""
import asyncio
import os
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, VT, Scenario, check, fetch_vcard, query, read,
                        set_vcard, vcard_tels, wait_for)

ALICE = "alice@" + LOCAL
SIP = "sip:alice@" + DOMAIN


def main():
    with Scenario("vCard delegation") as s:
        s.write_prosody_config()
        s.enable_vcard_delegation()
        s.start_prosody()
        s.register("alice", LOCAL, "pw-alice")
        s.register("bob", LOCAL, "pw-bob")
        s.example_bindings()  # alice: SIP URI with video, +4930123456 with video
        keys = {"vcard_store": os.path.join(s.dir, "vcards.sqlite"), "vcard_guard": "refuse"}
        c = s.start_component(component=keys)
        c.wait_connected()
        wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                 "Prosody advertising the delegation")
        prosody_log = os.path.join(s.dir, "prosody", "prosody.log")
        check("Ignoring disco nesting" not in read(prosody_log),
              "Prosody took the component's disco-nesting answers")

        # 1. bob sees alice's SIP TEL, which nobody ever put in a vCard.
        tels = vcard_tels(s.client("bob@" + LOCAL, "pw-bob", lambda cl: fetch_vcard(cl, ALICE)))
        check(tels.get(SIP) == {"VOICE", "VIDEO"}, f"bob sees alice's SIP TEL: {tels}")
        check(tels.get("+4930123456") == {"VOICE", "VIDEO"}, f"and her number: {tels}")
        print(f"ok: bob fetched {ALICE}'s vCard with {SIP}")

        # 2. alice edits her own vCard as a client does: fetch, add a nickname, send back.
        async def add_nickname(cl):
            v = await fetch_vcard(cl, ALICE)
            ET.SubElement(v, VT + "NICKNAME").text = "Ally"
            return await set_vcard(cl, v, to=ALICE)
        r = s.client(ALICE, "pw-alice", add_nickname)
        check(r == "ok", f"alice's nickname set: {r}")

        # 3. a client's forged delegation is not acted upon (and never answered).
        forged = ("<delegation xmlns='urn:xmpp:delegation:2'><forwarded "
                  "xmlns='urn:xmpp:forward:0'><iq xmlns='jabber:client' type='set' id='f1' "
                  f"from='{ALICE}/x' to='{ALICE}'><vCard xmlns='vcard-temp'><NICKNAME>pwned"
                  "</NICKNAME></vCard></iq></forwarded></delegation>")
        r = s.client("bob@" + LOCAL, "pw-bob",
                     lambda cl: query(cl, DOMAIN, forged, itype="set", timeout=2))
        check(r == "TIMEOUT", f"forged delegation answered: {r}")
        wait_for(lambda: "xmpp.delegation_ignored" in c.text(), 5, "forged delegation logged")

        # 4. the component is restarted: the nickname is still there.
        check(c.stop() == 0, "component stopped cleanly")
        c = s.start_component(name="component2", component=keys)
        c.wait_connected()
        wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                 "Prosody advertising the delegation again")
        v = s.client("bob@" + LOCAL, "pw-bob", lambda cl: fetch_vcard(cl, ALICE))
        check(v.findtext(VT + "NICKNAME") == "Ally",
              f"nickname after restart: {ET.tostring(v, 'unicode')}")
        print("ok: alice's nickname survived a component restart")

        # 5. alice replaces her SIP TEL: refused, naming the field; nothing changes.
        async def replace_sip(cl):
            v = await fetch_vcard(cl, ALICE)
            for tel in v.findall(VT + "TEL"):
                if tel.findtext(VT + "NUMBER") == SIP:
                    tel.find(VT + "NUMBER").text = "sip:mallory@evil.example"
            return await set_vcard(cl, v, to=ALICE)
        r = s.client(ALICE, "pw-alice", replace_sip)
        check(isinstance(r, tuple) and r[0] == "not-acceptable", f"SIP TEL change: {r}")
        check("sip:mallory@evil.example" in r[1], f"the error names the TEL: {r[1]}")
        v = s.client("bob@" + LOCAL, "pw-bob", lambda cl: fetch_vcard(cl, ALICE))
        numbers = [t.findtext(VT + "NUMBER") for t in v.findall(VT + "TEL")]
        check(SIP in numbers and "sip:mallory@evil.example" not in numbers,
              f"alice's vCard unchanged: {numbers}")
        check(v.findtext(VT + "NICKNAME") == "Ally", "nickname kept")
        print(f"ok: refused with not-acceptable: {r[1]}")

        # 6. a binding change made with cusaxctl shows within a second (bob is logged in
        # first, so that the deadline measures the component, not the login).
        async def change_and_poll(cl):
            await fetch_vcard(cl, ALICE)
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, lambda: s.ctl("remove", SIP))
            await loop.run_in_executor(None, lambda: s.ctl(
                "add", SIP, ALICE, "--name", "Alice Liddell", "--number", "+4930123999",
                "--verified", "admin"))
            changed = time.monotonic()
            while time.monotonic() - changed < 1.0:
                tels = vcard_tels(await fetch_vcard(cl, ALICE))
                if "+4930123999" in tels and "+4930123456" not in tels:
                    return time.monotonic() - changed
                await asyncio.sleep(0.05)
            return None
        took = s.client("bob@" + LOCAL, "pw-bob", change_and_poll)
        check(took is not None, "the new number did not show within 1 s")
        print(f"ok: binding change visible after {took:.2f}s")

        # 7. vcard_guard = correct: the same change is stored with the SIP TEL put back (voice
        # only now: the new number has no video).
        check(c.stop() == 0, "component stopped cleanly")
        c = s.start_component(name="component3", component=dict(keys, vcard_guard="correct"))
        c.wait_connected()
        wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                 "Prosody advertising the delegation again")
        r = s.client(ALICE, "pw-alice", replace_sip)
        check(r == "ok", f"corrected set accepted: {r}")
        v = s.client("bob@" + LOCAL, "pw-bob", lambda cl: fetch_vcard(cl, ALICE))
        tels = vcard_tels(v)
        check(tels.get(SIP) == {"VOICE"} and "sip:mallory@evil.example" not in tels,
              f"corrected vCard: {tels}")
        check(v.findtext(VT + "NICKNAME") == "Ally", "nickname kept")
        check("corrected: TEL sip:mallory@evil.example" in c.text(), "the correction is logged")
        print("ok: corrected: SIP TEL put back, the foreign one dropped")


if __name__ == "__main__":
    main()
