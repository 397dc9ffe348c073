#!/usr/bin/python3
"""Review of issue 22 (rev22): a request whose Transfer-Encoding does not end in chunked gets
400 and its connection is closed (RFC 9112 §6.3: its body length cannot be determined), so
that bytes another HTTP hop may have read as its body are never read here as a next request.

"Transfer-Encoding: xchunked" followed by a second request on one connection: the service must
answer 400 and close, not answer the first as bodiless and then the smuggled second."""
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import check  # noqa: E402
from provisioning import ProvisioningScenario  # noqa: E402


def exchange(s, payload):
    """Sends payload over TLS; returns every status line received until the server closes."""
    tls = s.tls_context().wrap_socket(socket.create_connection(("127.0.0.1", s.https_port)),
                                      server_hostname="localhost")
    tls.settimeout(15)
    data = b""
    try:
        tls.sendall(payload)
        while True:
            chunk = tls.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionError, OSError):
        pass
    finally:
        tls.close()
    return [line.decode() for line in data.split(b"\r\n") if line.startswith(b"HTTP/1.1 ")]


def main():
    with ProvisioningScenario("unknown transfer coding gets 400") as s:
        s.start_with_users({"alice": "alice-pw"})
        p = s.start_provisioning(keys={"request_timeout": "5s", "idle_timeout": "2s"})
        for coding in ("xchunked", "gzip", "chunked, gzip"):
            statuses = exchange(s, f"GET /nothing HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                                   f"{coding}\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n"
                                   "Connection: close\r\n\r\n".encode())
            print(f"Transfer-Encoding: {coding}: {statuses}")
            check(statuses == ["HTTP/1.1 400 Bad Request"],
                  f"Transfer-Encoding: {coding}: {statuses}")
        status, _, _ = s.https("/profile.json", "alice", "alice-pw")
        check(status == 200 and p.alive(), f"a real request after: {status}")
        check(p.stop() == 0, "exit status")


if __name__ == "__main__":
    main()
