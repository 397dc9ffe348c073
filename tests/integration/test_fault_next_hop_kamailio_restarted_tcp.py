#!/usr/bin/python3
"""The next hop, a real Kamailio reached over TCP, killed and started again: calls fail while it
is away, at once and without reaching the callee, and succeed again after, from the same cusax
process, over a new connection. The TCP variant of test_fault_next_hop_kamailio_restarted.py.

caller (127.0.0.1, trusted, asserting alice) -> cusax-sip-proxy -> Kamailio over TCP
(next_hop sip:127.0.0.1:PORT;transport=tcp, PORT the one only cusax sends to; the operator's
example conf/kamailio-cusax.cfg as shipped, its pass 2) -> callee (127.0.0.2, UDP,
answers 486). Kamailio and its workers are killed at once with SIGKILL (its own process
group), as a crash of its host would; the kernel then closes their end of cusax's connection.

1. Killed during a call: an INVITE has reached the callee through Kamailio when Kamailio dies.
   That call is lost (its 486 has nobody to go back through; the caller's timers end it).
   cusax reads the end of the stream and closes its end of the connection: none of its
   connections to Kamailio's port stays open (ESTABLISHED or CLOSE_WAIT), so nothing can be
   written into the connection the killed Kamailio held.
2. While Kamailio is away: each INVITE makes cusax open a new connection, which the kernel
   refuses at once. cusax keeps no transaction (RFC 3261 §16.11: response processing, §16.7,
   does not apply to a stateless proxy), so it has no response context in which the refusal
   could count as a 503 (§16.9) and answers the caller nothing; it does learn of the refusal
   for that very request (the connection it was queued on, stream_fallback.hpp) and logs a
   sip.forward_failed warning with its Call-ID and counts requests.forward_failed, not
   requests.relayed. The caller's own Timer B (§17.1.1.2, 64*T1) ends the call, as with a
   closed UDP port (test_sip_unreachable_next_hop.py, docs/sip-proxy-internals.md, "When a
   hop cannot be reached"). The test asserts exactly that: no INVITE reached the callee, the
   caller got no response at all, and every one of these calls was reported lost by the
   proxy within a bound well below Timer B (the refusal, not a give-up timer).
3. Kamailio back, but frozen (SIGSTOP) before any call: one INVITE makes cusax open a new
   connection, which the kernel completes and fills for the stopped process; Kamailio is then
   killed and the kernel resets the connection (unread data). That INVITE is lost downstream,
   but it left cusax: it counts in requests.relayed, not in requests.forward_failed. (Found
   here: the first request on a new connection is watched until the proxy's once-a-second
   check sees it sent, stream_fallback.hpp; a reset within that second was reported to it as
   its own failure, a false sip.forward_failed warning, and it was not counted as relayed.)
   Kamailio started again: every call goes through with alice's impp, the first one included
   (no call lost to a stale connection, no retry), over one new connection.
4. Restarted while the connection is idle: every request counted (so none is in flight),
   Kamailio killed and started again at once, with no call in between to flush out a stale
   connection; the first call after goes through, over a new connection again.
At the end: the same cusax process, which logged no error about any of it.
"""
import os
import re
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import fault_kit  # noqa: E402
import kamailio_example  # noqa: E402
import sip_load  # noqa: E402
import sipkit  # noqa: E402

CALLS = 10  # calls before, during and after the outage
AWAY_WAIT = 1.0  # seconds each call during the outage waits for anything to come back
# The proxy reports a refused connection when the kernel does (at once on loopback); its own
# give-up for a connection that never opens is Timer B, 32 s (stream_fallback.cpp). A bound
# between the two that a loaded machine meets.
REPORTED_WITHIN = 20
TCP_STATES = {"01": "ESTABLISHED", "08": "CLOSE_WAIT"}  # /proc/net/tcp "st"
TCP_LISTEN = "0A"

kamailio_example.skip_unless_installed()
s = sipkit.Scenario("fault-next-hop-restarted-tcp")
s.bindings()
kamailio_port, from_cusax_port = sipkit.free_port(), sipkit.free_port()
cusax_port = sipkit.free_port()
callee_port = sipkit.free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % cusax_port,
               "next_hop": "sip:127.0.0.1:%d;transport=tcp" % from_cusax_port,
               "trusted_peers": "127.0.0.1"}, log_level="info")
proxy_pid = s.proxy.pid
kamailio = kamailio_example.start(s, kamailio_port, cusax_port, "127.0.0.2", callee_port,
                                  from_cusax_port=from_cusax_port)
load = sip_load.CallLoad(cusax_port, callee_port)


def hex_address(ip, port):
    return "%s:%04X" % ("".join("%02X" % int(b) for b in reversed(ip.split("."))), port)


def tcp_rows():
    with open("/proc/net/tcp") as f:
        return [line.split() for line in f.readlines()[1:]]


def connections_to_kamailio():
    """{local port: state} of each open TCP connection to the Kamailio port cusax sends to
    (ESTABLISHED or CLOSE_WAIT): only cusax connects there."""
    want = hex_address("127.0.0.1", from_cusax_port)
    return {int(row[1].split(":")[1], 16): TCP_STATES[row[3]] for row in tcp_rows()
            if row[2] == want and row[3] in TCP_STATES}


def kamailio_holds_a_port():
    """True while a socket is bound to one of Kamailio's ports (UDP) or listens there (TCP)."""
    ports = (kamailio_port, from_cusax_port)
    wanted = {hex_address("127.0.0.1", port) for port in ports}
    return (any(fault_kit.udp_bound("127.0.0.1", port) for port in ports) or
            any(row[1] in wanted and row[3] == TCP_LISTEN for row in tcp_rows()))


def one_connection():
    """The local port of cusax's one established connection to Kamailio (None if not one)."""
    conns = connections_to_kamailio()
    return next(iter(conns)) if list(conns.values()) == ["ESTABLISHED"] else None


def kill_kamailio(log_name):
    """SIGKILL to Kamailio's group; returns once its ports are free and its log put aside."""
    os.killpg(kamailio.pid, signal.SIGKILL)
    kamailio.wait(10)
    s.check(s.wait_until(lambda: not kamailio_holds_a_port(), 20),
            "Kamailio's workers still hold its ports after SIGKILL to its group")
    os.rename(s.path("kamailio.log"), s.path(log_name))


def closes_dead_connection(what):
    s.check(s.wait_until(lambda: not connections_to_kamailio(), 10),
            "%s, cusax kept its connection to the killed Kamailio: %s" %
            (what, connections_to_kamailio()))


def counter(name):
    return s.counters().get(name, 0)


def counted(relayed, failed, what):
    """Waits (bounded) for the stats file, written every second, to show these counts."""
    s.check(s.wait_until(lambda: (counter("requests.relayed"), counter("requests.forward_failed"))
                         == (relayed, failed), 10),
            "%s: requests.relayed %d, requests.forward_failed %d; expected %d, %d" %
            (what, counter("requests.relayed"), counter("requests.forward_failed"), relayed,
             failed))


def kamailio_unread_bytes():
    """Bytes waiting unread in Kamailio's end of its connections (/proc/net/tcp rx_queue)."""
    want = hex_address("127.0.0.1", from_cusax_port)
    return sum(int(row[4].split(":")[1], 16) for row in tcp_rows()
               if row[1] == want and row[3] == "01")


ok = [(True, True, True)] * CALLS
try:
    # --- 1. calls over TCP, then Kamailio killed while one is in flight -----------------
    before = [load.call(5.0) for _ in range(CALLS)]
    s.check(before == ok, "before the outage, calls failed: %s" % before)
    first_connection = one_connection()
    s.check(first_connection is not None,
            "cusax's connections to Kamailio before the outage: %s" % connections_to_kamailio())

    in_flight = "fault-tcp-in-flight"
    load.caller.request("INVITE", "sip:bob@example.com", in_flight, 1,
                        "<sip:alice@example.com>;tag=in-flight", "<sip:bob@example.com>",
                        load.proxy, extra=["P-Asserted-Identity: <sip:alice@example.com>"])
    s.check(load.callee.expect(lambda m: m.header("Call-ID") == in_flight, 5.0) is not None,
            "the call in flight did not reach the callee before the kill")
    kill_kamailio("kamailio-killed-during-call.log")
    closes_dead_connection("after Kamailio was killed during a call")
    relayed = 2 * CALLS + 1  # each call's INVITE and ACK, and the call in flight
    counted(relayed, 0, "before the outage")

    # --- 2. the outage ------------------------------------------------------------------
    load.caller.backlog.clear()  # Kamailio's 100 Trying of the calls before
    first_away = next(load.ids) + 1  # the Call-IDs CallLoad gives the next calls
    away = [load.call(AWAY_WAIT) for _ in range(CALLS)]
    s.check(away == [(False, False, False)] * CALLS,
            "while Kamailio was away, a call reached the callee or got an answer: %s" % away)
    stray = [m.first_line for m in load.caller.backlog if m.is_response]
    s.check(not stray, "the caller got responses while Kamailio was away: %s" % stray)
    away_ids = ["fault-load-%d-%d" % (load.caller.port, first_away + i) for i in range(CALLS)]

    def not_reported_refused():
        """The outage's calls the proxy has not (yet) logged as lost to a refused connection."""
        lines = [l + " " for l in s.read(s.proxy_log).splitlines()
                 if "sip.forward_failed" in l and " warn" in l and "Connection refused" in l]
        return [c for c in away_ids if not any("call_id=%s " % c in l for l in lines)]

    s.check(s.wait_until(lambda: not not_reported_refused(), REPORTED_WITHIN),
            "the proxy did not report these calls lost to a refused connection: %s" %
            not_reported_refused())
    counted(relayed, CALLS, "while Kamailio was away (a request relayed into a dead "
            "connection, or a refusal not counted)")

    # --- 3. Kamailio back: first frozen with a request unread, then for good -------------
    # Frozen at once, before any call: the INVITE opens a new connection, which the kernel
    # completes and fills for the stopped process; it is the only request on it.
    kamailio = kamailio_example.start(s, kamailio_port, cusax_port, "127.0.0.2", callee_port,
                                      from_cusax_port=from_cusax_port)
    os.killpg(kamailio.pid, signal.SIGSTOP)
    load.caller.request("INVITE", "sip:bob@example.com", "fault-tcp-unread", 1,
                        "<sip:alice@example.com>;tag=unread", "<sip:bob@example.com>",
                        load.proxy, extra=["P-Asserted-Identity: <sip:alice@example.com>"])
    s.check(s.wait_until(lambda: kamailio_unread_bytes() > 0, 10),
            "the INVITE sent to the frozen Kamailio is not waiting in its connection")
    kill_kamailio("kamailio-killed-frozen.log")
    closes_dead_connection("after the frozen Kamailio was killed")
    relayed += 1
    counted(relayed, CALLS, "after a reset of a connection that had taken its request")

    kamailio = kamailio_example.start(s, kamailio_port, cusax_port, "127.0.0.2", callee_port,
                                      from_cusax_port=from_cusax_port)
    after = [load.call(5.0) for _ in range(CALLS)]
    s.check(after == ok, "after Kamailio was back, calls failed: %s" % after)
    second_connection = one_connection()
    s.check(second_connection not in (None, first_connection),
            "cusax's connections to Kamailio after the outage: %s (before: %s)" %
            (connections_to_kamailio(), first_connection))
    # Every request counted: the last ACK has left too, and the connection is idle.
    relayed += 2 * CALLS
    counted(relayed, CALLS, "after Kamailio was back")

    # --- 4. restarted while the connection is idle --------------------------------------
    kill_kamailio("kamailio-killed-idle.log")
    closes_dead_connection("after Kamailio was killed with the connection idle")
    kamailio = kamailio_example.start(s, kamailio_port, cusax_port, "127.0.0.2", callee_port,
                                      from_cusax_port=from_cusax_port)
    idle = [load.call(5.0) for _ in range(CALLS)]
    s.check(idle == ok, "after a restart with the connection idle, calls failed: %s" % idle)
    s.check(one_connection() not in (None, first_connection, second_connection),
            "cusax's connections to Kamailio after the idle restart: %s (before: %s, %s)" %
            (connections_to_kamailio(), first_connection, second_connection))
    counted(relayed + 2 * CALLS, CALLS, "after the idle restart")
finally:
    load.close()

s.check(s.proxy_alive() and s.proxy.pid == proxy_pid, "cusax-sip-proxy was restarted or died")
s.check(not re.search(r" error ", s.read(s.proxy_log)), "the proxy logged an error")
s.stop_proxy()
if kamailio.poll() is None:
    os.killpg(kamailio.pid, signal.SIGTERM)
    kamailio.wait(10)
s.finish("Kamailio over TCP killed and restarted (during a call, frozen, idle): calls refused at "
         "once and unanswered while away, all through after over a new connection")
