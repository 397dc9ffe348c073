#!/usr/bin/python3
"""Review of issue 22 (rev22): behind a TLS terminator that adds its own X-Forwarded-For header
line (HAProxy's `option forwardfor` does, rather than appending to the client's), the client
is still the entry the terminator wrote, not the one the client sent.

RFC 9110 §5.3: several lines of one field are one comma-separated list, in order. The client
sends "X-Forwarded-For: 10.0.0.N" with a new N each time; the terminator's own line after it
says 198.51.100.9. Every attempt is 198.51.100.9's, so its per-address limit locks it after
max_failures_per_address failures, and the log names 198.51.100.9, never the claims."""
import base64
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import check  # noqa: E402
from provisioning import ProvisioningScenario  # noqa: E402

PER_ADDRESS = 3


def status_of(s, forwarded_lines, user, password):
    """One plain HTTP request with the given X-Forwarded-For lines; its status code."""
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    head = "GET /profile.json HTTP/1.1\r\nHost: localhost\r\n"
    head += "".join(f"X-Forwarded-For: {v}\r\n" for v in forwarded_lines)
    head += f"Authorization: Basic {auth}\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", s.https_port), timeout=20) as c:
        c.sendall(head.encode())
        data = b""
        while b"\r\n" not in data:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1])


def main():
    with ProvisioningScenario("X-Forwarded-For in two lines") as s:
        s.start_with_users({"alice": "alice-pw"})
        p = s.start_provisioning(keys={"plain_http_from": "127.0.0.1", "certificate_file": "",
                                       "key_file": "", "max_failures_per_user": "100",
                                       "max_failures_per_address": str(PER_ADDRESS),
                                       "failure_delay": "100ms"})
        statuses = [status_of(s, [f"10.0.0.{i}", "198.51.100.9"], f"nobody{i}", "x")
                    for i in range(PER_ADDRESS + 3)]
        print(f"statuses: {statuses}")
        check(statuses == [401] * PER_ADDRESS + [429] * 3,
              f"198.51.100.9 is not locked after {PER_ADDRESS} failures: {statuses}")
        check(status_of(s, ["10.0.0.99", "198.51.100.9"], "alice", "alice-pw") == 429,
              "the terminator's client stays locked whatever it claims")
        log = p.text()
        check("source=10.0.0." not in log, "the client's own claim became the source")
        check(p.stop() == 0, "exit status")


if __name__ == "__main__":
    main()
