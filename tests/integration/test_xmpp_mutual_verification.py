#!/usr/bin/python3
"""RFC 7081 §3.3 mutual verification, end to end: a real Prosody delegates vcard-temp to the
component (mod_delegation), alice (a real slixmpp client) edits her own vCard, and
`cusaxctl verify --mutual` marks her binding mutual only when her vCard lists her SIP address
in her own words. What the component adds to a get (the TELs of a verified binding) is not her
listing when her client sends it back; an unverified binding adds nothing, so a get-edit-set
leaves it unverified. Her set that drops the listing (vcard_guard = correct, so it is accepted
and corrected) makes the component drop the binding to unverified at once; verify --mutual then
says why it is not mutual; listing it again and `verify --mutual --all` marks it again."""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (CUSAXCTL, DOMAIN, LOCAL, VT, Scenario, check, fetch_vcard,  # noqa: E402
                        set_vcard, wait_for)

ALICE = "alice@" + LOCAL
BOB = "bob@" + LOCAL
SIP = "sip:alice@" + DOMAIN


def verify_mutual(component, *args):
    """cusaxctl verify --mutual with the component's own INI file, as an operator runs it (the
    vCard store is found through [xmpp-component] vcard_store)."""
    r = subprocess.run([CUSAXCTL, "-c", component.ini, "verify", "--mutual", *args],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, f"verify --mutual {args}: exit {r.returncode}: {r.stderr}")
    return r


def state(s):
    return json.loads(s.ctl("--json", "show", SIP).stdout)["verification"]


def alice_edits(s, sip_tel):
    """alice edits her vCard as a client does: fetch, change, send back (no `to`: her own).
    sip_tel: "keep" sends back whatever the get gave, "type" adds her SIP address as she spells
    it, "drop" removes every TEL with it. Returns the SIP numbers the get gave her."""
    seen = []

    async def edit(cl):
        v = await fetch_vcard(cl, ALICE)
        ET.SubElement(v, VT + "NICKNAME").text = "Ally"
        for tel in v.findall(VT + "TEL"):
            number = tel.findtext(VT + "NUMBER") or ""
            if number.lower().startswith("sip:"):
                seen.append(number)
                if sip_tel == "drop":
                    v.remove(tel)
        if sip_tel == "type":
            tel = ET.SubElement(v, VT + "TEL")
            ET.SubElement(tel, VT + "VOICE")
            ET.SubElement(tel, VT + "NUMBER").text = "SIP:alice@" + DOMAIN.upper()
        return await set_vcard(cl, v)
    r = s.client(ALICE, "pw-alice", edit)
    check(r == "ok", f"alice's vCard set: {r}")
    return seen


def her_vcard_shows_sip(s):
    """Whether alice's vCard carries her SIP address, as bob sees it: the waits below look
    through bob, because a get of alice's own that shows it is remembered as shown to her (her
    client may send that copy back), and how many of hers fall before the component sees a
    binding change is a matter of timing."""
    async def get(cl):
        v = await fetch_vcard(cl, ALICE)
        return any((t.findtext(VT + "NUMBER") or "") == SIP for t in v.findall(VT + "TEL"))
    return s.client(BOB, "pw-bob", get)


def main():
    with Scenario("mutual verification") as s:
        s.write_prosody_config()
        s.enable_vcard_delegation()
        s.start_prosody()
        s.register("alice", LOCAL, "pw-alice")
        s.register("bob", LOCAL, "pw-bob")
        s.example_bindings()  # alice: admin-verified
        vcards = os.path.join(s.dir, "vcards.sqlite")
        c = s.start_component(component={"vcard_store": vcards, "vcard_guard": "correct"})
        c.wait_connected()
        wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                 "Prosody advertising the delegation")

        # 1. No vCard of alice's own yet: not mutual, her admin verification stays.
        r = verify_mutual(c, SIP)
        check(r.stdout.strip() == f"{SIP}: not mutual (no vCard stored for {ALICE}), admin",
              f"before any vCard: {r.stdout!r}")

        # 2. A get-edit-set of the admin-verified binding sends back the TELs the component
        # added: not her listing, the binding stays admin.
        seen = alice_edits(s, "keep")
        check(seen == [SIP], f"the admin-verified binding's get carries {SIP}: {seen}")
        r = verify_mutual(c, SIP)
        check(r.stdout.strip() == f"{SIP}: not mutual ({ALICE}'s vCard does not list it), admin",
              f"after get-edit-set of added TELs: {r.stdout!r}")
        print("ok: the TELs the component added and alice's client sent back are no listing")

        # 3. Unverified: the get adds nothing, so a get-edit-set is her own word, which lists
        # nothing; verify --mutual --all leaves the binding unverified.
        s.ctl("unverify", SIP)
        wait_for(lambda: not her_vcard_shows_sip(s), 10,
                 "the component seeing the unverified state")
        seen = alice_edits(s, "keep")
        check(seen == [], f"the unverified binding's get carries no SIP address: {seen}")
        r = verify_mutual(c, "--all")
        check(f"{SIP}: not mutual ({ALICE}'s vCard does not list it), unverified" in r.stdout,
              f"--all after get-edit-set: {r.stdout!r}")
        check(state(s) == "unverified", "still unverified after verify --mutual --all")
        print("ok: get-edit-set of an unverified user leaves the binding unverified after "
              "verify --mutual --all")

        # 4. alice types her SIP address (her spelling): verify --mutual marks the binding.
        alice_edits(s, "type")
        r = verify_mutual(c, SIP)
        check(r.stdout.strip() == f"{SIP}: mutual, unverified -> mutual", f"marked: {r.stdout!r}")
        check(state(s) == "mutual", "stored as mutual")
        wait_for(lambda: her_vcard_shows_sip(s), 10, "the mutual binding's TELs in her vCard")
        print("ok: verify --mutual marked the binding once alice typed " + SIP)

        # 5. alice drops the SIP TEL: accepted (corrected), and the component demotes the
        # binding in the store at once.
        alice_edits(s, "drop")
        wait_for(lambda: state(s) == "unverified", 2, "the binding dropped to unverified")
        check("xmpp.mutual_dropped" in c.text(), "the component logs the demotion")
        r = verify_mutual(c, SIP)
        check(r.stdout.strip() ==
              f"{SIP}: not mutual ({ALICE}'s vCard does not list it), unverified",
              f"unmarked: {r.stdout!r}")
        print("ok: alice's vCard without her SIP address unmarked the binding")

        # 6. Listed again: --all marks it again.
        wait_for(lambda: not her_vcard_shows_sip(s), 10, "the component seeing the demotion")
        alice_edits(s, "type")
        r = verify_mutual(c, "--all")
        check(f"{SIP}: mutual, unverified -> mutual" in r.stdout, f"--all: {r.stdout!r}")
        check(state(s) == "mutual", "mutual again")
        print("ok: verify --mutual --all marked it again")


if __name__ == "__main__":
    main()
