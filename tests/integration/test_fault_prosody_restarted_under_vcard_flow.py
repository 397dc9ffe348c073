#!/usr/bin/python3
"""Prosody restarted while 100 vCard queries a second flow: nothing waits forever, nothing
acknowledged is lost.

Prosody delegates vcard-temp to the component (XEP-0355), which keeps users' vCards in its
vcard_store. juliet queries the vCard of alice's SIP account (sip.example.com, answered by the
component) 100 times a second, on one session, reconnecting whenever her stream is gone. alice
sets her own vCard (delegated to the component) again and again, each set a new nickname,
one after the other; Prosody is stopped (SIGTERM) while they run and stays away until the
component has retried twice at its back-off's ceiling (reconnect_max), is started and stopped
again as soon as it has taken the component's handshake, and is started for good.

Asserted:
- every query ended within a bound: answered, answered with an error by the server (while
  the component was away), or lost with juliet's own stream (she was told: disconnected);
  none is left waiting (TIMEOUT: 0);
- the component authenticated again within its back-off (reconnect_max 1 s, plus slack for a
  loaded machine) of Prosody's component port opening the last time, with no restart of its
  own; every reconnection delay it logged (retry_in_ms) is within reconnect_max;
- the queries of the last second of the flow were all answered by the component;
- alice's sets were each stored or refused or lost with her stream, and read back after the
  restart her vCard holds the last nickname acknowledged, or the one whose answer her lost
  stream never brought: an acknowledged set is never silently lost.
"""
import asyncio
import collections
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import cusax_xmpp as xm  # noqa: E402
from xmpp_flow import Session  # noqa: E402

ALICE = "alice@" + xm.LOCAL
SIP_ALICE = "alice@" + xm.DOMAIN
RATE = 100  # queries a second
RECONNECT_MAX = 1.0  # the component's back-off ceiling (Scenario's reconnect_max)
RECONNECT_MIN = 0.2  # and its first delay's ceiling (reconnect_min)
# The first attempt whose delay the ceiling caps: the delay before attempt n is at most
# reconnect_min * 2^(n-1) (xmpp-component/component_protocol.cpp).
CAPPED_ATTEMPT = next(n for n in range(1, 64) if RECONNECT_MIN * 2 ** (n - 1) > RECONNECT_MAX)
RECONNECT_SLACK = 5.0  # a loaded 2-core machine
LAST_SECOND = RATE  # the flow's last queries, sent once the component is back
SETS_BEFORE_STOP = 3  # sets acknowledged before Prosody is stopped


def retries(component):
    """The delays (ms) before each reconnection attempt, as the component logged them."""
    return [int(ms) for ms in re.findall(r"xmpp\.disconnected .*retry_in_ms=(\d+)",
                                         component.text())]


def attempts(component):
    """The attempt number of each reconnection the component logged."""
    return [int(n) for n in re.findall(r"xmpp\.disconnected .*attempt=(\d+)", component.text())]


async def flow(s, state):
    """juliet's queries, RATE a second, until state["stop"]; returns every outcome in order."""
    pending, session = [], None
    next_at = time.monotonic()
    while not state["stop"]:
        if session is None or not session.alive:
            session = await Session.open(s.c2s_port, "juliet@" + xm.LOCAL, "pw-juliet", bound=2)
            if session is None:
                await asyncio.sleep(0.2)  # Prosody is away: try again
                continue
            state["sessions"] += 1
        pending.append(asyncio.ensure_future(
            session.iq("<vCard xmlns='vcard-temp'/>", to=SIP_ALICE)))
        next_at += 1.0 / RATE
        if len(pending) == RATE:
            state["flowing"].set()  # a second of the flow before the stop
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        if state["component_back"] and state["sent_after_back"] is None:
            state["sent_after_back"] = len(pending)
        if state["sent_after_back"] is not None and \
                len(pending) - state["sent_after_back"] >= LAST_SECOND:
            break
    results = await asyncio.gather(*pending)
    if session:
        await session.close()
    return [r[0] for r in results]


async def sets(s, state):
    """alice's sets, one after the other, until her stream is lost; returns their outcomes."""
    session, fetched = await xm.logged_in_with_own_vcard(s.c2s_port, ALICE, "pw-alice")
    outcomes = []
    while session.alive and len(outcomes) < 10000:
        outcome, _ = await session.iq(xm.nick_vcard(fetched, len(outcomes) + 1), to=ALICE,
                                      itype="set")
        outcomes.append(outcome)
        if len(outcomes) == SETS_BEFORE_STOP:
            state["sets_started"].set()
    state["sets_started"].set()
    await session.close()
    return outcomes


async def scenario(s, component):
    loop = asyncio.get_running_loop()
    state = {"stop": False, "component_back": False, "sent_after_back": None, "sessions": 0,
             "sets_started": asyncio.Event(), "flowing": asyncio.Event()}
    flow_task = asyncio.ensure_future(flow(s, state))
    sets_task = asyncio.ensure_future(sets(s, state))
    await asyncio.wait_for(state["sets_started"].wait(), 30)
    await asyncio.wait_for(state["flowing"].wait(), 30)

    await loop.run_in_executor(None, s.stop_prosody)  # SIGTERM, as a restart does
    # Away for longer than the back-off's ceiling: until the component has waited it twice.
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: max(attempts(component), default=0) >= CAPPED_ATTEMPT + 1, 30,
        "the component retrying at its back-off's ceiling"))
    # Started, and stopped again as soon as it has taken the component's handshake (a restart
    # that failed, an operator's second try): the component's new stream dies at once.
    accepted = s.server_handshakes()
    await loop.run_in_executor(None, s.start_prosody)
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: s.server_handshakes() > accepted, 15,
        "the short-lived Prosody taking the component's handshake"))
    await loop.run_in_executor(None, s.stop_prosody)
    refused = component.count("cannot connect")
    # Once the component has found the port closed again, it logged any handshake it made
    # with the short-lived Prosody before: count from there.
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: component.count("cannot connect") > refused, 30,
        "the component finding Prosody gone again"))
    handshakes = component.handshakes()
    advertised = component.count("xmpp.delegation_advertised")
    await loop.run_in_executor(None, s.start_prosody)
    port_open = time.monotonic()
    await loop.run_in_executor(None, lambda: component.wait_connected(times=handshakes + 1,
                                                                      seconds=30))
    reconnected_in = time.monotonic() - port_open
    # alice's read-back must reach the component, not Prosody's own vCards: wait until
    # Prosody has delegated vcard-temp to the new connection too.
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: component.count("xmpp.delegation_advertised") > advertised, 15,
        "Prosody delegating vcard-temp to the reconnected component"))
    state["component_back"] = True
    try:
        queries = await asyncio.wait_for(flow_task, 120)
    finally:
        state["stop"] = True
    set_outcomes = await asyncio.wait_for(sets_task, 60)

    reader = await Session.open(s.c2s_port, ALICE, "pw-alice")
    xm.check(reader is not None, "alice could not log in after the restart")
    read_back, vcard = await reader.iq("<vCard xmlns='vcard-temp'/>", to=ALICE)
    await reader.close()
    nick = vcard.findtext(xm.VT + "NICKNAME") if vcard is not None else None
    return queries, set_outcomes, reconnected_in, (read_back, nick), state["sessions"]


def main():
    with xm.Scenario("Prosody restarted under a vCard flow") as s:
        s.write_prosody_config()
        s.enable_vcard_delegation()
        s.start_prosody()
        s.register("juliet", xm.LOCAL, "pw-juliet")
        s.register("alice", xm.LOCAL, "pw-alice")
        s.example_bindings()
        c = s.start_component(component={"vcard_store": os.path.join(s.dir, "vcards.sqlite")})
        c.wait_connected()
        xm.wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                    "Prosody advertising the delegation")
        pid = c.proc.pid

        queries, set_outcomes, reconnected_in, (read_back, nick), sessions = asyncio.run(
            scenario(s, c))
        tally = collections.Counter(queries)
        print("queries: %d in all, %s; juliet's sessions: %d" % (len(queries), dict(tally),
                                                                sessions))
        print("component authenticated again %.2f s after Prosody was back" % reconnected_in)
        print("alice's sets: %s; read back: %s %s" % (dict(collections.Counter(set_outcomes)),
                                                       read_back, nick))

        xm.check(tally["TIMEOUT"] == 0, "%d queries left without any answer" % tally["TIMEOUT"])
        xm.check(set(tally) <= {"answered", "stream-lost"} | {k for k in tally
                                                               if k.startswith("error:")},
                 "unexpected outcomes: %s" % dict(tally))
        xm.check(queries[-LAST_SECOND:] == ["answered"] * LAST_SECOND,
                 "the last second's queries were not all answered: %s" %
                 dict(collections.Counter(queries[-LAST_SECOND:])))
        xm.check(reconnected_in < RECONNECT_MAX + RECONNECT_SLACK,
                 "the component took %.1f s to come back" % reconnected_in)
        xm.check(c.proc.poll() is None and c.proc.pid == pid, "the component was restarted")
        delays = retries(c)
        print("the component's reconnection delays (ms): %s" % delays)
        xm.check(delays and max(delays) <= RECONNECT_MAX * 1000,
                 "a reconnection delay past the back-off's ceiling: %s" % delays)

        xm.check("TIMEOUT" not in set_outcomes, "a set was left without an answer")
        acked = [i + 1 for i, o in enumerate(set_outcomes) if o == "answered"]
        xm.check(len(acked) >= SETS_BEFORE_STOP, "sets acknowledged: %s" % set_outcomes)
        last = acked[-1]
        # The set after the last acknowledged one may have been stored with its answer lost.
        allowed = {"nick-%d" % last}
        if last < len(set_outcomes) and set_outcomes[last] == "stream-lost":
            allowed.add("nick-%d" % (last + 1))
        xm.check(read_back == "answered" and nick in allowed,
                 "alice's vCard read back %s %r, not one of %s: an acknowledged set was lost" %
                 (read_back, nick, sorted(allowed)))


if __name__ == "__main__":
    main()
