#!/usr/bin/python3
"""SIGTERM: the component sends </stream:stream>, waits for Prosody's, exits 0 within the
close timeout, and Prosody records a clean component disconnect (not a lost connection)."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import DOMAIN, LOCAL, Scenario, check, read, vcard_fn


def main():
    with Scenario("SIGTERM closes cleanly") as s:
        s.start_prosody()
        s.register("juliet", LOCAL, "pw-juliet")
        s.example_bindings()
        c = s.start_component()
        c.wait_connected()
        fn = s.client("juliet@" + LOCAL, "pw-juliet", lambda cl: vcard_fn(cl, "alice@" + DOMAIN))
        check(fn == "Alice Liddell", f"serving: {fn}")

        started = time.monotonic()
        rc = c.stop()
        took = time.monotonic() - started
        check(rc == 0, f"exit status {rc}")
        check(took < 3, f"took {took:.2f}s to stop")
        text = c.text()
        for event in ("daemon.stopping", "xmpp.closing", "xmpp.closed", "daemon.stopped"):
            check(event in text, f"{event} logged")
        check("component stream closed" in text, "the server's </stream:stream> was awaited")
        check("xmpp.disconnected" not in text, "no reconnect on the way out")
        prosody_log = read(os.path.join(s.dir, "prosody", "prosody.log"))
        check("component disconnected: " + DOMAIN in prosody_log, "Prosody saw the close")
        print(f"ok: closed and exited 0 in {took:.2f}s")


if __name__ == "__main__":
    main()
