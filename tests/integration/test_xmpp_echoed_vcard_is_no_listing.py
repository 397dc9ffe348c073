#!/usr/bin/python3
"""RFC 7081 §3.3: what the component showed users in their own vCard is never their word, in
whatever state their binding is when a client sends it back. A real Prosody delegates
vcard-temp to the component (mod_delegation); alice and bob are real slixmpp clients that edit
their vCards as clients do (fetch, change, send back); `cusaxctl verify --mutual --all` reads
what the component recorded as their listing.

1. alice's binding is verified: her get-edit-set sends back the SIP address and number the
   component added; --all leaves her binding admin, not mutual.
2. alice's client fetches her vCard while the binding is verified, the operator runs
   `cusaxctl unverify`, and the client sends the same vCard back: --all leaves it unverified,
   and her vCard does not show the address or the number as hers afterwards.
3. The same for bob across a component restart: fetched while verified, component stopped,
   binding unverified, a new component process takes the vCard he sends back: no listing.
4. What the README documents for a user who means it: alice typing her address at her next
   edit is still taken for the echo (the set before carried it: it may be what her client
   kept); once she has saved her vCard without it, typing it is her word and --all marks the
   binding mutual."""
import copy
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (CUSAXCTL, DOMAIN, LOCAL, VT, Scenario, check, fetch_vcard,  # noqa: E402
                        set_vcard, vcard_tels, wait_for)

ALICE = "alice@" + LOCAL
BOB = "bob@" + LOCAL
ALICE_SIP = "sip:alice@" + DOMAIN
ALICE_NUMBER = "+4930123456"
BOB_SIP = "sip:bob@pbx.example.org"
PASSWORDS = {ALICE: "pw-alice", BOB: "pw-bob"}


def verify_mutual_all(s, component):
    """`cusaxctl verify --mutual --all` with the component's INI (its vcard_store): the output
    line of each binding, by AOR."""
    r = subprocess.run([CUSAXCTL, "-c", component.ini, "verify", "--mutual", "--all"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, f"verify --mutual --all: exit {r.returncode}: {r.stderr}")
    lines = {}
    for line in r.stdout.splitlines():
        aor, _, rest = line.partition(": ")
        lines[aor] = rest
    return lines


def state(s, aor):
    return json.loads(s.ctl("--json", "show", aor).stdout)["verification"]


def fetch_own(s, jid):
    """jid's client fetches its own vCard: what the client now holds (an Element)."""
    return s.client(jid, PASSWORDS[jid], lambda cl: fetch_vcard(cl, jid))


def send_back(s, jid, vcard):
    """jid's client sends a vCard it holds as its own (no `to`), a nickname changed."""
    v = copy.deepcopy(vcard)
    nickname = v.find(VT + "NICKNAME")
    if nickname is None:
        nickname = ET.SubElement(v, VT + "NICKNAME")
    nickname.text = (nickname.text or "") + "+"
    r = s.client(jid, PASSWORDS[jid], lambda cl: set_vcard(cl, v))
    check(r == "ok", f"{jid}'s vCard set: {r}")


def get_edit_set(s, jid, typed=None):
    """jid edits as a client does: fetch, change, send back; typed: a SIP address the user
    types into a new TEL."""
    v = fetch_own(s, jid)
    if typed:
        tel = ET.SubElement(v, VT + "TEL")
        ET.SubElement(tel, VT + "VOICE")
        ET.SubElement(tel, VT + "NUMBER").text = typed
    send_back(s, jid, v)


def seen_by_other(s, viewer, jid):
    """The TEL numbers of jid's vCard as another user sees it."""
    return set(vcard_tels(s.client(viewer, PASSWORDS[viewer], lambda cl: fetch_vcard(cl, jid))))


def start(s, keys, name):
    c = s.start_component(name=name, component=keys)
    c.wait_connected()
    wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
             "Prosody advertising the delegation")
    return c


def main():
    with Scenario("an echoed vCard is no listing") as s:
        s.write_prosody_config()
        s.enable_vcard_delegation()
        s.start_prosody()
        s.register("alice", LOCAL, "pw-alice")
        s.register("bob", LOCAL, "pw-bob")
        s.example_bindings()  # alice: admin, +4930123456 with video; bob: unverified
        keys = {"vcard_store": os.path.join(s.dir, "vcards.sqlite"), "vcard_guard": "refuse"}
        c = start(s, keys, "component")

        # 1. Verified: the get-edit-set sends back what the component added.
        held = fetch_own(s, ALICE)
        check({ALICE_SIP, ALICE_NUMBER} <= set(vcard_tels(held)),
              f"the verified binding's get shows alice her address and number: {vcard_tels(held)}")
        send_back(s, ALICE, held)
        line = verify_mutual_all(s, c)[ALICE_SIP]
        check(line == f"not mutual ({ALICE}'s vCard does not list it), admin", f"1: {line!r}")
        print("ok: a verified user's get-edit-set is no listing for verify --mutual --all")

        # 2. Fetched while verified, sent back once unverified.
        held = fetch_own(s, ALICE)
        s.ctl("unverify", ALICE_SIP)
        wait_for(lambda: ALICE_SIP not in seen_by_other(s, BOB, ALICE), 10,
                 "the component seeing alice's binding unverified")
        send_back(s, ALICE, held)
        line = verify_mutual_all(s, c)[ALICE_SIP]
        check(line == f"not mutual ({ALICE}'s vCard does not list it), unverified", f"2: {line!r}")
        check(state(s, ALICE_SIP) == "unverified", "2: still unverified")
        tels = set(vcard_tels(fetch_own(s, ALICE)))
        check(not tels & {ALICE_SIP, ALICE_NUMBER},
              f"2: what was sent back is not stored as alice's own: {tels}")
        print("ok: a vCard fetched while verified and sent back after unverify lists nothing")

        # 3. bob: fetched while verified, sent back to a restarted component once unverified.
        s.ctl("verify", BOB_SIP)
        wait_for(lambda: BOB_SIP in seen_by_other(s, ALICE, BOB), 10,
                 "the component seeing bob's binding verified")
        held = fetch_own(s, BOB)
        check(BOB_SIP in vcard_tels(held), f"3: bob's get shows his address: {vcard_tels(held)}")
        check(c.stop() == 0, "3: the component stopped cleanly")
        s.ctl("unverify", BOB_SIP)
        c = start(s, keys, "component-restarted")
        send_back(s, BOB, held)
        line = verify_mutual_all(s, c)[BOB_SIP]
        check(line == f"not mutual ({BOB}'s vCard does not list it), unverified", f"3: {line!r}")
        print("ok: across a component restart, the echo is still no listing")

        # 4. alice types her address while her client still sends back what it kept: the echo.
        get_edit_set(s, ALICE, typed=ALICE_SIP)
        line = verify_mutual_all(s, c)[ALICE_SIP]
        check(line == f"not mutual ({ALICE}'s vCard does not list it), unverified", f"4: {line!r}")
        # Saved once without it, then typed: her word.
        get_edit_set(s, ALICE)
        get_edit_set(s, ALICE, typed=ALICE_SIP)
        line = verify_mutual_all(s, c)[ALICE_SIP]
        check(line == "mutual, unverified -> mutual", f"4: {line!r}")
        check(state(s, ALICE_SIP) == "mutual", "4: stored as mutual")
        print("ok: a shown address saved away once and typed again is the user's listing")


if __name__ == "__main__":
    main()
