#!/usr/bin/python3
"""Through a real Prosody, a real client sees the values the bindings say, and nothing more:
vcard-temp TEL with VOICE and VIDEO exactly where the binding has video, JABBERID only for a
verified binding; vCard4 by PEP items; reach by PEP items and by presence after a probe and a
subscription; disco of the domain and of an account; service-unavailable for an unknown
account; a vCard set refused; a cusaxctl change answered; and the queries
counted in `cusaxctl stats`."""
import asyncio
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, PUBSUB, REACH, TIMEOUT, V4, VT, Scenario, check,
                        features, query, vcard_fn, vcard_tels, wait_for)


async def values(client):
    v = await query(client, "alice@" + DOMAIN, "<vCard xmlns='vcard-temp'/>")
    check(not isinstance(v, str), f"alice vCard: {v}")
    check(v.findtext(VT + "FN") == "Alice Liddell", "alice FN")
    t = vcard_tels(v)
    check(t == {"sip:alice@" + DOMAIN: {"VOICE", "VIDEO"}, "+4930123456": {"VOICE", "VIDEO"}},
          f"alice TEL: {t}")
    check(v.findtext(VT + "JABBERID") == "alice@" + LOCAL, "alice JABBERID (verified)")

    v = await query(client, "bob\\40pbx.example.org@" + DOMAIN, "<vCard xmlns='vcard-temp'/>")
    check(not isinstance(v, str), f"bob vCard: {v}")
    t = vcard_tels(v)
    check(t == {"sip:bob@pbx.example.org": {"VOICE"}, "1234": {"VOICE"}},
          f"bob TEL, no VIDEO: {t}")
    check(v.find(VT + "JABBERID") is None, "bob has no JABBERID (unverified)")

    r = await query(client, "alice@" + DOMAIN,
                    "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    "<items node='urn:xmpp:vcard4'/></pubsub>")
    check(not isinstance(r, str), f"vCard4: {r}")
    card = r.find(f"{PUBSUB}items/{PUBSUB}item/{V4}vcard")
    check(card is not None, "vCard4 item")
    uris = [t.findtext(V4 + "uri") for t in card.findall(V4 + "tel")]
    check(uris == ["sip:alice@" + DOMAIN, "tel:+4930123456"], f"vCard4 tel: {uris}")
    types = [{x.text for x in t.iter(V4 + "text")} for t in card.findall(V4 + "tel")]
    check(all("video" in ts and "voice" in ts for ts in types), f"vCard4 tel types: {types}")
    check(card.findtext(f"{V4}impp/{V4}uri") == "xmpp:alice@" + LOCAL, "vCard4 impp")
    r = await query(client, "bob\\40pbx.example.org@" + DOMAIN,
                    "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    "<items node='urn:xmpp:vcard4'/></pubsub>")
    card = r.find(f"{PUBSUB}items/{PUBSUB}item/{V4}vcard")
    check(card is not None and card.find(V4 + "impp") is None, "bob's vCard4 has no impp")

    r = await query(client, "alice@" + DOMAIN,
                    "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    "<items node='urn:xmpp:reach:0'/></pubsub>")
    addrs = [a.get("uri") for a in r.iter(REACH + "addr")]
    check(addrs == ["sip:alice@" + DOMAIN, "tel:+4930123456"], f"reach items: {addrs}")

    r = await query(client, DOMAIN, "<query xmlns='http://jabber.org/protocol/disco#info'/>")
    check({"jabber:iq:search", "vcard-temp"} <= features(r), f"domain features: {features(r)}")
    r = await query(client, "alice@" + DOMAIN,
                    "<query xmlns='http://jabber.org/protocol/disco#info'/>")
    check({"urn:xmpp:vcard4", "urn:xmpp:reach:0", "vcard-temp"} <= features(r),
          f"account features: {features(r)}")

    r = await query(client, "nobody@" + DOMAIN, "<vCard xmlns='vcard-temp'/>")
    check(r == "service-unavailable", f"unknown account: {r}")
    r = await query(client, "alice@" + DOMAIN,
                    "<vCard xmlns='vcard-temp'><FN>Mallory</FN></vCard>", itype="set")
    check(r == "not-allowed", f"vCard set: {r}")

    # Reach by presence: a subscription is approved and followed by presence with <reach/>.
    addrs = await reach_presence(client, subscribe=True)
    check(addrs == ["sip:alice@" + DOMAIN, "tel:+4930123456"], f"reach presence: {addrs}")
    print("ok: vCard, vCard4, reach, disco, errors")


async def reach_presence(client, subscribe):
    """Sends initial presence (and a subscription to alice) and returns the reach addresses
    of the first presence from alice that carries them."""
    found = asyncio.get_running_loop().create_future()

    def on_presence(p):
        reach = p.xml.find(REACH + "reach")
        if p["from"].bare == "alice@" + DOMAIN and reach is not None and not found.done():
            found.set_result([a.get("uri") for a in reach])

    client.add_event_handler("presence", on_presence)
    client.send_presence()
    if subscribe:
        client.send_presence(pto="alice@" + DOMAIN, ptype="subscribe")
    return await asyncio.wait_for(found, TIMEOUT)


async def probed(client):
    # Juliet is now subscribed to alice: her initial presence makes Prosody probe alice
    # (RFC 6121 §4.3), and the component answers the probe.
    return await reach_presence(client, subscribe=False)


def main():
    with Scenario("vcard values") as s:
        s.start_prosody()
        s.register("juliet", LOCAL, "pw-juliet")
        s.example_bindings()
        c = s.start_component()
        c.wait_connected()
        s.client("juliet@" + LOCAL, "pw-juliet", values)
        addrs = s.client("juliet@" + LOCAL, "pw-juliet", probed)
        check(addrs == ["sip:alice@" + DOMAIN, "tel:+4930123456"], f"reach after probe: {addrs}")
        check("kind=probe" in c.text(), "the component answered a probe")
        print("ok: reach by presence after a probe")

        # A cusaxctl change is answered: fetched until it shows, bounded (how fast the watcher
        # publishes it is bench/store's figure, not asserted here).
        s.ctl("add", "sip:dave@" + DOMAIN, "dave@" + LOCAL, "--name", "Dave")
        changed = time.monotonic()

        async def poll_dave(client):
            while time.monotonic() - changed < 30:
                if await vcard_fn(client, "dave@" + DOMAIN) == "Dave":
                    return time.monotonic() - changed
                await asyncio.sleep(0.05)
            return None

        after = s.client("juliet@" + LOCAL, "pw-juliet", poll_dave)
        check(after is not None, "cusaxctl change not seen within 30 s")
        print(f"ok: cusaxctl change answered after {after:.2f}s")

        # The counters: SIGUSR1 writes the stats file that cusaxctl stats reads.
        c.proc.send_signal(signal.SIGUSR1)

        def counters():
            r = s.ctl("--json", "stats", check_ok=False)
            return r.stdout if r.returncode == 0 else ""

        # The file written at start holds only the counters registered by then; the one the
        # signal writes has the stream's too.
        wait_for(lambda: '"xmpp.connects"' in counters(), 5, "stats written on SIGUSR1")
        text = counters()
        check('"xmpp.connects"' in text and '"xmpp.errors.not-allowed"' in text,
              f"counters in cusaxctl stats: {text}")
        print("ok: counters in cusaxctl stats")
        check(c.stop() == 0, "component exit status")


if __name__ == "__main__":
    main()
