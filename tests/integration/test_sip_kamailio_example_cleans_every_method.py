#!/usr/bin/python3
"""The shipped Kamailio example lets no forged Call-Info impp through, whatever the method.

caller (127.0.0.1, raw UDP) -> Kamailio on conf/kamailio-cusax.cfg -> [cusax] -> callee
(127.0.0.2, raw UDP). Every request carries forged impp values (RFC 6993) in the spellings
cusax-sip-proxy removes (sip-proxy/header_edits.cpp: the purpose parameter's name and value in
any case, quoted, with quoted-pairs, LWS around the parameter, several values on one line, a
folded line, a display name, a URI without angle brackets, LWS before the colon) beside values
that are not impp and must stay. For each method, out of a dialog and in one (both directions), the receiver must
have received the request (its X-Probe header proves which one) without any forged value and
with the harmless ones. Every response carries the forged values too: no impp in a response is
genuine (cusax inserts none there), so none may reach the other side. alice's INVITE, through
cusax, keeps exactly the impp cusax inserts for her verified binding (RFC 7081 §3.5).
"""
import os, random, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import kamailio_example
from sipkit import Scenario
from udp_agent import UdpAgent, uri_of

kamailio_example.skip_unless_installed()

FORGED = [
    "Call-Info: <xmpp:mallory1@evil.example>;purpose=impp",
    'call-info: <xmpp:mallory2@evil.example> ; PURPOSE = "IMPP"',
    "CALL-INFO: <http://example.com/card>;purpose=info, <xmpp:mallory3@evil.example>;purpose=Impp,"
    "<xmpp:mallory4@evil.example>;purpose=impp",
    'Call-Info: <xmpp:mallory5@evil.example>;m="a,b;purpose=icon";purpose="im\\pp"',
    "Call-Info: <xmpp:mallory6@evil.example>;\r\n purpose=impp",
    'Call-Info: "Mallory, \\"a friend\\"" <xmpp:mallory7@evil.example>;purpose=impp',
    "Call-Info: xmpp:mallory8@evil.example;purpose=impp",
    "Call-Info\t : <xmpp:mallory9@evil.example>;\tPurpose\t=\timpp;x=y",
    'Call-Info: <xmpp:mallory10@evil.example>;purpose="\\I\\M\\P\\P"',
    "Call-Info: <http://example.com/icon.png>;purpose=icon,"
    "<http://example.com/p;purpose=impp>;purpose=icon",
]
KEPT = ["<http://example.com/card>;purpose=info", "<http://example.com/icon.png>;purpose=icon",
        "<http://example.com/p;purpose=impp>;purpose=icon"]
GENUINE = "<xmpp:alice@xmpp.example.com>;purpose=impp"

s = Scenario("sip-kamailio-every-method")
s.bindings()
ports = kamailio_example.ChainPorts()
kamailio_port, from_cusax_port, cusax_port = ports.kamailio, ports.from_cusax, ports.cusax
caller_port, callee_port = ports.caller, ports.callee
kamailio = kamailio_example.start_chain(s, ports)
KAMAILIO = ("127.0.0.1", kamailio_port)
caller = UdpAgent("127.0.0.1", caller_port, "caller")
callee = UdpAgent("127.0.0.2", callee_port, "bob")
run = random.randint(0, 1 << 30)


def check_clean(msg, label, kept=True, genuine=False):
    """MSG was received, and carries no forged value; the harmless ones and (when GENUINE)
    exactly alice's impp are there."""
    if not s.check(msg is not None, label + ": never received"):
        return
    values = " | ".join(msg.values("Call-Info"))
    s.check("mallory" not in msg.text.lower(), label + ": forged impp reached it: " + values)
    if kept:
        for value in KEPT:
            s.check(value in values, label + ": harmless value %s lost: %s" % (value, values))
    s.check(values.count(GENUINE) == (1 if genuine else 0),
            label + ": expected %d of alice's impp: %s" % (1 if genuine else 0, values))


def probe(label):
    return lambda m: not m.is_response and m.header("X-Probe") == label


def answer(call_id, method, status):
    return lambda m: (m.is_response and m.status == status and m.method == method
                      and m.header("Call-ID") == call_id)


class Dialog:
    """Both ends' view of one dialog (RFC 3261 §12.1): route sets, targets, CSeq numbers."""

    def __init__(self, call_id, from_hdr, invite, ok):
        self.call_id, self.from_hdr, self.to_hdr = call_id, from_hdr, ok.header("To")
        record_route = ok.values("Record-Route")
        s.check(bool(record_route), "no Record-Route on the 200: the example must record-route")
        # Both sides reach Kamailio's main socket, never the one only cusax sends to.
        s.check(all("127.0.0.1:%d;" % kamailio_port in r for r in record_route),
                "the Record-Route names another socket than the main one: %s" % record_route)
        self.caller_routes = list(reversed(record_route))
        self.callee_routes = list(invite.values("Record-Route"))
        self.callee_target = uri_of(ok.header("Contact"))
        self.caller_target = uri_of(invite.header("Contact"))
        self.cseq = {"caller": 1, "callee": 100}


def send_in_dialog(d, method, side, cseq=None):
    agent, peer = (caller, callee) if side == "caller" else (callee, caller)
    other = "callee" if side == "caller" else "caller"
    if cseq is None:
        d.cseq[side] += 1
        cseq = d.cseq[side]
    label = "in-dialog %s from the %s" % (method, side)
    from_hdr, to_hdr = (d.from_hdr, d.to_hdr) if side == "caller" else (d.to_hdr, d.from_hdr)
    agent.request(method, d.callee_target if side == "caller" else d.caller_target, d.call_id,
                  cseq, from_hdr, to_hdr, KAMAILIO,
                  d.caller_routes if side == "caller" else d.callee_routes,
                  FORGED + ["X-Probe: " + label])
    got = peer.expect(probe(label))
    check_clean(got, label + " at the " + other)
    if got is None or method == "ACK":
        return
    peer.respond(got, 200, "OK", extra=FORGED)
    check_clean(agent.expect(answer(d.call_id, method, 200)), label + ": its 200 at the " + side)
    if method == "INVITE":
        send_in_dialog(d, "ACK", side, cseq)


def new_request(method, user, label):
    call_id = "%s-%d-%d@caller" % (method.lower(), run, random.randint(0, 1 << 30))
    from_hdr = "<sip:%s@example.com>;tag=c%d" % (user, random.randint(0, 1 << 30))
    branch = caller.request(method, "sip:bob@example.com", call_id, 1, from_hdr,
                            "<sip:bob@example.com>", KAMAILIO, extra=FORGED + ["X-Probe: " + label])
    return call_id, from_hdr, branch


def call(user, label):
    """An INVITE answered 180 and 200, with forged values in both; returns the dialog."""
    call_id, from_hdr, _ = new_request("INVITE", user, label)
    invite = callee.expect(probe(label))
    check_clean(invite, label + " at the callee", genuine=user == "alice")
    if invite is None:
        return None
    callee.respond(invite, 180, "Ringing", to_tag="b%d" % run, extra=FORGED)
    check_clean(caller.expect(answer(call_id, "INVITE", 180)), label + ": its 180 at the caller")
    callee.respond(invite, 200, "OK", to_tag="b%d" % run, extra=FORGED)
    ok = caller.expect(answer(call_id, "INVITE", 200))
    check_clean(ok, label + ": its 200 at the caller")
    if ok is None:
        return None
    d = Dialog(call_id, from_hdr, invite, ok)
    send_in_dialog(d, "ACK", "caller", 1)
    return d


def exercise():
    # Out of a dialog: carol has no binding, so nothing impp may arrive at all.
    for method in ("MESSAGE", "OPTIONS", "SUBSCRIBE", "NOTIFY", "REFER", "PUBLISH", "INFO",
                   "UPDATE", "PRACK", "BYE", "ACK", "FOO"):
        label = "out-of-dialog " + method
        call_id, _, _ = new_request(method, "carol", label)
        got = callee.expect(probe(label))
        check_clean(got, label + " at the callee")
        if got is not None and method != "ACK":
            callee.respond(got, 200, "OK", to_tag="b%d" % run, extra=FORGED)
            check_clean(caller.expect(answer(call_id, method, 200)),
                        label + ": its 200 at the caller")

    d = call("carol", "out-of-dialog INVITE")
    if d:
        send_in_dialog(d, "BYE", "caller")

    # In a dialog, both ways: alice's call, where only her INVITE carries her genuine impp.
    d = call("alice", "alice's INVITE")
    if d:
        for method in ("INVITE", "UPDATE", "INFO", "PRACK", "OPTIONS", "MESSAGE", "REFER",
                       "SUBSCRIBE", "NOTIFY", "PUBLISH", "FOO"):
            send_in_dialog(d, method, "caller")
        for method in ("INVITE", "UPDATE", "INFO", "NOTIFY", "REFER", "OPTIONS", "MESSAGE", "FOO"):
            send_in_dialog(d, method, "callee")
        send_in_dialog(d, "BYE", "caller")

    # CANCEL of a ringing call: the CANCEL Kamailio sends on, the 487 and the 200 to the CANCEL.
    label = "cancelled INVITE"
    call_id, from_hdr, branch = new_request("INVITE", "carol", label)
    invite = callee.expect(probe(label))
    check_clean(invite, label + " at the callee")
    if invite is not None:
        to_tag = "b%d-cancel" % run
        callee.respond(invite, 180, "Ringing", to_tag=to_tag, extra=FORGED)
        ringing = caller.expect(answer(call_id, "INVITE", 180))
        check_clean(ringing, label + ": its 180 at the caller")
        caller.request("CANCEL", "sip:bob@example.com", call_id, 1, from_hdr,
                       "<sip:bob@example.com>", KAMAILIO, extra=FORGED + ["X-Probe: CANCEL"],
                       branch=branch)
        cancel = callee.expect(lambda m: m.first_line.startswith("CANCEL ")
                               and m.header("Call-ID") == call_id)
        check_clean(cancel, "CANCEL at the callee", kept=False)
        if cancel is not None:
            callee.respond(cancel, 200, "OK", extra=FORGED)
            callee.respond(invite, 487, "Request Terminated", to_tag=to_tag, extra=FORGED)
            check_clean(caller.expect(answer(call_id, "CANCEL", 200)),
                        "200 to the CANCEL at the caller",
                        kept=False)
            terminated = caller.expect(answer(call_id, "INVITE", 487))
            check_clean(terminated, label + ": its 487 at the caller")
            if terminated is not None:  # the ACK to a non-2xx is hop by hop (RFC 3261 §17.1.1.3)
                caller.request("ACK", "sip:bob@example.com", call_id, 1, from_hdr,
                               terminated.header("To"), KAMAILIO, branch=branch)

    # An OPTIONS for Kamailio itself (no user part) is answered by Kamailio, for monitors such
    # as `cusaxctl doctor`; it is not relayed.
    label = "OPTIONS for Kamailio itself"
    call_id = "kamailio-options-%d@caller" % run
    caller.request("OPTIONS", "sip:127.0.0.1:%d" % kamailio_port, call_id, 1,
                   "<sip:carol@example.com>;tag=k%d" % run, "<sip:127.0.0.1:%d>" % kamailio_port,
                   KAMAILIO, extra=["X-Probe: " + label])
    s.check(caller.expect(answer(call_id, "OPTIONS", 200)) is not None,
            label + ": Kamailio did not answer it 200")  # the callee answers nothing unasked


try:
    exercise()
except Exception as error:  # a broken exchange fails the test; the processes still stop
    s.check(False, "exchange aborted: %r" % error)
caller.close()
callee.close()
s.stop(kamailio)
s.stop_proxy()
s.finish("the Kamailio example relays no forged impp in any method, in or out of a dialog, "
         "nor in any response; harmless Call-Info values and alice's genuine impp stay")
