#!/usr/bin/python3
"""XEP-0356: Prosody (mod_privilege, Debian prosody-modules) grants the component privileged
pubsub iqs, and the component keeps the vCard4 (XEP-0292, PEP node urn:xmpp:vcard4) of
alice@xmpp.example.com carrying her SIP address and numbers. bob fetches alice's vCard4 with a
plain PEP items query and sees her SIP tel (and, vcard-temp not being delegated here, Prosody's
mod_vcard_legacy shows it in her vcard-temp too, without VOICE/VIDEO); alice publishes her own
vCard4 with a nickname and without the SIP tel, and a binding change made with cusaxctl brings
the tels back (the new number in, the old one out) with her nickname kept; she drops it again
and a component restart brings it back; a restart with everything in place publishes nothing;
she drops it once more and `cusaxctl sync-vcards` brings it back without a restart. bob's
binding is unverified: nothing is published as bob (RFC 7081 §3.3, §3.5), and when alice's
binding is unverified (`cusaxctl unverify`) the tels the component put there go, her own
fields stay."""
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, PUBSUB, V4, VT, Scenario, check, query, read,
                        vcard_tels, wait_for)

ALICE = "alice@" + LOCAL
BOB = "bob@" + LOCAL
SIP = "sip:alice@" + DOMAIN
ITEMS = "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:vcard4'/></pubsub>"
OWN_VCARD4 = ("<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:vcard4'>"
              "<item id='current'><vcard xmlns='urn:ietf:params:xml:ns:vcard-4.0'><fn><text>"
              "Alice</text></fn><nickname><text>Ally</text></nickname><tel><uri>tel:+15550199"
              "</uri></tel></vcard></item></publish></pubsub>")


def tels(vcard):
    """{uri: {type, ...}} of a vCard4."""
    out = {}
    for tel in vcard.findall(V4 + "tel"):
        uri = tel.findtext(V4 + "uri") or tel.findtext(V4 + "text")
        out[uri] = {t.text for t in tel.findall(f"{V4}parameters/{V4}type/{V4}text")}
    return out


async def fetch_vcard4(client, jid):
    """jid's vCard4 from their PEP node (None when there is none); fails on an error."""
    r = await query(client, jid, ITEMS)
    check(not isinstance(r, str), f"vCard4 of {jid}: {r}")
    return r.find(f"{PUBSUB}items/{PUBSUB}item/{V4}vcard")


async def poll_vcard4(client, jid, predicate, seconds):
    """Fetches jid's vCard4 until predicate holds; returns (vcard, seconds taken) or (last, None)."""
    started = time.monotonic()
    while True:
        v = await fetch_vcard4(client, jid)
        if v is not None and predicate(v):
            return v, time.monotonic() - started
        if time.monotonic() - started > seconds:
            return v, None
        await asyncio.sleep(0.1)


def publish_own(s):
    """alice publishes her own vCard4 (nickname, a number of hers, no SIP tel)."""
    async def body(cl):
        r = await query(cl, ALICE, OWN_VCARD4, itype="set")
        check(not isinstance(r, str), f"alice publishes her own vCard4: {r}")
        return await fetch_vcard4(cl, ALICE)
    v = s.client(ALICE, "pw-alice", body)
    check(SIP not in tels(v), f"alice's own publish dropped the SIP tel: {tels(v)}")


def main():
    with Scenario("vCard4 through XEP-0356 privileged pubsub") as s:
        s.write_prosody_config()
        s.enable_pubsub_privilege()
        s.start_prosody()
        s.register("alice", LOCAL, "pw-alice")
        s.register("bob", LOCAL, "pw-bob")
        s.example_bindings()  # alice: SIP URI with video, +4930123456 with video; bob: 1234
        c = s.start_component(log={"level": "debug"})  # vcard4_unchanged is a debug line
        c.wait_connected()
        wait_for(lambda: c.count("xmpp.vcard4_published") >= 1
                 and c.count("xmpp.vcard4_unchanged") >= 1, 15,
                 "the component publishing alice's vCard4 and leaving bob's alone")
        check(c.count("xmpp.vcard4_published") == 1, "only alice's (verified) is published")
        check(c.count("xmpp.privilege_advertised") == 1, "the grant is logged")
        print("ok: Prosody granted pubsub; the component published alice's vCard4 only")

        # 0. bob's binding is unverified: no vCard4 of his was published as him.
        bobs = s.client(ALICE, "pw-alice", lambda cl: query(cl, BOB, ITEMS))
        check(isinstance(bobs, str) or bobs.find(f"{PUBSUB}items/{PUBSUB}item") is None,
              f"bob's vCard4 node holds nothing: {bobs if isinstance(bobs, str) else 'an item'}")
        print("ok: nothing published as bob, whose binding is unverified")

        # 1. bob sees alice's SIP tel in her vCard4, which nobody ever put there.
        async def bob_reads(cl):
            v4 = await fetch_vcard4(cl, ALICE)
            vt = await query(cl, ALICE, "<vCard xmlns='vcard-temp'/>")
            return v4, vt
        v4, vt = s.client(BOB, "pw-bob", bob_reads)
        check(v4 is not None, "alice has a vCard4")
        t = tels(v4)
        check(t.get(SIP) == {"voice", "video"}, f"bob sees alice's SIP tel: {t}")
        check(t.get("tel:+4930123456") == {"voice", "video"}, f"and her number: {t}")
        print(f"ok: bob fetched {ALICE}'s vCard4 with {SIP}")
        # mod_vcard_legacy answers vcard-temp from the vCard4 (not delegated here): the SIP
        # URI shows, without the VOICE/VIDEO it does not map.
        check(not isinstance(vt, str), f"alice's vcard-temp: {vt}")
        check(vcard_tels(vt).get(SIP) == set(), f"vcard-temp from vCard4: {vcard_tels(vt)}")
        print("ok: Prosody's vcard-temp of alice (mod_vcard_legacy) lists her SIP URI too")

        # 2. alice publishes her own vCard4, nickname and a number of her own, no SIP tel;
        # a binding change made with cusaxctl brings the guaranteed tels back, nickname kept.
        publish_own(s)

        async def change_and_poll(cl):
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, lambda: s.ctl("remove", SIP))
            await loop.run_in_executor(None, lambda: s.ctl(
                "add", SIP, ALICE, "--name", "Alice Liddell", "--number", "+4930123999",
                "--verified", "admin"))
            return await poll_vcard4(
                cl, ALICE, lambda v: SIP in tels(v) and "tel:+4930123999" in tels(v), 30)
        v, took = s.client(BOB, "pw-bob", change_and_poll)
        check(took is not None, f"the binding change did not show within 30 s: {tels(v)}")
        t = tels(v)
        check(t.get(SIP) == {"voice"}, f"SIP tel, voice only now: {t}")
        check("tel:+4930123456" not in t, f"the old number is gone: {t}")
        check("tel:+15550199" in t, f"alice's own number stays: {t}")
        check(v.findtext(f"{V4}nickname/{V4}text") == "Ally", "nickname kept")
        print(f"ok: binding change visible in alice's vCard4 after {took:.2f}s, nickname kept")

        # 3. alice drops it again; a restart of the component brings it back.
        publish_own(s)
        check(c.stop() == 0, "component stopped cleanly")
        c = s.start_component(name="component2", log={"level": "debug"})
        c.wait_connected()
        v, took = s.client(BOB, "pw-bob", lambda cl: poll_vcard4(
            cl, ALICE, lambda v: SIP in tels(v), 30))
        check(took is not None, f"restart did not restore the SIP tel: {tels(v)}")
        check(v.findtext(f"{V4}nickname/{V4}text") == "Ally", "nickname kept")
        print(f"ok: after a restart the SIP tel was back within {took:.2f}s")

        # 4. everything in place: a restart reads both and publishes nothing.
        check(c.stop() == 0, "component stopped cleanly")
        c = s.start_component(name="component3", log={"level": "debug"})
        c.wait_connected()
        wait_for(lambda: c.count("xmpp.vcard4_unchanged") >= 2, 10, "both vCard4 read")
        check(c.count("xmpp.vcard4_published") == 0, "nothing published when nothing changed")
        check(c.count("xmpp.vcard4_failed") == 0, "no failure")
        prosody_log = read(os.path.join(s.dir, "prosody", "prosody.log"))
        check("Error while sending privileged" not in prosody_log, "Prosody reported an error")
        print("ok: a restart with everything in place publishes nothing")

        # 5. alice drops it once more; the operator's `cusaxctl sync-vcards` (SIGUSR2 to the
        # running component, found through its stats file) brings it back without a restart.
        publish_own(s)
        r = s.ctl("sync-vcards")
        check(f"(pid {c.proc.pid})" in r.stdout, f"sync-vcards signalled the component: {r.stdout}")
        v, took = s.client(BOB, "pw-bob", lambda cl: poll_vcard4(
            cl, ALICE, lambda v: SIP in tels(v), 30))
        check(took is not None, f"sync-vcards did not restore the SIP tel: {tels(v)}")
        check("xmpp.vcard4_resync" in c.text(), "the resync is logged")
        print(f"ok: cusaxctl sync-vcards put the SIP tel back within {took:.2f}s")

        # 6. alice's binding unverified: the tels the component put there go, hers stay.
        s.ctl("unverify", SIP)
        v, took = s.client(BOB, "pw-bob", lambda cl: poll_vcard4(
            cl, ALICE, lambda v: SIP not in tels(v), 30))
        check(took is not None, f"unverify did not take the SIP tel away: {tels(v)}")
        check("tel:+15550199" in tels(v), f"alice's own number stays: {tels(v)}")
        check(v.findtext(f"{V4}nickname/{V4}text") == "Ally", "nickname kept")
        print(f"ok: unverified, alice's vCard4 lost the SIP tel within {took:.2f}s, hers kept")
        check(c.stop() == 0, "component stopped cleanly")
        r = s.ctl("sync-vcards", check_ok=False)
        check(r.returncode == 7, f"sync-vcards without a running component: {r.returncode}")
        if os.environ.get("CUSAX_SHOW_LOGS"):
            for name in ("component", "component2", "component3"):
                for line in read(os.path.join(s.dir, name + ".out")).splitlines():
                    if "vcard4" in line or "privilege" in line:
                        print(line)


if __name__ == "__main__":
    main()
