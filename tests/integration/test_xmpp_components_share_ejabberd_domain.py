#!/usr/bin/python3
"""Two cusax-xmpp-component instances for one component domain on a real ejabberd 23.01
(Debian's), with the listener of conf/ejabberd-several-components.yml and the delegation of
conf/ejabberd-delegation.yml, sharing the store of lib/shared_store.py: the bindings and the
users' vCards in one real PostgreSQL 15 (`vcard_store = postgresql`), as instances on two
hosts would (test_xmpp_components_share_ejabberd_domain_sqlite.py: the same on one host's
SQLite files).

ejabberd accepts both connections for sip.example.com and sends each stanza for the domain to
one of them at random (no domain_balancing). Checks:
  1. vCards of a SIP account are answered by both instances, and by the one left while the
     other is stopped, whichever is stopped;
  2. a vCard set delegated (XEP-0355) through one instance is in the shared store and served
     by the other;
  3. what ejabberd 23.01 does with the delegation, measured: when either connection goes,
     mod_delegation drops the delegation of vcard-temp for the whole domain, so the users'
     vCards get service-unavailable although the other instance is still connected, until an
     instance connects again (here: the remaining one is restarted), which delegates anew.
The components' keepalive is set long: ejabberd balances the answer to an instance's own
keepalive ping too, and an idle instance whose answer went to its sibling would take the
server for dead and reconnect (README, "Several machines").
"""
import os
import signal
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import DOMAIN, LOCAL, VT, check, wait_for  # noqa: E402
from ejabberd import EjabberdScenario  # noqa: E402
from shared_store import shared_store  # noqa: E402

BUDGET = 150  # seconds for the whole test; ctest's own timeout is longer
ALICE, BOB = "alice@" + LOCAL, "bob@" + LOCAL
ACCOUNT = "alice@" + DOMAIN  # the SIP account's JID at the component
DELEGATED = "Namespace 'vcard-temp' is delegated to external component '%s'" % DOMAIN
REMOVED = "Remove delegation of namespace 'vcard-temp'"
COMPONENT_KEYS = {"keepalive_interval": "10m"}
_ids = iter(range(1, 1_000_000))


def out_of_time(signum, frame):
    raise AssertionError(f"the test took more than {BUDGET}s")


class SharedStoreScenario(EjabberdScenario):
    """An ejabberd scenario whose daemons and cusaxctl all use shared_store()."""

    def __init__(self, name):
        super().__init__(name)
        self.shared = shared_store(self.dir)
        self.shared.start()
        self.store_section = self.shared.section()
        self.ctl_ini = self.write_ini("ctl")

    def __exit__(self, exc_type, exc, tb):
        try:
            self.shared.stop()
        finally:
            return super().__exit__(exc_type, exc, tb)

    def start_instance(self, name):
        keys = dict(self.shared.component_keys(), **COMPONENT_KEYS)
        return self.start_component(name=name, component=keys, log={"format": "json"})


async def ask(client, to, payload, itype="get"):
    """Sends an iq with an id of its own; returns (id, payload element or error condition)."""
    from slixmpp.exceptions import IqError, IqTimeout
    iq = client.Iq()
    iq["type"], iq["to"], iq["id"] = itype, to, "s19-%d" % next(_ids)
    iq.xml.append(payload if isinstance(payload, ET.Element) else ET.fromstring(payload))
    try:
        resp = await iq.send(timeout=8)
    except IqError as e:
        return iq["id"], e.iq["error"]["condition"]
    except IqTimeout:
        return iq["id"], "TIMEOUT"
    children = list(resp.xml)
    return iq["id"], children[0] if children else resp.xml


def answered_by(components, stanza_id):
    """The component that logged the stanza (its own answer, or a delegated one)."""
    wait_for(lambda: any(_logged(c, stanza_id) for c in components), 10,
             f"a component logging stanza {stanza_id}")
    return next(c for c in components if _logged(c, stanza_id))


def name_of(component):
    return os.path.basename(component.output).removesuffix(".out")


def _logged(component, stanza_id):
    return any(e.get("stanza_id") == stanza_id for e in component.events())


def account_vcard_from_each(s, components):
    """bob asks the SIP account's vCard until each component has answered one (bounded)."""
    async def body(cl):
        seen = set()
        for _ in range(200):  # each instance answers half of them at random
            stanza_id, v = await ask(cl, ACCOUNT, "<vCard xmlns='vcard-temp'/>")
            check(not isinstance(v, str), f"{ACCOUNT}'s vCard: {v}")
            check(any(t.findtext(VT + "NUMBER") == "sip:" + ACCOUNT
                      for t in v.findall(VT + "TEL")), f"{ACCOUNT}'s vCard has its SIP TEL")
            seen.add(answered_by(components, stanza_id).output)
            if len(seen) == len(components):
                return len(seen)
        return len(seen)
    check(s.client(BOB, "pw-bob", body) == len(components),
          "not every instance answered a vCard of the SIP account")


def users_vcard(s):
    """(stanza id, bob's fetch of alice's vCard: an element or an error condition)."""
    async def body(cl):
        return await ask(cl, ALICE, "<vCard xmlns='vcard-temp'/>")
    return s.client(BOB, "pw-bob", body)


def wait_delegated(s, times):
    wait_for(lambda: len(s.ejabberd_log_lines(DELEGATED)) >= times, 20,
             f"ejabberd delegating vcard-temp (#{times})")


def main():
    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(BUDGET)
    started = time.monotonic()
    with SharedStoreScenario("two components, one domain, on ejabberd") as s:
        s.write_ejabberd_config(delegate_vcard=True)
        s.start_ejabberd()
        s.register_users([("alice", LOCAL, "pw-alice"), ("bob", LOCAL, "pw-bob")])
        s.example_bindings()  # alice@sip.example.com bound to alice@xmpp.example.com, verified
        one = s.start_instance("component-1")
        one.wait_connected()
        wait_delegated(s, 1)
        two = s.start_instance("component-2")
        wait_for(lambda: s.server_handshakes() >= 2, 15, "the second instance's handshake")
        check(one.proc.poll() is None and two.proc.poll() is None, "both instances run")

        # 1. Both answer the SIP account's vCard.
        account_vcard_from_each(s, [one, two])
        print("ok: both instances answer vCards of a SIP account")

        # 2. alice's own vCard set goes through one of them; the other serves it.
        async def alice_sets(cl):
            _, mine = await ask(cl, ALICE, "<vCard xmlns='vcard-temp'/>")
            check(not isinstance(mine, str), f"alice's own vCard: {mine}")
            ET.SubElement(mine, VT + "NICKNAME").text = "Ally"
            return await ask(cl, ALICE, mine, itype="set")
        set_id, result = s.client(ALICE, "pw-alice", alice_sets)
        check(not isinstance(result, str), f"alice's vCard set: {result}")
        setter = answered_by([one, two], set_id)
        other = two if setter is one else one
        stored = s.shared.stored_vcard(ALICE) or ""
        check("<NICKNAME>Ally</NICKNAME>" in stored, f"alice's vCard in the shared store: {stored}")
        print(f"ok: alice's vCard set went through {name_of(setter)}, into the "
              f"{s.shared.engine} store")
        for _ in range(200):  # until the other instance serves a fetch (each does half)
            fetch_id, v = users_vcard(s)
            check(not isinstance(v, str), f"alice's vCard: {v}")
            check(v.findtext(VT + "NICKNAME") == "Ally", f"nickname served: "
                  f"{ET.tostring(v, 'unicode')}")
            if answered_by([one, two], fetch_id) is other:
                break
        else:
            raise AssertionError("the other instance never served alice's vCard")
        print(f"ok: {name_of(other)} serves the vCard set through the other")

        # 3. The setter stops: the SIP account is still answered (by the other); ejabberd has
        # dropped the delegation for the domain, so the users' vCards are not.
        check(setter.stop() == 0, "instance stopped cleanly")
        wait_for(lambda: s.ejabberd_log_lines(REMOVED), 10, "ejabberd removing the delegation")
        account_vcard_from_each(s, [other])
        _, v = users_vcard(s)
        check(v == "service-unavailable", f"a user's vCard with one instance left: {v}")
        print("ok: one instance stopped: SIP accounts answered; ejabberd 23.01 dropped the "
              "delegation (users' vCards: service-unavailable) though the other is connected")

        # The remaining instance reconnects (restarted): ejabberd delegates to it anew, and it
        # serves the vCard set through the stopped one.
        check(other.stop() == 0, "instance stopped cleanly")
        delegations = len(s.ejabberd_log_lines(DELEGATED))
        other = s.start_instance(name_of(other) + "-again")
        other.wait_connected()
        wait_delegated(s, delegations + 1)
        fetch_id, v = users_vcard(s)
        check(not isinstance(v, str) and v.findtext(VT + "NICKNAME") == "Ally",
              f"alice's vCard after the delegation came back: {v}")
        check(answered_by([other], fetch_id) is other, "served by the restarted instance")
        print("ok: after a new connection ejabberd delegates again; the vCard set through the "
              "stopped instance is served")

        # 4. The first one is back, the second stops: the SIP account is still answered.
        back = s.start_instance(name_of(setter) + "-again")
        back.wait_connected()
        account_vcard_from_each(s, [other, back])
        check(other.stop() == 0, "instance stopped cleanly")
        account_vcard_from_each(s, [back])
        print("ok: either instance stopped, the SIP account's vCard is answered")
    signal.alarm(0)
    print(f"took {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
