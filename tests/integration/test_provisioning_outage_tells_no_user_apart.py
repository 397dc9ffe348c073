#!/usr/bin/python3
"""Review of issue 22 (rev22): while the XMPP server is down, an unknown user id and a known
one get the same answer.

The README promises "While the XMPP server cannot be reached, every login gets the same 503
for auth_timeout, whether or not its user exists". With Prosody stopped, the first login for
an unknown id is answered 401 (nothing is asked of the server, so the outage is not noticed),
while one for alice gets 503: a guesser probes one id per hold. Each pair below starts once
the hold of the previous one is over, the unknown id first."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import check, stop_process  # noqa: E402
from provisioning import ProvisioningScenario  # noqa: E402

AUTH_TIMEOUT_S = 1


def main():
    with ProvisioningScenario("an outage tells no user apart") as s:
        s.start_with_users({"alice": "alice-pw"})
        p = s.start_provisioning(keys={"failure_delay": "200ms",
                                       "auth_timeout": f"{AUTH_TIMEOUT_S}s"})
        status, _, _ = s.https("/profile.json", "alice", "alice-pw")
        check(status == 200, f"alice before the outage: {status}")
        prosody = next(x for x in s.procs if x.args and x.args[0] == "prosody")
        check(stop_process(prosody, 10) is not None, "Prosody stopped")

        answers = []
        for user in ("nobody", "alice", "mallory", "alice"):
            status, _, _ = s.https("/profile.json", user, "wrong")
            answers.append((user, status))
            if user == "alice":
                # The hold (auth_timeout, at least 1 s) ends; then the next probe.
                time.sleep(AUTH_TIMEOUT_S + 0.5)
        print(f"answers during the outage: {answers}")
        unknown = {st for u, st in answers if u != "alice"}
        known = {st for u, st in answers if u == "alice"}
        check(unknown == known,
              f"an unknown id and alice are answered apart during the outage: {answers}")
        check(p.alive(), "still running")
        check(p.stop() == 0, "exit status")


if __name__ == "__main__":
    main()
