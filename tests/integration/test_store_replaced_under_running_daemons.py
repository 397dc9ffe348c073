#!/usr/bin/python3
"""A store file restored with mv under both running daemons is read, and its revocations hold.

The usual way to restore a backup is `mv backup.sqlite bindings.sqlite`: the daemons' open
connections keep reading the old file, so each must notice that the path names another file
and read the new one in full (docs/binding-snapshot.md). Here the live store has alice and carol
verified; the backup has alice unverified and no carol. With cusax-sip-proxy (sipp caller and
callee) and cusax-xmpp-component (through Prosody, a slixmpp client) running, the backup is
moved over the live file. Within a bounded wait both daemons log the replacement and publish a
snapshot of the new file; then the proxy no longer inserts alice's impp Call-Info into her
INVITE (RFC 7081 §3.5: only verified bindings are announced) and the component's vCard of alice
no longer shows her JID, and carol's account is gone.
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import cusax_xmpp as xm  # noqa: E402
import sipkit  # noqa: E402

ALICE = "sip:alice@" + xm.DOMAIN
CAROL = "sip:carol@" + xm.DOMAIN
PAI = "P-Asserted-Identity: <%s>" % ALICE
WAIT = 20  # bound for each event waited for, in seconds


def ctl_on(store, *args):
    subprocess.run([xm.CUSAXCTL, "--store", store, *args], check=True, capture_output=True,
                   timeout=30)


def published_after_replacement(text):
    """True once the log says the file was replaced and a snapshot was published after it."""
    at = text.find("store.file_replaced")
    return at >= 0 and "store.snapshot_published" in text[at:]


class SipSide(sipkit.Scenario):
    """sipkit's proxy and sipp, on the XMPP scenario's store; every process it starts is
    also the XMPP scenario's, which stops them all by PID however the test ends."""

    def __init__(self, scenario):
        super().__init__("store-replaced-sip")
        self.store = scenario.store
        self.shared_procs = scenario.procs
        self.next_hop_port = None
        print("proxy and sipp logs in", self.dir)

    def spawn(self, args, log_name, **kw):
        proc = super().spawn(args, log_name, **kw)
        self.shared_procs.append(proc)
        return proc


async def jabberid_of_alice(client):
    v = await xm.fetch_vcard(client, "alice@" + xm.DOMAIN)
    return v.findtext(xm.VT + "JABBERID")


async def carol_answer(client):
    return await xm.query(client, "carol@" + xm.DOMAIN, "<vCard xmlns='vcard-temp'/>")


with xm.Scenario("store replaced with mv under both daemons") as s:
    s.start_prosody()
    s.register("juliet", xm.LOCAL, "pw")
    s.ctl("init")
    s.ctl("add", ALICE, "alice@" + xm.LOCAL, "--verified", "admin")
    s.ctl("add", CAROL, "carol@" + xm.LOCAL, "--verified", "admin")
    # The backup to restore: alice not verified (any more), no carol.
    backup = os.path.join(s.dir, "backup.sqlite")
    ctl_on(backup, "init")
    ctl_on(backup, "add", ALICE, "alice@" + xm.LOCAL)

    sip = SipSide(s)
    proxy_port = sipkit.free_port()
    sip.next_hop_port = sipkit.free_port("127.0.0.2")
    sip.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
                     "next_hop": "sip:127.0.0.2:%d" % sip.next_hop_port,
                     "trusted_peers": "127.0.0.1"}, log_level="info")
    component = s.start_component()
    component.wait_connected()

    def call(tag):
        callee = sip.sipp("callee-" + tag, "callee_answer.xml", "127.0.0.2", sip.next_hop_port)
        xm.check(sip.wait_udp_bound("127.0.0.2", sip.next_hop_port), "sipp callee not bound")
        caller = sip.sipp("caller-" + tag, "caller_invite.xml", "127.0.0.1", sipkit.free_port(),
                          "127.0.0.1:%d" % proxy_port, csv=["bob@example.com", PAI, ""])
        xm.check(sip.wait(caller) == 0, "%s: the call failed (see caller-%s.err)" % (tag, tag))
        sip.wait(callee)
        invites = sip.received("callee-" + tag, "INVITE ")
        xm.check(len(invites) == 1, "%s: the callee got %d INVITEs" % (tag, len(invites)))
        return ", ".join(sipkit.header_values(invites[0], "Call-Info"))

    impp = "<xmpp:alice@%s>;purpose=impp" % xm.LOCAL
    before = call("before")
    xm.check(impp in before, "before: alice's impp not inserted: " + before)
    xm.check(s.client("juliet@" + xm.LOCAL, "pw", jabberid_of_alice) == "alice@" + xm.LOCAL,
             "before: alice's vCard has no JABBERID")

    os.rename(backup, s.store)  # the restore, as an operator does it

    xm.wait_for(lambda: published_after_replacement(sip.read(sip.proxy_log)), WAIT,
                "the proxy to read the replaced store file")
    xm.wait_for(lambda: published_after_replacement(component.text()), WAIT,
                "the component to read the replaced store file")

    after = call("after")
    xm.check("purpose=impp" not in after.lower(), "after: an impp is still inserted: " + after)
    xm.check(s.client("juliet@" + xm.LOCAL, "pw", jabberid_of_alice) is None,
             "after: alice's vCard still shows her JID")
    xm.check(s.client("juliet@" + xm.LOCAL, "pw", carol_answer) == "service-unavailable",
             "after: carol, absent from the restored file, still has an account")
    for text, who in ((sip.read(sip.proxy_log), "proxy"), (component.text(), "component")):
        xm.check(text.count("store.file_replaced") == 1, who + ": replacement not logged once")
        xm.check("store.refresh_failed" not in text, who + ": a refresh failed: " +
                 "".join(re.findall(r".*store\.refresh_failed.*", text)))
    sip.stop_proxy()
    xm.check(not sip.failures, "; ".join(sip.failures))
    shutil.rmtree(sip.dir, ignore_errors=True)
