#!/usr/bin/python3
"""A delegated vCard set that drops a mutual binding while the binding store is held locked:
the set answered with an error (type wait) must not have been stored.

alice's binding is mutual (her vCard lists her SIP address, `cusaxctl verify --mutual`). She
sends a set without it: the component stores the vCard and drops the binding to unverified
(replace_verification in the binding store). Here the binding store (SQLite) is held locked
by another connection (as cusaxctl or a backup may hold it) for longer than [store]
busy_timeout, so the binding write fails. The component stored the vCard first, then failed on
the binding and answered the set internal-server-error (type wait): alice was told to try again,
but her vCard without the SIP address was stored, and her binding stayed mutual although the
vCard she was told was not stored no longer lists it (RFC 7081 §3.3: what made it mutual).
The same happens on SIGTERM to the set under way (test_xmpp_sigterm_answers_delegated_sets.py
locks the vCard file instead).

Asserted: the set is answered with an error of type wait (the lock outlasts the busy wait), the
stored vCard is still the one before it (nickname and SIP address), and the binding is still
mutual; once the lock is gone the same set is stored and drops the binding.
"""
import json
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (CUSAXCTL, DOMAIN, LOCAL, VT, Scenario, check, fetch_vcard,  # noqa: E402
                        set_vcard, stored_vcard_text, wait_for)

ALICE = "alice@" + LOCAL
SIP = "sip:alice@" + DOMAIN


def state(s):
    return json.loads(s.ctl("--json", "show", SIP).stdout)["verification"]


def stored(vcards):
    """alice's stored vCard: (NICKNAME, whether it lists her SIP address)."""
    text = stored_vcard_text(vcards, ALICE)
    check(text is not None, "no vCard stored for alice")
    v = ET.fromstring(text)
    numbers = [(t.findtext(VT + "NUMBER") or "").lower() for t in v.findall(VT + "TEL")]
    return v.findtext(VT + "NICKNAME"), SIP.lower() in numbers


def her_vcard_shows_sip(s):
    async def get(cl):
        v = await fetch_vcard(cl, ALICE)
        return any((t.findtext(VT + "NUMBER") or "") == SIP for t in v.findall(VT + "TEL"))
    return s.client("bob@" + LOCAL, "pw-bob", get)


def alice_edits(s, nick, sip_tel):
    """alice's get-edit-set: NICKNAME nick; sip_tel "type" adds her SIP address, "drop" removes
    it. Returns what set_vcard returned."""
    async def edit(cl):
        v = await fetch_vcard(cl, ALICE)
        for old in v.findall(VT + "NICKNAME"):
            v.remove(old)
        ET.SubElement(v, VT + "NICKNAME").text = nick
        for tel in v.findall(VT + "TEL"):
            if (tel.findtext(VT + "NUMBER") or "").lower().startswith("sip:"):
                v.remove(tel)
        if sip_tel == "type":
            tel = ET.SubElement(v, VT + "TEL")
            ET.SubElement(tel, VT + "VOICE")
            # Her own spelling: not an echo of what a get showed her (vcard_delegation.hpp).
            ET.SubElement(tel, VT + "NUMBER").text = "SIP:alice@" + DOMAIN.upper()
        return await set_vcard(cl, v)
    return s.client(ALICE, "pw-alice", edit)


def main():
    with Scenario("a set dropping a mutual binding, binding store locked") as s:
        # The binding write gives up after 2 s, well within the client's wait for the answer.
        s.store_section.append("busy_timeout = 2s")
        s.start_with_vcard_delegation(users=("alice", "bob"))
        vcards = os.path.join(s.dir, "vcards.sqlite")
        c = s.start_delegated_component({"vcard_store": vcards, "vcard_guard": "correct"})

        # Unverified first, seen by the component before alice's get (through bob: what a get of
        # hers shows is remembered as shown to her, and then is no word of hers).
        s.ctl("unverify", SIP)
        wait_for(lambda: not her_vcard_shows_sip(s), 10,
                 "the component seeing the unverified state")
        r = alice_edits(s, "listed", "type")
        check(r == "ok", "alice's set listing her SIP address: %s" % (r,))
        v = subprocess.run([CUSAXCTL, "-c", c.ini, "verify", "--mutual", SIP],
                           capture_output=True, text=True, timeout=30)
        check(v.returncode == 0 and state(s) == "mutual",
              "verify --mutual: %s %s" % (v.stdout, v.stderr))
        check(stored(vcards) == ("listed", True), "before: %s" % (stored(vcards),))

        lock = sqlite3.connect(s.store, timeout=5, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # the component's binding write waits, then fails
        try:
            r = alice_edits(s, "unlisted", "drop")
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        after, binding = stored(vcards), state(s)
        print("set while the binding store was locked: %s; stored %s; binding %s" %
              (r, after, binding))
        check(isinstance(r, tuple) and r[0] in ("internal-server-error", "service-unavailable"),
              "the set while the binding store was locked past busy_timeout: %s" % (r,))
        check(after == ("listed", True),
              "the set answered %s was stored all the same: alice's vCard is now %s, her "
              "binding %s" % (r[0], after, binding))
        check(binding == "mutual", "the binding is %s after a set answered %s" % (binding, r[0]))

        r = alice_edits(s, "unlisted", "drop")
        check(r == "ok", "the same set once the lock was gone: %s" % (r,))
        check(stored(vcards) == ("unlisted", False), "after: %s" % (stored(vcards),))
        wait_for(lambda: state(s) == "unverified", 5, "the binding dropped to unverified")


if __name__ == "__main__":
    main()
