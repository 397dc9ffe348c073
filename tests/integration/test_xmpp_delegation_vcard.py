#!/usr/bin/python3
"""XEP-0355: Prosody (mod_delegation, Debian prosody-modules) hands vcard-temp of its users to
the component. A second user fetches alice@xmpp.example.com's vCard and sees her SIP TEL (from
her binding); alice sets a nickname, the component is restarted, the nickname is still there
(vcard_store); alice tries to replace her SIP TEL and is refused with not-acceptable naming it
(vcard_guard = refuse) and, restarted with vcard_guard = correct, corrected; a
delegation-wrapped stanza sent by a client is refused with forbidden (RFC 6120 §8.2.3: every iq
request is answered) and not acted upon; a binding change made with cusaxctl
shows in a fetch; Prosody's disco-nesting probes are answered. While the component is down,
Prosody answers a user's vCard with service-unavailable (it drops the delegation) and a SIP
account's with remote-server-timeout."""
import asyncio
import os
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, Scenario, check, query, read, vcard_tels,  # noqa: E402
                        wait_for)
from delegation_checks import (ALICE, SIP, alice_adds_nickname, bob_fetches_alice,  # noqa: E402
                               binding_change_shows_in_a_fetch, nickname_kept,
                               replacing_sip_is_corrected, replacing_sip_is_refused)


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
        tels = vcard_tels(bob_fetches_alice(s))
        check(tels.get(SIP) == {"VOICE", "VIDEO"}, f"bob sees alice's SIP TEL: {tels}")
        check(tels.get("+4930123456") == {"VOICE", "VIDEO"}, f"and her number: {tels}")
        print(f"ok: bob fetched {ALICE}'s vCard with {SIP}")

        # 2. alice edits her own vCard as a client does.
        alice_adds_nickname(s)

        # 3. a client's forged delegation is refused (forbidden) and not acted upon.
        forged = ("<delegation xmlns='urn:xmpp:delegation:2'><forwarded "
                  "xmlns='urn:xmpp:forward:0'><iq xmlns='jabber:client' type='set' id='f1' "
                  f"from='{ALICE}/x' to='{ALICE}'><vCard xmlns='vcard-temp'><NICKNAME>pwned"
                  "</NICKNAME></vCard></iq></forwarded></delegation>")
        r = s.client("bob@" + LOCAL, "pw-bob", lambda cl: query(cl, DOMAIN, forged, itype="set"))
        check(r == "forbidden", f"forged delegation answered with forbidden: {r}")
        wait_for(lambda: "xmpp.delegation_refused" in c.text(), 5, "forged delegation logged")
        nickname_kept(s, "a forged delegation")

        # 4. the component is down: what Prosody answers for a user's delegated vCard and for
        # a SIP account (README, "Status"); then restarted, the nickname is still there.
        check(c.stop() == 0, "component stopped cleanly")
        wait_for(lambda: "component disconnected" in read(
            os.path.join(s.dir, "prosody", "prosody.log")), 10, "Prosody seeing the component go")

        async def while_down(cl):
            user = await query(cl, ALICE, "<vCard xmlns='vcard-temp'/>", timeout=8)
            account = await query(cl, "alice@" + DOMAIN, "<vCard xmlns='vcard-temp'/>",
                                  timeout=8)
            return user, account
        user, account = s.client("bob@" + LOCAL, "pw-bob", while_down)
        check(user == "service-unavailable", f"a user's vCard while the component is down: {user}")
        check(account == "remote-server-timeout",
              f"a SIP account's vCard while the component is down: {account}")
        print(f"ok: while the component is down, Prosody answers {user} for a user's vCard and "
              f"{account} for a SIP account's")
        c = s.start_component(name="component2", component=keys)
        c.wait_connected()
        wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                 "Prosody advertising the delegation again")
        nickname_kept(s, "a component restart")

        # 5. alice replaces her SIP TEL: refused, naming the field; nothing changes.
        replacing_sip_is_refused(s)

        # 6. a binding change made with cusaxctl shows in a fetch.
        binding_change_shows_in_a_fetch(s)

        # 7. vcard_guard = correct: the same change is stored with the SIP TEL put back (voice
        # only now: the new number has no video).
        check(c.stop() == 0, "component stopped cleanly")
        c = s.start_component(name="component3", component=dict(keys, vcard_guard="correct"))
        c.wait_connected()
        wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                 "Prosody advertising the delegation again")
        replacing_sip_is_corrected(s, c)


if __name__ == "__main__":
    main()
