#!/usr/bin/python3
"""SIGHUP makes the component take a new search limit and log level from its INI file
without the XMPP stream reconnecting.

Through a real Prosody: the component starts with search_burst = 1 (and almost no refill), so
juliet's second search is refused. The file gets search_burst = 5 and level = debug, the
component gets SIGHUP and logs both keys as applied; juliet's next searches are answered, and
Prosody has seen exactly one component handshake all along."""
import os
import re
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import LOCAL, DOMAIN, Scenario, check, query, search_form, search_items, wait_for


def searches(count):
    async def body(client):
        out = []
        for _ in range(count):
            r = await query(client, DOMAIN, search_form("number", "1234"), "set")
            out.append("ok" if not isinstance(r, str) and len(search_items(r)) == 1 else r)
        return out
    return body


def main():
    with Scenario("reload keeps stream") as s:
        s.start_prosody()
        s.register("juliet", LOCAL, "pw-juliet")
        s.example_bindings()
        c = s.start_component(component={"search_rate": "0.001", "search_burst": "1"})
        c.wait_connected()
        got = s.client("juliet@" + LOCAL, "pw-juliet", searches(2))
        check(got == ["ok", "resource-constraint"], f"before reload, burst 1: {got}")

        with open(c.ini) as f:
            text = f.read()
        text = re.sub(r"(?m)^search_burst = .*$", "search_burst = 5", text)
        text = re.sub(r"(?m)^level = .*$", "level = debug", text)
        with open(c.ini, "w") as f:
            f.write(text)
        c.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "config.reloaded" in c.text(), 10, "config.reloaded")
        line = next(l for l in c.text().splitlines() if "config.reloaded" in l)
        check("[log] level" in line and "[xmpp-component] search_burst" in line,
              f"applied keys: {line}")

        got = s.client("juliet@" + LOCAL, "pw-juliet", searches(3))
        check(got == ["ok", "ok", "ok"], f"after reload, burst 5: {got}")
        check(c.proc.poll() is None, "component exited")
        check(s.server_handshakes() == 1,
              f"the stream reconnected: {s.server_handshakes()} handshakes")
        check(c.count("xmpp.connected") == 1, "the component connected again")
        print("ok: search limit and log level reloaded, one stream throughout")


if __name__ == "__main__":
    main()
