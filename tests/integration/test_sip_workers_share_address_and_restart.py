#!/usr/bin/python3
"""workers = 2: two proxy processes on one listening address (SO_REUSEPORT), no branch key
file, calls from a sipp caller with a socket per call (so the kernel spreads them, and the
callee's answers, over both workers by their addresses) to a sipp callee. Midway the
supervisor gets SIGUSR2 and replaces the workers one at a time. Every call must complete: a
response that reaches the other worker than its request is relayed (one key for all), and the
address always has a listener. SIGTERM to the supervisor stops them all.
"""
import json, os, re, signal, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import sipkit
from sipkit import Scenario, free_port, udp_sockets_on

CALLS, RATE = 300, 30  # 10 s of calls; the restart comes after about 3 s

s = Scenario("sip-workers")
s.bindings()
proxy_port, caller_port, callee_port = free_port(), free_port(), free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d;transport=udp" % proxy_port,
               "next_hop": "sip:127.0.0.2:%d" % callee_port,
               "trusted_peers": "127.0.0.1", "workers": "2"})


s.check(s.wait_until(lambda: udp_sockets_on(proxy_port) == 2, 10),
        "two workers' sockets on the port: %d" % udp_sockets_on(proxy_port))


def sipp(name, scenario, ip, port, transport, target=None, csv=None):
    xml = os.path.join(sipkit.HERE, scenario)
    args = ["sipp", "-sf", xml, "-i", ip, "-p", str(port), "-t", transport, "-m", str(CALLS),
            "-nostdin", "-trace_err", "-error_file", s.path(name + ".err"),
            "-timeout", "60s", "-timeout_error", "-max_socket", "1000"]
    if csv:
        with open(s.path(name + ".csv"), "w") as f:
            f.write("SEQUENTIAL\n" + ";".join(csv) + ";\n")
        args += ["-inf", s.path(name + ".csv"), "-r", str(RATE), "-recv_timeout", "20000"]
    return s.spawn(args + ([target] if target else []), name + ".out")


callee = sipp("callee", "callee_answer.xml", "127.0.0.2", callee_port, "u1")
s.check(s.wait_udp_bound("127.0.0.2", callee_port), "callee not bound")
caller = sipp("caller", "caller_invite.xml", "127.0.0.1", caller_port, "un",
              "127.0.0.1:%d" % proxy_port,
              ["bob@example.com", "P-Asserted-Identity: <sip:alice@example.com>", ""])

# Some calls relayed, then the rolling restart.
s.check(s.wait_until(lambda: "Successful call" in s.read(s.path("caller.out")) or
                     os.path.exists(s.path("sip-proxy.stats.json")), 10), "no stats yet")
time.sleep(3)  # into the run of calls: the restart must come while calls are under way
s.proxy.send_signal(signal.SIGUSR2)
s.check(s.wait_until(lambda: s.read(s.proxy_log).count("sip.worker_stopped") >= 2, 60),
        "the workers were not replaced")
events = re.findall(r"sip\.worker_(started|stopped) worker=(\d)", s.read(s.proxy_log))
# Two starts at first; then for each worker its replacement starts before it stops.
s.check(events[2:6] == [("started", "1"), ("stopped", "1"), ("started", "2"), ("stopped", "2")],
        "replacement order: %s" % events)
s.check(udp_sockets_on(proxy_port) == 2, "after the restart: %d sockets" % udp_sockets_on(proxy_port))

s.check(s.wait(caller, 90) == 0, "caller: some calls failed (see caller.out)")
s.check(s.wait(callee, 30) == 0, "callee: some calls failed")


def stats(name):
    try:
        with open(s.path(name)) as f:
            return json.load(f)["counters"]
    except (FileNotFoundError, ValueError):
        return {}


# Both replacements relayed calls, and neither dropped a response as not signed by it.
time.sleep(1.5)  # one stats interval after the last call
for name in ("sip-proxy.stats.json", "sip-proxy-2.stats.json"):
    c = stats(name)
    s.check(c.get("requests.relayed", 0) > 0, "%s relayed no request: %s" % (name, c))
    s.check(c.get("responses.dropped.forged_branch", 0) == 0,
            "%s dropped responses as forged: %s" % (name, c))

rc = s.stop(s.proxy)
s.check(rc == 0, "supervisor exit status %s after SIGTERM" % rc)
s.check(s.read(s.proxy_log).count("sip.stopped") >= 2, "workers did not stop cleanly")
s.check(udp_sockets_on(proxy_port) == 0, "sockets left on the port")
s.finish("%d calls over two workers on one address, replaced one at a time, none failed" % CALLS)
