"""A steady flow of INVITEs through cusax-sip-proxy for the fault tests, on two hand-written
UDP agents (sip/udp_agent.py): the caller on 127.0.0.1 (a trusted peer asserting alice) and the
next hop on 127.0.0.2, which answers each INVITE it gets with 486 Busy Here.

One call() is one request, waited for with a bound: it reports whether the next hop got the
INVITE, whether it carried alice's impp Call-Info (the proxy read its snapshot), and whether
the caller got the answer back through the proxy. The caller ACKs the 486 (RFC 3261
§17.1.1.3, same branch) so that a stateful next hop such as Kamailio stops retransmitting it.
"""
import itertools
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sip"))
import sipkit  # noqa: E402
import udp_agent  # noqa: E402

ALICE_IMPP = "<xmpp:alice@xmpp.example.com>;purpose=impp"


class CallLoad:
    def __init__(self, proxy_port, next_hop_port):
        self.proxy = ("127.0.0.1", proxy_port)
        self.caller = udp_agent.UdpAgent("127.0.0.1", sipkit.free_port(), "alice")
        self.callee = udp_agent.UdpAgent("127.0.0.2", next_hop_port, "bob")
        self.ids = itertools.count(1)

    def close(self):
        self.caller.close()
        self.callee.close()

    def call(self, timeout=1.0):
        """One INVITE; returns (relayed, with_impp, answered)."""
        call_id = "fault-load-%d-%d" % (self.caller.port, next(self.ids))
        from_hdr = "<sip:alice@example.com>;tag=a%s" % call_id
        branch = self.caller.request("INVITE", "sip:bob@example.com", call_id, 1, from_hdr,
                                     "<sip:bob@example.com>", self.proxy,
                                     extra=["P-Asserted-Identity: <sip:alice@example.com>"])
        got = self.callee.expect(lambda m: m.header("Call-ID") == call_id, timeout)
        if got is None:
            return False, False, False
        impp = ALICE_IMPP in ", ".join(got.values("Call-Info"))
        self.callee.respond(got, 486, "Busy Here", to_tag="b" + call_id)
        answer = self.caller.expect(lambda m: m.is_response and m.header("Call-ID") == call_id
                                    and m.status == 486, timeout)
        if answer is not None:
            self.caller.request("ACK", "sip:bob@example.com", call_id, 1, from_hdr,
                                answer.header("To"), self.proxy, branch=branch)
        return True, impp, answer is not None
