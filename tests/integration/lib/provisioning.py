"""Shared pieces of the cusax-provisioning scenarios (tests/integration/test_provisioning_*.py).

A ProvisioningScenario is the XMPP Scenario of cusax_xmpp.py (a temp dir, a real Prosody on
127.0.0.1 with the users' passwords, cusaxctl for the store) with what provisioning needs on top:
a test CA that signs Prosody's certificate (xmpp.example.com, for STARTTLS, which the password
check requires) and cusax-provisioning's own (localhost and 127.0.0.1), Prosody with mod_tls,
and cusax-provisioning started with `-c INI` on a free port. Every process is stopped by PID; on
failure the logs are printed and the temp dir kept.

    with ProvisioningScenario("profile") as s:
        s.start_prosody_with_starttls()
        s.register("alice", LOCAL, "alice-password")
        s.ctl("init"); s.ctl("import", EXAMPLE_BINDINGS)
        p = s.start_provisioning()
        status, headers, body = s.https("/profile.json", "alice", "alice-password")

or, for the first three lines, s.start_with_users({"alice": "alice-password"}).
"""
import base64
import http.client
import json
import os
import resource
import signal
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cusax_xmpp import (BUILD, CUSAXCTL, LOCAL, SOURCE, Scenario, check, free_port,  # noqa: E402
                        read, stop_process, wait_for)
from test_certs import make_ca, make_cert  # noqa: E402

PROVISIONING = os.path.join(BUILD, "provisioning", "cusax-provisioning")
SCHEMA = os.path.join(SOURCE, "provisioning", "profile.schema.json")
EXAMPLE_BINDINGS = os.path.join(SOURCE, "conf", "example-bindings.csv")
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def raise_fd_limit():
    """The soft limit of open files up to the hard one (for tests that hold many sockets)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Provisioning:
    """A running cusax-provisioning: its INI, its stdout+stderr file and its process."""

    def __init__(self, proc, ini, output, stats_file):
        self.proc = proc
        self.ini = ini
        self.output = output
        self.stats_file = stats_file

    def text(self):
        return read(self.output)

    def counters(self):
        """Its counters now (SIGUSR1 makes it write them)."""
        before = read(self.stats_file)
        self.proc.send_signal(signal.SIGUSR1)
        wait_for(lambda: read(self.stats_file) != before and read(self.stats_file).endswith("\n")
                 or self.proc.poll() is not None, 10, "the stats file rewritten")
        return json.loads(read(self.stats_file))["counters"]

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=10):
        return stop_process(self.proc, timeout)


class ProvisioningScenario(Scenario):
    def __init__(self, name):
        super().__init__(name)
        self.https_port = free_port()
        self.tls_dir = os.path.join(self.dir, "tls")
        os.makedirs(self.tls_dir)
        ca_key, self.ca = make_ca(self.tls_dir)
        self.xmpp_key, self.xmpp_cert = make_cert(self.tls_dir, ca_key, self.ca, LOCAL,
                                                  "DNS:" + LOCAL)
        self.key, self.cert = make_cert(self.tls_dir, ca_key, self.ca, "localhost",
                                        "DNS:localhost,IP:127.0.0.1")
        self.provisionings = []

    def __enter__(self):
        # Not the XMPP Scenario's own check: the component is not needed here.
        for tool in (PROVISIONING, CUSAXCTL):
            check(os.access(tool, os.X_OK), f"{tool} is not built")
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            for p in self.provisionings:
                for marker in SANITIZER_MARKERS:
                    if marker in p.text():
                        try:
                            raise AssertionError(f"{p.output}: sanitizer report ({marker})")
                        except AssertionError as e:
                            return self.__exit__(type(e), e, e.__traceback__)
        else:
            for p in self.provisionings:
                print(f"----- {p.output} -----\n{p.text()[-8000:]}", file=sys.stderr)
        return super().__exit__(exc_type, exc, tb)

    # -- Prosody with STARTTLS (the run command's config, mod_tls on, our test certificate) --
    def start_prosody_with_starttls(self):
        cfg = self.write_prosody_config(
            extra_globals=f'ssl = {{ certificate = "{self.xmpp_cert}", key = "{self.xmpp_key}" }}\n')
        text = read(cfg)
        text = text.replace('modules_enabled = { "roster"', 'modules_enabled = { "tls", "roster"', 1)
        text = text.replace('modules_disabled = { "s2s", "http", "tls" }',
                            'modules_disabled = { "s2s", "http" }', 1)
        check('"tls", "roster"' in text and '"http", "tls"' not in text,
              "the generated Prosody config changed shape: enable mod_tls by hand")
        with open(cfg, "w") as f:
            f.write(text)
        self.start_prosody()

    def prosody_checks(self):
        """c2s streams Prosody encrypted so far: one per password check (or client login)."""
        return read(os.path.join(self.dir, "prosody", "prosody.log")).count("Stream encrypted")

    # -- cusax-provisioning --
    def write_provisioning_ini(self, name, keys=None, log=None):
        log_keys = {"level": "info", "format": "text", "stats_dir": self.stats_dir,
                    "stats_interval": "60s"}
        log_keys.update(log or {})
        prov = {"listen": f"127.0.0.1:{self.https_port}", "certificate_file": self.cert,
                "key_file": self.key, "auth_port": str(self.c2s_port), "auth_ca_file": self.ca,
                "xmpp_host": "127.0.0.1", "xmpp_port": str(self.c2s_port)}
        prov.update(keys or {})
        lines = ["[log]"] + [f"{k} = {v}" for k, v in log_keys.items()]
        lines += ["[store]", f"path = {self.store}", "refresh_interval = 250ms"]
        lines += ["[provisioning]"] + [f"{k} = {v}" for k, v in prov.items() if v is not None]
        path = os.path.join(self.dir, name + ".ini")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(path, 0o600)
        return path

    def start_provisioning(self, name="provisioning", keys=None, log=None, wait=True,
                           preexec_fn=None):
        ini = self.write_provisioning_ini(name, keys, log)
        output = os.path.join(self.dir, name + ".out")
        out = open(output, "a")
        proc = subprocess.Popen([PROVISIONING, "-c", ini], stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL, preexec_fn=preexec_fn)
        self.procs.append(proc)
        p = Provisioning(proc, ini, output, os.path.join(self.stats_dir,
                                                         "provisioning.stats.json"))
        self.provisionings.append(p)
        if wait:
            wait_for(lambda: "provisioning.listening" in p.text() or not p.alive(), 20,
                     "cusax-provisioning listening")
            check(p.alive(), "cusax-provisioning exited at start: " + p.text()[-2000:])
        return p

    def example_store(self):
        """conf/example-bindings.csv: alice (admin), bob (directory), carol (unverified)."""
        self.ctl("init")
        self.ctl("import", EXAMPLE_BINDINGS)

    def start_with_users(self, passwords):
        """Prosody with STARTTLS holding {user: password} of LOCAL, and the example store."""
        self.start_prosody_with_starttls()
        for user, password in passwords.items():
            self.register(user, LOCAL, password)
        self.example_store()

    # -- clients --
    def tls_context(self):
        return ssl.create_default_context(cafile=self.ca)

    def connection(self, timeout=30):
        return http.client.HTTPSConnection("localhost", self.https_port, timeout=timeout,
                                           context=self.tls_context())

    def https(self, path, user=None, password=None, headers=None, method="GET", conn=None):
        """One request; returns (status, {header: value}, body as text). With conn, on that
        kept-alive connection."""
        own = conn is None
        conn = conn or self.connection()
        h = dict(headers or {})
        if user is not None:
            h["Authorization"] = "Basic " + base64.b64encode(
                f"{user}:{password}".encode()).decode()
        try:
            conn.request(method, path, headers=h)
            r = conn.getresponse()
            body = r.read().decode("utf-8", "replace")
            return r.status, {k.lower(): v for k, v in r.getheaders()}, body
        finally:
            if own:
                conn.close()

    def curl(self, *args):
        """curl against the service, trusting the test CA; returns (status, body, seconds)."""
        out = subprocess.run(["curl", "-sS", "--cacert", self.ca, "-o", "-", "-w",
                              "\n%{http_code} %{time_total}", *args],
                             capture_output=True, text=True, timeout=60)
        body, _, tail = out.stdout.rpartition("\n")
        status, seconds = tail.split()
        return int(status), body, float(seconds)

    def url(self, path):
        return f"https://localhost:{self.https_port}{path}"


def validate_profile(doc):
    """Validates a profile against provisioning/profile.schema.json (Debian's python3-jsonschema,
    Draft 2020-12)."""
    import jsonschema
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)

