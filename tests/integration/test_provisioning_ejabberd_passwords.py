#!/usr/bin/python3
"""cusax-provisioning checking passwords at ejabberd (Debian's 23.01) instead of Prosody, as
the README says it can: ejabberd's c2s with STARTTLS and its own SCRAM (auth_password_format:
scram), unchanged. The right password gets the profile, a wrong one and an unknown user the
same 401; the check never binds a session."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import LOCAL, check, read  # noqa: E402
from ejabberd import EjabberdScenario, ejabberd_installed  # noqa: E402
from provisioning import ProvisioningScenario, validate_profile  # noqa: E402


class Scenario(ProvisioningScenario, EjabberdScenario):
    """Provisioning's certificates and service, ejabberd as the XMPP server."""

    def start_ejabberd_with_starttls(self):
        cfg = self.write_ejabberd_config(delegate_vcard=False)
        text = read(cfg)
        listener = "    module: ejabberd_c2s\n"
        check(listener in text, "the ejabberd config changed shape: add starttls by hand")
        text = text.replace(listener, listener + "    starttls_required: true\n", 1)
        text = f'certfiles:\n  - "{self.xmpp_cert}"\n  - "{self.xmpp_key}"\n' + text
        with open(cfg, "w") as f:
            f.write(text)
        self.start_ejabberd()


def main():
    check(ejabberd_installed(), "ejabberd is not installed (scripts/install-deps installs it)")
    with Scenario("provisioning with ejabberd's passwords") as s:
        s.start_ejabberd_with_starttls()
        s.register_users([("alice", LOCAL, "alice-ejabberd-pw"), ("bob", LOCAL, "bob-pw")])
        s.example_store()
        p = s.start_provisioning()

        status, body, _ = s.curl("-u", "alice:alice-ejabberd-pw", s.url("/profile.json"))
        check(status == 200, f"right password: {status} {body}")
        validate_profile(json.loads(body))
        answers = [s.curl("-u", user, s.url("/profile.json"))[:2]
                   for user in ("alice:wrong", "mallory:wrong")]
        check(answers[0][0] == 401 and answers[0] == answers[1],
              f"wrong password and unknown user: {answers}")
        log = p.text()
        check("outcome=accepted" in log and "password accepted (SCRAM-SHA-" in log, log[-2000:])
        check("outcome=wrong_password" in log and "not-authorized" in log, log[-2000:])
        # The unknown user too is checked, as the placeholder account, which ejabberd refuses.
        check("outcome=unknown_user" in log and
              "the placeholder check: the server refused the password (not-authorized)" in log,
              log[-2000:])
        check(p.counters()["provisioning.xmpp_checks"] == 3, "three checks at ejabberd")
        check(p.stop() == 0, "exit status")
        print("ok: ejabberd checked the passwords (" +
              log.split("password accepted (")[1].split(")")[0] + " over STARTTLS)")


if __name__ == "__main__":
    main()
