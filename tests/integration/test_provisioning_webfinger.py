#!/usr/bin/python3
"""WebFinger (RFC 7033) at /.well-known/webfinger, public: for a verified binding the related
account (acct: and sip: resources); for an unverified one and an unknown one the same 404, with
nothing about them; the operator's switch ([provisioning] formats without webfinger) turns it
off. No password is asked, and none reaches the XMPP server."""
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import check  # noqa: E402
from provisioning import ProvisioningScenario  # noqa: E402


def finger(s, resource):
    query = urllib.parse.urlencode({"resource": resource})
    status, body, _ = s.curl(s.url("/.well-known/webfinger?" + query))
    return status, body


def main():
    with ProvisioningScenario("provisioning WebFinger") as s:
        s.start_with_users({"alice": "alice-pw"})
        p = s.start_provisioning()

        for resource, alias in (("acct:alice@xmpp.example.com", "sip:alice@sip.example.com"),
                                ("acct:alice@sip.example.com", "xmpp:alice@xmpp.example.com"),
                                ("sip:bob@sip.example.com", "xmpp:bob@xmpp.example.com")):
            status, body = finger(s, resource)
            check(status == 200, f"{resource}: {status} {body}")
            jrd = json.loads(body)
            check(jrd["subject"] == resource and alias in jrd["aliases"], f"{resource}: {jrd}")
        status, headers, _ = s.https("/.well-known/webfinger?resource=acct:bob@xmpp.example.com")
        check(headers.get("content-type") == "application/jrd+json", f"media type: {headers}")
        check(headers.get("access-control-allow-origin") == "*", "CORS (RFC 7033 §5)")
        print("ok: verified bindings: the related account, as JRD with CORS")

        unverified = finger(s, "acct:carol@xmpp.example.com")
        unverified_sip = finger(s, "sip:carol@sip.example.com")
        unknown = finger(s, "acct:mallory@xmpp.example.com")
        check(unverified[0] == 404 and unverified == unknown == unverified_sip,
              f"unverified {unverified}, unknown {unknown}")
        check("carol" not in unverified[1], "nothing about the unverified binding")
        check(finger(s, "")[0] == 400, "no resource: 400")
        print("ok: unverified and unknown: the same 404; no resource: 400")

        counters = p.counters()
        check(counters["provisioning.webfinger.found"] == 4, f"counters: {counters}")
        check(counters["provisioning.xmpp_checks"] == 0 and s.prosody_checks() == 0,
              "WebFinger never touches the XMPP server")
        check(p.stop() == 0, "exit status")

        off = s.start_provisioning("provisioning-no-webfinger",
                                   keys={"formats": "json, linphone"})
        check(finger(s, "acct:alice@xmpp.example.com")[0] == 404, "switched off: 404")
        status, _, _ = s.curl("-u", "alice:alice-pw", s.url("/profile.json"))
        check(status == 200, "the profile is still served")
        check(off.stop() == 0, "exit status")
        print("ok: formats without webfinger switches it off")


if __name__ == "__main__":
    main()
