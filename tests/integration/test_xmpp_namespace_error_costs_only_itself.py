#!/usr/bin/python3
"""A stanza that is not namespace-well-formed costs only itself, through a real Prosody (vcard-temp
delegated to the component) and slixmpp clients. carol sends <xml:foo/> (an element in the xml
namespace, which is namespace-well-formed as she writes it) in an iq get to a SIP account, in a
chat message to it, and in a vCard set of her own (delegated to the component). Prosody writes
each on to the component as <foo xmlns='http://www.w3.org/XML/1998/namespace'/>, which
Namespaces in XML 1.0 forbids: the component's log names that very constraint, which shows that
what reached it was Prosody's rewrite. Meanwhile bob keeps asking for a SIP user's vCard: every
query is answered, the component keeps its one stream (one handshake, no disconnect line), logs
each bad stanza once with its id, and carol's iq and set get an error rather than silence
(RFC 6120 §8.2.3)."""
import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, TIMEOUT, VT, QueriesThroughout,  # noqa: E402
                        Scenario, check, client_session, fetch_vcard, wait_for, wait_in_log)

CAROL = "carol@" + LOCAL
BOB = "bob@" + LOCAL
SIP_USER = "alice@" + DOMAIN
XML_FOO = "<xml:foo>in the xml namespace</xml:foo>"
CONSTRAINT = "the xml namespace declared as the default namespace"


async def raw_iq(client, iq_id, wire):
    """Sends wire (an iq with id iq_id, written by hand: slixmpp's serialiser would itself
    write the xml namespace as a default) and returns the type and error condition of the
    answer, or "NO REPLY"."""
    from slixmpp.xmlstream.handler import Callback
    from slixmpp.xmlstream.matcher import MatcherId
    answer = asyncio.get_running_loop().create_future()

    def on_answer(iq):
        if not answer.done():
            condition = iq["error"]["condition"] if iq["type"] == "error" else ""
            answer.set_result((iq["type"], condition))
    client.register_handler(Callback("answer-" + iq_id, MatcherId(iq_id), on_answer))
    client.send_raw(wire)
    try:
        return await asyncio.wait_for(answer, TIMEOUT)
    except asyncio.TimeoutError:
        return "NO REPLY"


async def scenario(s, component):
    async def with_bob(carol):
        async def both(bob):
            async with QueriesThroughout(bob, SIP_USER) as q:
                get = await raw_iq(carol, "xmlfoo-get",
                                   f"<iq type='get' id='xmlfoo-get' to='{SIP_USER}'><vCard "
                                   f"xmlns='vcard-temp'>{XML_FOO}</vCard></iq>")
                carol.send_raw(f"<message type='chat' id='xmlfoo-msg' to='{SIP_USER}'><body>"
                               f"hi</body>{XML_FOO}</message>")
                await wait_in_log(component, "stanza_id=xmlfoo-msg")
                # Her own vCard: Prosody forwards it to the component in a delegation iq.
                vcard_set = await raw_iq(carol, "xmlfoo-set",
                                         "<iq type='set' id='xmlfoo-set'><vCard "
                                         f"xmlns='vcard-temp'><FN>Carol</FN>{XML_FOO}</vCard>"
                                         "</iq>")
            alice = await fetch_vcard(bob, "alice@" + LOCAL)
            return q.answers, get, vcard_set, alice
        return await client_session(s.c2s_port, BOB, "pw-bob", both)
    return await client_session(s.c2s_port, CAROL, "pw-carol", with_bob)


def main():
    with Scenario("a stanza that is not namespace-well-formed costs only itself") as s:
        s.write_prosody_config()
        s.enable_vcard_delegation()
        s.start_prosody()
        for user in ("alice", "bob", "carol"):
            s.register(user, LOCAL, "pw-" + user)
        s.example_bindings()
        c = s.start_component(component={"vcard_store": os.path.join(s.dir, "vcards.sqlite")})
        c.wait_connected()
        wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                 "Prosody advertising the delegation")

        answers, get, vcard_set, alice = asyncio.run(scenario(s, c))

        check(answers and all(a == "Alice Liddell" for a in answers),
              f"every one of bob's queries answered: {answers}")
        print(f"ok: bob's {len(answers)} queries all answered")
        numbers = [t.findtext(VT + "NUMBER") for t in alice.findall(VT + "TEL")]
        check("sip:" + SIP_USER in numbers, f"a delegated vCard fetch after all: {numbers}")
        check(get == ("error", "bad-request"), f"carol's iq get answered bad-request: {get}")
        check(vcard_set != "NO REPLY" and vcard_set[0] == "error",
              f"carol's vCard set answered with an error: {vcard_set}")
        print(f"ok: carol's iq get answered {get}, her vCard set {vcard_set}")

        check(c.handshakes() == 1, f"one stream throughout: {c.handshakes()} handshakes")
        check("xmpp.disconnected" not in c.text(), "the component never lost its stream")
        lines = [line for line in c.text().splitlines() if "xmpp.stanza_namespace_error" in line]
        check(len(lines) == 3, f"each bad stanza logged once: {lines}")
        check(all(CONSTRAINT in line for line in lines),
              f"what reached the component was Prosody's rewrite: {lines}")
        check("stanza_id=xmlfoo-get peer=" + CAROL + "/" in lines[0], f"get logged: {lines[0]}")
        check("stanza_id=xmlfoo-msg peer=" + CAROL + "/" in lines[1], f"message: {lines[1]}")
        check("stanza=iq type=set" in lines[2], f"delegated set logged: {lines[2]}")
        print("ok: one stream throughout; each bad stanza logged once, as Prosody rewrote it")


if __name__ == "__main__":
    main()
