#!/usr/bin/python3
"""A wrong component secret: Prosody refuses the handshake (not-authorized), the component
says so in one clear line per attempt naming the cause, retries with exponential back-off and
jitter up to its cap, never claims to be connected, never logs the secret, and stops cleanly
on SIGTERM while waiting."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import SECRET, Scenario, check, wait_for

WRONG = "wrong-secret-77f0aa"
MIN_MS, MAX_MS = 200, 800


def main():
    with Scenario("wrong secret backs off") as s:
        s.start_prosody()
        s.ctl("init")
        c = s.start_component(secret=WRONG, log={"format": "json"},
                              component={"reconnect_min": f"{MIN_MS}ms",
                                         "reconnect_max": f"{MAX_MS}ms"})
        wait_for(lambda: len(c.events("xmpp.disconnected")) >= 5, 15, "five refused attempts")
        check(c.stop() == 0, "exit status after SIGTERM")

        lost = c.events("xmpp.disconnected")
        for e in lost:
            check(e["level"] == "error", f"level of a refused handshake: {e}")
            check("not-authorized" in e["msg"] and "check the component secret" in e["msg"],
                  f"the cause is named: {e['msg']}")
        # attempt n waits within [d/2, d], d = min(MIN * 2^(n-1), MAX).
        for e in lost[:5]:
            n, delay = int(e["attempt"]), int(e["retry_in_ms"])
            ceiling = min(MIN_MS * 2 ** (n - 1), MAX_MS)
            check(ceiling // 2 <= delay <= ceiling, f"attempt {n}: {delay} ms not in "
                                                    f"[{ceiling // 2}, {ceiling}]")
        check([int(e["attempt"]) for e in lost[:5]] == [1, 2, 3, 4, 5], "attempts counted")
        check(not c.events("xmpp.connected"), "never connected")
        text = c.text()
        check(WRONG not in text and SECRET not in text and "***" not in text,
              "the secret never reaches the log")
        print("ok: " + lost[0]["msg"])
        print("ok: delays " + ", ".join(e["retry_in_ms"] for e in lost[:5]) + " ms")


if __name__ == "__main__":
    main()
