#!/usr/bin/python3
"""cusaxctl doctor against a real deployment on 127.0.0.1, then against each fault it names.

The deployment: Prosody with the component port and secret, Kamailio answering OPTIONS as the
proxy's next hop, a store made by cusaxctl init, both daemons running on one INI file (the one
doctor reads), the proxy's certificates made here with openssl. Doctor must find nothing wrong
and exit 0. The next hop is also reached over TCP and over TLS (verified against the proxy's
cafile.pem, and refused when it holds another CA). Then, one fault at a time (most in an INI
file of their own beside the good one, so the daemons keep running): a wrong component secret,
a closed component port, a silent next hop (doctor's --timeout bounds the wait), a UDP buffer
above the kernel's cap (a warning, exit 0), an expiring and an expired certificate (made with
openssl), a store of an older schema version (and `cusaxctl init` mending it), a hung daemon
(SIGSTOP: its /health does not answer at once, its stats go stale later), and daemons that are
not running (after which doctor's handshake itself is accepted and closed cleanly). Each FAIL
makes doctor exit 8; the secret is never in its output.
"""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import sipkit  # noqa: E402
from stopping import OWN_GROUP, mark_own_group  # noqa: E402
from cusax_xmpp import (BUILD, COMPONENT, CUSAXCTL, DOMAIN, LOCAL, SECRET, Scenario,  # noqa: E402
                        check, read, stop_process, wait_for)

PROXY = os.path.join(BUILD, "sip-proxy", "cusax-sip-proxy")
WRONG_SECRET = "not-the-secret-5c1e0f"
CHECK_FAILED = 8  # cusaxctl's exit status when a doctor check fails (exit_codes.hpp)

sipkit.skip_unless(shutil.which("kamailio"), "kamailio not installed")
sipkit.skip_unless(shutil.which("openssl"), "openssl not installed")

# Kamailio as a SIP server that answers an OPTIONS for itself, as doctor's fix asks.
KAMAILIO_CFG = """#!KAMAILIO
debug=2
log_stderror=yes
children=1
auto_aliases=no
dns=no
rev_dns=no
listen=udp:127.0.0.1:%d
listen=tcp:127.0.0.1:%d
loadmodule "sl.so"
request_route {
    if (method == "OPTIONS") {
        sl_send_reply("200", "OK");
        exit;
    }
    sl_send_reply("404", "Not Here");
}
"""


def kernel_cap(name):
    with open("/proc/sys/net/core/" + name) as f:
        return int(f.read())


def openssl(directory, *args):
    subprocess.run(["openssl", *args], check=True, cwd=directory, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certificates(directory):
    """A CA and the proxy's certificate for a year (tls_certificate_dir: agent.pem, cafile.pem),
    a certificate expiring in 10 days, and one that expired in 2020 (`openssl ca` is the one
    openssl command that takes dates in the past)."""
    os.makedirs(directory)
    openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "cafile.pem", "-days", "365", "-subj", "/CN=doctor test CA")
    openssl(directory, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "proxy.key", "-out",
            "proxy.csr", "-subj", "/CN=proxy")
    openssl(directory, "x509", "-req", "-in", "proxy.csr", "-CA", "cafile.pem", "-CAkey",
            "ca.key", "-CAcreateserial", "-out", "proxy.crt", "-days", "365")
    with open(os.path.join(directory, "agent.pem"), "w") as f:
        f.write(read(os.path.join(directory, "proxy.key")) +
                read(os.path.join(directory, "proxy.crt")))
    openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "soon.key",
            "-out", "expiring.pem", "-days", "10", "-subj", "/CN=expiring CA")
    ca_dir = os.path.join(directory, "old-ca")
    os.makedirs(os.path.join(ca_dir, "newcerts"))
    open(os.path.join(ca_dir, "index.txt"), "w").close()
    with open(os.path.join(ca_dir, "serial"), "w") as f:
        f.write("01\n")
    with open(os.path.join(ca_dir, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = newcerts\n"
                "serial = serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n")
    openssl(ca_dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "old.key", "-out",
            "old.csr", "-subj", "/CN=expired CA")
    openssl(ca_dir, "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "old.key",
            "-in", "old.csr", "-startdate", "20200101000000Z", "-enddate", "20200201000000Z",
            "-out", os.path.join(directory, "expired.pem"))


class Deployment:
    """The scenario's processes and INI files."""

    def __init__(self, s):
        self.s = s
        self.proxy_port = sipkit.free_port()
        self.kamailio_port = sipkit.free_port()
        self.certs = os.path.join(s.dir, "certs")
        make_certificates(self.certs)
        self.sections = {
            "log": {"level": "info", "stats_dir": s.stats_dir, "stats_interval": "1s"},
            "store": {"path": s.store, "refresh_interval": "250ms"},
            # /health, which doctor asks each running daemon.
            "metrics": {"sip_proxy_listen": "127.0.0.1:%d" % sipkit.free_port(),
                        "xmpp_component_listen": "127.0.0.1:%d" % sipkit.free_port()},
            "sip-proxy": {
                "listen": "sip:127.0.0.1:%d" % self.proxy_port,
                "next_hop": "sip:127.0.0.1:%d" % self.kamailio_port,
                "trusted_peers": "127.0.0.1",
                # As large as this host allows: a fresh Debian caps them at 208 KiB.
                "udp_receive_buffer": str(min(4 << 20, kernel_cap("rmem_max"))),
                "udp_send_buffer": str(min(4 << 20, kernel_cap("wmem_max"))),
                "tls_certificate_dir": self.certs,
            },
            "xmpp-component": {
                "server_host": "127.0.0.1", "server_port": str(s.component_port),
                "domain": DOMAIN, "secret": SECRET, "local_domains": LOCAL,
                "reconnect_min": "200ms", "reconnect_max": "1s",
                # Created by the component at its start: doctor's users' vCards check reads it.
                "vcard_store": os.path.join(s.dir, "vcards.sqlite"),
            },
        }
        self.ini = self.write_ini("cusax")
        self.proxy = self.component = self.kamailio = None

    def write_ini(self, name, **changes):
        """The good INI file with changes: {section: {key: value}}; mode 600 (it holds the
        secret, and doctor warns of one others can read)."""
        lines = []
        for section, keys in self.sections.items():
            lines.append("[%s]" % section)
            merged = dict(keys, **changes.get(section.replace("-", "_"), {}))
            lines += ["%s = %s" % kv for kv in merged.items()]
        path = os.path.join(self.s.dir, name + ".ini")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(path, 0o600)
        return path

    def spawn(self, args, log, own_group=False):
        """own_group: a server that forks (Kamailio), stopped with its workers (stopping.py)."""
        out = open(os.path.join(self.s.dir, log), "ab")
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, **(OWN_GROUP if own_group else {}))
        if own_group:
            mark_own_group(proc)
        self.s.procs.append(proc)
        return proc

    def start_kamailio(self):
        cfg = os.path.join(self.s.dir, "kamailio.cfg")
        with open(cfg, "w") as f:
            f.write(KAMAILIO_CFG % (self.kamailio_port, self.kamailio_port))
        self.kamailio = self.spawn(["kamailio", "-f", cfg, "-P",
                                    os.path.join(self.s.dir, "kamailio.pid"), "-m", "64", "-M",
                                    "8", "-DD", "-E", "-Y", self.s.dir, "-w", self.s.dir],
                                   "kamailio.log", own_group=True)
        wait_for(lambda: self.options_answered() or self.kamailio.poll() is not None, 60,
                 "Kamailio answering OPTIONS")
        check(self.kamailio.poll() is None, "Kamailio exited at start (kamailio.log)")

    def options_answered(self):
        """Whether Kamailio answers one OPTIONS with 200 within 0.2 s (a bound per probe)."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
            probe.sendto(("OPTIONS sip:127.0.0.1:%d SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-ready%d\r\n"
                          "From: <sip:ready@127.0.0.1>;tag=r\r\nTo: <sip:127.0.0.1>\r\n"
                          "Call-ID: ready-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
                          "Content-Length: 0\r\n\r\n" % (self.kamailio_port, port, port, port))
                         .encode(), ("127.0.0.1", self.kamailio_port))
            probe.settimeout(0.2)
            try:
                return probe.recv(65536).startswith(b"SIP/2.0 200")
            except socket.timeout:
                return False

    def start_daemons(self):
        self.proxy = self.spawn([PROXY, "-c", self.ini], "proxy.log")
        handshakes = self.s.server_handshakes()
        self.component = self.spawn([COMPONENT, "-c", self.ini], "component.log")
        wait_for(lambda: "sip.listening" in read(os.path.join(self.s.dir, "proxy.log")) or
                 self.proxy.poll() is not None, 15, "the proxy listening")
        wait_for(lambda: self.s.server_handshakes() > handshakes or
                 self.component.poll() is not None, 15, "the component connected")
        check(self.proxy.poll() is None and self.component.poll() is None,
              "a daemon exited at start (proxy.log, component.log)")
        for program in ("sip-proxy", "xmpp-component"):
            stats = os.path.join(self.s.stats_dir, program + ".stats.json")
            wait_for(lambda: os.path.exists(stats), 15, stats)


class TlsHop:
    """A SIP hop over TLS on 127.0.0.1 (Python's ssl, a certificate of sipkit's test CA for
    IP 127.0.0.1) that answers every OPTIONS with 200, one connection at a time, until
    stopped."""

    def __init__(self, certs):
        self.ctx = sipkit.tls_context_server(os.path.join(certs, "hop.crt"),
                                             os.path.join(certs, "hop.key"))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.answered = 0
        self.stopping = False
        self.thread = threading.Thread(target=self.serve)
        self.thread.start()

    def serve(self):
        while not self.stopping:
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            conn.settimeout(10)
            try:
                with self.ctx.wrap_socket(conn, server_side=True) as tls:
                    head = sipkit.read_stream_message(tls)
                    if not head:
                        continue
                    head = head.replace("\r\n", "\n")
                    copied = "".join("%s: %s\r\n" % (name, sipkit.header_values(head, name)[0])
                                     for name in ("Via", "From", "To", "Call-ID", "CSeq"))
                    self.answered += 1  # before the answer: doctor may be done right after it
                    tls.sendall(("SIP/2.0 200 OK\r\n" + copied +
                                 "Server: test TLS hop\r\nContent-Length: 0\r\n\r\n").encode())
            except (OSError, IndexError):
                pass  # a client that refused our certificate, or sent no OPTIONS

    def stop(self):
        self.stopping = True
        self.thread.join()
        self.listener.close()


def doctor(ini, *args, timeout_option="2s"):
    """Runs `cusaxctl -c INI --json doctor`; returns (exit status, {check: [result, ...]},
    everything it printed)."""
    r = subprocess.run([CUSAXCTL, "-c", ini, "--json", "doctor", "--timeout", timeout_option,
                        *args], capture_output=True, text=True, timeout=60)
    printed = r.stdout + r.stderr
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        raise AssertionError("doctor printed no JSON (exit %d): %s" % (r.returncode, printed))
    by_check = {}
    for result in doc["checks"]:
        by_check.setdefault(result["check"], []).append(result)
    return r.returncode, by_check, printed


def one(results, name):
    check(len(results.get(name, [])) == 1, "one %r result: %s" % (name, results.get(name)))
    return results[name][0]


def expect(results, name, verdict, *words):
    """The one result of check NAME has VERDICT, and its detail and fix hold WORDS."""
    r = one(results, name)
    text = r["detail"] + " | fix: " + r["fix"]
    check(r["verdict"] == verdict, "%s: %s, expected %s: %s" % (name, r["verdict"], verdict, text))
    for word in words:
        check(word in text, "%s: %r not in %r" % (name, word, text))
    print("ok: %s %s: %s" % (r["verdict"], name, r["detail"].replace("\n", "; ")))
    return r


def main():
    with Scenario("cusaxctl doctor") as s:
        check(os.access(PROXY, os.X_OK), PROXY + " is not built")
        s.start_prosody()
        try:
            checks(s)
        except BaseException:
            print_logs(s.dir)
            raise


def checks(s):
    d = Deployment(s)
    subprocess.run([CUSAXCTL, "-c", d.ini, "init"], check=True, capture_output=True)
    d.start_kamailio()
    d.start_daemons()

    # ---- a correct set-up: every check ok, exit 0 ----
    rc, results, printed = doctor(d.ini)
    bad = [r for rs in results.values() for r in rs if r["verdict"] != "ok"]
    check(rc == 0 and not bad, "doctor on the correct set-up: exit %d, %s" % (rc, bad))
    expect(results, "configuration", "ok", d.ini + " loads")
    expect(results, "store", "ok", "schema version")
    expect(results, "users' vCards", "ok", "vcards.sqlite", "schema version")
    expect(results, "next hop", "ok", "answered 200 OK", "kamailio")
    # The running component holds the domain: Prosody checks the secret, then says conflict.
    expect(results, "XMPP component port", "ok", "accepted the secret for " + DOMAIN)
    expect(results, "socket buffers", "ok", "fits net.core.rmem_max")
    check(len(results["certificate"]) == 2, "agent.pem and cafile.pem checked")
    expect(results, "cusax-sip-proxy", "ok", "pid %d runs" % d.proxy.pid)
    expect(results, "cusax-xmpp-component", "ok", "pid %d runs" % d.component.pid)
    expect(results, "cusax-sip-proxy health", "ok", "/health ([metrics] sip_proxy_listen)",
           "serving")
    expect(results, "cusax-xmpp-component health", "ok",
           "/health ([metrics] xmpp_component_listen)", "serving")
    check(SECRET not in printed, "the secret in doctor's output")
    check(d.component.poll() is None and d.s.server_handshakes() == 1,
          "doctor disturbed the running component")

    # ---- a wrong secret, a closed port: two different failures ----
    rc, results, printed = doctor(d.write_ini("wrong-secret",
                                              xmpp_component={"secret": WRONG_SECRET}))
    check(rc == CHECK_FAILED, "wrong secret: exit %d" % rc)
    wrong = expect(results, "XMPP component port", "FAIL", "refused the secret",
                   "not-authorized", "[xmpp-component] secret (")
    check(WRONG_SECRET not in printed and SECRET not in printed, "a secret in the output")
    closed_port = sipkit.free_port()
    rc, results, _ = doctor(d.write_ini("closed-port",
                                        xmpp_component={"server_port": str(closed_port)}))
    check(rc == CHECK_FAILED, "closed port: exit %d" % rc)
    closed = expect(results, "XMPP component port", "FAIL",
                    "nothing listens there (connection refused)", "server_host/server_port")
    check(closed["detail"] != wrong["detail"], "a wrong secret reads as a closed port")

    # ---- a next hop that never answers: bounded by --timeout ----
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        ini = d.write_ini("silent-hop", sip_proxy={
            "next_hop": "sip:127.0.0.1:%d" % silent.getsockname()[1]})
        rc, results, _ = doctor(ini, timeout_option="1s")
        check(rc == CHECK_FAILED, "silent next hop: exit %d" % rc)
        expect(results, "next hop", "FAIL", "no answer to OPTIONS within 1s", "next_hop (")
        check(len(silent.recv(65536)) > 0, "no OPTIONS reached the silent hop")

    # ---- the next hop over TCP, and over TLS (verified against cafile.pem) ----
    rc, results, _ = doctor(d.write_ini("tcp-hop", sip_proxy={
        "next_hop": "sip:127.0.0.1:%d;transport=tcp" % d.kamailio_port}))
    check(rc == 0, "TCP next hop: exit %d" % rc)
    expect(results, "next hop", "ok", "(TCP 127.0.0.1:%d) answered 200 OK" % d.kamailio_port)
    tls_certs = os.path.join(s.dir, "tls-hop")
    os.makedirs(tls_certs)
    sipkit.make_ca_and_certs(tls_certs, ["hop"])
    shutil.copy(os.path.join(tls_certs, "ca.pem"), os.path.join(tls_certs, "cafile.pem"))
    shutil.copy(os.path.join(d.certs, "agent.pem"), os.path.join(tls_certs, "agent.pem"))
    hop = TlsHop(tls_certs)
    try:
        tls_uri = "sip:127.0.0.1:%d;transport=tls" % hop.port
        rc, results, _ = doctor(d.write_ini("tls-hop", sip_proxy={
            "next_hop": tls_uri, "tls_certificate_dir": tls_certs}))
        expect(results, "next hop", "ok", "(TLS 127.0.0.1:%d) answered 200 OK" % hop.port,
               "test TLS hop")
        # The good set-up's cafile.pem holds another CA: the hop's certificate does not verify.
        rc, results, _ = doctor(d.write_ini("tls-hop-unknown-ca", sip_proxy={
            "next_hop": tls_uri}))
        check(rc == CHECK_FAILED, "TLS hop of an unknown CA: exit %d" % rc)
        expect(results, "next hop", "FAIL", "certificate", "cafile.pem")
        check(hop.answered == 1, "the TLS hop answered %d OPTIONS" % hop.answered)
    finally:
        hop.stop()

    # ---- a buffer above the kernel's cap: a warning, exit 0 ----
    cap = kernel_cap("rmem_max")
    check(cap < 1 << 30, "rmem_max %d leaves no room above it for udp_receive_buffer" % cap)
    rc, results, _ = doctor(d.write_ini("big-buffer", sip_proxy={
        "udp_receive_buffer": str(cap + 1)}))
    check(rc == 0, "a warning alone fails doctor: exit %d" % rc)
    expect(results, "socket buffers", "warning", "is above net.core.rmem_max = %d" % cap,
           "sysctl -w net.core.rmem_max=%d" % (cap + 1))

    # ---- certificates: expiring within 30 days, expired ----
    rc, results, _ = doctor(d.write_ini("expiring", xmpp_component={
        "tls_ca_file": os.path.join(d.certs, "expiring.pem")}))
    check(rc == 0, "expiring certificate: exit %d" % rc)
    expiring = [r for r in results["certificate"] if "expiring.pem" in r["detail"]]
    check(len(expiring) == 1 and expiring[0]["verdict"] == "warning" and
          "CN=expiring CA valid until" in expiring[0]["detail"], "expiring: %s" % expiring)
    rc, results, _ = doctor(d.write_ini("expired", xmpp_component={
        "tls_ca_file": os.path.join(d.certs, "expired.pem")}))
    check(rc == CHECK_FAILED, "expired certificate: exit %d" % rc)
    expired = [r for r in results["certificate"] if "expired.pem" in r["detail"]]
    check(len(expired) == 1 and expired[0]["verdict"] == "FAIL" and
          "expired on 2020-02-01 00:00 UTC" in expired[0]["detail"], "expired: %s" % expired)

    # ---- a store of an older schema version, then cusaxctl init ----
    # An empty SQLite database is schema version 0, the oldest: what a store is before
    # `cusaxctl init` ran on it (every migration then applies, whatever this version's last).
    old_store = os.path.join(s.dir, "old.sqlite")
    open(old_store, "w").close()
    with sqlite3.connect(s.store) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
    ini = d.write_ini("old-store", store={"path": old_store})
    rc, results, _ = doctor(ini)
    check(rc == CHECK_FAILED, "old store: exit %d" % rc)
    expect(results, "store", "FAIL", "schema version 0 is older than", "cusaxctl init migrates it")
    subprocess.run([CUSAXCTL, "-c", ini, "init"], check=True, capture_output=True)
    expect(doctor(ini)[1], "store", "ok", "schema version %d" % version)

    # ---- a hung daemon: its stats go stale (2 x stats_interval + 5 s) ----
    d.proxy.send_signal(signal.SIGSTOP)
    try:
        # At once, while its stats file is still fresh: /health does not answer.
        rc, results, _ = doctor(d.ini)
        check(rc == CHECK_FAILED, "hung proxy, /health: exit %d" % rc)
        expect(results, "cusax-sip-proxy health", "FAIL", "no answer in time", "may hang")
        expect(results, "cusax-xmpp-component health", "ok", "serving")
        print("note: the stopped proxy's stats line said %s" %
              one(results, "cusax-sip-proxy")["verdict"])
        wait_for(lambda: one(doctor(d.ini)[1], "cusax-sip-proxy")["verdict"] == "FAIL",
                 30, "the stopped proxy's stats reported stale")
        rc, results, _ = doctor(d.ini)
        check(rc == CHECK_FAILED, "stale stats: exit %d" % rc)
        expect(results, "cusax-sip-proxy", "FAIL", "pid %d runs, but its stats are" %
               d.proxy.pid, "kill -USR1 %d" % d.proxy.pid)
    finally:
        d.proxy.send_signal(signal.SIGCONT)
    wait_for(lambda: one(doctor(d.ini)[1], "cusax-sip-proxy")["verdict"] == "ok", 15,
             "the proxy's stats fresh again")

    # ---- daemons not running ----
    check(stop_process(d.component) == 0, "component exit status")
    check(stop_process(d.proxy) == 0, "proxy exit status")
    handshakes = s.server_handshakes()
    # With the component gone, doctor's own handshake is accepted and closed cleanly (once
    # Prosody has dropped the component's session).
    wait_for(lambda: "stream closed cleanly" in
             one(doctor(d.ini)[1], "XMPP component port")["detail"], 15,
             "doctor's handshake accepted")
    rc, results, printed = doctor(d.ini)
    check(rc == CHECK_FAILED, "daemons stopped: exit %d" % rc)
    expect(results, "XMPP component port", "ok", "accepted the secret for " + DOMAIN,
           "stream closed cleanly")
    check(s.server_handshakes() > handshakes, "Prosody logged no accepted handshake")
    expect(results, "cusax-sip-proxy", "FAIL", "not running", "systemctl start")
    expect(results, "cusax-xmpp-component", "FAIL", "not running",
           "systemctl start cusax-xmpp-component")
    check(SECRET not in printed, "the secret in doctor's output")


def print_logs(directory):
    for name in ("proxy.log", "component.log", "kamailio.log"):
        print("----- %s -----\n%s" % (name, read(os.path.join(directory, name))[-4000:]),
              file=sys.stderr)


if __name__ == "__main__":
    main()
