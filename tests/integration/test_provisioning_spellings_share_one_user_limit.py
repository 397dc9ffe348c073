#!/usr/bin/python3
"""Review of issue 22 (rev22): guesses at one account spread over many source addresses and
over many spellings of its user id are still limited to max_failures_per_user checks at the
XMPP server.

The service looks a NAME@DOMAIN id up as a JID after XMPP nodeprep (fullwidth and mathematical
letters fold to ASCII, a soft hyphen U+00AD maps to nothing) and as an AOR after decoding %HEX
escapes, so "al<U+00AD>ice@xmpp.example.com", with any number of soft hyphens, and
"%61lice@sip.example.com" are all alice. A guesser with many addresses (here 127.0.0.2 up to
127.0.0.41, each under its own per-address limit) sends each guess under a new spelling; the
per-user limit must still count them all as alice's: Prosody sees at most max_failures_per_user
checks, and alice's right password then gets 429 like any locked id."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import check  # noqa: E402
from provisioning import ProvisioningScenario  # noqa: E402

PER_USER = 5
PER_ADDRESS = 3
ADDRESSES = [f"127.0.0.{i}" for i in range(2, 42)]


def spellings():
    """Ids that each name alice's binding, all different as typed."""
    n = 1
    while True:
        yield "al" + "\u00ad" * n + "ice@xmpp.example.com"
        yield "\uff41l" + "\u00ad" * n + "ice@xmpp.example.com"
        n += 1


def main():
    with ProvisioningScenario("spellings share one user limit") as s:
        s.start_with_users({"alice": "alice-pw"})
        p = s.start_provisioning(keys={"max_failures_per_user": str(PER_USER),
                                       "max_failures_per_address": str(PER_ADDRESS),
                                       "lockout": "5m", "failure_delay": "100ms"})
        # Each spelling does name alice: with her password it gets her profile.
        for user in ("al\u00adice@xmpp.example.com", "\uff41lice@xmpp.example.com",
                     "%61lice@sip.example.com"):
            status, _, body = s.https("/profile.json", user, "alice-pw")
            check(status == 200 and "alice@xmpp.example.com" in body, f"{user!r}: {status}")
        before = s.prosody_checks()

        names = iter(spellings())
        statuses = {}
        for address in ADDRESSES:
            conn = s.connection()
            conn.source_address = (address, 0)
            for i in range(PER_ADDRESS):
                status, _, _ = s.https("/profile.json", next(names), f"guess-{address}-{i}",
                                       conn=conn)
                statuses[status] = statuses.get(status, 0) + 1
            conn.close()
        checks = s.prosody_checks() - before
        print(f"{len(ADDRESSES) * PER_ADDRESS} guesses at alice from {len(ADDRESSES)} addresses: "
              f"{statuses}; Prosody checked {checks}")
        check(checks <= PER_USER,
              f"Prosody checked {checks} guesses at alice, over max_failures_per_user "
              f"{PER_USER}: the spellings are counted apart")
        status, _, _ = s.https("/profile.json", "alice", "alice-pw")
        check(status == 429, f"alice is locked after the guesses: {status}")
        check(p.alive(), "still running")
        check(p.stop() == 0, "exit status")


if __name__ == "__main__":
    main()
