#!/usr/bin/python3
"""A thousand idle connections do not stop a real user being served, and do not stay.

1,000 TCP connections to the HTTPS port that never send a byte fill max_connections (1,000
here, from one address as the limit per address allows). A real user then fetches their
profile with curl: the server closes the idle connection that waited longest to take the
new one, and the user gets 200. The idle ones are then closed by the server within
request_timeout: a client that sends nothing cannot hold a connection (one that trickles its
request: test_provisioning_bad_requests_get_4xx.py)."""
import os
import select
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import check, wait_for  # noqa: E402
from provisioning import ProvisioningScenario, raise_fd_limit  # noqa: E402

IDLE = 1000
REQUEST_TIMEOUT_S = 4


def closed_by_server(sock):
    """True once the server has closed this socket (EOF or reset)."""
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1) == b""
    except ConnectionError:
        return True


def main():
    raise_fd_limit()
    with ProvisioningScenario("idle connections do not stop a user") as s:
        s.start_with_users({"alice": "alice-pw"})
        p = s.start_provisioning(
            keys={"max_connections": str(IDLE), "max_connections_per_address": str(IDLE),
                  "request_timeout": f"{REQUEST_TIMEOUT_S}s"},
            preexec_fn=raise_fd_limit)

        idle = []
        for _ in range(IDLE):
            c = socket.create_connection(("127.0.0.1", s.https_port))
            idle.append(c)
        wait_for(lambda: p.counters()["provisioning.connections.accepted"] >= IDLE, 30,
                 f"the server holding {IDLE} connections")
        print(f"ok: {IDLE} idle connections held")

        started = time.monotonic()
        status, body, _ = s.curl("-u", "alice:alice-pw", s.url("/profile.json"))
        check(status == 200 and "alice@xmpp.example.com" in body, f"the real user: {status}")
        counters = p.counters()
        check(counters["provisioning.connections.displaced"] >= 1, f"counters: {counters}")
        check(counters["provisioning.connections.refused"] == 0, f"counters: {counters}")
        print(f"ok: a real user served in {time.monotonic() - started:.2f} s beside them "
              f"({counters['provisioning.connections.displaced']} idle connection(s) displaced)")

        # The server, not the client, ends them all: within request_timeout and some slack.
        wait_for(lambda: all(closed_by_server(c) for c in idle), REQUEST_TIMEOUT_S + 30,
                 "the server closing every idle connection")
        counters = p.counters()
        check(counters["provisioning.connections.timed_out"] == IDLE - 1, f"counters: {counters}")
        for c in idle:
            c.close()
        status, _, _ = s.curl("-u", "alice:alice-pw", s.url("/profile.json"))
        check(status == 200, "served afterwards")
        check(p.stop() == 0, "exit status")
        print(f"ok: every idle connection closed by the server "
              f"({counters['provisioning.connections.timed_out']} timed out)")


if __name__ == "__main__":
    main()
