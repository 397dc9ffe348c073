#!/usr/bin/python3
"""The next hop, a real Kamailio, killed and started again during calls: calls fail while it is
away as a stateless proxy makes them fail, and succeed again after, with no restart of cusax.

caller (127.0.0.1, trusted, asserting alice) -> cusax-sip-proxy -> Kamailio (the operator's
example conf/kamailio-cusax.cfg, its pass 2: from cusax, on the port only cusax sends to, to
the callee) -> callee (127.0.0.2, answers 486). Kamailio and its workers are killed at once
with SIGKILL (its own process group), as a crash of its host would.

While it is away, the proxy relays each INVITE over UDP to a closed port (requests.relayed
grows) and answers nothing: RFC 3261 §16.11, a stateless proxy keeps no transaction, so it has
no timer that could answer 408, and Sofia-SIP reports the ICMP error naming no message
(test_sip_unreachable_next_hop.py); the caller's own Timer B (§17.1.1.2) ends the call. The
test asserts that exactly: no INVITE reached the callee and the caller got no response at
all. Once Kamailio answers again, every call goes through with alice's impp, from the same
cusax process, which logged no error about the outage above warning.
"""
import os
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

kamailio_example.skip_unless_installed()
s = sipkit.Scenario("fault-next-hop-restarted")
s.bindings()
kamailio_port, from_cusax_port = sipkit.free_port(), sipkit.free_port()
cusax_port = sipkit.free_port()
callee_port = sipkit.free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % cusax_port,
               "next_hop": "sip:127.0.0.1:%d;transport=udp" % from_cusax_port,
               "trusted_peers": "127.0.0.1"}, log_level="info")
proxy_pid = s.proxy.pid
kamailio = kamailio_example.start(s, kamailio_port, cusax_port, "127.0.0.2", callee_port,
                                  from_cusax_port=from_cusax_port)
load = sip_load.CallLoad(cusax_port, callee_port)


def relayed():
    return s.counters().get("requests.relayed", 0)


try:
    ok = [(True, True, True)] * CALLS
    before = [load.call(5.0) for _ in range(CALLS)]
    s.check(before == ok, "before the outage, calls failed: %s" % before)

    os.killpg(kamailio.pid, signal.SIGKILL)
    kamailio.wait(10)
    s.check(s.wait_until(lambda: not any(fault_kit.udp_bound("127.0.0.1", port)
                                     for port in (kamailio_port, from_cusax_port)), 20),
            "Kamailio's workers still hold its port after SIGKILL to its group")
    os.rename(s.path("kamailio.log"), s.path("kamailio-killed.log"))

    # The stats file is written every second: the outage's relays are counted once it shows
    # every one of them.
    relayed_before = relayed()
    load.caller.backlog.clear()  # Kamailio's 100 Trying of the calls before
    first_away = next(load.ids) + 1  # the Call-IDs CallLoad gives the next calls
    away = [load.call(AWAY_WAIT) for _ in range(CALLS)]
    away_ids = {"fault-load-%d-%d" % (load.caller.port, first_away + i) for i in range(CALLS)}
    s.check(away == [(False, False, False)] * CALLS,
            "while Kamailio was away, a call reached the callee or got an answer: %s" % away)
    stray = [m.first_line for m in load.caller.backlog if m.is_response]
    s.check(not stray, "the caller got responses while Kamailio was away: %s" % stray)
    s.check(s.wait_until(lambda: relayed() >= relayed_before + CALLS, 10),
            "the proxy did not relay the outage's INVITEs (requests.relayed %d -> %d)" %
            (relayed_before, relayed()))

    kamailio = kamailio_example.start(s, kamailio_port, cusax_port, "127.0.0.2", callee_port,
                                      from_cusax_port=from_cusax_port)
    after = [load.call(5.0) for _ in range(CALLS)]
    s.check(after == ok, "after Kamailio was back, calls failed: %s" % after)
    # Nor later: no answer to a call of the outage (say a 503 of the proxy's own, after the
    # 1 s each waited) came during Kamailio's restart and the calls after.
    late = [m.first_line for m in load.caller.backlog
            if m.is_response and m.header("Call-ID") in away_ids]
    s.check(not late, "the caller got responses to the outage's calls later: %s" % late)
finally:
    load.close()

s.check(s.proxy_alive() and s.proxy.pid == proxy_pid, "cusax-sip-proxy was restarted or died")
s.check(" error " not in s.read(s.proxy_log), "the proxy logged an error during the outage")
s.stop_proxy()
if kamailio.poll() is None:
    os.killpg(kamailio.pid, signal.SIGTERM)
    kamailio.wait(10)
s.finish("Kamailio killed and restarted: calls unanswered while away, all through after")
