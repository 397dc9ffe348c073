#!/usr/bin/python3
"""XEP-0055 reverse look-up through a real Prosody (RFC 7081 §3.5): a number in a usual
spelling and a SIP URI find their account, the bound JID only when verified; a requester of
another domain of the same server gets forbidden; past the per-requester rate limit,
resource-constraint, while another local requester is still served."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, OTHER, Scenario, check, query, search_form,
                        search_items)

BURST = 3


async def juliet(client):
    r = await query(client, DOMAIN, "<query xmlns='jabber:iq:search'/>")
    check(not isinstance(r, str) and r.find("{jabber:x:data}x") is not None,
          f"search form: {r}")
    r = await query(client, DOMAIN, search_form("number", "+49 (30) 123-456"), "set")
    items = search_items(r)
    check(items == [{"jid": "alice@" + DOMAIN, "sip": "sip:alice@" + DOMAIN,
                     "name": "Alice Liddell", "xmpp": "alice@" + LOCAL}],
          f"search by number: {items}")
    r = await query(client, DOMAIN, search_form("sip", "sip:bob@pbx.example.org"), "set")
    items = search_items(r)
    check(len(items) == 1 and items[0]["jid"] == "bob\\40pbx.example.org@" + DOMAIN
          and "xmpp" not in items[0], f"search by SIP URI, unverified, no JID: {items}")
    r = await query(client, DOMAIN, search_form("number", "+1 555 0100"), "set")
    check(not isinstance(r, str) and search_items(r) == [], f"no match: {r}")
    # The burst is spent (the form request is free): past it, refused.
    r = await query(client, DOMAIN, search_form("number", "1234"), "set")
    check(r == "resource-constraint", f"search past the rate limit: {r}")
    print("ok: searches by number and SIP URI; rate limit")


async def romeo(client):
    r = await query(client, DOMAIN, search_form("number", "1234"), "set")
    items = search_items(r) if not isinstance(r, str) else r
    check(isinstance(items, list) and len(items) == 1, f"another local requester: {items}")
    print("ok: the limit is per requester")


async def eve(client):
    r = await query(client, DOMAIN, search_form("number", "+4930123456"), "set")
    check(r == "forbidden", f"search from another domain: {r}")
    print("ok: another domain is forbidden")


def main():
    with Scenario("search rules") as s:
        s.start_prosody()
        s.register("juliet", LOCAL, "pw-juliet")
        s.register("romeo", LOCAL, "pw-romeo")
        s.register("eve", OTHER, "pw-eve")
        s.example_bindings()
        c = s.start_component(component={"search_rate": "0.001", "search_burst": str(BURST)})
        c.wait_connected()
        s.client("juliet@" + LOCAL, "pw-juliet", juliet)
        s.client("romeo@" + LOCAL, "pw-romeo", romeo)
        s.client("eve@" + OTHER, "pw-eve", eve)
        check("error=resource-constraint" in c.text() and "error=forbidden" in c.text(),
              "refusals logged")


if __name__ == "__main__":
    main()
