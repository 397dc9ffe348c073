#!/usr/bin/python3
"""The shipped Kamailio example relays no in-dialog INVITE for a dialog it does not know.

caller (127.0.0.1, raw UDP) -> Kamailio on conf/kamailio-cusax.cfg -> cusax -> Kamailio ->
callee (127.0.0.2, raw UDP); a third host (127.0.0.3, a bare socket) stands for a telephone
network gateway that trusts Kamailio's address. cusax runs pstn_policy = block: a new call to
+4989123 gets its 403. In-dialog requests (with a To tag) never pass cusax, so a phone that
makes up a To tag could send a new call to that number as an in-dialog INVITE: its Route headers
(a loose one naming the gateway; Kamailio's own, then the gateway; a strict one with the
number) or, with none, its Request-URI would take it past the charge policy (RFC 7081 §5), from
Kamailio's address. Each such fake gets a final error response (481, RFC 3261 §12.2.2), and
neither it nor the ACK to that response reaches the gateway or the callee; the same for one
that borrows a live dialog's Call-ID and From tag with a To tag of its own, and for one in a
call that is no confirmed dialog: refused by cusax's policy, ringing (with the 180's To tag or
another), refused by the callee, or ended by a BYE. The dialog module knows each of those (it
matches one without the callee's To tag by Call-ID and From tag alone, whatever To tag comes),
so knowing the dialog is not enough: it must be confirmed.

What must keep working: a real call (through cusax: alice's impp proves the way), 200, ACK,
then re-INVITEs and other in-dialog requests both ways and the BYE; and a SUBSCRIBE dialog,
which is no INVITE dialog: its NOTIFY and re-SUBSCRIBE, sent by way of Kamailio (a Route
naming it, as from a phone with an outbound proxy, RFC 3261 §8.1.2), reach the other side.
Everything runs twice: the example as shipped and with WITH_DISPATCHER (cusax its one instance).
"""
import os, random, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import kamailio_example
from sipkit import Scenario, free_port
from udp_agent import UdpAgent, uri_of

kamailio_example.skip_unless_installed()

GENUINE = "<xmpp:alice@xmpp.example.com>;purpose=impp"

s = Scenario("sip-kamailio-fake-dialog")
s.bindings()
ports = kamailio_example.ChainPorts()
kamailio_port, from_cusax_port, cusax_port = ports.kamailio, ports.from_cusax, ports.cusax
caller_port, callee_port = ports.caller, ports.callee
gateway_port = free_port("127.0.0.3")
kamailio_example.start_proxy_behind(s, ports, offnet_number_prefixes="+", pstn_policy="block")
KAMAILIO = ("127.0.0.1", kamailio_port)
KAMAILIO_ROUTE = "<sip:127.0.0.1:%d;lr>" % kamailio_port
GATEWAY = "127.0.0.3:%d" % gateway_port
NUMBER = "sip:+4989123@%s;user=phone" % GATEWAY
FAKE_ROUTES = {
    "a loose Route to the gateway": ["<sip:%s;lr>" % GATEWAY],
    "Kamailio's Route, then the gateway's": [KAMAILIO_ROUTE, "<sip:%s;lr>" % GATEWAY],
    "a strict Route with the number": ["<%s>" % NUMBER],
    "no Route, the number as Request-URI": [],
}
caller = UdpAgent("127.0.0.1", caller_port, "alice")
callee = UdpAgent("127.0.0.2", callee_port, "bob")
gateway = UdpAgent("127.0.0.3", gateway_port, "gateway")
run = random.randint(0, 1 << 30)
refused = []  # the X-Probe labels of the requests that must reach no one


def new_call_id(kind):
    return "%s-%d-%d@caller" % (kind, run, random.randint(0, 1 << 30))


def probe(label):
    return lambda m: not m.is_response and m.header("X-Probe") == label


def final(call_id, method):
    return lambda m: (m.is_response and m.status >= 200 and m.method == method
                      and m.header("Call-ID") == call_id)


def refused_here(label, call_id, from_hdr, to_hdr, routes):
    """An INVITE with a To tag for no dialog Kamailio knows: a final error response comes back
    (then the ACK to it). That neither reached anyone is checked by nothing_relayed()."""
    branch = caller.request("INVITE", NUMBER, call_id, 5, from_hdr, to_hdr, KAMAILIO, routes,
                            ["X-Probe: " + label])
    answer = caller.expect(final(call_id, "INVITE"), timeout=5)
    if s.check(answer is not None, label + ": no final response"):
        s.check(answer.status == 481, label + ": answered %s, not 481" % answer.first_line)
        # RFC 3261 §17.1.1.3: the ACK to a non-2xx is hop by hop, with the INVITE's branch.
        caller.request("ACK", NUMBER, call_id, 5, from_hdr, answer.header("To"), KAMAILIO,
                       routes, ["X-Probe: ACK " + label], branch=branch)
    refused.extend((label, "ACK " + label))


def nothing_relayed():
    """No refused request reached the callee (it would have come before the requests of the
    real call, which came since), and nothing at all the gateway."""
    callee.expect(lambda m: False, timeout=0.2)  # what is still on its way, into the backlog
    for label in refused:
        s.check(callee.expect(probe(label), timeout=0) is None, label + ": reached the callee")
    while True:
        got = gateway.expect(lambda m: True, timeout=1)
        if got is None:
            break
        s.check(False, "the gateway got %s (X-Probe: %s)" % (got.first_line,
                                                              got.header("X-Probe")))


class Dialog:
    """Both ends' view of one dialog (RFC 3261 §12.1): route sets, targets, CSeq numbers."""

    def __init__(self, call_id, from_hdr, invite, ok):
        self.call_id, self.from_hdr, self.to_hdr = call_id, from_hdr, ok.header("To")
        self.routes = {"caller": list(reversed(ok.values("Record-Route"))),
                       "callee": list(invite.values("Record-Route"))}
        self.targets = {"caller": uri_of(ok.header("Contact")),
                        "callee": uri_of(invite.header("Contact"))}
        self.cseq = {"caller": 1, "callee": 100}


def in_dialog(d, side, method, cseq=None, extra=()):
    """METHOD in dialog D from SIDE by way of Kamailio: the other side gets it and answers
    200, which comes back (an INVITE's 200 is then ACKed the same way)."""
    agent, peer = (caller, callee) if side == "caller" else (callee, caller)
    if cseq is None:
        d.cseq[side] += 1
    label = "in-dialog %s from the %s (%s)" % (method, side, d.call_id)
    from_hdr, to_hdr = (d.from_hdr, d.to_hdr) if side == "caller" else (d.to_hdr, d.from_hdr)
    agent.request(method, d.targets[side], d.call_id, cseq or d.cseq[side], from_hdr, to_hdr,
                  KAMAILIO, d.routes[side], ["X-Probe: " + label] + list(extra))
    got = peer.expect(probe(label))
    if not s.check(got is not None, label + ": the other side never got it") or method == "ACK":
        return
    peer.respond(got, 200, "OK")
    ok = agent.expect(final(d.call_id, method))
    s.check(ok is not None and ok.status == 200, label + ": its 200 did not come back")
    if method == "INVITE":
        in_dialog(d, side, "ACK", d.cseq[side])


def ringing_call():
    """A call the callee has not answered yet (180, an early dialog) is no dialog to send an
    INVITE in (RFC 3261 §14.1: not while the INVITE is in progress), with any To tag, nor is
    it once the callee has refused it (486)."""
    call_id, label = new_call_id("ringing"), "ringing INVITE"
    from_hdr = "<sip:alice@example.com>;tag=r%d" % random.randint(0, 1 << 30)
    branch = caller.request("INVITE", "sip:bob@example.com", call_id, 1, from_hdr,
                            "<sip:bob@example.com>", KAMAILIO, [], ["X-Probe: " + label])
    invite = callee.expect(probe(label), timeout=10)
    if not s.check(invite is not None, label + ": the callee never got it"):
        return
    refused_here("INVITE with an unanswered call's Call-ID and From tag, a To tag of its own",
                 call_id, from_hdr, "<sip:bob@example.com>;tag=made-up-early",
                 ["<sip:%s;lr>" % GATEWAY])
    callee.respond(invite, 180, "Ringing", to_tag="ring%d" % run)
    s.check(caller.expect(lambda m: m.is_response and m.status == 180
                          and m.header("Call-ID") == call_id, timeout=10) is not None,
            label + ": no 180 at the caller")
    for name, tag in (("the 180's To tag", "ring%d" % run), ("another To tag", "made-up")):
        refused_here("INVITE in a ringing call (%s)" % name, call_id, from_hdr,
                     "<sip:bob@example.com>;tag=" + tag, ["<sip:%s;lr>" % GATEWAY])
    callee.respond(invite, 486, "Busy Here", to_tag="ring%d" % run)
    busy = caller.expect(final(call_id, "INVITE"), timeout=10)
    if s.check(busy is not None and busy.status == 486, label + ": no 486 at the caller"):
        caller.request("ACK", "sip:bob@example.com", call_id, 1, from_hdr, busy.header("To"),
                       KAMAILIO, branch=branch)
    refused_here("INVITE in a refused call (the 486's To tag)", call_id, from_hdr,
                 "<sip:bob@example.com>;tag=ring%d" % run, ["<sip:%s;lr>" % GATEWAY])


def real_call():
    """alice calls bob through cusax; answered 200 and ACKed. Returns the dialog."""
    call_id, label = new_call_id("real"), "real INVITE"
    from_hdr = "<sip:alice@example.com>;tag=a%d" % random.randint(0, 1 << 30)
    caller.request("INVITE", "sip:bob@example.com", call_id, 1, from_hdr,
                   "<sip:bob@example.com>", KAMAILIO, [], ["X-Probe: " + label])
    invite = callee.expect(probe(label), timeout=10)
    if not s.check(invite is not None, label + ": the callee never got it"):
        return None
    s.check(invite.values("Call-Info").count(GENUINE) == 1,
            label + ": not through cusax (no alice's impp): %s" % invite.values("Call-Info"))
    callee.respond(invite, 200, "OK", to_tag="b%d" % run)
    ok = caller.expect(final(call_id, "INVITE"), timeout=10)
    if not s.check(ok is not None and ok.status == 200, label + ": no 200 at the caller"):
        return None
    d = Dialog(call_id, from_hdr, invite, ok)
    in_dialog(d, "caller", "ACK", 1)
    return d


def subscription():
    """A SUBSCRIBE dialog by way of Kamailio: NOTIFY from the callee, re-SUBSCRIBE from the
    caller, each with a Route naming Kamailio only (Kamailio does not record-route it)."""
    call_id, label = new_call_id("subscribe"), "new SUBSCRIBE"
    from_hdr = "<sip:alice@example.com>;tag=s%d" % random.randint(0, 1 << 30)
    event = ["Event: presence", "Expires: 60"]
    caller.request("SUBSCRIBE", "sip:bob@example.com", call_id, 1, from_hdr,
                   "<sip:bob@example.com>", KAMAILIO, [], ["X-Probe: " + label] + event)
    subscribe = callee.expect(probe(label), timeout=10)
    if not s.check(subscribe is not None, label + ": the callee never got it"):
        return
    callee.respond(subscribe, 200, "OK", to_tag="n%d" % run, extra=["Expires: 60"])
    ok = caller.expect(final(call_id, "SUBSCRIBE"))
    if not s.check(ok is not None and ok.status == 200, label + ": no 200 at the caller"):
        return
    d = Dialog(call_id, from_hdr, subscribe, ok)
    d.routes = {"caller": [KAMAILIO_ROUTE], "callee": [KAMAILIO_ROUTE]}
    in_dialog(d, "callee", "NOTIFY", extra=["Event: presence",
                                            "Subscription-State: active;expires=60"])
    in_dialog(d, "caller", "SUBSCRIBE", extra=event)


def exercise():
    # The policy the fakes would get past: a new call to the number is blocked by cusax.
    call_id, label = new_call_id("pstn"), "new INVITE to the number"
    from_hdr = "<sip:alice@example.com>;tag=p%d" % run
    branch = caller.request("INVITE", "sip:+4989123@example.com;user=phone", call_id, 1,
                            from_hdr, "<sip:+4989123@example.com;user=phone>", KAMAILIO, [],
                            ["X-Probe: " + label])
    answer = caller.expect(final(call_id, "INVITE"), timeout=10)
    if s.check(answer is not None and answer.status == 403, label + ": not refused 403"):
        caller.request("ACK", "sip:+4989123@example.com;user=phone", call_id, 1, from_hdr,
                       answer.header("To"), KAMAILIO, branch=branch)
    # The dialog module knows that call (dlg_manage() on pass 1) without a To tag of the
    # callee: it failed before one came. Its Call-ID and From tag with any To tag are no dialog.
    refused_here("INVITE with a refused call's Call-ID and From tag, a To tag of its own",
                 call_id, from_hdr, "<sip:+4989123@%s;user=phone>;tag=made-up" % GATEWAY,
                 ["<sip:%s;lr>" % GATEWAY])
    ringing_call()

    for name, routes in FAKE_ROUTES.items():
        refused_here("fake in-dialog INVITE, " + name, new_call_id("fake"),
                     "<sip:alice@example.com>;tag=f%d" % run,
                     "<sip:+4989123@%s;user=phone>;tag=made-up" % GATEWAY, routes)

    d = real_call()
    if d is None:
        return
    refused_here("INVITE with a live dialog's Call-ID and From tag, another To tag",
                 d.call_id, d.from_hdr, "<sip:bob@example.com>;tag=made-up",
                 d.routes["caller"] + ["<sip:%s;lr>" % GATEWAY])
    for method in ("INVITE", "UPDATE", "INFO", "MESSAGE", "OPTIONS", "REFER", "FOO"):
        in_dialog(d, "caller", method)
    for method in ("INVITE", "UPDATE", "INFO", "MESSAGE", "NOTIFY", "FOO"):
        in_dialog(d, "callee", method)
    in_dialog(d, "caller", "INVITE")
    in_dialog(d, "caller", "BYE")
    # Ended: the dialog module keeps it for end_timeout, but as no dialog to send an INVITE in.
    refused_here("re-INVITE after the BYE", d.call_id, d.from_hdr, d.to_hdr,
                 d.routes["caller"] + ["<sip:%s;lr>" % GATEWAY])
    subscription()


def with_kamailio(**options):
    before = len(s.failures)
    kamailio = kamailio_example.start(s, kamailio_port, cusax_port, "127.0.0.2", callee_port,
                                      from_cusax_port=from_cusax_port, **options)
    if len(s.failures) == before:
        refused.clear()
        try:
            exercise()
            nothing_relayed()
        except Exception as error:  # a broken exchange fails the test; the processes stop
            s.check(False, "exchange aborted: %r" % error)
    s.stop(kamailio)


with_kamailio()
dispatcher_list = s.path("dispatcher.list")
with open(dispatcher_list, "w") as f:
    f.write("1 sip:127.0.0.1:%d 0 0\n" % cusax_port)
with_kamailio(defines=("WITH_DISPATCHER",),
              extra=((r"(?m)^#!define DISPATCHER_LIST .*$",
                      '#!define DISPATCHER_LIST "%s"' % dispatcher_list),
                     (r"(?m)^#!define CTL_SOCKET .*$",
                      '#!define CTL_SOCKET "unix:%s"' % s.path("kamailio_ctl"))))
for agent in (caller, callee, gateway):
    agent.close()
s.stop_proxy()
s.finish("fake in-dialog INVITEs (%d Route shapes, a live dialog's Call-ID, a refused, "
         "ringing, busy or ended call's) got 481 and reached no one; a real call's in-dialog requests both ways and a "
         "SUBSCRIBE dialog went through, as shipped and with WITH_DISPATCHER"
         % len(FAKE_ROUTES))
