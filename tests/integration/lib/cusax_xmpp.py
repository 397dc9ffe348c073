"""Shared pieces of the XMPP integration scenarios (tests/integration/test_xmpp_*.py).

A Scenario owns a temp dir, free ports on 127.0.0.1, a real Prosody (its config written by
scripts/lib/write-prosody-config, as the run command writes it), a binding store filled with
cusaxctl, the component started with `-c INI`, and slixmpp clients with timeouts of their own
(neither Prosody nor slixmpp times out a query that a component never answers). Every process
it starts is stopped by PID; on failure it prints the logs and keeps its temp dir.

    with Scenario("vcard values") as s:
        s.start_prosody()
        s.register("juliet", LOCAL, "pw")
        s.ctl("add", "sip:alice@" + DOMAIN, "alice@" + LOCAL)
        c = s.start_component()
        c.wait_connected()
        s.client("juliet@" + LOCAL, "pw", some_async_checks)

Environment: CUSAX_BUILD_DIR (the build directory) and CUSAX_SOURCE_DIR (the tree), as ctest
sets them.
"""
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET

from stopping import stop_process  # noqa: F401 (tests import it from here)

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CUSAX_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "../../..")))
BUILD = os.environ.get("CUSAX_BUILD_DIR", os.path.join(SOURCE, "build"))
COMPONENT = os.path.join(BUILD, "xmpp-component", "cusax-xmpp-component")
CUSAXCTL = os.environ.get("CUSAX_CTL", os.path.join(BUILD, "cusaxctl", "cusaxctl"))
WRITE_PROSODY_CONFIG = os.path.join(SOURCE, "scripts", "lib", "write-prosody-config")

DOMAIN = "sip.example.com"      # the component's
LOCAL = "xmpp.example.com"      # the server's users, allowed to search
OTHER = "other.example.com"     # another domain of the same server, not allowed to
SECRET = "component-secret-4b1d9e"
TIMEOUT = 8
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

VT = "{vcard-temp}"
V4 = "{urn:ietf:params:xml:ns:vcard-4.0}"
PUBSUB = "{http://jabber.org/protocol/pubsub}"
REACH = "{urn:xmpp:reach:0}"
XDATA = "{jabber:x:data}"
DISCO_INFO = "{http://jabber.org/protocol/disco#info}"


# ---- small helpers ----

# Ports free_port() handed out in this process: the kernel may give the same port to two binds
# to port 0 in a row once the first socket is closed, and a test whose Prosody got one port for
# both c2s and its component listener failed at start (seen in a CI run).
_ports_handed_out = set()


def free_port():
    """A TCP port free on 127.0.0.1 now and not handed out before by this process."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _ports_handed_out:
            _ports_handed_out.add(port)
            return port
    raise RuntimeError("no free port not handed out already")


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


# ---- the component ----

class Component:
    """A running cusax-xmpp-component: its INI, its stdout+stderr file, its log file (when
    [log] file is set) and its process."""

    def __init__(self, proc, ini, output, log_file, server_handshakes):
        self.proc = proc
        self.ini = ini
        self.output = output
        self.log_file = log_file
        # A log file is flushed at warn and above only (shared/log): info lines such as
        # xmpp.connected may sit in its buffer, so with one the server's log tells instead.
        self.server_handshakes = server_handshakes
        self.handshakes_before = server_handshakes()

    def text(self):
        """Everything the component wrote: stdout/stderr and its log file."""
        return read(self.output) + (read(self.log_file) if self.log_file else "")

    def count(self, needle):
        return self.text().count(needle)

    def events(self, name=None):
        """The JSON log lines (format = json), optionally only those of one event."""
        out = []
        for line in self.text().splitlines():
            line = line.strip()
            if line.startswith("{"):
                record = json.loads(line)
                if name is None or record.get("event") == name:
                    out.append(record)
        return out

    def handshakes(self):
        if self.log_file:
            return self.server_handshakes() - self.handshakes_before
        return self.count("xmpp.connected")

    def wait_connected(self, times=1, seconds=15):
        wait_for(lambda: self.handshakes() >= times or self.proc.poll() is not None,
                 seconds, f"component handshake #{times}")
        check(self.proc.poll() is None, f"component exited with {self.proc.returncode}")

    def stop(self, timeout=10):
        return stop_process(self.proc, timeout)


# ---- the scenario ----

class Scenario:
    def __init__(self, name):
        self.name = name
        self.dir = tempfile.mkdtemp(prefix="cusax-xmpp-it-")
        self.c2s_port = free_port()
        self.component_port = free_port()
        self.store = os.path.join(self.dir, "bindings.sqlite")
        # The [store] section of every INI written here (a test may put another store here
        # before it writes INIs, e.g. lib/shared_store.py's).
        self.store_section = ["[store]", f"path = {self.store}", "refresh_interval = 250ms"]
        self.stats_dir = os.path.join(self.dir, "stats")
        os.makedirs(self.stats_dir)
        self.secret_file = os.path.join(self.dir, "component.secret")
        with open(self.secret_file, "w") as f:
            f.write(SECRET)
        os.chmod(self.secret_file, 0o600)
        self.prosody = None
        self.prosody_cfg = None
        self.procs = []
        self.components = []
        self.ctl_ini = self.write_ini("ctl")

    # -- context manager: stop everything, keep the evidence of a failure --
    def __enter__(self):
        for tool in (COMPONENT, CUSAXCTL):
            check(os.access(tool, os.X_OK), f"{tool} is not built")
        return self

    def __exit__(self, exc_type, exc, tb):
        for p in reversed(self.procs):
            stop_process(p, 5)
        if exc_type is None:
            # A Sanitize build reports to stderr; UBSan does not change the exit status.
            for c in self.components:
                for marker in SANITIZER_MARKERS:
                    if marker in read(c.output):
                        try:
                            raise AssertionError(f"{c.output}: sanitizer report ({marker})")
                        except AssertionError as e:
                            return self.__exit__(type(e), e, e.__traceback__)
            shutil.rmtree(self.dir, ignore_errors=True)
            print(f"PASS: {self.name}")
            return False
        traceback.print_exception(exc_type, exc, tb)
        for c in self.components:
            print(f"----- {c.output} -----\n{read(c.output)[-6000:]}", file=sys.stderr)
            if c.log_file:
                print(f"----- {c.log_file} -----\n{read(c.log_file)[-6000:]}", file=sys.stderr)
        for name in ("prosody/prosody.log", "prosody/stdout.log"):
            print(f"----- {name} -----\n{read(os.path.join(self.dir, name))[-4000:]}",
                  file=sys.stderr)
        print(f"FAIL: {self.name} (kept {self.dir})", file=sys.stderr)
        sys.exit(1)

    # -- Prosody --
    def write_prosody_config(self, extra_globals="", extra_hosts=f'VirtualHost "{OTHER}"\n'):
        """The run command's Prosody config, plus global options (inserted before the first
        host) and hosts of this scenario."""
        out = subprocess.run([WRITE_PROSODY_CONFIG, os.path.join(self.dir, "prosody"),
                              str(self.c2s_port), str(self.component_port), LOCAL, DOMAIN,
                              self.secret_file], check=True, capture_output=True, text=True)
        cfg = out.stdout.strip()
        text = read(cfg)
        first_host = text.index("VirtualHost")
        text = text[:first_host] + extra_globals + "\n" + text[first_host:] + "\n" + extra_hosts
        with open(cfg, "w") as f:
            f.write(text)
        self.prosody_cfg = cfg
        return cfg

    def start_prosody_with_tls(self):
        """Prosody with a direct-TLS listener for the component too (mod_net_multiplex's
        ssl_ports hands a jabber:component:accept stream to the component service: Prosody
        0.12's component_ports speak plain TCP only), its certificate for LOCAL signed by a CA
        made here. Returns (the TLS port, the signing CA's PEM, another CA's PEM)."""
        from test_certs import make_ca, make_cert  # only the TLS tests need openssl
        certs = os.path.join(self.dir, "tls")
        os.makedirs(certs)
        ca_key, ca_pem = make_ca(certs, "cusax-test-ca")
        _, other_ca = make_ca(certs, "another-ca")
        key, pem = make_cert(certs, ca_key, ca_pem, LOCAL)
        tls_port = free_port()
        self.write_prosody_config(extra_globals=f"""
ssl = {{ certificate = "{pem}", key = "{key}" }}
-- mod_net_multiplex: direct TLS on ssl_ports, routed by the stream's namespace
modules_enabled = {{ "roster", "saslauth", "disco", "ping", "pep", "presence", "net_multiplex" }}
ssl_ports = {{ {tls_port} }}
ports = {{}}
""")
        self.tls_port = tls_port
        self.start_prosody()
        return tls_port, ca_pem, other_ca

    def enable_vcard_delegation(self):
        """XEP-0355: the LOCAL VirtualHost delegates vcard-temp to the component (Prosody's
        mod_delegation from Debian's prosody-modules), as conf/prosody-delegation.cfg.lua
        says. Call after write_prosody_config, before start_prosody."""
        text = read(self.prosody_cfg)
        line = next(l for l in text.splitlines() if l.startswith("modules_enabled = {"))
        text = text.replace(line, line.replace("{", '{ "delegation",', 1), 1)
        host = f'VirtualHost "{LOCAL}"\n'
        check(host in text, "the generated config declares " + LOCAL)
        text = text.replace(host, host + f'    delegations = {{ ["vcard-temp"] = {{ jid = '
                                         f'"{DOMAIN}" }} }}\n', 1)
        component = f'Component "{DOMAIN}"\n'
        check(component in text, "the generated config declares " + DOMAIN)
        text = text.replace(component, component + '    modules_enabled = { "delegation" }\n', 1)
        with open(self.prosody_cfg, "w") as f:
            f.write(text)

    def enable_pubsub_privilege(self):
        """XEP-0356: the LOCAL VirtualHost grants the component privileged pubsub iqs (get and
        set) as any of its users (Prosody's mod_privilege from Debian's prosody-modules), as
        conf/prosody-privilege.cfg.lua says. Call after write_prosody_config (and after
        enable_vcard_delegation when both), before start_prosody."""
        text = read(self.prosody_cfg)
        line = next(l for l in text.splitlines() if l.startswith("modules_enabled = {"))
        text = text.replace(line, line.replace("{", '{ "privilege",', 1), 1)
        host = f'VirtualHost "{LOCAL}"\n'
        check(host in text, "the generated config declares " + LOCAL)
        text = text.replace(host, host + f'    privileged_entities = {{ ["{DOMAIN}"] = {{ iq = '
                                         '{ ["http://jabber.org/protocol/pubsub"] = "both" } '
                                         '} }\n', 1)
        component = f'Component "{DOMAIN}"\n'
        check(component in text, "the generated config declares " + DOMAIN)
        delegation = component + '    modules_enabled = { "delegation" }\n'
        if delegation in text:
            text = text.replace(delegation, component + '    modules_enabled = { "delegation", '
                                '"privilege" }\n', 1)
        else:
            text = text.replace(component, component + '    modules_enabled = { "privilege" }\n',
                                1)
        with open(self.prosody_cfg, "w") as f:
            f.write(text)

    def start_prosody(self, wait_ports=None):
        if not self.prosody_cfg:
            self.write_prosody_config()
        out = open(os.path.join(self.dir, "prosody", "stdout.log"), "a")
        self.prosody = subprocess.Popen(["prosody", "--config", self.prosody_cfg, "-F"],
                                        stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(self.prosody)
        ports = wait_ports or (self.c2s_port, self.component_port) + (
            (self.tls_port,) if getattr(self, "tls_port", None) else ())
        wait_for(lambda: all(port_open(p) for p in ports) or self.prosody.poll() is not None,
                 20, "Prosody listening")
        check(self.prosody.poll() is None, "Prosody exited at start")

    def stop_prosody(self):
        rc = stop_process(self.prosody, 10)
        self.procs.remove(self.prosody)
        self.prosody = None
        return rc

    def server_handshakes(self):
        """Component handshakes Prosody accepted so far (its log survives its restarts)."""
        log = read(os.path.join(self.dir, "prosody", "prosody.log"))
        return log.count("External component successfully authenticated")

    def register(self, user, host, password):
        subprocess.run(["prosodyctl", "--config", self.prosody_cfg, "register", user, host,
                        password], check=True, capture_output=True)

    # -- store --
    def ctl(self, *args, check_ok=True):
        r = subprocess.run([CUSAXCTL, "-c", self.ctl_ini, *args], capture_output=True,
                           text=True)
        if check_ok and r.returncode != 0:
            raise AssertionError(f"cusaxctl {' '.join(args)}: exit {r.returncode}: {r.stderr}")
        return r

    def example_bindings(self):
        """alice: verified, a video number; bob: another SIP host, unverified, a local number
        without video."""
        self.ctl("init")
        self.ctl("add", "sip:alice@" + DOMAIN, "alice@" + LOCAL, "--name", "Alice Liddell",
                 "--number", "+4930123456:video", "--verified", "admin")
        self.ctl("add", "sip:bob@pbx.example.org", "bob@" + LOCAL, "--number", "1234")

    # -- component --
    def write_ini(self, name, secret=SECRET, log=None, component=None):
        """An INI file for cusaxctl and the component. log and component: extra keys of the
        [log] and [xmpp-component] sections (dicts), overriding the defaults below."""
        log_keys = {"level": "info", "format": "text", "stats_dir": self.stats_dir,
                    "stats_interval": "60s"}
        log_keys.update(log or {})
        xmpp_keys = {"server_host": "127.0.0.1", "server_port": str(self.component_port),
                     "domain": DOMAIN, "secret": secret, "local_domains": LOCAL,
                     "reconnect_min": "200ms", "reconnect_max": "1s"}
        xmpp_keys.update(component or {})
        lines = ["[log]"] + [f"{k} = {v}" for k, v in log_keys.items()]
        lines += self.store_section
        lines += ["[xmpp-component]"] + [f"{k} = {v}" for k, v in xmpp_keys.items()]
        path = os.path.join(self.dir, name + ".ini")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(path, 0o600)
        return path

    def start_component(self, name="component", secret=SECRET, log=None, component=None):
        ini = self.write_ini(name, secret, log, component)
        output = os.path.join(self.dir, name + ".out")
        out = open(output, "a")
        proc = subprocess.Popen([COMPONENT, "-c", ini], stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL)
        self.procs.append(proc)
        c = Component(proc, ini, output, (log or {}).get("file"), self.server_handshakes)
        self.components.append(c)
        return c

    def start_with_vcard_delegation(self, users=("alice",)):
        """Prosody delegating vcard-temp to the component, USERS registered (password pw-USER)
        and the example bindings stored."""
        self.write_prosody_config()
        self.enable_vcard_delegation()
        self.start_prosody()
        for user in users:
            self.register(user, LOCAL, "pw-" + user)
        self.example_bindings()

    def start_delegated_component(self, component, name="component", log=None):
        """A component whose [xmpp-component] keys are COMPONENT (a vcard_store among them),
        counting its queries every 100 ms, once Prosody has advertised the delegation to it."""
        c = self.start_component(name=name, log={"stats_interval": "100ms", **(log or {})},
                                 component=component)
        c.wait_connected()
        wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                 "Prosody advertising the delegation")
        return c

    # -- clients --
    def client(self, jid, password, body):
        """Logs in as jid (plain c2s on 127.0.0.1), runs `await body(client)`, logs out;
        returns what body returned."""
        return asyncio.run(client_session(self.c2s_port, jid, password, body))


# ---- the client side ----

async def client_session(c2s_port, jid, password, body):
    import slixmpp  # Debian's python3-slixmpp, for /usr/bin/python3
    client = slixmpp.ClientXMPP(jid, password)
    started = asyncio.get_running_loop().create_future()
    client.add_event_handler("session_start",
                             lambda _: started.done() or started.set_result(True))
    client.add_event_handler("failed_auth",
                             lambda _: started.done() or started.set_exception(
                                 AssertionError("login failed for " + jid)))
    client.connect(("127.0.0.1", c2s_port), use_ssl=False, force_starttls=False,
                   disable_starttls=True)
    try:
        await asyncio.wait_for(started, TIMEOUT)
        return await body(client)
    finally:
        client.disconnect()
        try:
            await asyncio.wait_for(client.disconnected, 5)
        except asyncio.TimeoutError:
            pass


async def query(client, to, payload, itype="get", timeout=TIMEOUT):
    """Sends an iq carrying payload (wire text); returns the answer's payload element (the iq
    itself when it has none), the stanza error condition as a string, or "TIMEOUT"."""
    from slixmpp.exceptions import IqError, IqTimeout
    iq = client.Iq()
    iq["type"] = itype
    iq["to"] = to
    iq.xml.append(ET.fromstring(payload))
    try:
        resp = await iq.send(timeout=timeout)
    except IqError as e:
        return e.iq["error"]["condition"]
    except IqTimeout:
        return "TIMEOUT"
    children = list(resp.xml)
    return children[0] if children else resp.xml


async def set_vcard(client, vcard, to=None):
    """Sends a vcard-temp set (vcard: an Element) to `to` (None: one's own, no `to`); returns
    "ok", (condition, text) or "TIMEOUT"."""
    from slixmpp.exceptions import IqError, IqTimeout
    iq = client.Iq()
    iq["type"] = "set"
    if to:
        iq["to"] = to
    iq.xml.append(vcard)
    try:
        await iq.send(timeout=TIMEOUT)
        return "ok"
    except IqError as e:
        return (e.iq["error"]["condition"], e.iq["error"]["text"])
    except IqTimeout:
        return "TIMEOUT"


async def fetch_vcard(client, jid):
    """jid's vcard-temp (an Element); fails the test on an error or no answer."""
    v = await query(client, jid, "<vCard xmlns='vcard-temp'/>")
    check(not isinstance(v, str), f"vCard of {jid}: {v}")
    return v


def vcard_tels(vcard):
    """{NUMBER: {TYPE, ...}} of a vcard-temp."""
    out = {}
    for tel in vcard.findall(VT + "TEL"):
        number = tel.findtext(VT + "NUMBER")
        out[number] = {c.tag.replace(VT, "") for c in tel if c.tag != VT + "NUMBER"}
    return out


def nick_vcard(fetched, n):
    """A fetched vcard-temp with its NICKNAME replaced by nick-N: a set as a client makes it
    (the rest, such as the SIP address vcard_guard keeps, as fetched)."""
    v = ET.fromstring(ET.tostring(fetched))
    for old in v.findall(VT + "NICKNAME"):
        v.remove(old)
    ET.SubElement(v, VT + "NICKNAME").text = "nick-%d" % n
    return v

async def logged_in_with_own_vcard(c2s_port, jid, password):
    """A client session of jid (xmpp_flow.Session) and the vcard-temp it fetched of itself: what
    the sets of a test start from (nick_vcard)."""
    from xmpp_flow import Session
    session = await Session.open(c2s_port, jid, password)
    check(session is not None, jid + " could not log in")
    fetched_as, fetched = await session.iq("<vCard xmlns='vcard-temp'/>", to=jid)
    check(fetched_as == "answered", jid + "'s vCard fetch: " + fetched_as)
    return session, fetched


def vcard_queries_taken(component):
    """vCard requests the component has taken so far, from its latest stats line (started with
    a short [log] stats_interval: Scenario.start_delegated_component)."""
    counts = re.findall(r" stats .*?xmpp\.queries\.vcard=(\d+)", component.text())
    return int(counts[-1]) if counts else 0


def stored_vcard_text(vcards, jid):
    """The vCard a SQLite vCard store holds for jid, as stored, or None."""
    db = sqlite3.connect("file:%s?mode=ro" % vcards, uri=True)
    try:
        row = db.execute("SELECT vcard FROM vcards WHERE jid = ?", (jid,)).fetchone()
    finally:
        db.close()
    return row[0] if row else None


def stored_nick(vcards, jid):
    """The NICKNAME of jid's vCard in a SQLite vCard store, or None."""
    text = stored_vcard_text(vcards, jid)
    found = re.search(r"<NICKNAME>([^<]*)</NICKNAME>", text) if text else None
    return found.group(1) if found else None


def search_form(var, value):
    return (f"<query xmlns='jabber:iq:search'><x xmlns='jabber:x:data' type='submit'>"
            f"<field var='FORM_TYPE' type='hidden'><value>jabber:iq:search</value></field>"
            f"<field var='{var}'><value>{value}</value></field></x></query>")


def search_items(result):
    return [{f.get("var"): f.findtext(XDATA + "value") for f in item}
            for item in result.iter(XDATA + "item")]


def features(disco_result):
    return {f.get("var") for f in disco_result if f.tag == DISCO_INFO + "feature"}


async def vcard_fn(client, jid):
    v = await query(client, jid, "<vCard xmlns='vcard-temp'/>")
    return v if isinstance(v, str) else v.findtext(VT + "FN")


async def wait_in_log(component, needle, seconds=TIMEOUT):
    """Waits, with a bound, for needle to appear in what the component wrote."""
    deadline = time.monotonic() + seconds
    while needle not in component.text():
        check(time.monotonic() < deadline, f"timed out waiting for {needle!r} in the log")
        await asyncio.sleep(0.05)


class QueriesThroughout:
    """`async with QueriesThroughout(client, jid) as q:` asks for jid's vCard FN again and again
    in the background while the block runs; q.answers is what came back, in order. Entering
    waits for a first answer, leaving (without an exception) for three more, so that whatever
    the block sent is followed by answered queries."""

    def __init__(self, client, jid):
        self.client = client
        self.jid = jid
        self.answers = []
        self._stop = asyncio.Event()
        self._task = None

    async def _ask(self):
        while not self._stop.is_set():
            self.answers.append(await vcard_fn(self.client, self.jid))
            await asyncio.sleep(0.02)

    async def _wait_for(self, count, seconds, what):
        deadline = time.monotonic() + seconds
        while len(self.answers) < count:
            check(time.monotonic() < deadline and not self._task.done(), what)
            await asyncio.sleep(0.05)

    async def __aenter__(self):
        self._task = asyncio.create_task(self._ask())
        await self._wait_for(1, TIMEOUT, f"no first answer about {self.jid}")
        return self

    async def __aexit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                await self._wait_for(len(self.answers) + 3, 3 * TIMEOUT,
                                     f"the queries about {self.jid} stopped being answered")
        finally:
            self._stop.set()
            await self._task
        return False
