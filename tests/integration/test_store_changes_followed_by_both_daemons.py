#!/usr/bin/python3
"""Bindings changed through cusaxctl while both daemons run reach each of them, change by change.

The proxy keeps a routing snapshot (only what it reads of a binding) and the component an
account index made from the previous one by the bindings that changed (docs/binding-snapshot.md,
docs/xmpp-component-internals.md). With cusax-sip-proxy (a sipp caller asserted by a trusted hop,
a sipp callee) and cusax-xmpp-component (through Prosody, a slixmpp client) running, the store is
changed as an operator would, and after each change both daemons are waited for (bounded) until
they publish the store's generation; then:
  - alice verified, unverified, removed and added again with another JID: the proxy inserts her
    impp Call-Info only while she is verified, and then with the new JID (RFC 7081 §3.5); the
    component shows her JID only while verified, refuses her account once removed and answers
    for it again once added;
  - in one import her JID goes to carol and she takes another: each call and each vCard shows
    the JID of its own AOR now;
  - sip:Bob and sip:bob (SIP user parts are case-sensitive, the account JID is case-mapped):
    the proxy keeps them apart; the component's bob account is sip:Bob's, then sip:bob's once
    sip:Bob is gone; a JID differing from a bound one only in case is refused by the store;
  - an import of 70,000 rows leaves a gap in the change log: both daemons reload in full once,
    and the changes after it are incremental again;
  - a binding of 65,536 numbers (a PBX's block, written by another tool): the proxy still
    follows the next change, and routes the block's last number to its binding.
"""
import os
import re
import shutil
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import cusax_xmpp as xm  # noqa: E402
import sipkit  # noqa: E402

WAIT = 30  # bound for each daemon to catch up with a change, in seconds (a full reload too)


def aor(user):
    return "sip:%s@%s" % (user, xm.DOMAIN)


def impp(jid):
    return "<xmpp:%s>;purpose=impp" % jid


class SipSide(sipkit.Scenario):
    """sipkit's proxy and sipp on the XMPP scenario's store; every process it starts is also
    the XMPP scenario's, which stops them all by PID however the test ends."""

    def __init__(self, scenario):
        super().__init__("store-changes-sip")
        self.store = scenario.store
        self.shared_procs = scenario.procs
        print("proxy and sipp logs in", self.dir)

    def spawn(self, args, log_name, **kw):
        proc = super().spawn(args, log_name, **kw)
        self.shared_procs.append(proc)
        return proc


def store_generation(store):
    with sqlite3.connect("file:%s?mode=ro" % store, uri=True) as db:
        return db.execute("SELECT value FROM generation WHERE id = 1").fetchone()[0]


def published(text, generation):
    """The mode of the snapshot a daemon published at `generation` or later, or None."""
    modes = [m for g, m in re.findall(
        r"store\.snapshot_published .*?generation=(\d+) .*?mode=(\w+)", text)
        if int(g) >= generation]
    return modes[-1] if modes else None


def indexed(text, generation):
    return any(int(g) >= generation for g in
               re.findall(r"xmpp\.accounts_indexed .*?generation=(\d+)", text))


with xm.Scenario("store changes followed by both daemons") as s:
    s.start_prosody()
    s.register("juliet", xm.LOCAL, "pw")
    s.ctl("init")
    s.ctl("add", aor("alice"), "alice@" + xm.LOCAL, "--name", "Alice", "--verified", "admin")

    sip = SipSide(s)
    proxy_port = sipkit.free_port()
    next_hop_port = sipkit.free_port("127.0.0.2")
    sip.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
                     "next_hop": "sip:127.0.0.2:%d" % next_hop_port,
                     "trusted_peers": "127.0.0.1"}, log_level="info")
    component = s.start_component(log={"level": "debug"})  # xmpp.accounts_indexed is debug
    component.wait_connected()
    calls = 0

    def caught_up(what):
        """Waits until both daemons serve the store's generation; returns the mode (full or
        incremental) each published it in, the proxy's first."""
        g = store_generation(s.store)
        xm.wait_for(lambda: published(sip.read(sip.proxy_log), g), WAIT,
                    "the proxy to publish generation %d (%s)" % (g, what))
        xm.wait_for(lambda: indexed(component.text(), g), WAIT,
                    "the component to index generation %d (%s)" % (g, what))
        return published(sip.read(sip.proxy_log), g), published(component.text(), g)

    def call(caller_aor):
        """The Call-Info values of an INVITE asserted as caller_aor, as the callee got it."""
        global calls
        calls += 1
        tag = "%d" % calls
        callee = sip.sipp("callee-" + tag, "callee_answer.xml", "127.0.0.2", next_hop_port)
        xm.check(sip.wait_udp_bound("127.0.0.2", next_hop_port), "sipp callee not bound")
        caller = sip.sipp("caller-" + tag, "caller_invite.xml", "127.0.0.1", sipkit.free_port(),
                          "127.0.0.1:%d" % proxy_port,
                          csv=["bob@example.com", "P-Asserted-Identity: <%s>" % caller_aor, ""])
        xm.check(sip.wait(caller) == 0, "call %s: failed (see caller-%s.err)" % (tag, tag))
        sip.wait(callee)
        invites = sip.received("callee-" + tag, "INVITE ")
        xm.check(len(invites) == 1, "call %s: the callee got %d INVITEs" % (tag, len(invites)))
        return ", ".join(sipkit.header_values(invites[0], "Call-Info"))

    def expect_impp(caller_aor, jid, when):
        got = call(caller_aor)
        if jid:
            xm.check(impp(jid) in got, "%s: %s's impp not inserted: %s" % (when, caller_aor, got))
        # The caller's forged impp is always removed; the proxy adds at most the binding's.
        xm.check(got.lower().count("purpose=impp") == (1 if jid else 0),
                 "%s: %s: impp Call-Info: %s" % (when, caller_aor, got))

    def vcard(account):
        """(FN, JABBERID) of the account's vCard, or the error condition."""
        async def ask(client):
            v = await xm.query(client, account + "@" + xm.DOMAIN, "<vCard xmlns='vcard-temp'/>")
            return v if isinstance(v, str) else (v.findtext(xm.VT + "FN"),
                                                 v.findtext(xm.VT + "JABBERID"))
        return s.client("juliet@" + xm.LOCAL, "pw", ask)

    def expect_vcard(account, want, when):
        got = vcard(account)
        xm.check(got == want, "%s: %s's vCard: %s, not %s" % (when, account, got, want))

    # --- alice verified, unverified, removed, added again with another JID ----------------
    caught_up("start")
    expect_impp(aor("alice"), "alice@" + xm.LOCAL, "verified")
    expect_vcard("alice", ("Alice", "alice@" + xm.LOCAL), "verified")

    s.ctl("unverify", aor("alice"))
    caught_up("unverified")
    expect_impp(aor("alice"), None, "unverified")
    expect_vcard("alice", ("Alice", None), "unverified")

    s.ctl("remove", aor("alice"))
    caught_up("removed")
    expect_impp(aor("alice"), None, "removed")
    expect_vcard("alice", "service-unavailable", "removed")

    s.ctl("add", aor("alice"), "alice2@" + xm.LOCAL, "--name", "Alice Two", "--verified", "admin")
    caught_up("added again")
    expect_impp(aor("alice"), "alice2@" + xm.LOCAL, "added again")
    expect_vcard("alice", ("Alice Two", "alice2@" + xm.LOCAL), "added again")

    # --- a JID moved to another AOR, in one import --------------------------------------
    moved = os.path.join(s.dir, "moved.csv")
    with open(moved, "w") as f:
        f.write("aor,jid,display_name,verification\n")
        f.write("%s,alice3@%s,Alice Three,admin\n" % (aor("alice"), xm.LOCAL))
        f.write("%s,alice2@%s,Carol,admin\n" % (aor("carol"), xm.LOCAL))
    s.ctl("import", moved)
    caught_up("JID moved")
    expect_impp(aor("carol"), "alice2@" + xm.LOCAL, "JID moved")
    expect_impp(aor("alice"), "alice3@" + xm.LOCAL, "JID moved")
    expect_vcard("carol", ("Carol", "alice2@" + xm.LOCAL), "moved")
    expect_vcard("alice", ("Alice Three", "alice3@" + xm.LOCAL), "moved")

    # --- AORs that differ only in case; a JID that does ---------------------------------
    s.ctl("add", aor("Bob"), "bigbob@" + xm.LOCAL, "--name", "Big Bob", "--verified", "admin")
    s.ctl("add", aor("bob"), "bob@" + xm.LOCAL, "--name", "small bob")
    caught_up("case clash")
    expect_impp(aor("Bob"), "bigbob@" + xm.LOCAL, "case clash")
    expect_impp(aor("bob"), None, "case clash")  # unverified, whatever sip:Bob is
    expect_vcard("bob", ("Big Bob", "bigbob@" + xm.LOCAL), "clash")
    refused = s.ctl("add", aor("dave"), "Alice3@" + xm.LOCAL, check_ok=False)
    xm.check(refused.returncode != 0, "a JID bound already, in other case, was accepted")
    s.ctl("remove", aor("Bob"))
    caught_up("sip:Bob removed")
    expect_impp(aor("Bob"), None, "sip:Bob removed")
    expect_vcard("bob", ("small bob", None), "sip:Bob removed")

    # --- a change-log gap: a full reload, once, then incremental again ------------------
    bulk = os.path.join(s.dir, "bulk.csv")
    with open(bulk, "w") as f:
        f.write("aor,jid,verification\n")
        for i in range(70000):
            f.write("%s,bulk%d@%s,unverified\n" % (aor("bulk%d" % i), i, xm.LOCAL))
        f.write("%s,alice3@%s,unverified\n" % (aor("alice"), xm.LOCAL))
    s.ctl("import", bulk)
    modes = caught_up("bulk import")
    xm.check(modes == ("full", "full"), "bulk import: published %s, not in full" % (modes,))
    expect_impp(aor("alice"), None, "bulk import")
    last = vcard("bulk69999")
    xm.check(isinstance(last, tuple) and last[1] is None, "bulk import: bulk69999: %s" % (last,))
    s.ctl("verify", aor("alice"))
    modes = caught_up("after the bulk import")
    xm.check(modes == ("incremental", "incremental"),
             "after the bulk import: published %s" % (modes,))
    expect_impp(aor("alice"), "alice3@" + xm.LOCAL, "after the bulk import")

    # --- a binding of more numbers than a routing entry counts ---------------------------
    s.ctl("add", aor("pbx"), "pbx@" + xm.LOCAL, "--verified", "admin")
    with sqlite3.connect(s.store) as db:  # as another tool would write them
        db.executemany("INSERT INTO numbers (number, aor) VALUES (?, ?)",
                       (("+1555%07d" % (1000000 + n), aor("pbx")) for n in range(65536)))
    caught_up("65,536 numbers")
    expect_impp("tel:+15551065535", "pbx@" + xm.LOCAL, "65,536 numbers")
    s.ctl("unverify", aor("carol"))
    caught_up("after 65,536 numbers")
    expect_impp(aor("carol"), None, "after 65,536 numbers")

    for text, who in ((sip.read(sip.proxy_log), "proxy"), (component.text(), "component")):
        xm.check("store.refresh_failed" not in text, who + ": a refresh failed: " +
                 "".join(re.findall(r".*store\.refresh_failed.*", text)))
        xm.check("store.incremental_refused" not in text, who + ": an apply was refused")
    sip.stop_proxy()
    xm.check(not sip.failures, "; ".join(sip.failures))
    shutil.rmtree(sip.dir, ignore_errors=True)
