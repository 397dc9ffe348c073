#!/usr/bin/python3
"""Loop detection (RFC 3261 §16.3 item 4) with real sipp: loops get 482, spirals are relayed.

1. next_hop is the proxy's own address: the INVITE comes straight back with the same routing
   (Request-URI, From, To, Call-ID, CSeq, Route): the second pass finds its own Via with the
   same loop part and answers 482, which travels back through the first pass to the caller,
   whose ACK the proxy absorbs.
2. next_hop is a small stateless element (Bouncer below, standing for the SIP server the proxy
   sits beside) that sends the request back to the proxy unchanged but for its own Via and
   Max-Forwards: same routing, 482 at the caller through both hops.
3. The same element rewrites the Request-URI (bob -> carol, as a location service would)
   before sending it back: a spiral. The proxy relays it again, the element sends carol's
   request to the callee, and the call completes (180/200/ACK/BYE) through both passes.

The caller's response codes are read from what sipp received. Everything on 127.0.0.1/2.
"""
import os, re, select, socket, sys, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port, scenario_from_template


class Bouncer:
    """A minimal stateless proxy on 127.0.0.1:PORT, UDP. A request for bob goes back to the
    cusax proxy (Request-URI rewritten to carol when rewrite is set); any other request goes to
    the callee. It adds its Via; a response loses it and goes to the next Via's sent-by."""

    def __init__(self, proxy, callee, rewrite):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.proxy, self.callee, self.rewrite = proxy, callee, rewrite
        self.requests = []
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        n = 0
        while not self.stop:
            ready, _, _ = select.select([self.sock], [], [], 0.1)
            if not ready:
                continue
            data, _ = self.sock.recvfrom(65536)
            text = data.decode("utf-8", "replace")
            head, sep, body = text.partition("\r\n\r\n")
            lines = head.split("\r\n")
            if lines[0].startswith("SIP/2.0 "):
                self.relay_response(lines, sep + body)
                continue
            n += 1
            self.requests.append(lines[0])
            method, uri, version = lines[0].split(" ", 2)
            to_bob = uri.startswith("sip:bob@")
            if to_bob and self.rewrite:
                uri = uri.replace("sip:bob@", "sip:carol@", 1)
            lines[0] = " ".join((method, uri, version))
            # Same branch for an INVITE and its CANCEL / non-2xx ACK: hash of the top Via.
            top = next(l for l in lines if re.match(r"(?i)(via|v)\s*:", l))
            branch = "z9hG4bK-bnc%08x" % (hash(top) & 0xffffffff)
            if method == "ACK" and not to_bob:
                branch += "a%d" % n  # an ACK to a 2xx is its own transaction
            via = "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=%s" % (self.port, branch)
            first_via = next(i for i, l in enumerate(lines) if re.match(r"(?i)(via|v)\s*:", l))
            lines.insert(first_via, via)
            lines = [re.sub(r"(?i)^(Max-Forwards\s*:\s*)(\d+)",
                            lambda m: m.group(1) + str(int(m.group(2)) - 1), l) for l in lines]
            target = self.proxy if to_bob else self.callee
            self.sock.sendto(("\r\n".join(lines) + sep + body).encode(), target)

    def relay_response(self, lines, rest):
        # Via values, whether one per line or comma-separated (sipp's [last_Via:] joins them).
        is_via = [bool(re.match(r"(?i)(via|v)\s*:", l)) for l in lines]
        values = [v.strip() for l, via in zip(lines, is_via) if via
                  for v in l.split(":", 1)[1].split(",")]
        if not values or ("127.0.0.1:%d" % self.port) not in values[0]:
            return
        values = values[1:]
        if not values:
            return
        first = is_via.index(True)
        lines = [l for l, via in zip(lines, is_via) if not via]
        lines[first:first] = ["Via: " + v for v in values]
        m = re.search(r"SIP/2\.0/UDP\s+([^;:\s]+)(?::(\d+))?", values[0], re.I)
        rport = re.search(r";rport=(\d+)", values[0])
        received = re.search(r";received=([^;\s]+)", values[0])
        host = received.group(1) if received else m.group(1)
        port = int(rport.group(1)) if rport else int(m.group(2) or 5060)
        self.sock.sendto(("\r\n".join(lines) + rest).encode(), (host, port))

s = Scenario("sip-loop")
s.bindings()
caller_port = free_port()
callee_port = free_port("127.0.0.2")


def loop_case(name, proxy_port, keys):
    s.start_proxy(dict({"listen": "sip:127.0.0.1:%d" % proxy_port,
                        "trusted_peers": "127.0.0.1"}, **keys))
    xml = scenario_from_template(s, "caller_rejected.xml.in", CODE=482)
    caller = s.sipp("caller-" + name, xml, "127.0.0.1", caller_port,
                    "127.0.0.1:%d" % proxy_port, csv=["bob@example.com", ""], timeout=5)
    s.check(s.wait(caller) == 0, name + ": caller did not complete its 482 scenario")
    got = [m.split("\n")[0] for d, m in s.messages("caller-" + name) if d == "received"]
    finals = [l for l in got if re.match(r"SIP/2\.0 [2-6]\d\d", l)]
    s.check(finals and all(l.startswith("SIP/2.0 482") for l in finals),
            name + ": caller's final responses %s, want 482" % finals)
    # The caller's scenario ends with its ACK sent: the proxy logs its absorption after.
    s.check(s.wait_for_text(s.proxy_log, "sip.loop"), name + ": no sip.loop log line")
    s.check(s.wait_for_text(s.proxy_log, "sip.ack_absorbed"),
            name + ": the ACK to the 482 was not absorbed")
    s.check(s.proxy_alive(), name + ": proxy died")
    s.stop_proxy()
    c = s.counters()
    s.check(c.get("requests.rejected.482") == 1,
            name + ": requests.rejected.482 = %s" % c.get("requests.rejected.482"))
    os.rename(s.proxy_log, s.path("proxy-%s.log" % name))


# 1. next_hop = the proxy itself.
port = free_port()
loop_case("self", port, {"next_hop": "sip:127.0.0.1:%d" % port})

# 2. next_hop = an element that sends it back unchanged.
port = free_port()
bouncer = Bouncer(("127.0.0.1", port), ("127.0.0.2", callee_port), rewrite=False)
loop_case("bounced", port, {"next_hop": "sip:127.0.0.1:%d" % bouncer.port})
s.check(bouncer.requests[:1] == ["INVITE sip:bob@example.com SIP/2.0"],
        "bounced: the element saw %s" % bouncer.requests)
bouncer.stop = True

# 3. A spiral: the element rewrites the Request-URI and sends it back through the proxy.
port = free_port()
bouncer = Bouncer(("127.0.0.1", port), ("127.0.0.2", callee_port), rewrite=True)
s.start_proxy({"listen": "sip:127.0.0.1:%d" % port, "trusted_peers": "127.0.0.1",
               "next_hop": "sip:127.0.0.1:%d" % bouncer.port})
callee = s.sipp("callee-spiral", "callee_answer.xml", "127.0.0.2", callee_port, timeout=10)
s.check(s.wait_udp_bound("127.0.0.2", callee_port), "spiral: the callee did not bind its port")
caller = s.sipp("caller-spiral", "caller_invite.xml", "127.0.0.1", caller_port,
                "127.0.0.1:%d" % port, csv=["bob@example.com", "", ""], timeout=10)
s.check(s.wait(caller) == 0, "spiral: caller's call did not complete")
s.check(s.wait(callee) == 0, "spiral: callee's call did not complete")
got = [m.split("\n")[0] for d, m in s.messages("caller-spiral") if d == "received"]
s.check(any(l.startswith("SIP/2.0 200") for l in got) and
        not any(l.startswith("SIP/2.0 482") for l in got),
        "spiral: caller received %s" % got)
invites = s.received("callee-spiral", r"INVITE ")
s.check(invites and invites[0].startswith("INVITE sip:carol@example.com"),
        "spiral: callee got %s" % [m.split("\n")[0] for m in invites])
s.check("sip.loop" not in s.read(s.proxy_log), "spiral: taken for a loop")
s.check(s.proxy_alive(), "spiral: proxy died")
bouncer.stop = True
s.stop_proxy()
c = s.counters()
s.check(c.get("requests.rejected.482", 0) == 0 and c.get("requests.relayed", 0) >= 4,
        "spiral: counters 482=%s relayed=%s" % (c.get("requests.rejected.482"),
                                                c.get("requests.relayed")))
s.finish("next hop = itself and an unchanged bounce: 482 at the caller; "
         "Request-URI rewritten: spiral relayed, call completes")
