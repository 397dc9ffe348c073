#!/usr/bin/python3
"""RFC 7081 §3.3 mutual verification, end to end: a real Prosody delegates vcard-temp to the
component (mod_delegation), alice (a real slixmpp client) edits her own vCard, and
`cusaxctl verify --mutual` marks her binding mutual when her vCard lists her SIP address; her
set that drops the listing (vcard_guard = correct, so it is accepted and corrected) makes the
component drop the binding to unverified at once; verify --mutual then says why it is not
mutual; listing it again and `verify --mutual --all` marks it again."""
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (CUSAXCTL, DOMAIN, LOCAL, VT, Scenario, check, fetch_vcard,  # noqa: E402
                        set_vcard, wait_for)

ALICE = "alice@" + LOCAL
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


def alice_sets(s, keep_sip_tel):
    """alice edits her vCard as a client does: fetch, change, send back (no `to`: her own)."""
    async def edit(cl):
        v = await fetch_vcard(cl, ALICE)
        ET.SubElement(v, VT + "NICKNAME").text = "Ally"
        if not keep_sip_tel:
            for tel in v.findall(VT + "TEL"):
                if tel.findtext(VT + "NUMBER") == SIP:
                    v.remove(tel)
        return await set_vcard(cl, v)
    r = s.client(ALICE, "pw-alice", edit)
    check(r == "ok", f"alice's vCard set: {r}")


def main():
    with Scenario("mutual verification") as s:
        s.write_prosody_config()
        s.enable_vcard_delegation()
        s.start_prosody()
        s.register("alice", LOCAL, "pw-alice")
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

        # 2. alice's own vCard lists her SIP address: verify --mutual marks the binding.
        alice_sets(s, keep_sip_tel=True)
        r = verify_mutual(c, SIP)
        check(r.stdout.strip() == f"{SIP}: mutual, admin -> mutual", f"marked: {r.stdout!r}")
        check(state(s) == "mutual", "stored as mutual")
        print("ok: verify --mutual marked the binding once alice's vCard listed " + SIP)

        # 3. alice drops the SIP TEL: accepted (corrected), and the component demotes the
        # binding in the store at once.
        alice_sets(s, keep_sip_tel=False)
        wait_for(lambda: state(s) == "unverified", 2, "the binding dropped to unverified")
        check("xmpp.mutual_dropped" in c.text(), "the component logs the demotion")
        r = verify_mutual(c, SIP)
        check(r.stdout.strip() ==
              f"{SIP}: not mutual ({ALICE}'s vCard does not list it), unverified",
              f"unmarked: {r.stdout!r}")
        print("ok: alice's vCard without her SIP address unmarked the binding")

        # 4. Listed again: --all marks it again.
        alice_sets(s, keep_sip_tel=True)
        r = verify_mutual(c, "--all")
        check(f"{SIP}: mutual, unverified -> mutual" in r.stdout, f"--all: {r.stdout!r}")
        check(state(s) == "mutual", "mutual again")
        print("ok: verify --mutual --all marked it again")


if __name__ == "__main__":
    main()
