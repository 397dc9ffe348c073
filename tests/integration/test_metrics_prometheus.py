#!/usr/bin/python3
"""A real Prometheus scrapes both daemons' /metrics and sees calls and vCard queries arrive.

Both daemons run from one cusax.ini with [metrics] addresses on 127.0.0.1, the proxy between a
sipp caller (127.0.0.1, trusted) and a sipp callee (127.0.0.2), the component behind a real
Prosody. Prometheus (Debian's) runs with conf/prometheus/prometheus.yml, its addresses and
intervals changed for the test (1 s), and the alerting rules of conf/prometheus/cusax-alerts.yml,
which promtool checks and unit-tests first (tests/integration/prometheus/cusax-alerts.test.yml).

Then, each event waited for with a bound, never a guessed sleep:
- /health answers 200 for both, and each page shows exactly the families the README lists;
- two calls (each with a forged impp, which the proxy removes) and two vCard queries later,
  Prometheus's query API (/api/v1/query) returns each daemon's new values: relayed requests,
  inserted and removed Call-Info, the relay-time histogram (a quantile can be computed), vCard
  queries; the snapshot and store gauges; the kernel's UDP drops for the proxy's socket; and the
  CusaxForgedImppRising alert fires;
- `cusaxctl stats` still shows the counters (SIGUSR1), with the values Prometheus has;
- the store file moved away: cusax_store_reachable drops to 0 in Prometheus, CusaxStoreUnreachable
  is pending, /health stays 200 (the last good bindings still serve); back: 1 again;
- Prosody stopped: the component's /health answers 503, Prometheus sees cusax_xmpp_stream_up 0
  and more reconnects, and CusaxXmppStreamDown is pending.
Every process is started here on 127.0.0.1 and stopped by its PID.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import cusax_xmpp as xm  # noqa: E402
import sipkit  # noqa: E402

CONF = os.path.join(xm.SOURCE, "conf", "prometheus")
ALERT_TESTS = os.path.join(HERE, "prometheus", "cusax-alerts.test.yml")
README = os.path.join(xm.SOURCE, "README.md")
ALICE = "sip:alice@" + xm.DOMAIN
PAI = "P-Asserted-Identity: <%s>" % ALICE
WAIT = 30  # bound for each event waited for, in seconds
PROXY_JOB, COMPONENT_JOB = "cusax-sip-proxy", "cusax-xmpp-component"

for tool in ("prometheus", "promtool", "sipp", "prosody"):
    sipkit.skip_unless(shutil.which(tool), tool + " is not installed (scripts/install-deps)")


def http_get(url, timeout=5):
    """(status, body) of a GET; an HTTP error status is an answer too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def readme_families(*blocks):
    """The metric names the README lists between <!-- metrics-BLOCK:begin/end -->."""
    text = xm.read(README)
    names = set()
    for block in blocks:
        m = re.search(r"<!-- metrics-%s:begin -->\n(.*?)<!-- metrics-%s:end -->" % (block, block),
                      text, re.S)
        xm.check(m, "README.md has no metrics-%s block" % block)
        names |= set(re.findall(r"^\| `(cusax_[a-z0-9_]+)`", m.group(1), re.M))
    return names


def page_families(port):
    status, body = http_get("http://127.0.0.1:%d/metrics" % port)
    xm.check(status == 200, "/metrics on %d: %s" % (port, status))
    return set(re.findall(r"^# TYPE (\S+) ", body, re.M)), body


def page_value(body, series):
    """The value of one series (its exact text, labels included) on a /metrics page."""
    m = re.search(r"^%s (\S+)$" % re.escape(series), body, re.M)
    xm.check(m, "no series %s on the page" % series)
    return float(m.group(1))


class Prometheus:
    def __init__(self, directory, port, targets):
        self.port = port
        self.dir = os.path.join(directory, "prometheus")
        os.makedirs(self.dir)
        # conf/prometheus as an operator installs it, with the test's addresses, intervals of
        # a second, and the rule file by its path in the tree.
        text = xm.read(os.path.join(CONF, "prometheus.yml"))
        for default, target in targets.items():
            xm.check(default in text, "conf/prometheus/prometheus.yml has no target " + default)
            text = text.replace(default, target)
        text = text.replace("interval: 15s", "interval: 1s")
        text = text.replace("- cusax-alerts.yml", "- " + os.path.join(CONF, "cusax-alerts.yml"))
        self.config = os.path.join(self.dir, "prometheus.yml")
        with open(self.config, "w") as f:
            f.write(text)
        self.log = os.path.join(self.dir, "prometheus.log")
        self.proc = None

    def start(self, procs):
        out = open(self.log, "a")
        self.proc = subprocess.Popen(
            ["prometheus", "--config.file=" + self.config,
             "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port, "--log.level=warn"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        procs.append(self.proc)
        xm.wait_for(lambda: self.proc.poll() is not None or self.ready(), WAIT, "Prometheus ready")
        xm.check(self.proc.poll() is None, "Prometheus exited: " + xm.read(self.log)[-2000:])

    def ready(self):
        try:
            return http_get("http://127.0.0.1:%d/-/ready" % self.port, 2)[0] == 200
        except OSError:
            return False

    def query(self, expr):
        """The instant vector of expr, as [(labels, value)], through the query API."""
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (
            self.port, urllib.parse.urlencode({"query": expr}))
        status, body = http_get(url)
        xm.check(status == 200, "query %s: %s %s" % (expr, status, body[:300]))
        doc = json.loads(body)
        xm.check(doc["status"] == "success", "query %s: %s" % (expr, body[:300]))
        return [(r["metric"], float(r["value"][1])) for r in doc["data"]["result"]]

    def value(self, expr):
        """The single value of expr, or None while it has none."""
        result = self.query(expr)
        return result[0][1] if len(result) == 1 else None

    def wait_value(self, expr, predicate, what):
        seen = []

        def holds():
            seen[:] = [self.value(expr)]
            return seen[0] is not None and predicate(seen[0])
        try:
            xm.wait_for(holds, WAIT, what)
        except AssertionError as e:
            raise AssertionError("%s (%s was %s)" % (e, expr, seen[0] if seen else None))
        return seen[0]

    def wait_alert(self, name, states=("pending", "firing")):
        expr = 'ALERTS{alertname="%s"}' % name
        xm.wait_for(lambda: any(labels.get("alertstate") in states
                                for labels, _ in self.query(expr)),
                    WAIT, "alert %s %s" % (name, " or ".join(states)))


class SipSide(sipkit.Scenario):
    """sipkit's sipp helpers; every process it starts is also the XMPP scenario's, which
    stops them all by PID however the test ends."""

    def __init__(self, scenario):
        super().__init__("metrics-sip")
        self.shared_procs = scenario.procs

    def spawn(self, args, log_name, **kw):
        proc = super().spawn(args, log_name, **kw)
        self.shared_procs.append(proc)
        return proc


def write_ini(s, proxy_port, next_hop_port, proxy_metrics, component_metrics):
    """One file for both daemons, as an operator writes it."""
    text = "\n".join([
        "[log]", "level = info", "stats_interval = 60s", "stats_dir = " + s.stats_dir,
        "[store]", "path = " + s.store, "refresh_interval = 250ms",
        "[metrics]", "sip_proxy_listen = 127.0.0.1:%d" % proxy_metrics,
        "xmpp_component_listen = 127.0.0.1:%d" % component_metrics,
        "[sip-proxy]", "listen = sip:127.0.0.1:%d" % proxy_port,
        "next_hop = sip:127.0.0.2:%d" % next_hop_port, "trusted_peers = 127.0.0.1",
        "[xmpp-component]", "server_host = 127.0.0.1", "server_port = %d" % s.component_port,
        "domain = " + xm.DOMAIN, "secret = " + xm.SECRET, "local_domains = " + xm.LOCAL,
        "reconnect_min = 200ms", "reconnect_max = 1s", ""])
    path = os.path.join(s.dir, "cusax.ini")
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)
    return path


async def two_vcards(client):
    for _ in range(2):
        v = await xm.fetch_vcard(client, "alice@" + xm.DOMAIN)
        xm.check(v.findtext(xm.VT + "JABBERID") == "alice@" + xm.LOCAL, "alice's vCard")


# promtool first: the rules parse, each fires on what it watches, the scrape config is valid.
for args in (["check", "rules", os.path.join(CONF, "cusax-alerts.yml")],
             ["test", "rules", ALERT_TESTS],
             ["check", "config", os.path.join(CONF, "prometheus.yml")]):
    r = subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=60)
    xm.check(r.returncode == 0, "promtool %s: %s%s" % (" ".join(args), r.stdout, r.stderr))

with xm.Scenario("Prometheus scrapes both daemons") as s:
    s.start_prosody()
    s.register("juliet", xm.LOCAL, "pw")
    s.ctl("init")
    s.ctl("add", ALICE, "alice@" + xm.LOCAL, "--verified", "admin")
    s.ctl("add", "sip:carol@" + xm.DOMAIN, "carol@" + xm.LOCAL)

    sip = SipSide(s)
    print("proxy and sipp logs in", sip.dir, "; the rest in", s.dir)
    proxy_port = sipkit.free_port()
    next_hop_port = sipkit.free_port("127.0.0.2")
    proxy_metrics, component_metrics = xm.free_port(), xm.free_port()
    ini = write_ini(s, proxy_port, next_hop_port, proxy_metrics, component_metrics)

    output = os.path.join(s.dir, "component.out")
    proc = subprocess.Popen([xm.COMPONENT, "-c", ini], stdout=open(output, "a"),
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    s.procs.append(proc)
    component = xm.Component(proc, ini, output, None, s.server_handshakes)
    s.components.append(component)
    proxy = sip.spawn([sipkit.PROXY, "-c", ini], "proxy.log")
    xm.wait_for(lambda: "sip.listening" in sip.read(sip.proxy_log) or proxy.poll() is not None,
                WAIT, "the proxy listening")
    xm.check(proxy.poll() is None, "the proxy exited: " + sip.read(sip.proxy_log)[-2000:])
    xm.check(sip.wait_udp_bound("127.0.0.1", proxy_port), "the proxy's UDP socket not bound")
    component.wait_connected()

    # /health, and the pages' families are the README's, no more, no less.
    xm.wait_for(lambda: http_get("http://127.0.0.1:%d/health" % component_metrics)[0] == 200,
                WAIT, "the component's /health to answer 200")
    status, body = http_get("http://127.0.0.1:%d/health" % proxy_metrics)
    xm.check(status == 200 and body.startswith("serving: 2 bindings"),
             "the proxy's /health: %s %s" % (status, body))
    for port, block in ((proxy_metrics, "sip-proxy"), (component_metrics, "xmpp-component")):
        shown, _ = page_families(port)
        listed = readme_families("both", block)
        xm.check(shown == listed, "%s: on the page, not in the README: %s; in the README, not "
                 "on the page: %s" % (block, sorted(shown - listed), sorted(listed - shown)))

    prometheus = Prometheus(s.dir, xm.free_port(),
                            {"127.0.0.1:9464": "127.0.0.1:%d" % proxy_metrics,
                             "127.0.0.1:9463": "127.0.0.1:%d" % component_metrics})
    prometheus.start(s.procs)
    for job in (PROXY_JOB, COMPONENT_JOB):
        prometheus.wait_value('up{job="%s"}' % job, lambda v: v == 1, job + " scraped")
    # A value of each watched series before the traffic: the rules' increase() needs one.
    before = {}
    watched = {
        "relayed": "sum(cusax_requests_relayed_total)",
        "inserted": "sum(cusax_call_info_inserted_total)",
        "forged": "sum(cusax_call_info_removed_forged_total)",
        "timed": "sum(cusax_requests_relay_seconds_count)",
        "vcards": 'sum(cusax_xmpp_queries_total{kind="vcard"})',
    }
    for key, expr in watched.items():
        before[key] = prometheus.wait_value(expr, lambda v: v >= 0, "a first value of " + expr)

    # Two calls, each with a forged impp; two vCard queries.
    for tag in ("one", "two"):
        callee = sip.sipp("callee-" + tag, "callee_answer.xml", "127.0.0.2", next_hop_port)
        xm.check(sip.wait_udp_bound("127.0.0.2", next_hop_port), "sipp callee not bound")
        caller = sip.sipp("caller-" + tag, "caller_invite.xml", "127.0.0.1", sipkit.free_port(),
                          "127.0.0.1:%d" % proxy_port, csv=["bob@example.com", PAI, ""])
        xm.check(sip.wait(caller) == 0, "call %s failed (see %s)" % (tag, sip.dir))
        sip.wait(callee)
    s.client("juliet@" + xm.LOCAL, "pw", two_vcards)

    # What the daemons show now is what Prometheus must come to return.
    _, proxy_page = page_families(proxy_metrics)
    _, component_page = page_families(component_metrics)
    now = {
        "relayed": page_value(proxy_page, "cusax_requests_relayed_total"),
        "inserted": page_value(proxy_page, "cusax_call_info_inserted_total"),
        "forged": page_value(proxy_page, "cusax_call_info_removed_forged_total"),
        "timed": page_value(proxy_page, "cusax_requests_relay_seconds_count"),
        "vcards": page_value(component_page, 'cusax_xmpp_queries_total{kind="vcard"}'),
    }
    xm.check(now["inserted"] - before["inserted"] == 2, "impp inserted: %s" % now)
    xm.check(now["forged"] - before["forged"] == 2, "forged impp removed: %s" % now)
    xm.check(now["relayed"] - before["relayed"] >= 6, "INVITE, ACK, BYE of two calls: %s" % now)
    xm.check(now["timed"] - before["timed"] >= now["relayed"] - before["relayed"],
             "every relayed request timed: %s" % now)
    xm.check(now["vcards"] - before["vcards"] == 2, "vCard queries: %s" % now)
    for key, expr in watched.items():
        prometheus.wait_value(expr, lambda v, key=key: v == now[key],
                              "Prometheus to return %s = %s" % (expr, now[key]))
    quantile = prometheus.wait_value(
        "histogram_quantile(0.99, sum by (le) (rate(cusax_requests_relay_seconds_bucket[1m])))",
        lambda v: 0 < v <= 1, "a relay-time quantile")
    print("relay time, 99th percentile over the last minute: %.6f s" % quantile)
    for job in (PROXY_JOB, COMPONENT_JOB):
        prometheus.wait_value('cusax_snapshot_bindings{job="%s"}' % job, lambda v: v == 2,
                              job + ": two bindings")
        prometheus.wait_value('cusax_store_reachable{job="%s"}' % job, lambda v: v == 1,
                              job + ": store reachable")
        prometheus.wait_value('cusax_snapshot_generation{job="%s"}' % job, lambda v: v >= 1,
                              job + ": a generation")
    prometheus.wait_value('cusax_udp_receive_drops_total{socket="127.0.0.1:%d"}' % proxy_port,
                          lambda v: v >= 0, "the kernel's drops at the proxy's socket")
    prometheus.wait_value("cusax_xmpp_stream_up", lambda v: v == 1, "the stream up")
    prometheus.wait_value("cusax_xmpp_requests_in_flight", lambda v: v >= 0, "in-flight requests")
    prometheus.wait_alert("CusaxForgedImppRising", ("firing",))

    # The counters as before: SIGUSR1 writes the stats file, cusaxctl stats reads it.
    proxy.send_signal(signal.SIGUSR1)

    def stats_relayed():
        r = subprocess.run([xm.CUSAXCTL, "-c", ini, "--json", "stats"], capture_output=True,
                           text=True, timeout=30)
        if r.returncode != 0:
            return None
        for daemon in json.loads(r.stdout):
            if daemon["program"] == "sip-proxy":
                return daemon["counters"].get("requests.relayed")
        return None
    xm.wait_for(lambda: stats_relayed() == now["relayed"], WAIT,
                "cusaxctl stats to show requests.relayed = %s" % now["relayed"])

    # The store file gone: unreachable, the last good bindings still serve.
    aside = s.store + ".aside"
    os.rename(s.store, aside)
    for job in (PROXY_JOB, COMPONENT_JOB):
        prometheus.wait_value('cusax_store_reachable{job="%s"}' % job, lambda v: v == 0,
                              job + ": store unreachable")
    prometheus.wait_alert("CusaxStoreUnreachable", ("pending",))
    for port in (proxy_metrics, component_metrics):
        xm.check(http_get("http://127.0.0.1:%d/health" % port)[0] == 200,
                 "/health on %d not 200 with the last good bindings" % port)
    os.rename(aside, s.store)
    for job in (PROXY_JOB, COMPONENT_JOB):
        prometheus.wait_value('cusax_store_reachable{job="%s"}' % job, lambda v: v == 1,
                              job + ": store reachable again")

    # Prosody gone: the stream is down, /health says so, reconnects count.
    reconnects = prometheus.value("sum(cusax_xmpp_reconnects_total)")
    s.stop_prosody()
    xm.wait_for(lambda: http_get("http://127.0.0.1:%d/health" % component_metrics)[0] == 503,
                WAIT, "the component's /health to answer 503")
    prometheus.wait_value("cusax_xmpp_stream_up", lambda v: v == 0, "the stream down")
    prometheus.wait_value("sum(cusax_xmpp_reconnects_total)", lambda v: v > reconnects,
                          "reconnects counted")
    prometheus.wait_alert("CusaxXmppStreamDown", ("pending",))

    xm.check(xm.stop_process(prometheus.proc) == 0, "Prometheus did not stop cleanly")
    xm.check(xm.stop_process(proxy) == 0, "the proxy did not stop cleanly")
    xm.check(component.stop() == 0, "the component did not stop cleanly")
    for marker in xm.SANITIZER_MARKERS:  # the component's output is checked by the scenario
        xm.check(marker not in sip.read(sip.proxy_log), "sanitizer report in the proxy's log")
    shutil.rmtree(sip.dir, ignore_errors=True)
