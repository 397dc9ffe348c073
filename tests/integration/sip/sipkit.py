"""Shared pieces of the cusax-sip-proxy integration scenarios (tests/integration/test_sip_*.py).

Everything runs on loopback: the proxy and trusted callers on 127.0.0.1, untrusted callers and
callees on 127.0.0.2 (so the next hop is not trusted). Every process is started here, bounded by
a timeout and stopped by its PID; the work directory is kept (and its logs printed) when a check
fails.

Environment: CUSAX_BUILD_DIR (the build directory), CUSAX_CTL (cusaxctl to use, optional).
"""
import os
import random
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from stopping import mark_own_group, stop_process  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("CUSAX_BUILD_DIR", os.path.join(HERE, "../../../build"))
PROXY = os.path.join(BUILD, "sip-proxy", "cusax-sip-proxy")
CUSAXCTL = os.environ.get("CUSAX_CTL", os.path.join(BUILD, "cusaxctl", "cusaxctl"))
SKIP = 77  # ctest's conventional "skipped"


def skip_unless(condition, why):
    if not condition:
        print("SKIP:", why)
        sys.exit(SKIP)


# Ports free_port() handed out in this process, never handed out twice: two listeners of one
# test on one port would fail at start (see cusax_xmpp.free_port).
_ports_handed_out = set()


def free_port(host="127.0.0.1", kind=socket.SOCK_DGRAM):
    """A port free for both UDP and TCP on host (Sofia binds both for sip: URIs), and not
    handed out before by this process."""
    for _ in range(200):
        port = random.randint(20000, 60000)
        if port in _ports_handed_out:
            continue
        ok = True
        for k in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            with socket.socket(socket.AF_INET, k) as s:
                try:
                    s.bind((host, port))
                except OSError:
                    ok = False
        if ok:
            _ports_handed_out.add(port)
            return port
    raise RuntimeError("no free port")


def udp_sockets_on(port, host_hex="0100007F"):
    """How many sockets are bound to 127.0.0.1:port (/proc/net/udp lists sockets, not
    descriptors): one per proxy worker sharing the address."""
    want = "%s:%04X" % (host_hex, port)
    with open("/proc/net/udp") as f:
        return sum(1 for line in f.readlines()[1:] if line.split()[1] == want)


def proxy_env(env=None):
    """The environment of a proxy: LeakSanitizer told what OpenSSL keeps for the process."""
    env = dict(env or os.environ)
    supp = "suppressions=" + os.path.join(HERE, "lsan-openssl.supp")
    env["LSAN_OPTIONS"] = env["LSAN_OPTIONS"] + ":" + supp if env.get("LSAN_OPTIONS") else supp
    return env


class Scenario:
    """A work directory, the processes started in it, and the failures seen."""

    def __init__(self, name):
        skip_unless(os.access(PROXY, os.X_OK), PROXY + " not built")
        skip_unless(os.access(CUSAXCTL, os.X_OK), CUSAXCTL + " not built")
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="cusax-" + name + ".")
        self.procs = []
        self.failures = []
        self.proxy = None
        self.proxy_log = os.path.join(self.dir, "proxy.log")
        self.store = os.path.join(self.dir, "store.db")

    # --- bookkeeping ---------------------------------------------------------------------
    def check(self, condition, what):
        if not condition:
            print("FAIL:", what)
            self.failures.append(what)
        return condition

    def path(self, name):
        return os.path.join(self.dir, name)

    def spawn(self, args, log_name, **kw):
        """Starts args with its output in log_name; start_new_session=True puts it in a group
        of its own, which stop() then stops whole (stopping.py)."""
        log = open(self.path(log_name), "ab")
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                **kw)
        if kw.get("start_new_session"):
            mark_own_group(proc)
        self.procs.append(proc)
        return proc

    def stop(self, proc, sig=signal.SIGTERM, timeout=10):
        return stop_process(proc, timeout, sig)

    def finish(self, summary):
        for proc in self.procs:
            self.stop(proc)
        if self.proxy is not None:
            log = self.read(self.proxy_log)
            self.check(not re.search(r"ERROR: (Address|Leak)Sanitizer|runtime error:", log),
                       "sanitizer report in the proxy log")
        if self.failures:
            print("--- proxy log (tail)")
            print("\n".join(self.read(self.proxy_log).splitlines()[-60:]))
            print("logs kept in", self.dir)
            sys.exit(1)
        shutil.rmtree(self.dir, ignore_errors=True)
        print("PASS:", summary)
        sys.exit(0)

    @staticmethod
    def read(path):
        try:
            with open(path, "r", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    @staticmethod
    def wait_until(condition, timeout=20):
        """True once condition() holds, False after `timeout` seconds (a bound, not a delay)."""
        deadline = time.time() + timeout
        while not condition():
            if time.time() > deadline:
                return False
            time.sleep(0.05)
        return True

    def wait_for_text(self, path, text, timeout=10):
        """True once the file holds `text`, False after `timeout` seconds: a log line is
        written when its event happens, which may be after what the test saw first."""
        return self.wait_until(lambda: text in self.read(path), timeout)

    @staticmethod
    def wait_bound(ip, port, table="udp", timeout=10):
        """True once a socket is bound to ip:port in /proc/net/TABLE ("udp", or "tcp", where
        it must be listening), so a datagram or a connection sent now is taken."""
        want = "%s:%04X" % ("".join("%02X" % int(b) for b in reversed(ip.split("."))), port)
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open("/proc/net/" + table) as f:
                if any(row[1] == want and (table == "udp" or row[3] == "0A")  # 0A: LISTEN
                       for row in (line.split() for line in f.readlines()[1:])):
                    return True
            time.sleep(0.02)
        return False

    @classmethod
    def wait_udp_bound(cls, ip, port, timeout=10):
        """True once a UDP socket is bound to ip:port (a sipp callee ready for the INVITE)."""
        return cls.wait_bound(ip, port, "udp", timeout)

    # --- store ---------------------------------------------------------------------------
    def ctl(self, *args):
        subprocess.run([CUSAXCTL, "--store", self.store, *args], check=True,
                       stdout=subprocess.DEVNULL, timeout=30)

    def bindings(self):
        """alice (verified, +4930123456) and dave (unverified)."""
        self.ctl("init")
        self.ctl("add", "sip:alice@example.com", "alice@xmpp.example.com", "--number",
                 "+4930123456", "--verified", "admin")
        self.ctl("add", "sip:dave@example.com", "dave@xmpp.example.com")

    # --- the proxy -----------------------------------------------------------------------
    def start_proxy(self, sip_proxy_keys, log_level="debug", wait_for="sip.listening",
                    env=None):
        """Writes cusax.ini with [sip-proxy] from the dict and starts the proxy on it."""
        lines = ["[log]", "level = " + log_level, "stats_interval = 1s",
                 "stats_dir = " + self.dir, "[store]", "path = " + self.store, "[sip-proxy]"]
        lines += ["%s = %s" % kv for kv in sip_proxy_keys.items()]
        ini = self.path("cusax.ini")
        with open(ini, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proxy = self.spawn([PROXY, "-c", ini], "proxy.log", env=proxy_env(env))
        return self.wait_listening(self.proxy, self.proxy_log, wait_for)

    def wait_listening(self, proc, log_path, wait_for="sip.listening"):
        """Returns proc once the proxy it runs has logged `wait_for` and each listener it
        reports is bound; ends the scenario as failed if it exits or never gets there."""
        deadline = time.time() + 10
        while time.time() < deadline:
            log = self.read(log_path)
            if wait_for in log:
                # Each listener the proxy reports, checked bound in the kernel (UDP) or
                # listening (TCP, TLS): a request sent now is queued for the proxy's loop.
                for transport, host, port in re.findall(
                        r"sip\.listening transport=SIP/2\.0/(\w+) host=(\S+) port=(\d+)", log):
                    table = "udp" if transport.upper() == "UDP" else "tcp"
                    if ":" not in host and not self.wait_bound(host, int(port), table):
                        self.check(False, "proxy's %s listener %s:%s not bound" %
                                   (transport, host, port))
                        self.finish("")
                return proc
            if proc.poll() is not None:
                self.check(False, "proxy exited at start (%s)" % proc.returncode)
                self.finish("")
            time.sleep(0.05)
        self.check(False, "proxy did not report listening")
        self.finish("")

    def proxy_alive(self):
        return self.proxy is not None and self.proxy.poll() is None

    def stop_proxy(self):
        rc = self.stop(self.proxy)
        self.check(rc == 0, "proxy exit status %s after SIGTERM" % rc)
        self.check("sip.stopped" in self.read(self.proxy_log), "proxy did not stop cleanly")

    def counters(self):
        import json
        try:
            with open(self.path("sip-proxy.stats.json")) as f:
                return json.load(f)["counters"]
        except (FileNotFoundError, ValueError):
            return {}

    # --- sipp ----------------------------------------------------------------------------
    def sipp(self, name, scenario, local_ip, local_port, target=None, transport="u1",
             csv=None, timeout=15, extra=()):
        """Starts sipp on one scenario file (tests/integration/sip/NAME.xml or a path),
        one call, tracing every message to NAME.msg. Returns the Popen."""
        skip_unless(shutil.which("sipp"), "sipp (sip-tester) not installed")
        xml = scenario if os.path.isabs(scenario) else os.path.join(HERE, scenario)
        args = ["sipp", "-sf", xml, "-i", local_ip, "-p", str(local_port), "-t", transport,
                "-m", "1", "-nostdin", "-trace_msg", "-message_file", self.path(name + ".msg"),
                "-trace_err", "-error_file", self.path(name + ".err"),
                "-timeout", "%ds" % timeout, "-timeout_error", "-max_recv_loops", "1000"]
        if csv is not None:
            with open(self.path(name + ".csv"), "w") as f:
                f.write("SEQUENTIAL\n" + ";".join(csv) + ";\n")
            args += ["-inf", self.path(name + ".csv")]
        args += list(extra)
        if target:
            args.append(target)
        return self.spawn(args, name + ".out")

    def wait(self, proc, timeout=30):
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop(proc)
            return None

    def messages(self, name):
        """The messages a sipp instance sent and received, as (direction, text) pairs."""
        text = self.read(self.path(name + ".msg")).replace("\r", "")
        out = []
        for block in re.split(r"\n-{10,}[^\n]*\n", text):
            m = re.search(r"message (sent|received)[^\n]*:\n\n?(.*)", block, re.S)
            if m:
                out.append((m.group(1), m.group(2).strip("\n")))
        return out

    def received(self, name, first_line_pattern):
        """Messages sipp NAME received whose first line matches the pattern."""
        return [msg for d, msg in self.messages(name)
                if d == "received" and re.match(first_line_pattern, msg)]


def header_values(message, name):
    """Values of every line of header NAME (case-insensitive), up to the blank line."""
    head = message.split("\n\n", 1)[0]
    return [line.split(":", 1)[1].strip() for line in head.split("\n")[1:]
            if line.split(":", 1)[0].strip().lower() == name.lower()]


def tls_context_server(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def make_ca_and_certs(directory, names):
    """A throwaway CA and one certificate per name (subjectAltName DNS:name, IP:127.0.0.1,
    IP:127.0.0.2) in DIRECTORY: ca.pem, NAME.key, NAME.crt."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, cwd=directory, timeout=60,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "2", "-subj", "/CN=cusax test CA")
    for name in names:
        with open(os.path.join(directory, name + ".ext"), "w") as f:
            f.write("subjectAltName=DNS:%s,IP:127.0.0.1,IP:127.0.0.2\n"
                    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth,clientAuth\n" % name)
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
            name + ".csr", "-subj", "/CN=" + name)
        run("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext")


def proxy_tls_dir(scenario, names=("proxy", "callee")):
    """A CA and certificates for NAMES in the work directory's certs/ (make_ca_and_certs), and
    the proxy's tls_certificate_dir made of them: agent.pem (proxy key and certificate) and
    cafile.pem, Sofia-SIP's convention. Returns (certs, proxy_dir)."""
    certs = scenario.path("certs")
    os.mkdir(certs)
    make_ca_and_certs(certs, list(names))
    proxy_dir = scenario.path("proxy-tls")
    os.mkdir(proxy_dir)
    with open(os.path.join(proxy_dir, "agent.pem"), "w") as f:
        for name in ("proxy.key", "proxy.crt"):
            f.write(open(os.path.join(certs, name)).read())
    with open(os.path.join(proxy_dir, "cafile.pem"), "w") as f:
        f.write(open(os.path.join(certs, "ca.pem")).read())
    return certs, proxy_dir


def read_stream_message(conn):
    """One SIP message's head from a stream socket, or None when the peer closed it or nothing
    came within the socket's timeout (a bound, not a delay)."""
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = conn.recv(65536)
        except socket.timeout:
            return None
        if not chunk:
            return None
        data += chunk
    return data.decode(errors="replace")


def scenario_from_template(scenario, template, **values):
    """Writes tests/integration/sip/TEMPLATE with @KEY@ replaced into the work directory."""
    with open(os.path.join(HERE, template)) as f:
        text = f.read()
    for key, value in values.items():
        text = text.replace("@%s@" % key, str(value))
    out = scenario.path(os.path.basename(template).replace(".in", "").replace(
        ".xml", "-%s.xml" % "-".join(str(v) for v in values.values())))
    with open(out, "w") as f:
        f.write(text)
    return out
