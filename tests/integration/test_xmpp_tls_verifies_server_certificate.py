#!/usr/bin/python3
"""TLS to the server's component port, with the server's certificate verified.

Prosody 0.12's component listener (component_ports) speaks plain TCP only, but its
mod_net_multiplex adds a direct-TLS listener (ssl_ports) that hands a jabber:component:accept
stream to the component service: that is the TLS component port here. With tls = true, the
CA that signed Prosody's certificate and its name, the component authenticates and answers
through the TLS link; with a CA that did not sign it, another expected name (refused by Prosody's SNI) or the
server's address, which its certificate does not carry (refused by our check), the TLS
handshake fails with one clear line naming the certificate problem, and it backs off without
ever sending its handshake."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import DOMAIN, LOCAL, Scenario, check, vcard_fn, wait_for  # noqa: E402


def main():
    with Scenario("TLS verifies the server certificate") as s:
        tls_port, ca_pem, other_ca = s.start_prosody_with_tls()
        s.register("juliet", LOCAL, "pw-juliet")
        s.example_bindings()

        tls = {"server_port": str(tls_port), "tls": "true", "tls_ca_file": ca_pem,
               "tls_server_name": LOCAL}
        c = s.start_component("component-tls", component=tls)
        c.wait_connected()
        fn = s.client("juliet@" + LOCAL, "pw-juliet", lambda cl: vcard_fn(cl, "alice@" + DOMAIN))
        check(fn == "Alice Liddell", f"through the TLS link: {fn}")
        check(c.stop() == 0, "exit status")
        check("component stream closed" in c.text(), "clean close over TLS")
        print("ok: authenticated and answering over TLS, certificate verified")

        for name, keys, expected in (
                ("wrong-ca", {"tls_ca_file": other_ca}, "(certificate: unable to get local issuer"),
                ("wrong-name", {"tls_server_name": "elsewhere.example.com"},
                 "as elsewhere.example.com failed"),
                # No name: server_host, an address the certificate does not carry (no SNI is
                # sent for an address, so Prosody shows its certificate and ours refuses it).
                ("address-name", {"tls_server_name": ""},
                 "as 127.0.0.1 failed: certificate verify failed (certificate: IP address mismatch)")):
            bad = s.start_component("component-" + name, component={**tls, **keys})
            wait_for(lambda: bad.count("xmpp.disconnected") >= 2, 10, name + " retries")
            check(bad.stop() == 0, name + ": exit status")
            text = bad.text()
            check("TLS handshake with" in text and expected in text,
                  f"{name}: the certificate problem is named: {text[-800:]}")
            check("xmpp.connected" not in text, f"{name}: must not connect")
            print(f"ok: {name} refused: " +
                  next(l for l in text.splitlines() if "TLS handshake" in l).split("msg=")[1])

        # A tls_ca_file that cannot be read stops start-up with a message naming it.
        missing = s.start_component("component-missing-ca",
                                    component={**tls, "tls_ca_file": "/nonexistent/ca.pem"})
        check(missing.proc.wait(10) == 1, "missing CA file: exit status 1")
        check("/nonexistent/ca.pem" in missing.text(), "missing CA file named")
        print("ok: an unreadable tls_ca_file stops start-up")


if __name__ == "__main__":
    main()
