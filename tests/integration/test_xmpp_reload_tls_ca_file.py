#!/usr/bin/python3
"""SIGHUP reads the component's TLS CA file again, for the next connection, without dropping
the stream that is up.

Through a real Prosody with a direct-TLS component port (as test_xmpp_tls_verifies_server_
certificate.py sets it up), its certificate signed by "cusax-test-ca":
1. the component starts trusting only "another-ca": every TLS handshake fails, it never
   connects;
2. the INI names a CA file that does not exist: the reload is refused, the file named;
3. the CA file is replaced under the running daemon (same path, same INI, written to a new
   file and renamed over it, as tools that renew certificates do): after SIGHUP the next
   attempt verifies Prosody and the component answers a vCard query;
4. the file is replaced again by the wrong CA and reloaded: the stream that is up stays (no
   new handshake, queries still answered), but after Prosody restarts the next connection is
   refused with the certificate problem named;
5. the INI is pointed at another file holding the right CA: the reload names the key as
   applied and the component connects again.
Without the reload of tls_ca_file, step 3 never connects."""
import os
import re
import shutil
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import DOMAIN, LOCAL, Scenario, check, vcard_fn, wait_for  # noqa: E402

UNTRUSTED = "unable to get local issuer"


def replace_file(source, target):
    """`target` gets `source`'s content by a rename, never half written."""
    shutil.copyfile(source, target + ".new")
    os.replace(target + ".new", target)


def set_ca_file(ini, path):
    with open(ini) as f:
        text = f.read()
    with open(ini, "w") as f:
        f.write(re.sub(r"(?m)^tls_ca_file = .*$", f"tls_ca_file = {path}", text))


def reload(component, event, already):
    """SIGHUP, then wait for one more log line naming `event` than `already`."""
    component.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: component.count(event) > already, 10, event)


def main():
    with Scenario("reload tls_ca_file") as s:
        tls_port, right_ca, wrong_ca = s.start_prosody_with_tls()
        ports = (s.c2s_port, s.component_port, tls_port)
        certs = os.path.dirname(right_ca)
        s.register("juliet", LOCAL, "pw-juliet")
        s.example_bindings()

        ca_file = os.path.join(certs, "trusted.pem")
        shutil.copyfile(wrong_ca, ca_file)
        c = s.start_component(component={
            "server_port": str(tls_port), "tls": "true", "tls_ca_file": ca_file,
            "tls_server_name": LOCAL})

        # 1. the wrong CA: refused, retried, never connected
        wait_for(lambda: c.count(UNTRUSTED) >= 2, 15, "two refused TLS handshakes")
        check(c.count("xmpp.connected") == 0, "connected with a CA that did not sign Prosody")
        print("ok: trusting another CA, the component does not connect")

        # 2. a CA file that cannot be loaded: refused, named, nothing changes
        set_ca_file(c.ini, "/nonexistent/ca.pem")
        reload(c, "config.reload_refused", 0)
        refused = [l for l in c.text().splitlines() if "config.reload_refused" in l]
        check(any("/nonexistent/ca.pem" in l for l in refused), f"file not named: {refused}")
        check(c.proc.poll() is None, "the component exited on a bad CA file")
        print("ok: a CA file that cannot be loaded is refused and named")

        # 3. the same path now holds the right CA: reloaded, the next attempt connects
        set_ca_file(c.ini, ca_file)
        replace_file(right_ca, ca_file)
        reload(c, "xmpp.tls_ca_reloaded", 0)
        c.wait_connected()
        fn = s.client("juliet@" + LOCAL, "pw-juliet", lambda cl: vcard_fn(cl, "alice@" + DOMAIN))
        check(fn == "Alice Liddell", f"answered over the verified link: {fn}")
        print("ok: the CA file replaced in place is read again on SIGHUP; connected")

        # 4. wrong CA again: the stream that is up stays; the next connection is refused
        handshakes = s.server_handshakes()
        refusals = c.count(UNTRUSTED)
        replace_file(wrong_ca, ca_file)
        reload(c, "xmpp.tls_ca_reloaded", 1)
        fn = s.client("juliet@" + LOCAL, "pw-juliet", lambda cl: vcard_fn(cl, "alice@" + DOMAIN))
        check(fn == "Alice Liddell", f"still answering after the reload: {fn}")
        check(s.server_handshakes() == handshakes,
              f"the reload dropped the stream: {s.server_handshakes()} handshakes, "
              f"{handshakes} before")
        s.stop_prosody()
        s.start_prosody(wait_ports=ports)
        wait_for(lambda: c.count(UNTRUSTED) >= refusals + 2, 15,
                 "refused TLS handshakes after Prosody's restart")
        check(s.server_handshakes() == handshakes, "connected with the replaced, wrong CA")
        print("ok: the stream up stays; the next connection uses the reloaded file")

        # 5. the INI names another file with the right CA: applied, connected again
        set_ca_file(c.ini, right_ca)
        reload(c, "config.reloaded", c.count("config.reloaded"))
        applied = [l for l in c.text().splitlines() if "config.reloaded" in l][-1]
        check("[xmpp-component] tls_ca_file" in applied, f"key not applied: {applied}")
        wait_for(lambda: s.server_handshakes() > handshakes, 15, "a handshake after the reload")
        fn = s.client("juliet@" + LOCAL, "pw-juliet", lambda cl: vcard_fn(cl, "alice@" + DOMAIN))
        check(fn == "Alice Liddell", f"answered after the new file: {fn}")
        check(c.stop() == 0, "exit status")
        print("ok: a new tls_ca_file path applies on SIGHUP")


if __name__ == "__main__":
    main()
