#!/usr/bin/python3
"""SIGHUP makes cusax-provisioning read its INI file again, and the certificate with it; it no
longer ends the process.

With a real Prosody checking the passwords: a reload with a shorter format list and another
announced XMPP host applies to the next request (linphone.xml is gone, the profile names the
new host). The certificate renewed in place (a new one from the same CA, another serial) is
what the next TLS connection gets, while a kept-alive connection opened before goes on with
the old one. A key file that does not match its certificate refuses the whole reload: the
certificate served before stays, and so does the format list the same file would have
changed. A user id locked out before a reload (even one raising the limits) stays locked:
the right password still gets 429, and Prosody sees no check for it. The first reload is the
systemd unit's ExecReload, the second `cusaxctl reload`."""
import json
import os
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import CUSAXCTL, SOURCE, check, wait_for  # noqa: E402
from provisioning import ProvisioningScenario  # noqa: E402

UNIT = os.path.join(SOURCE, "conf", "systemd", "cusax-provisioning.service")
FIRST = {"formats": "json, linphone, webfinger", "max_failures_per_user": "3", "lockout": "10m",
         "failure_delay": "100ms"}
# What the reloads change: fewer formats, another announced XMPP host, higher limits.
SECOND = dict(FIRST, formats="json, webfinger", xmpp_host="chat.example.com",
              max_failures_per_user="50")


def exec_reload(p):
    """What systemctl reload runs: the unit's ExecReload, with $MAINPID."""
    with open(UNIT) as f:
        line = next(x for x in f if x.startswith("ExecReload="))
    command = line.split("=", 1)[1].strip().replace("$MAINPID", str(p.proc.pid))
    subprocess.run(shlex.split(command), check=True, timeout=30)


def cusaxctl_reload(s, p):
    """cusaxctl reload, which finds the service through its stats file."""
    wait_for(lambda: os.path.exists(p.stats_file), 20, "the service's stats file")
    out = subprocess.run([CUSAXCTL, "-c", p.ini, "reload"], capture_output=True, text=True,
                         timeout=30)
    check(out.returncode == 0 and f"cusax-provisioning (pid {p.proc.pid})" in out.stdout,
          f"cusaxctl reload: {out.stdout} {out.stderr}")


def serial_of(pem):
    """The certificate's serial as Python's ssl module shows it (upper-case hex)."""
    out = subprocess.run(["openssl", "x509", "-noout", "-serial", "-in", pem], check=True,
                         capture_output=True, text=True, timeout=30).stdout
    return out.strip().split("=", 1)[1].upper()


def served_serial(conn):
    return conn.sock.getpeercert()["serialNumber"].upper()


def fresh_connection_serial(s):
    """The serial of the certificate a new TLS connection gets (after one request on it)."""
    conn = s.connection()
    try:
        status, _, _ = s.https("/.well-known/webfinger?resource=acct:nobody@example.com",
                               conn=conn)
        check(status in (200, 404), f"webfinger: {status}")
        return served_serial(conn)
    finally:
        conn.close()


def profile(s, conn=None):
    status, _, body = s.https("/profile.json", "alice", "alice-pw", conn=conn)
    check(status == 200, f"alice's profile: {status} {body}")
    return json.loads(body)


def main():
    with ProvisioningScenario("reload") as s:
        s.start_with_users({"alice": "alice-pw", "bob": "bob-pw"})
        p = s.start_provisioning(keys=FIRST)
        old_serial = serial_of(s.cert)
        check(fresh_connection_serial(s) == old_serial, "the first certificate is served")
        check(profile(s)["xmpp"]["host"] == "127.0.0.1", "announced host before")
        status, _, _ = s.https("/linphone.xml", "alice", "alice-pw")
        check(status == 200, f"linphone.xml before the reload: {status}")

        # A connection kept alive across the reloads.
        kept = s.connection()
        profile(s, kept)
        check(served_serial(kept) == old_serial, "kept-alive connection: first certificate")

        # bob's user id locked out: three wrong passwords, then 429 even for the right one.
        for i in range(3):
            status, _, _ = s.https("/profile.json", "bob", f"guess-{i}")
            check(status == 401, f"guess {i}: {status}")
        status, _, _ = s.https("/profile.json", "bob", "bob-pw")
        check(status == 429, f"bob locked out: {status}")

        # SIGHUP with a changed file and a certificate renewed in place.
        new_dir = os.path.join(s.tls_dir, "renewed")
        os.makedirs(new_dir)
        new_key, new_cert = s.make_service_cert(new_dir)
        new_serial = serial_of(new_cert)
        check(new_serial != old_serial, "the renewed certificate has a serial of its own")
        shutil.copyfile(new_key, s.key)
        shutil.copyfile(new_cert, s.cert)
        s.write_provisioning_ini("provisioning", SECOND)
        p.reload(send=lambda: exec_reload(p))

        status, _, _ = s.https("/linphone.xml", "alice", "alice-pw")
        check(status == 404, f"linphone.xml no longer served after the reload: {status}")
        check(profile(s)["xmpp"]["host"] == "chat.example.com", "announced host after")
        print("ok: a changed format list and announced host apply to the next request")

        check(fresh_connection_serial(s) == new_serial, "a new connection gets the new certificate")
        doc = profile(s, kept)
        check(doc["xmpp"]["host"] == "chat.example.com", "the kept connection sees new settings")
        check(served_serial(kept) == old_serial, "the kept connection is the one made before")
        print(f"ok: the renewed certificate (serial {new_serial}) is served to new connections; "
              f"one kept alive since before (serial {old_serial}) still works")

        checks_before = s.prosody_checks()
        status, headers, _ = s.https("/profile.json", "bob", "bob-pw")
        check(status == 429 and headers.get("retry-after"), f"bob after the reload: {status}")
        check(s.prosody_checks() == checks_before,
              "a locked user id's password is not checked at Prosody after the reload")
        print("ok: a lock-out in force survives the reload (the limits were raised)")

        # A key that is not the certificate's: the reload is refused as a whole.
        shutil.copyfile(s.xmpp_key, s.key)
        s.write_provisioning_ini("provisioning", FIRST)
        p.reload("config.reload_refused", send=lambda: cusaxctl_reload(s, p))
        check("key_file" in p.text().split("config.reload_refused")[-1], "the refusal names it")
        check(fresh_connection_serial(s) == new_serial, "the certificate served before stays")
        status, _, _ = s.https("/linphone.xml", "alice", "alice-pw")
        check(status == 404, f"nothing of the refused file applies: linphone.xml {status}")
        profile(s, kept)
        kept.close()
        print("ok: a key file that does not match refuses the reload; the certificate served "
              "before stays")

        check(p.alive(), "still running after three SIGHUPs")
        log = p.text()
        check("guess-" not in log and "bob-pw" not in log, "no password in the log")
        check("BEGIN" not in log, "no key material in the log")
        check(p.stop() == 0, "exit status")


if __name__ == "__main__":
    main()
