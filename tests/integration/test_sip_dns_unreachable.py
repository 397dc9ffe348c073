#!/usr/bin/python3
"""The proxy with no reachable nameserver: host-name hops get 503 at once, the proxy stays
responsive and stops on SIGTERM within seconds.

Runs in a network namespace of the test's own with only loopback (`ip netns add`, needs root).
Its resolv.conf (bind-mounted by `ip netns exec` from /etc/netns/NS/resolv.conf) names
192.0.2.53, which has no route there: connect() fails with ENETUNREACH, the case in which
Sofia-SIP's resolver spun for ever inside nta_msg_tsend (sip-proxy/dns_reachability.hpp).

1. next_hop is a host name: the caller gets 503 at once (from the proxy, not its Timer B), its ACK is absorbed.
2. No next hop, the Request-URI names a host: the same.
3. Meanwhile a request routed by an IP address (the callee's, in the Request-URI) is relayed, and
   the proxy spends almost no CPU.
4. A nameserver with a route that does not answer (127.0.0.53, no listener: ICMP port
   unreachable): Sofia's ordinary asynchronous failure; the proxy stays responsive.
Each time SIGTERM stops the proxy within 3 s, exit status 0.
"""
import os, re, socket, subprocess, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import sipkit
from sipkit import Scenario, free_port, scenario_from_template

if not os.environ.get("CUSAX_IN_NETNS"):
    sipkit.skip_unless(os.geteuid() == 0, "needs root for ip netns")
    sipkit.skip_unless(os.access(sipkit.PROXY, os.X_OK), sipkit.PROXY + " not built")
    ns = "cusax-dns-%d" % os.getpid()
    if subprocess.run(["ip", "netns", "add", ns]).returncode != 0:
        sipkit.skip_unless(False, "ip netns add failed")
    etc = "/etc/netns/" + ns
    os.makedirs(etc, exist_ok=True)
    with open(etc + "/resolv.conf", "w") as f:
        f.write("nameserver 192.0.2.53\noptions timeout:1 attempts:1\n")
    rc = 1
    try:
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True)
        env = dict(os.environ, CUSAX_IN_NETNS=ns, CUSAX_RESOLV_CONF=etc + "/resolv.conf")
        rc = subprocess.run(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__)],
                            env=env, timeout=240).returncode
    except subprocess.TimeoutExpired:
        print("FAIL: the test did not finish within 240 s")
    finally:
        subprocess.run(["ip", "netns", "delete", ns])
        subprocess.run(["rm", "-rf", etc])
    sys.exit(rc)

s = Scenario("sip-dns-unreachable")
s.bindings()
caller_port = free_port()
callee_port = free_port("127.0.0.2")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def max_forwards_zero(port):
    """An OPTIONS with Max-Forwards: 0 answered 483 before any routing: the loop is alive."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(20)  # a bound: a live loop answers at once, a stuck one never
        me = sock.getsockname()[1]
        sock.sendto(("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;"
                     "branch=z9hG4bK-mf0-%f\r\nFrom: <sip:a@example.com>;tag=1\r\n"
                     "To: <sip:x@127.0.0.1>\r\nCall-ID: mf0-%f\r\nCSeq: 1 OPTIONS\r\n"
                     "Max-Forwards: 0\r\nContent-Length: 0\r\n\r\n" % (me, time.time(),
                                                                      time.time())).encode(),
                    ("127.0.0.1", port))
        try:
            return sock.recv(65536).split(b"\r\n", 1)[0].decode()
        except socket.timeout:
            return None


def stop_within(name, seconds=30):
    """SIGTERM is heeded: the proxy exits 0. A loop stuck in the resolver never runs the
    handler's clean stop; the proxy's own alarm (sip-proxy/main.cpp) then ends it by SIGALRM,
    so a non-zero status tells it apart without timing the stop."""
    rc = s.stop(s.proxy, timeout=seconds)
    s.check(rc == 0, name + ": SIGTERM not heeded, exit %s" % rc)


# "Immediate": from the proxy, not after the caller's Timer B (64*T1 = 32 s, RFC 3261
# §17.1.1.2); a bound well below it that a loaded machine still meets.
IMMEDIATE = 15


def rejected_503(name, port, uri):
    xml = scenario_from_template(s, "caller_rejected.xml.in", CODE=503)
    caller = s.sipp("caller-" + name, xml, "127.0.0.1", caller_port, "127.0.0.1:%d" % port,
                    csv=[uri, ""], timeout=IMMEDIATE + 5)
    start = time.time()
    s.check(s.wait(caller, timeout=IMMEDIATE + 15) == 0, name + ": caller did not get a 503")
    s.check(time.time() - start < IMMEDIATE, name + ": the 503 was not immediate")
    got = [m.split("\n")[0] for d, m in s.messages("caller-" + name) if d == "received"]
    s.check(any(l.startswith("SIP/2.0 503") for l in got), name + ": caller received %s" % got)


# 1 and 2: no route to the only nameserver.
port = free_port()
s.start_proxy({"listen": "sip:127.0.0.1:%d" % port, "trusted_peers": "127.0.0.1",
               "next_hop": "sip:nexthop.example.com:5070"})
rejected_503("next-hop-name", port, "bob@example.com")
s.check(max_forwards_zero(port) == "SIP/2.0 483 Too Many Hops", "next-hop-name: no 483 after")
s.check(s.wait_for_text(s.proxy_log, "sip.dns_unreachable"),
        "next-hop-name: no sip.dns_unreachable line")
s.check(s.wait_for_text(s.proxy_log, "sip.ack_absorbed"),
        "next-hop-name: the ACK to the 503 was not absorbed")
stop_within("next-hop-name")
os.rename(s.proxy_log, s.path("proxy-next-hop-name.log"))

port = free_port()
s.start_proxy({"listen": "sip:127.0.0.1:%d" % port, "trusted_peers": "127.0.0.1"})
pid = s.proxy.pid
rejected_503("request-uri-name", port, "bob@callee.example.com")
# 3. An IP-addressed hop still works: a Request-URI naming the callee's address.
callee = s.sipp("callee", "callee_answer.xml", "127.0.0.2", callee_port, timeout=10)
s.check(s.wait_udp_bound("127.0.0.2", callee_port), "ip-route: the callee did not bind its port")
caller = s.sipp("caller-ip-route", "caller_invite.xml", "127.0.0.1", free_port(), "127.0.0.1:%d" % port,
                csv=["bob@127.0.0.2:%d" % callee_port, "", ""], timeout=10)
s.check(s.wait(caller) == 0, "ip-route: the call by IP address did not complete")
s.check(s.wait(callee) == 0, "ip-route: callee's call did not complete")
for i in range(3):
    rejected_503("request-uri-name-%d" % i, port, "bob@callee.example.com")
cpu = cpu_seconds(pid)
s.check(cpu < 2.0, "the proxy used %.2f s of CPU (spinning?)" % cpu)
stop_within("request-uri-name")
c = s.counters()
s.check(c.get("requests.rejected.503") == 4, "requests.rejected.503 = %s, want 4" %
        c.get("requests.rejected.503"))
os.rename(s.proxy_log, s.path("proxy-request-uri-name.log"))

# 4. A routable nameserver that does not answer: asynchronous failure inside Sofia.
with open(os.environ["CUSAX_RESOLV_CONF"], "w") as f:
    f.write("nameserver 127.0.0.53\noptions timeout:1 attempts:1\n")
port = free_port()
s.start_proxy({"listen": "sip:127.0.0.1:%d" % port, "trusted_peers": "127.0.0.1",
               "next_hop": "sip:nexthop.example.com:5070"})
pid = s.proxy.pid
caller = s.sipp("caller-silent-dns", "caller_invite.xml", "127.0.0.1", caller_port,
                "127.0.0.1:%d" % port, csv=["bob@example.com", "", ""], timeout=3)
# The INVITE handed to NTA (counted as relayed, in the stats file written each second): its
# hop is being resolved now.
s.check(s.wait_until(lambda: s.counters().get("requests.relayed", 0) >= 1),
        "silent-dns: the INVITE was not relayed to the resolver")
s.check(max_forwards_zero(port) == "SIP/2.0 483 Too Many Hops",
        "silent-dns: proxy unresponsive while resolving")
s.wait(caller, timeout=15)
s.check("sip.dns_unreachable" not in s.read(s.proxy_log),
        "silent-dns: a routable nameserver was taken for unreachable")
s.check(cpu_seconds(pid) < 2.0, "silent-dns: the proxy used %.2f s of CPU" % cpu_seconds(pid))
stop_within("silent-dns")

s.finish("no route to any nameserver: host-name hops 503 at once, IP hops relayed, "
         "SIGTERM honoured; silent nameserver: responsive")
