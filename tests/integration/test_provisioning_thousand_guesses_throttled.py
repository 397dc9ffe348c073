#!/usr/bin/python3
"""A thousand wrong passwords from one address are throttled, and never reach the XMPP server
more often than the limits allow.

First 1,000 guesses at alice's password over kept-alive connections: the first five
(max_failures_per_user) are checked at Prosody and answered 401, no sooner than failure_delay;
every later one gets 429 with a Retry-After at once, the right password included, and Prosody
sees no more of them. Then 1,000 guesses from the same address spread over other user ids,
known and unknown: the address is locked once it has max_failures_per_address failures, so
Prosody never sees more than that many checks from it in all. Counted at Prosody itself (its
encrypted client streams) and by the service's counters."""
import collections
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import check  # noqa: E402
from provisioning import ProvisioningScenario  # noqa: E402

PER_USER = 5
PER_ADDRESS = 20


def guess_many(s, users, count):
    """count requests with wrong passwords, cycling over users, on kept-alive connections;
    returns {status: count} and the Retry-After values seen."""
    statuses = collections.Counter()
    retry_after = set()
    conn = s.connection()
    for i in range(count):
        user = users[i % len(users)]
        try:
            status, headers, _ = s.https("/profile.json", user, f"guess-{i}", conn=conn)
        except (ConnectionError, OSError):
            conn.close()
            conn = s.connection()
            status, headers, _ = s.https("/profile.json", user, f"guess-{i}", conn=conn)
        statuses[status] += 1
        if status == 429:
            retry_after.add(headers.get("retry-after"))
    conn.close()
    return statuses, retry_after


def main():
    with ProvisioningScenario("a thousand guesses are throttled") as s:
        s.start_with_users({u: u + "-pw" for u in ("alice", "bob", "carol")})
        p = s.start_provisioning(keys={"max_failures_per_user": str(PER_USER),
                                       "max_failures_per_address": str(PER_ADDRESS),
                                       "lockout": "5m", "failure_delay": "200ms"})

        statuses, retry_after = guess_many(s, ["alice"], 1000)
        check(statuses == {401: PER_USER, 429: 1000 - PER_USER}, f"statuses: {statuses}")
        check(all(r and 200 <= int(r) <= 300 for r in retry_after), f"Retry-After: {retry_after}")
        check(s.prosody_checks() == PER_USER,
              f"Prosody saw {s.prosody_checks()} password checks for 1000 guesses")
        status, headers, _ = s.https("/profile.json", "alice", "alice-pw")
        check(status == 429, f"while locked, even the right password: {status}")
        print(f"ok: 1000 guesses at alice: {statuses[401]} checked at Prosody, "
              f"{statuses[429]} answered 429 (Retry-After {sorted(retry_after)})")

        # The same address, guessing at other ids: locked at PER_ADDRESS failures in all.
        others = ["bob", "carol@xmpp.example.com", "nobody", "bob@sip.example.com", "x@y.example"]
        statuses, _ = guess_many(s, others, 1000)
        check(statuses[401] == PER_ADDRESS - PER_USER, f"statuses: {statuses}")
        check(s.prosody_checks() <= PER_ADDRESS,
              f"Prosody saw {s.prosody_checks()} checks from one address, over {PER_ADDRESS}")
        counters = p.counters()
        check(counters["provisioning.xmpp_checks"] == s.prosody_checks(), f"counters: {counters}")
        check(counters["provisioning.logins.address_locked"] >= 1000 - PER_ADDRESS,
              f"counters: {counters}")
        check(counters["provisioning.logins.user_locked"] >= 1000 - PER_USER, f"{counters}")
        print(f"ok: 1000 more over other ids from the same address: {statuses[401]} failures "
              f"before the address was locked; Prosody saw {s.prosody_checks()} checks in all")
        check(p.alive(), "still running")
        log = p.text()
        check(log.count("outcome=user_locked") + log.count("outcome=address_locked") +
              log.count("outcome=wrong_password") + log.count("outcome=unknown_user") == 2001,
              "every attempt is logged")
        check("guess-" not in log, "no password in the log")
        check(p.stop() == 0, "exit status")


if __name__ == "__main__":
    main()
