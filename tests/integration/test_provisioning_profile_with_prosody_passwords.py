#!/usr/bin/python3
"""cusax-provisioning against a real Prosody that holds the users' passwords (cusax holds none).

curl with the right password gets the user's own profile, valid against
provisioning/profile.schema.json, whichever spelling of the user id (bare JID, AOR without its
scheme, local part); the Linphone document likewise. A wrong password and an unknown user get
the same 401, byte for byte, and neither sooner than failure_delay; the password is in no answer
but the Linphone one (sip_password = same) and in no log line. TLS older than 1.2 is refused.
Then a slixmpp client logs in using nothing but the XMPP settings the profile returned and the
password the user typed."""
import asyncio
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import TIMEOUT, check  # noqa: E402
from provisioning import ProvisioningScenario, validate_profile  # noqa: E402

FAILURE_DELAY = 1.0


async def login_with_profile(profile, password, ca):
    """Logs in with only what the profile says: the JID, host and port, STARTTLS verified."""
    import slixmpp
    xmpp = profile["xmpp"]
    client = slixmpp.ClientXMPP(xmpp["jid"], password)
    client.ca_certs = ca
    started = asyncio.get_running_loop().create_future()
    client.add_event_handler("session_start",
                             lambda _: started.done() or started.set_result("session"))
    client.add_event_handler("failed_auth",
                             lambda _: started.done() or started.set_result("failed_auth"))
    client.connect((xmpp["host"], xmpp["port"]), force_starttls=True)
    try:
        return await asyncio.wait_for(started, TIMEOUT)
    finally:
        client.disconnect()
        try:
            await asyncio.wait_for(client.disconnected, 5)
        except asyncio.TimeoutError:
            pass


def main():
    with ProvisioningScenario("provisioning profile with Prosody passwords") as s:
        s.start_with_users({u: u + "-secret-pw" for u in ("alice", "bob", "carol")})
        p = s.start_provisioning(keys={"sip_password": "same",
                                       "failure_delay": f"{int(FAILURE_DELAY * 1000)}ms"})

        # The right password, each spelling of the user id: alice's own profile.
        for user in ("alice@xmpp.example.com", "alice@sip.example.com", "alice", "ALICE"):
            status, body, _ = s.curl("-u", f"{user}:alice-secret-pw", s.url("/profile.json"))
            check(status == 200, f"{user}: {status} {body}")
            doc = json.loads(body)
            validate_profile(doc)
            check(doc["sip"]["aor"] == "sip:alice@sip.example.com", f"{user}: {doc}")
            check(doc["xmpp"]["jid"] == "alice@xmpp.example.com", f"{user}: {doc}")
            check(doc["relation"] == {"aor": "sip:alice@sip.example.com",
                                      "jid": "alice@xmpp.example.com", "verification": "admin",
                                      "verified": True}, f"relation: {doc['relation']}")
            check(doc["sip"]["switch_off"] == ["messaging", "presence"], "SIP switch-off")
            check(doc["xmpp"]["switch_off"] == ["audio", "video"], "XMPP switch-off")
            check("alice-secret-pw" not in body and "bob" not in body, "only alice, no password")
        print("ok: the right password gets the user's own profile (4 spellings), schema-valid")

        # HEAD: the headers of the same answer, no body; the connection goes on.
        conn = s.connection()
        status, headers, body = s.https("/profile.json", "alice", "alice-secret-pw",
                                        method="HEAD", conn=conn)
        check(status == 200 and body == "" and int(headers["content-length"]) > 100,
              f"HEAD: {status} {headers} {body!r}")
        check(headers.get("cache-control") == "no-store", f"no-store: {headers}")
        status, _, body = s.https("/profile.json", "alice", "alice-secret-pw", conn=conn)
        check(status == 200 and "alice@xmpp.example.com" in body, "GET after HEAD, kept alive")
        conn.close()
        print("ok: HEAD answers the headers only, and the connection is kept")

        # The unverified binding gets its profile too, and says it is unverified.
        status, body, _ = s.curl("-u", "carol:carol-secret-pw", s.url("/profile"))
        check(status == 200, f"carol: {status}")
        doc = json.loads(body)
        validate_profile(doc)
        check(doc["relation"]["verified"] is False, "carol's relation is unverified")
        print("ok: an unverified binding's profile says so")

        # The Linphone document: the SIP account, the typed password (sip_password = same).
        status, body, _ = s.curl("-u", "bob:bob-secret-pw", "-H", "Accept: application/xml",
                                 s.url("/profile"))
        check(status == 200 and body.startswith("<?xml"), f"linphone: {status} {body[:200]}")
        for needle in ("&lt;sip:bob@sip.example.com&gt;", "<entry name='passwd' "
                       "overwrite='true'>bob-secret-pw</entry>", "name='publish'"):
            check(needle in body, f"linphone document lacks {needle}: {body}")
        print("ok: the Linphone document by Accept, with the password the user typed")

        # A wrong password and an unknown user: one answer, neither before failure_delay.
        answers = []
        for user, password in (("alice", "wrong"), ("mallory", "wrong"),
                               ("mallory@xmpp.example.com", "alice-secret-pw"),
                               ("alice@xmpp.example.com", "bob-secret-pw")):
            out = subprocess.run(["curl", "-sS", "--cacert", s.ca, "-D", "-", "-u",
                                  f"{user}:{password}", "-w", "%{time_total}",
                                  s.url("/profile.json")], capture_output=True, text=True)
            text, seconds = out.stdout.rsplit("\n", 1)
            head, _, body = text.partition("\r\n\r\n")
            lines = sorted(l for l in head.split("\r\n") if not l.lower().startswith("date:"))
            answers.append((lines, body))
            check(float(seconds) >= FAILURE_DELAY,
                  f"{user}: answered after {seconds}s, before failure_delay")
            check(head.startswith("HTTP/1.1 401"), f"{user}: {head}")
        check(all(a == answers[0] for a in answers),
              "a wrong password and an unknown user are answered alike: " + repr(answers))
        print("ok: wrong password and unknown user: the same 401, none before failure_delay")

        # TLS 1.2 is taken, 1.1 refused (the client lowers its own security level to offer it,
        # so that the refusal is the server's).
        def handshake(*version):
            return subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{s.https_port}",
                                   "-servername", "localhost", "-CAfile", s.ca, *version],
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=30)
        modern = handshake("-tls1_2")
        check(modern.returncode == 0 and "Verify return code: 0 (ok)" in modern.stdout,
              "TLS 1.2 handshake: " + modern.stdout[-500:] + modern.stderr[-500:])
        old = handshake("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
        check(old.returncode != 0 and "Cipher is (NONE)" in old.stdout and
              "alert protocol version" in old.stderr,
              "TLS 1.1 must be refused by the server: " + old.stdout[-500:] + old.stderr[-300:])
        print("ok: TLS 1.2 taken, TLS 1.1 refused")

        # slixmpp logs in with only what the profile said.
        status, body, _ = s.curl("-u", "bob:bob-secret-pw", s.url("/profile.json"))
        profile = json.loads(body)
        check(profile["xmpp"]["host"] == "127.0.0.1" and profile["xmpp"]["port"] == s.c2s_port,
              f"announced XMPP settings: {profile['xmpp']}")
        encrypted_before = s.prosody_checks()
        result = asyncio.run(login_with_profile(profile, "bob-secret-pw", s.ca))
        check(result == "session", f"slixmpp with the profile's settings: {result}")
        check(s.prosody_checks() == encrypted_before + 1, "the client's stream was encrypted")
        print("ok: slixmpp logged in with the profile's XMPP settings only")

        counters = p.counters()
        # Every check the service made was one STARTTLS stream at Prosody, and no more (the two
        # unknown users' included: they are checked as the placeholder account).
        check(counters["provisioning.xmpp_checks"] == 13 and s.prosody_checks() == 13 + 1,
              f"checks: {counters['provisioning.xmpp_checks']}, at Prosody {s.prosody_checks()}")
        check(counters["provisioning.logins.accepted"] == 9, f"counters: {counters}")
        check(counters["provisioning.logins.wrong_password"] == 2, f"counters: {counters}")
        check(counters["provisioning.logins.unknown_user"] == 2, f"counters: {counters}")
        check(p.stop() == 0, "exit status")
        log = p.text()
        for secret in ("alice-secret-pw", "bob-secret-pw", "carol-secret-pw"):
            check(secret not in log, "a password reached the log")
        check(log.count("provisioning.login ") == 13, "every attempt is logged: " + log[-3000:])
        check("source=127.0.0.1 user=mallory" in log, "attempts are logged with source and user")
        check("the placeholder check: the server refused the password (not-authorized)" in log,
              "Prosody refused the placeholder account: " + log[-3000:])
        print("ok: every attempt logged with source and user, no password; counters per outcome")


if __name__ == "__main__":
    main()
