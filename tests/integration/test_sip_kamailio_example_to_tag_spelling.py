#!/usr/bin/python3
"""A To tag that is no token gets no call past cusax's charge policy behind the Kamailio example.

caller (127.0.0.1, raw UDP) -> Kamailio on conf/kamailio-cusax.cfg -> cusax -> Kamailio ->
callee (127.0.0.2, raw UDP). cusax runs pstn_policy = block: a new INVITE to +4989123 gets its
403. A To tag (RFC 3261 §25.1: tag-param = "tag" EQUAL token) makes a request one within a
dialog, which cusax relays without the charge policy (it is for the initial request). A tag
parameter without a value (";tag", ";tag ;x=1") or with a quoted one (';tag=""') is no token:
Kamailio's has_totag() sees no tag there and sends the INVITE to cusax as a new call, while
cusax took it for an in-dialog one and relayed it on to the callee (in production: to the
gateway by the Request-URI) without the policy. Each gets an error response and reaches no
one. A tag parameter spelled in another case (";TAG=x") is a tag to both: Kamailio's 481 for a
dialog it does not know.
"""
import os, random, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import kamailio_example
from sipkit import Scenario
from udp_agent import UdpAgent

kamailio_example.skip_unless_installed()

NUMBER = "sip:+4989123@example.com;user=phone"
NOT_A_TOKEN = (";tag", ";tag ;x=1", ';tag=""')

s = Scenario("sip-kamailio-to-tag-spelling")
s.bindings()
ports = kamailio_example.ChainPorts()
kamailio = kamailio_example.start_chain(s, ports, offnet_number_prefixes="+", pstn_policy="block")
KAMAILIO = ("127.0.0.1", ports.kamailio)
caller = UdpAgent("127.0.0.1", ports.caller, "alice")
callee = UdpAgent("127.0.0.2", ports.callee, "bob")
run = random.randint(0, 1 << 30)


def invite(to_params, label):
    """A new INVITE to the number with To: <NUMBER> + TO_PARAMS; returns its final response
    (after the ACK to it), or None."""
    call_id = "totag-%d-%d@caller" % (run, random.randint(0, 1 << 30))
    from_hdr = "<sip:alice@example.com>;tag=t%d" % run
    branch = caller.request("INVITE", NUMBER, call_id, 1, from_hdr, "<%s>%s" % (NUMBER, to_params),
                            KAMAILIO, [], ["X-Probe: " + label])
    answer = caller.expect(lambda m: m.is_response and m.status >= 200
                           and m.header("Call-ID") == call_id, timeout=10)
    if answer is not None:  # hop by hop, as to an INVITE's error (RFC 3261 §17.1.1.3)
        caller.request("ACK", NUMBER, call_id, 1, from_hdr, answer.header("To"), KAMAILIO,
                       branch=branch)
    return answer


labels = []
for params in NOT_A_TOKEN + (";TAG=x",):
    label = "INVITE to the number, To with %r" % params
    labels.append(label)
    answer = invite(params, label)
    if s.check(answer is not None, label + ": no final response"):
        s.check(answer.status >= 400, label + ": answered " + answer.first_line)
        if params == ";TAG=x":
            s.check(answer.status == 481, label + ": answered %s, not Kamailio's 481"
                    % answer.first_line)
answer = invite("", "INVITE to the number")
s.check(answer is not None and answer.status == 403, "INVITE to the number: not cusax's 403")
callee.expect(lambda m: False, timeout=0.5)  # what is still on its way, into the backlog
for label in labels:
    s.check(callee.expect(lambda m: m.header("X-Probe") == label, timeout=0) is None,
            label + ": reached the callee")
for agent in (caller, callee):
    agent.close()
s.stop(kamailio)
s.stop_proxy()
s.finish("an INVITE to a blocked number whose To tag is no token (%d spellings) or in another "
         "case got an error and reached no one" % len(NOT_A_TOKEN))
