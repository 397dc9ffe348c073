#!/usr/bin/python3
"""Plain HTTP only behind a TLS terminator the operator names (plain_http_from), and the client
as that terminator says (the last X-Forwarded-For entry): its limits and its log line are the
client's, not the terminator's. A connection from any other host is closed unanswered; a
request without X-Forwarded-For gets 400."""
import base64
import http.client
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import check  # noqa: E402
from provisioning import ProvisioningScenario  # noqa: E402


def plain(s, path, user=None, password=None, forwarded=None):
    conn = http.client.HTTPConnection("127.0.0.1", s.https_port, timeout=20)
    headers = {}
    if user:
        headers["Authorization"] = "Basic " + base64.b64encode(
            f"{user}:{password}".encode()).decode()
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    try:
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        return r.status, r.read().decode()
    except (ConnectionError, http.client.RemoteDisconnected):
        return None, ""
    finally:
        conn.close()


def main():
    with ProvisioningScenario("behind a TLS terminator") as s:
        s.start_with_users({"alice": "alice-pw"})
        keys = {"plain_http_from": "127.0.0.1", "certificate_file": "", "key_file": "",
                "max_failures_per_address": "3", "failure_delay": "100ms"}
        p = s.start_provisioning(keys=keys)

        status, body = plain(s, "/profile.json", "alice", "alice-pw", "198.51.100.7")
        check(status == 200 and "alice@xmpp.example.com" in body, f"{status} {body}")
        check(plain(s, "/profile.json", "alice", "alice-pw")[0] == 400, "no X-Forwarded-For")
        print("ok: plain HTTP from the named terminator, the client from X-Forwarded-For")

        # Three failures lock 198.51.100.9 (a claim before it, the client's own, counts not).
        for i in range(3):
            check(plain(s, "/profile.json", "nobody", "x", f"10.9.9.{i}, 198.51.100.9")[0] == 401,
                  "failures")
        check(plain(s, "/profile.json", "alice", "alice-pw", "198.51.100.9")[0] == 429,
              "the client behind the terminator is locked out")
        check(plain(s, "/profile.json", "alice", "alice-pw", "198.51.100.10")[0] == 200,
              "another client behind the same terminator is not")
        check("source=198.51.100.9 user=nobody" in p.text(), "the log names the client")
        print("ok: limits and log lines are the client's")
        check(p.stop() == 0, "exit status")

        # A terminator that is not us: our connection is closed unanswered.
        p2 = s.start_provisioning("provisioning-other-terminator",
                                  keys={**keys, "plain_http_from": "127.0.0.2"})
        check(plain(s, "/profile.json", "alice", "alice-pw", "198.51.100.7")[0] is None,
              "a host not in plain_http_from gets no answer")
        check(p2.counters()["provisioning.connections.refused"] == 1, "counted as refused")
        check(p2.stop() == 0, "exit status")
        print("ok: plain HTTP from any other host: closed unanswered")


if __name__ == "__main__":
    main()
