#!/usr/bin/python3
"""XEP-0355 on ejabberd: the checks of test_xmpp_delegation_vcard.py (Prosody) against a real
ejabberd 23.01 (Debian's `ejabberd`, mod_delegation, namespace urn:xmpp:delegation:1), with the
config of conf/ejabberd-delegation.yml.

ejabberd asks the component two disco#info questions when it connects and delegates what the
answers accept: the users' bare JIDs (`urn:xmpp:delegation:1:bare:vcard-temp`, answered) and
the server domain itself (`urn:xmpp:delegation:1::vcard-temp`, declined, so that ejabberd's
mod_vcard keeps the server's own vCard). Then: a second user fetches alice@xmpp.example.com's
vCard and sees her SIP TEL; alice sees her own (an iq without `to`); alice sets a nickname;
bob may not change alice's vCard (forbidden, an error relayed through ejabberd's delegation);
a delegation-wrapped stanza sent by a client is refused (forbidden); while the component is down, ejabberd
has no vcard-temp handler at all for its users (service-unavailable) and answers for a SIP
account with forbidden; the component is restarted and the nickname is
still there; alice's change of her SIP TEL is refused (vcard_guard = refuse) or corrected
(vcard_guard = correct); a binding change made with cusaxctl shows in a
fetch."""
import os
import signal
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, VT, check, fetch_vcard, query, set_vcard,  # noqa: E402
                        vcard_tels, wait_for)
from delegation_checks import (ALICE, BOB, SIP, alice_adds_nickname,  # noqa: E402
                               binding_change_shows_in_a_fetch, nickname_kept,
                               replacing_sip_is_corrected, replacing_sip_is_refused)
from ejabberd import EjabberdScenario  # noqa: E402
BUDGET = 85  # seconds for the whole test; ctest's own timeout is longer
DELEGATED = "Namespace 'vcard-temp' is delegated to external component 'sip.example.com'"


def out_of_time(signum, frame):
    raise AssertionError(f"the test took more than {BUDGET}s")


async def fetch(client, jid=ALICE):
    return await fetch_vcard(client, jid)


async def own_vcard(client):
    """The sender's own vCard, asked as clients do: an iq without `to`."""
    from slixmpp.exceptions import IqError, IqTimeout
    iq = client.Iq()
    iq["type"] = "get"
    iq.xml.append(ET.fromstring("<vCard xmlns='vcard-temp'/>"))
    try:
        resp = await iq.send(timeout=8)
    except (IqError, IqTimeout) as e:
        return repr(e)
    return resp.xml.find(VT + "vCard")


def wait_delegated(s, c, times):
    """ejabberd has (re)delegated vcard-temp to this component: its log says so for the
    times-th time and the component got the advertisement."""
    wait_for(lambda: len(s.ejabberd_log_lines(DELEGATED)) >= times
             and "xmpp.delegation_advertised" in c.text(), 15,
             f"ejabberd delegating vcard-temp (#{times})")


def main():
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(BUDGET)
    started = time.monotonic()
    with EjabberdScenario("vCard delegation on ejabberd") as s:
        s.write_ejabberd_config(delegate_vcard=True)
        s.start_ejabberd()
        s.register_users([("alice", LOCAL, "pw-alice"), ("bob", LOCAL, "pw-bob")])
        s.example_bindings()  # alice: SIP URI with video, +4930123456 with video
        keys = {"vcard_store": os.path.join(s.dir, "vcards.sqlite"), "vcard_guard": "refuse"}
        c = s.start_component(component=keys)
        c.wait_connected()
        wait_delegated(s, c, 1)

        # 1. bob sees alice's SIP TEL; the server's own vCard is still ejabberd's.
        async def bob_fetches(cl):
            return await fetch(cl), await fetch(cl, LOCAL)
        alice_vcard, server_vcard = s.client(BOB, "pw-bob", bob_fetches)
        tels = vcard_tels(alice_vcard)
        check(tels.get(SIP) == {"VOICE", "VIDEO"}, f"bob sees alice's SIP TEL: {tels}")
        check(tels.get("+4930123456") == {"VOICE", "VIDEO"}, f"and her number: {tels}")
        check(server_vcard.findtext(VT + "FN") == "ejabberd",
              f"the server's vCard is mod_vcard's: {ET.tostring(server_vcard, 'unicode')}")
        print(f"ok: bob fetched {ALICE}'s vCard with {SIP}; {LOCAL}'s is ejabberd's own")
        # Only the bare-JID half: the probe for the server domain itself was declined. Counted
        # here, after the server's vCard came from mod_vcard: ejabberd had acted on both
        # answers by then (a delegated domain half would have sent that fetch to us).
        check(len(s.ejabberd_log_lines(DELEGATED)) == 1,
              f"delegated once: {s.ejabberd_log_lines(DELEGATED)}")
        check(c.text().count("xmpp.delegation_advertised") == 1,
              "one delegation advertised to the component")

        # 2. alice sees her own vCard (no `to`), then edits it as a client does.
        async def own_vcard_has_sip(cl):
            mine = await own_vcard(cl)
            check(not isinstance(mine, str) and SIP in vcard_tels(mine),
                  f"alice's own vCard: {mine if isinstance(mine, str) else vcard_tels(mine)}")
            return "ok"
        check(s.client(ALICE, "pw-alice", own_vcard_has_sip) == "ok", "alice's own vCard")
        alice_adds_nickname(s)
        print("ok: alice's own vCard carries her SIP TEL; nickname set")

        # 3. bob may not change alice's vCard: the component's error reaches bob through
        # ejabberd's delegation, text included.
        async def bob_sets_alice(cl):
            return await set_vcard(cl, ET.fromstring(
                "<vCard xmlns='vcard-temp'><NICKNAME>bob was here</NICKNAME></vCard>"), to=ALICE)
        r = s.client(BOB, "pw-bob", bob_sets_alice)
        check(r == ("forbidden", "only the owner of a vCard may change it"),
              f"bob's set of alice's vCard: {r}")
        print(f"ok: bob's change of alice's vCard refused: {r}")

        # 4. a client's forged delegation is refused (forbidden) and not acted upon.
        forged = ("<delegation xmlns='urn:xmpp:delegation:1'><forwarded "
                  "xmlns='urn:xmpp:forward:0'><iq xmlns='jabber:client' type='set' id='f1' "
                  f"from='{ALICE}/x' to='{ALICE}'><vCard xmlns='vcard-temp'><NICKNAME>pwned"
                  "</NICKNAME></vCard></iq></forwarded></delegation>")
        r = s.client(BOB, "pw-bob", lambda cl: query(cl, DOMAIN, forged, itype="set"))
        check(r == "forbidden", f"forged delegation answered with forbidden: {r}")
        wait_for(lambda: "xmpp.delegation_refused" in c.text(), 5, "forged delegation logged")
        print("ok: a client's forged delegation was refused")

        # 5. the component stops: ejabberd removes the delegation, and with it every
        # vcard-temp handler of its users (mod_vcard's included) until the component is back.
        check(c.stop() == 0, "component stopped cleanly")
        wait_for(lambda: s.ejabberd_log_lines("Remove delegation of namespace 'vcard-temp'"),
                 10, "ejabberd removing the delegation")
        r = s.client(BOB, "pw-bob",
                     lambda cl: query(cl, ALICE, "<vCard xmlns='vcard-temp'/>", timeout=5))
        check(r == "service-unavailable", f"vCard while the component is down: {r}")
        print(f"ok: while the component is down, a user's vCard gets {r}")
        account = s.client(BOB, "pw-bob", lambda cl: query(
            cl, "alice@" + DOMAIN, "<vCard xmlns='vcard-temp'/>", timeout=8))
        check(account == "forbidden", f"a SIP account's vCard while the component is down: "
              f"{account}")
        print(f"ok: and a SIP account's vCard gets {account}")

        # 6. restarted, the component has kept the nickname.
        c = s.start_component(name="component2", component=keys)
        c.wait_connected()
        wait_delegated(s, c, 2)
        nickname_kept(s, "a component restart")

        # 7. alice replaces her SIP TEL: refused, naming the field; nothing changes.
        replacing_sip_is_refused(s)

        # 8. a binding change made with cusaxctl shows in a fetch.
        binding_change_shows_in_a_fetch(s)

        # 9. vcard_guard = correct: the same change is stored with the SIP TEL put back (voice
        # only now: the new number has no video).
        check(c.stop() == 0, "component stopped cleanly")
        c = s.start_component(name="component3", component=dict(keys, vcard_guard="correct"))
        c.wait_connected()
        wait_delegated(s, c, 3)
        replacing_sip_is_corrected(s, c)

        # Nothing went wrong on ejabberd's side: no delegated reply it could not use.
        for needle in ("invalid delegated", "External component", "[error]"):
            check(not s.ejabberd_log_lines(needle), f"ejabberd log: {s.ejabberd_log_lines(needle)}")
    signal.alarm(0)
    print(f"took {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
