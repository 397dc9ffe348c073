#!/usr/bin/python3
"""Oversized, malformed and slow requests get a 4xx (or, where no HTTP was ever spoken, a
closed connection), and the server stays up: after each, a real request is answered.

A header over max_header_size: 431; a body over max_body_size: 413; a request line that is not
HTTP, a bad Content-Length, a header line without a colon: 400; a method other than GET or
HEAD: 405; plain HTTP to the TLS port, or bytes that are no TLS: closed; a client that sends its
request one byte at a time: closed without an answer once request_timeout has passed."""
import os
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import check  # noqa: E402
from provisioning import ProvisioningScenario  # noqa: E402

REQUEST_TIMEOUT_S = 3


def raw_tls(s, payload, read_timeout=10):
    """Sends payload over a fresh TLS connection; returns the status line (or "" when the
    connection closed without one)."""
    tls = s.tls_context().wrap_socket(socket.create_connection(("127.0.0.1", s.https_port)),
                                      server_hostname="localhost")
    tls.settimeout(read_timeout)
    try:
        tls.sendall(payload)
        data = b""
        while b"\r\n" not in data:
            chunk = tls.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n", 1)[0].decode("latin-1") if b"\r\n" in data else ""
    except (ssl.SSLError, ConnectionError):
        return ""
    finally:
        tls.close()


def raw_plain(s, payload):
    """Bytes that are no TLS to the HTTPS port; returns what came back before it closed."""
    with socket.create_connection(("127.0.0.1", s.https_port), timeout=10) as c:
        c.sendall(payload)
        data = b""
        try:
            while True:
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionError:
            pass
        return data


def main():
    with ProvisioningScenario("bad requests get 4xx") as s:
        s.start_with_users({"alice": "alice-pw"})
        p = s.start_provisioning(keys={"request_timeout": f"{REQUEST_TIMEOUT_S}s"})

        def still_serving(after):
            status, _, _ = s.https("/profile.json", "alice", "alice-pw")
            check(status == 200 and p.alive(), f"after {after}: {status}, alive {p.alive()}")

        cases = [
            ("an oversized header", b"GET /profile.json HTTP/1.1\r\nHost: x\r\nX-Big: " +
             b"a" * 20000 + b"\r\n\r\n", "431"),
            ("many headers", b"GET /profile.json HTTP/1.1\r\nHost: x\r\n" +
             b"".join(b"X-H%d: v\r\n" % i for i in range(2000)) + b"\r\n", "431"),
            ("an oversized body", b"GET /profile.json HTTP/1.1\r\nHost: x\r\n"
             b"Content-Length: 5000\r\n\r\n" + b"b" * 5000, "413"),
            ("a request line that is not HTTP", b"\x00\x01\x02 garbage\r\n\r\n", "400"),
            ("a bad Content-Length", b"GET /profile.json HTTP/1.1\r\nHost: x\r\n"
             b"Content-Length: -1\r\n\r\n", "400"),
            ("a header line without a colon", b"GET /profile.json HTTP/1.1\r\nHost x\r\n\r\n",
             "400"),
            ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "4"),
            ("a POST", b"POST /profile.json HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
             "405"),
        ]
        for what, payload, expected in cases:
            line = raw_tls(s, payload)
            check(line.startswith("HTTP/1.1 " + expected), f"{what}: {line!r}")
            still_serving(what)
            print(f"ok: {what}: {line}; still serving")

        for what, payload in (("plain HTTP on the TLS port", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                              ("random bytes", os.urandom(3000))):
            got = raw_plain(s, payload)
            check(b"HTTP/1.1 200" not in got, f"{what}: {got[:100]!r}")
            still_serving(what)
            print(f"ok: {what}: closed; still serving")

        # A trickling client: its request never completes within request_timeout.
        tls = s.tls_context().wrap_socket(socket.create_connection(("127.0.0.1", s.https_port)),
                                          server_hostname="localhost")
        request = b"GET /profile.json HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"s" * 100
        started = time.monotonic()
        answer = None
        for byte in request:
            try:
                tls.sendall(bytes([byte]))
            except (ssl.SSLError, ConnectionError):
                break
            tls.settimeout(0.5)
            try:
                answer = tls.recv(4096)
            except socket.timeout:
                continue
            except (ssl.SSLError, ConnectionError):
                answer = b""
            break
        held = time.monotonic() - started
        tls.close()
        check(answer == b"", f"the trickling client got {answer!r} (closed: b'')")
        check(held < REQUEST_TIMEOUT_S + 20, f"held for {held:.1f} s")
        still_serving("a trickling client")
        print(f"ok: a trickling client closed after {held:.1f} s, no answer; still serving")

        counters = p.counters()
        check(counters["provisioning.http_errors.header_too_large"] == 2, f"{counters}")
        check(counters["provisioning.http_errors.body_too_large"] == 1, f"{counters}")
        check(counters["provisioning.http_errors.bad_request"] >= 3, f"{counters}")
        check(p.stop() == 0, "exit status")


if __name__ == "__main__":
    main()
