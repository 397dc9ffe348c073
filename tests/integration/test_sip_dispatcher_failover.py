#!/usr/bin/python3
"""Two cusax-sip-proxy instances behind a real Kamailio's dispatcher, with the operator's
example conf/kamailio-cusax.cfg in its WITH_DISPATCHER variant, sharing one PostgreSQL store.

sipp caller (127.0.0.1) -> Kamailio -> cusax A (127.0.0.1) or cusax B (127.0.0.2) -> Kamailio
-> sipp callee (127.0.0.2). Both proxies read the store of lib/shared_store.py: a real
PostgreSQL 15 of the test's own, as proxies on two hosts would. Checks:
  1. the dispatcher's OPTIONS probes are answered by both proxies themselves (RFC 3261 §11)
     and both are in the rotation (`kamcmd dispatcher.list`: AP);
  2. alice (verified) calls: calls go through both proxies, each with alice's impp Call-Info;
  3. a cusaxctl change (alice bound to another JID) is published by both proxies, and the
     next calls through both carry the new JID;
  4. PostgreSQL is stopped for 10 s during a run of calls: every call completes through both
     proxies with the Call-Info (they answer from their snapshots), each logs the outage once
     and its end once; a change made after the restart is published by both and shows in the
     next calls through both;
  5. during a run of calls, proxy B is killed (SIGKILL, by PID): every call of the run still
     completes, with the latest JID (a call Kamailio sent to B fails over to A when B does not
     answer within the example's fr_timer), and the dispatcher takes B out of the rotation
     (IP), because its probes go unanswered or because a call did;
  6. once B is out, calls go through A only, with the Call-Info inserted.
The example file is used as written, with the test's ports, paths, one worker and a probe
every second (DS_PING_INTERVAL) instead of five.
"""
import atexit
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "sip"))
sys.path.insert(0, os.path.join(HERE, "lib"))
import kamailio_example  # noqa: E402
import sipkit  # noqa: E402
from proxy_instances import ProxyInstance, dispatcher_states  # noqa: E402
from shared_store import shared_store  # noqa: E402
from sipkit import Scenario, free_port, header_values  # noqa: E402

sipkit.skip_unless(shutil.which("kamailio") and shutil.which("kamcmd"),
                   "kamailio (with kamcmd) not installed")
ALICE = "sip:alice@example.com"
FIRST_JID, NEW_JID = "alice@xmpp.example.com", "alice.new@xmpp.example.com"
AFTER_OUTAGE_JID = "alice.after@xmpp.example.com"
OUTAGE = 10  # seconds PostgreSQL stays stopped
WAIT = 60  # bound for each event waited for, in seconds

s = Scenario("sip-dispatcher")
store = shared_store(s.dir)
atexit.register(store.stop)  # however the test ends: the database is stopped by its PID
store.start()
store.ctl("init")
store.ctl("add", ALICE, FIRST_JID, "--verified", "admin")

kamailio_port, from_cusax_port, caller_port = free_port(), free_port(), free_port()
callee_port = free_port("127.0.0.2")
branch_key = s.path("branch.key")
with open(branch_key, "w") as f:
    f.write(os.urandom(32).hex() + "\n")
os.chmod(branch_key, 0o600)
keys = {"next_hop": "sip:127.0.0.1:%d;transport=udp" % from_cusax_port,
        "trusted_peers": "127.0.0.1", "local_domains": "example.com",
        "branch_key_file": branch_key}
proxy_a = ProxyInstance(s, "proxy-a", "127.0.0.1", free_port("127.0.0.1"), keys, store)
proxy_b = ProxyInstance(s, "proxy-b", "127.0.0.2", free_port("127.0.0.2"), keys, store)

dispatcher_list = s.path("dispatcher.list")
with open(dispatcher_list, "w") as f:
    f.write("1 %s 8 0\n1 %s 8 0\n" % (proxy_a.uri, proxy_b.uri))
ctl_socket = "unix:" + s.path("kamailio_ctl")
kamailio = kamailio_example.start(
    s, kamailio_port, proxy_a.port, "127.0.0.2", callee_port,
    from_cusax_port=from_cusax_port,
    extra=((r"(?m)^#!define DISPATCHER_LIST .*$",
            '#!define DISPATCHER_LIST "%s"' % dispatcher_list),
           (r"(?m)^#!define DS_PING_INTERVAL .*$", "#!define DS_PING_INTERVAL 1"),
           (r"(?m)^#!define CTL_SOCKET .*$", '#!define CTL_SOCKET "%s"' % ctl_socket)),
    defines=("WITH_DISPATCHER",))
if s.failures:
    s.finish("")

# 1. Probes answered by the proxies themselves; both in the rotation.
for proxy in (proxy_a, proxy_b):
    s.check(s.wait_for_text(proxy.log_path, "sip.options_answered", WAIT),
            "%s never answered the dispatcher's probe" % proxy.name)
both_active = {proxy_a.uri: "AP", proxy_b.uri: "AP"}
s.check(s.wait_until(lambda: dispatcher_states(ctl_socket) == both_active, WAIT),
        "dispatcher.list: %s" % dispatcher_states(ctl_socket))


def run_calls(name, count, rate=5, while_running=None):
    """`count` calls from alice to bob at `rate` per second; returns the INVITEs the callee
    received. while_running(): called once the caller runs."""
    callee = s.sipp("callee-" + name, "callee_answer.xml", "127.0.0.2", callee_port,
                    timeout=120, extra=("-m", str(count)))
    s.check(s.wait_udp_bound("127.0.0.2", callee_port), name + ": callee not bound")
    caller = s.sipp("caller-" + name, "caller_invite.xml", "127.0.0.1", caller_port,
                    "127.0.0.1:%d" % kamailio_port, csv=["bob@example.com", "", ""],
                    timeout=120, extra=("-m", str(count), "-r", str(rate)))
    if while_running:
        while_running()
    s.check(s.wait(caller, 150) == 0, name + ": not every call completed (see caller-%s.err)"
            % name)
    s.wait(callee, 30)
    invites = s.received("callee-" + name, "INVITE ")
    s.check(len(invites) == count, "%s: callee received %d INVITEs for %d calls" %
            (name, len(invites), count))
    return invites


def through(invite):
    """The proxies whose Via the INVITE carries."""
    vias = " ".join(header_values(invite, "Via"))
    return {p.name for p in (proxy_a, proxy_b) if p.host_port in vias}


def check_call_info(name, invites, jid):
    for invite in invites:
        values = ", ".join(header_values(invite, "Call-Info"))
        if not s.check(values.lower().count("purpose=impp") == 1 and
                       "<xmpp:%s>;purpose=impp" % jid in values,
                       "%s: expected exactly %s's impp at the callee: %s" % (name, jid, values)):
            return


def published(proxy, since):
    return "store.snapshot_published" in proxy.log()[since:]


# 2. Calls through both proxies, each with alice's JID.
invites = run_calls("both", 4)
check_call_info("both", invites, FIRST_JID)
s.check(set().union(*map(through, invites)) == {"proxy-a", "proxy-b"},
        "both: calls went through %s" % [sorted(through(i)) for i in invites])

# 3. One change with cusaxctl (one transaction), seen by both proxies.
def change_and_call(name, jid):
    """alice bound to `jid` with cusaxctl (one transaction): published by both proxies, then
    calls through both carry it."""
    offsets = {p.name: len(p.log()) for p in (proxy_a, proxy_b)}
    with open(s.path(name + ".csv"), "w") as f:
        f.write("aor,jid,display_name,numbers,verification\n%s,%s,,,admin\n" % (ALICE, jid))
    store.ctl("import", s.path(name + ".csv"))
    for proxy in (proxy_a, proxy_b):
        s.check(s.wait_until(lambda: published(proxy, offsets[proxy.name]), WAIT),
                "%s did not publish the change" % proxy.name)
    invites = run_calls(name, 4)
    check_call_info(name, invites, jid)
    s.check(set().union(*map(through, invites)) == {"proxy-a", "proxy-b"},
            "%s: calls went through %s" % (name, [sorted(through(i)) for i in invites]))


change_and_call("changed", NEW_JID)


# 4. PostgreSQL stopped for OUTAGE seconds during a run of calls: none fails.
def logged(proxy, event, since):
    return proxy.log()[since:].count(event)


def stop_the_database(log_offsets):
    inserted = (lambda: sum(len(p.call_ids_given_call_info(log_offsets[p.name]))
                            for p in (proxy_a, proxy_b)))
    s.check(s.wait_until(lambda: inserted() >= 4, WAIT), "outage: calls did not start")
    store.server.stop()
    stopped = time.monotonic()
    print("PostgreSQL stopped after %d calls of the run" % inserted())
    for proxy in (proxy_a, proxy_b):
        s.check(s.wait_until(lambda: logged(proxy, "store.refresh_failed",
                                            log_offsets[proxy.name]), WAIT),
                "%s did not notice the database stopped" % proxy.name)
    time.sleep(max(0.0, OUTAGE - (time.monotonic() - stopped)))  # the outage's length
    calls_during = inserted()
    store.server.start()
    print("PostgreSQL started again after %.1f s, %d calls of the run relayed by then" %
          (time.monotonic() - stopped, calls_during))


def database_outage():
    log_offsets = {p.name: len(p.log()) for p in (proxy_a, proxy_b)}
    invites = run_calls("outage", 80, while_running=lambda: stop_the_database(log_offsets))
    check_call_info("outage", invites, NEW_JID)
    s.check(set().union(*map(through, invites)) == {"proxy-a", "proxy-b"},
            "outage: calls went through %s" % [sorted(through(i)) for i in invites])
    for proxy in (proxy_a, proxy_b):
        s.check(s.wait_until(lambda: logged(proxy, "store.refresh_recovered",
                                            log_offsets[proxy.name]), WAIT),
                "%s did not log the database back" % proxy.name)
        s.check(logged(proxy, "store.refresh_failed", log_offsets[proxy.name]) == 1 and
                logged(proxy, "store.refresh_recovered", log_offsets[proxy.name]) == 1,
                "%s: the outage and its end were not logged once each" % proxy.name)


if store.engine == "postgresql":  # a file on one host has no server to lose
    database_outage()
change_and_call("after-outage", AFTER_OUTAGE_JID)


# 5. B is killed during a run of calls; every call completes, B leaves the rotation. B is
# killed between two of its calls: a call whose INVITE B relayed but whose 200 it has not
# relayed yet would be lost with it (README: a call being set up through a lost instance
# fails), and the test is about the calls after. So B is frozen (SIGSTOP) and killed only when
# every call it gave a Call-Info has been answered through it (the callee got the caller's
# ACK); else it is thawed until those are done. An INVITE frozen in B is never relayed: its
# call fails over to A like the calls sent to B after the kill.
def callee_acked(name):
    return {sipkit.header_values(m, "Call-ID")[0] for m in s.received("callee-" + name, "ACK ")}


def kill_b_between_its_calls(name, log_offset):
    deadline = time.time() + WAIT
    freezes = 0
    while time.time() < deadline:
        proxy_b.freeze()
        freezes += 1
        in_flight = proxy_b.call_ids_given_call_info(log_offset) - callee_acked(name)
        if not in_flight:
            proxy_b.kill()
            print("B killed at its freeze #%d, after %d calls of the run" %
                  (freezes, len(proxy_b.call_ids_given_call_info(log_offset))))
            return
        proxy_b.thaw()
        s.wait_until(lambda: not in_flight - callee_acked(name), WAIT)
    s.check(False, "B was never between two calls")


def kill_b_mid_run(name, log_offsets):
    inserted = (lambda: sum(len(p.call_ids_given_call_info(log_offsets[p.name]))
                            for p in (proxy_a, proxy_b)))
    s.check(s.wait_until(lambda: inserted() >= 6, WAIT), "run: calls did not start")
    kill_b_between_its_calls(name, log_offsets[proxy_b.name])
    s.check(s.wait_until(lambda: dispatcher_states(ctl_socket).get(proxy_b.uri, "")
                         .startswith("I"), WAIT),
            "the dispatcher did not take B out: %s" % dispatcher_states(ctl_socket))
    s.check(dispatcher_states(ctl_socket).get(proxy_a.uri) == "AP",
            "A left the rotation: %s" % dispatcher_states(ctl_socket))


log_offsets = {p.name: len(p.log()) for p in (proxy_a, proxy_b)}
invites = run_calls("failover", 40,
                    while_running=lambda: kill_b_mid_run("failover", log_offsets))
check_call_info("failover", invites, AFTER_OUTAGE_JID)
s.check(any("proxy-b" in through(i) for i in invites), "failover: B relayed no call of the run")
kamailio_log = s.read(s.path("kamailio.log"))
by_probe = "stopped answering probes" in kamailio_log
by_call = "did not answer a call" in kamailio_log
s.check(by_probe or by_call, "Kamailio did not log why B left the rotation")
print("B taken out of the rotation by %s" %
      " and ".join(w for w, seen in (("its probes", by_probe), ("a call", by_call)) if seen))

# 6. With B out, calls go through A only.
invites = run_calls("after", 4)
check_call_info("after", invites, AFTER_OUTAGE_JID)
s.check(all(through(i) == {"proxy-a"} for i in invites),
        "after: calls went through %s" % [sorted(through(i)) for i in invites])

proxy_a.stop()
for proxy in (proxy_a, proxy_b):
    proxy.check_no_sanitizer_report()
s.stop(kamailio)
store.stop()
s.finish("two proxies behind Kamailio's dispatcher on one %s store: probes answered, a change "
         "seen through both%s, calls completed through A after B was killed" %
         (store.engine, ", no call lost while the database was stopped for %d s and a change "
          "after its restart seen through both" % OUTAGE if store.engine == "postgresql" else ""))
