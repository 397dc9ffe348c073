#!/usr/bin/python3
"""cusax-xmpp-component killed with SIGKILL under a vCard flow and started again on the same
INI: Prosody takes its handshake at once, it serves again within a second of loading its
snapshot, and nothing in the stores was lost or changed.

Prosody delegates vcard-temp to the component (XEP-0355), which keeps users' vCards in its
vcard_store (SQLite). The binding store holds alice (verified) and 50000 other bindings, so
that loading the snapshot takes a while. juliet queries the vCard of alice's SIP account 100
times a second on one session (her stream to Prosody stays up throughout); alice sets her own
vCard again and again, one set after the other, each a new nickname. The component is killed
with SIGKILL while both run, then started again.

What a SIGKILL loses, and what this test allows: the iqs Prosody had already handed to the
killed process. Neither Prosody's component link nor its mod_delegation answers for an iq it
routed to a component that then went away (they keep no timer), so those iqs end here as
TIMEOUT (lib/xmpp_flow.py's bound). Asserted:
- juliet's queries, in the order sent, are: answered, then the run lost in the killed process
  (at most a second of the flow), then Prosody's errors while no component is connected, then
  answered again; the last second's all answered;
- the restarted component published a snapshot of every binding, authenticated within a
  second of that (its own log's clock) at its first attempt (no stream error, no conflict
  with the killed one's session), and answered a query sent within a second of its handshake;
- alice's sets: answered, then at most one left without an answer (the one in flight), then
  errors; read back after the restart her vCard holds the nickname of the last set
  acknowledged, or of the one in flight (stored before the kill, its answer never sent): an
  acknowledged set is never lost;
- the binding store is identical, table by table; the vCard store passes SQLite's
  integrity_check.
"""
import asyncio
import datetime
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import cusax_xmpp as xm  # noqa: E402
import fault_kit  # noqa: E402
from xmpp_flow import Session  # noqa: E402

ALICE = "alice@" + xm.LOCAL
SIP_ALICE = "alice@" + xm.DOMAIN
OTHERS = 50000
RATE = 100  # queries a second
LAST_SECOND = RATE  # the flow's last queries, sent once the restarted component is back
SETS_BEFORE_KILL = 3  # sets acknowledged before the kill
SERVE_BOUND = 1.0  # seconds: snapshot published -> handshake; handshake -> a query answered


def stamp(text, event):
    """The time of the first `event` line of a text log, in seconds since the epoch."""
    m = re.search(r"^(\S+)Z \w+ xmpp-component %s\b" % re.escape(event), text, re.M)
    if not m:
        return None
    return datetime.datetime.fromisoformat(m.group(1)).replace(
        tzinfo=datetime.timezone.utc).timestamp()


async def flow(s, state):
    """juliet's queries, RATE a second; returns [(wall time sent, outcome)] in the order sent."""
    session = await Session.open(s.c2s_port, "juliet@" + xm.LOCAL, "pw-juliet")
    xm.check(session is not None, "juliet could not log in")
    pending, sent_at = [], []
    next_at = time.monotonic()
    while session.alive:
        sent_at.append(time.time())
        pending.append(asyncio.ensure_future(
            session.iq("<vCard xmlns='vcard-temp'/>", to=SIP_ALICE)))
        next_at += 1.0 / RATE
        if len(pending) == RATE:
            state["flowing"].set()  # a second of the flow before the kill
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        if state["component_back"] and state["sent_after_back"] is None:
            state["sent_after_back"] = len(pending)
        if state["sent_after_back"] is not None and \
                len(pending) - state["sent_after_back"] >= LAST_SECOND:
            break
    results = await asyncio.gather(*pending)
    alive = session.alive
    await session.close()
    xm.check(alive, "juliet's own stream to Prosody was lost")
    return list(zip(sent_at, [r[0] for r in results]))


async def sets(s, state):
    """alice's sets, one after the other, until the component was killed; returns their
    outcomes (the one in flight at the kill included)."""
    session, fetched = await xm.logged_in_with_own_vcard(s.c2s_port, ALICE, "pw-alice")
    outcomes = []
    while session.alive and not state["killed"]:
        outcome, _ = await session.iq(xm.nick_vcard(fetched, len(outcomes) + 1), to=ALICE,
                                      itype="set")
        outcomes.append(outcome)
        if outcomes.count("answered") == SETS_BEFORE_KILL:
            state["sets_started"].set()
    state["sets_started"].set()
    alive = session.alive
    await session.close()
    xm.check(alive, "alice's own stream to Prosody was lost")
    return outcomes


def restart(s, killed):
    """The component started again on the killed one's INI, its output in a file of its own."""
    output = os.path.join(s.dir, "component-restarted.out")
    proc = subprocess.Popen([xm.COMPONENT, "-c", killed.ini], stdout=open(output, "a"),
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    s.procs.append(proc)
    c = xm.Component(proc, killed.ini, output, None, s.server_handshakes)
    s.components.append(c)
    return c


async def scenario(s, component):
    loop = asyncio.get_running_loop()
    state = {"component_back": False, "sent_after_back": None, "killed": False,
             "sets_started": asyncio.Event(), "flowing": asyncio.Event()}
    flow_task = asyncio.ensure_future(flow(s, state))
    sets_task = asyncio.ensure_future(sets(s, state))
    await asyncio.wait_for(state["sets_started"].wait(), 30)
    await asyncio.wait_for(state["flowing"].wait(), 30)

    component.proc.send_signal(signal.SIGKILL)
    await loop.run_in_executor(None, lambda: component.proc.wait(10))
    state["killed"] = True
    xm.check(component.proc.returncode == -signal.SIGKILL, "the component was not SIGKILLed")
    again = restart(s, component)
    await loop.run_in_executor(None, lambda: again.wait_connected(times=1, seconds=60))
    # juliet's queries do not go through the delegation; alice's read-back below does: wait
    # until Prosody has delegated vcard-temp to the new process.
    await loop.run_in_executor(None, lambda: xm.wait_for(
        lambda: again.count("xmpp.delegation_advertised") >= 1, 15,
        "Prosody delegating vcard-temp to the restarted component"))
    state["component_back"] = True
    queries = await asyncio.wait_for(flow_task, 120)
    set_outcomes = await asyncio.wait_for(sets_task, 60)

    reader = await Session.open(s.c2s_port, ALICE, "pw-alice")
    xm.check(reader is not None, "alice could not log in after the restart")
    read_back, vcard = await reader.iq("<vCard xmlns='vcard-temp'/>", to=ALICE)
    await reader.close()
    nick = vcard.findtext(xm.VT + "NICKNAME") if vcard is not None else None
    return again, queries, set_outcomes, (read_back, nick)


def runs(outcomes):
    """The outcomes as runs: [(kind, count)], kind "answered", "TIMEOUT" or "error"."""
    out = []
    for o in outcomes:
        kind = "error" if o.startswith("error:") else o
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + 1)
        else:
            out.append((kind, 1))
    return out


def main():
    with xm.Scenario("component killed under a vCard flow") as s:
        s.write_prosody_config()
        s.enable_vcard_delegation()
        s.start_prosody()
        s.register("juliet", xm.LOCAL, "pw-juliet")
        s.register("alice", xm.LOCAL, "pw-alice")
        s.example_bindings()
        others = os.path.join(s.dir, "others.csv")
        fault_kit.write_import_csv(others, OTHERS)
        s.ctl("import", others)
        bindings_before = fault_kit.store_dump(s.store)
        vcards = os.path.join(s.dir, "vcards.sqlite")
        c = s.start_component(component={"vcard_store": vcards})
        c.wait_connected(seconds=60)
        xm.wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 15,
                    "Prosody advertising the delegation")

        again, queries, set_outcomes, (read_back, nick) = asyncio.run(scenario(s, c))
        outcomes = [o for _, o in queries]
        print("queries: %d in all, in order %s" % (len(outcomes), runs(outcomes)))
        print("alice's sets: %s; read back: %s %s" % (runs(set_outcomes), read_back, nick))

        # juliet's queries: answered, lost in the killed process, refused, answered.
        shape = [kind for kind, _ in runs(outcomes)]
        xm.check(set(outcomes) <= {"answered", "TIMEOUT"} | {o for o in outcomes
                                                             if o.startswith("error:")},
                 "unexpected outcomes: %s" % runs(outcomes))
        xm.check(re.fullmatch(r"answered,(TIMEOUT,)?(error,)?answered", ",".join(shape)),
                 "the queries in the order sent are not answered, lost with the killed "
                 "process, refused, answered: %s" % runs(outcomes))
        lost = outcomes.count("TIMEOUT")
        xm.check(lost <= RATE, "%d queries lost, more than a second of the flow" % lost)
        xm.check(outcomes[-LAST_SECOND:] == ["answered"] * LAST_SECOND,
                 "the last second's queries were not all answered")

        # The restarted component: a full snapshot, then its handshake, then it serves.
        text = again.text()
        published = stamp(text, "store.snapshot_published")
        connected = stamp(text, "xmpp.connected")
        xm.check(published is not None and connected is not None,
                 "the restarted component logged no snapshot or no handshake")
        xm.check(fault_kit.published_counts(text)[:1] == [OTHERS + 2],
                 "the restarted component's first snapshot is not of every binding")
        xm.check(again.count("xmpp.disconnected") == 0 and again.count("xmpp.connected") == 1,
                 "Prosody did not take the restarted component's first handshake")
        xm.check("Component already connected" not in
                 xm.read(os.path.join(s.dir, "prosody", "prosody.log")),
                 "Prosody still held the killed component's session")
        first_answered = next(t for t, o in queries if o == "answered" and t > published)
        print("restart: snapshot published -> handshake %.3f s; handshake -> first answered "
              "query sent %.3f s" % (connected - published, first_answered - connected))
        xm.check(0 <= connected - published < SERVE_BOUND,
                 "handshake %.3f s after the snapshot load" % (connected - published))
        xm.check(first_answered - connected < SERVE_BOUND,
                 "the first query answered after the restart was sent %.3f s after the "
                 "handshake" % (first_answered - connected))
        xm.check(again.proc.poll() is None, "the restarted component died")

        # alice's sets: acknowledged, at most the one in flight unanswered, then refused.
        xm.check(re.fullmatch(r"answered(,TIMEOUT)?(,error)?", ",".join(
            kind for kind, _ in runs(set_outcomes))) is not None,
            "alice's sets in order are not acknowledged, one in flight, refused: %s" %
            runs(set_outcomes))
        acked = [i + 1 for i, o in enumerate(set_outcomes) if o == "answered"]
        last = acked[-1]
        allowed = {"nick-%d" % last}
        if last < len(set_outcomes) and set_outcomes[last] == "TIMEOUT":
            allowed.add("nick-%d" % (last + 1))
        xm.check(read_back == "answered" and nick in allowed,
                 "alice's vCard read back %s %r, not one of %s: an acknowledged set was lost" %
                 (read_back, nick, sorted(allowed)))

        # The stores.
        xm.check(fault_kit.store_dump(s.store) == bindings_before,
                 "the binding store changed across the kill")
        db = sqlite3.connect("file:%s?mode=ro" % vcards, uri=True)
        try:
            integrity = db.execute("PRAGMA integrity_check").fetchall()
        finally:
            db.close()
        xm.check(integrity == [("ok",)], "the vCard store: %s" % integrity)


if __name__ == "__main__":
    main()
