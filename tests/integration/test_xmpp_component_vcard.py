#!/usr/bin/python3
"""cusax-xmpp-component through a real Prosody, queried by a real client (slixmpp).

Starts Prosody on 127.0.0.1 (free ports, a config of its own in a temp dir), registers users,
fills a binding store with cusaxctl, starts the component, and checks the values that come back
through the server: vCard TEL / VIDEO / JABBERID present or absent as the bindings say, vCard4
via PEP, disco, reach after a subscription, searches by number and by SIP URI (refused for
another domain and past the rate limit), an unknown account, a refused vCard set; then a Prosody
restart (the component reconnects and answers again), a cusaxctl change seen within a second, a
wrong secret (one clear error, back-off, secret never logged) and SIGTERM (clean close, exit 0).

Environment: CUSAX_BUILD_DIR (the build directory). Keeps its temp dir and prints the logs when
it fails. Every process it starts is stopped by PID.
"""
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout

BUILD = os.environ.get("CUSAX_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
COMPONENT = os.path.join(BUILD, "xmpp-component", "cusax-xmpp-component")
CUSAXCTL = os.path.join(BUILD, "cusaxctl", "cusaxctl")
DOMAIN = "sip.example.com"
LOCAL = "xmpp.example.com"
OTHER = "other.example.com"
SECRET = "component-secret-4b1d"
SEARCH_BURST = 4
TIMEOUT = 8  # neither Prosody nor slixmpp times out a query the component never answers

VT = "{vcard-temp}"
V4 = "{urn:ietf:params:xml:ns:vcard-4.0}"
PUBSUB = "{http://jabber.org/protocol/pubsub}"
REACH = "{urn:xmpp:reach:0}"
XDATA = "{jabber:x:data}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Harness:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cusax-xmpp-it-")
        self.c2s = free_port()
        self.component_port = free_port()
        self.store = os.path.join(self.dir, "bindings.db")
        self.procs = []
        self.prosody = None
        self.component = None
        self.component_log = os.path.join(self.dir, "component.log")

    # ---- Prosody ----
    def write_prosody_config(self):
        cfg = os.path.join(self.dir, "prosody.cfg.lua")
        data = os.path.join(self.dir, "data")
        os.makedirs(data, exist_ok=True)
        with open(cfg, "w") as f:
            f.write(f"""
run_as_root = true
pidfile = "{self.dir}/prosody.pid"
data_path = "{data}"
log = {{ info = "{self.dir}/prosody.log" }}
interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {self.c2s} }}
c2s_direct_tls_ports = {{}}
legacy_ssl_ports = {{}}
s2s_ports = {{}}
component_ports = {{ {self.component_port} }}
component_interface = "127.0.0.1"
http_ports = {{}}
https_ports = {{}}
modules_enabled = {{ "roster", "saslauth", "disco", "ping", "presence" }}
modules_disabled = {{ "s2s", "tls" }}
authentication = "internal_plain"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
-- no c2s rate limits: a test measures the component, not the limiter
limits = {{}}
VirtualHost "{LOCAL}"
VirtualHost "{OTHER}"
Component "{DOMAIN}"
    component_secret = "{SECRET}"
""")
        return cfg

    def start_prosody(self):
        self.prosody_cfg = getattr(self, "prosody_cfg", None) or self.write_prosody_config()
        out = open(os.path.join(self.dir, "prosody.out"), "a")
        self.prosody = subprocess.Popen(["prosody", "--config", self.prosody_cfg, "-F"],
                                        stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(self.prosody)
        wait_for(lambda: port_open(self.c2s) and port_open(self.component_port), 15,
                 "Prosody listening")

    def register(self, user, host, password):
        subprocess.run(["prosodyctl", "--config", self.prosody_cfg, "register", user, host,
                        password], check=True, capture_output=True)

    # ---- store and component ----
    def ctl(self, *args):
        subprocess.run([CUSAXCTL, "--store", self.store, *args], check=True,
                       capture_output=True)

    def start_component(self, secret=SECRET, log=None, extra=""):
        ini = os.path.join(self.dir, "cusax-" + str(len(self.procs)) + ".ini")
        with open(ini, "w") as f:
            f.write(f"""[log]
level = info
stats_dir = {self.dir}
[store]
path = {self.store}
refresh_interval = 250ms
[xmpp-component]
server_host = 127.0.0.1
server_port = {self.component_port}
domain = {DOMAIN}
secret = {secret}
local_domains = {LOCAL}
search_rate = 0.001
search_burst = {SEARCH_BURST}
reconnect_min = 200ms
reconnect_max = 1s
{extra}""")
        os.chmod(ini, 0o600)
        out = open(log or self.component_log, "a")
        proc = subprocess.Popen([COMPONENT, "-c", ini], stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def connected_count(self):
        return read(self.component_log).count("xmpp.connected")

    def stop_all(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


# ---- the client side ----

async def client_session(harness, jid, password, body):
    client = slixmpp.ClientXMPP(jid, password)
    started = asyncio.get_running_loop().create_future()
    client.add_event_handler("session_start",
                             lambda _: started.done() or started.set_result(True))
    client.add_event_handler("failed_auth",
                             lambda _: started.done() or started.set_exception(
                                 AssertionError("login failed for " + jid)))
    client.connect(("127.0.0.1", harness.c2s), use_ssl=False, force_starttls=False,
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


async def query(client, to, payload, itype="get"):
    """Sends an iq with the payload; returns the answer's payload element, or the stanza
    error condition as a string."""
    iq = client.Iq()
    iq["type"] = itype
    iq["to"] = to
    iq.xml.append(ET.fromstring(payload))
    try:
        resp = await iq.send(timeout=TIMEOUT)
    except IqError as e:
        return e.iq["error"]["condition"]
    except IqTimeout:
        return "TIMEOUT"
    children = list(resp.xml)
    return children[0] if children else resp.xml


def tels(vcard):
    out = {}
    for tel in vcard.findall(VT + "TEL"):
        number = tel.findtext(VT + "NUMBER")
        out[number] = {c.tag.replace(VT, "") for c in tel if c.tag != VT + "NUMBER"}
    return out


def search_form(var, value):
    return (f"<query xmlns='jabber:iq:search'><x xmlns='jabber:x:data' type='submit'>"
            f"<field var='FORM_TYPE' type='hidden'><value>jabber:iq:search</value></field>"
            f"<field var='{var}'><value>{value}</value></field></x></query>")


def search_items(result):
    items = []
    for item in result.iter(XDATA + "item"):
        items.append({f.get("var"): f.findtext(XDATA + "value") for f in item})
    return items


async def juliet_checks(client):
    # vcard-temp of a verified binding with a video number.
    v = await query(client, "alice@" + DOMAIN, "<vCard xmlns='vcard-temp'/>")
    check(not isinstance(v, str), f"alice vCard: {v}")
    check(v.findtext(VT + "FN") == "Alice Liddell", "alice FN")
    t = tels(v)
    check(t == {"sip:alice@" + DOMAIN: {"VOICE", "VIDEO"}, "+4930123456": {"VOICE", "VIDEO"}},
          f"alice TEL: {t}")
    check(v.findtext(VT + "JABBERID") == "alice@" + LOCAL, "alice JABBERID")

    # An unverified binding on another SIP host: no JABBERID, no VIDEO.
    v = await query(client, "bob\\40pbx.example.org@" + DOMAIN, "<vCard xmlns='vcard-temp'/>")
    check(not isinstance(v, str), f"bob vCard: {v}")
    check(tels(v) == {"sip:bob@pbx.example.org": {"VOICE"}, "1234": {"VOICE"}},
          f"bob TEL: {tels(v)}")
    check(v.find(VT + "JABBERID") is None, "bob must have no JABBERID (unverified)")

    # vCard4 through PEP items.
    r = await query(client, "alice@" + DOMAIN,
                    "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    "<items node='urn:xmpp:vcard4'/></pubsub>")
    check(not isinstance(r, str), f"vcard4: {r}")
    card = r.find(f"{PUBSUB}items/{PUBSUB}item/{V4}vcard")
    check(card is not None, "vcard4 item")
    uris = [t.findtext(V4 + "uri") for t in card.findall(V4 + "tel")]
    check(uris == ["sip:alice@" + DOMAIN, "tel:+4930123456"], f"vcard4 tel: {uris}")
    check(card.findtext(f"{V4}impp/{V4}uri") == "xmpp:alice@" + LOCAL, "vcard4 impp")

    # Reach through PEP items.
    r = await query(client, "alice@" + DOMAIN,
                    "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    "<items node='urn:xmpp:reach:0'/></pubsub>")
    addrs = [a.get("uri") for a in r.iter(REACH + "addr")]
    check(addrs == ["sip:alice@" + DOMAIN, "tel:+4930123456"], f"reach items: {addrs}")

    # Disco of the domain and of an account.
    r = await query(client, DOMAIN, "<query xmlns='http://jabber.org/protocol/disco#info'/>")
    features = {f.get("var") for f in r if f.tag.endswith("feature")}
    check({"jabber:iq:search", "vcard-temp"} <= features, f"domain features: {features}")
    r = await query(client, "alice@" + DOMAIN,
                    "<query xmlns='http://jabber.org/protocol/disco#info'/>")
    features = {f.get("var") for f in r if f.tag.endswith("feature")}
    check({"urn:xmpp:vcard4", "urn:xmpp:reach:0", "vcard-temp"} <= features,
          f"account features: {features}")

    # Errors.
    r = await query(client, "nobody@" + DOMAIN, "<vCard xmlns='vcard-temp'/>")
    check(r == "service-unavailable", f"unknown account: {r}")
    r = await query(client, "alice@" + DOMAIN,
                    "<vCard xmlns='vcard-temp'><FN>Mallory</FN></vCard>", itype="set")
    check(r == "not-allowed", f"vCard set: {r}")

    # Searches: by number in a usual spelling, by SIP URI (SEARCH_BURST allowed, then refused).
    r = await query(client, DOMAIN, search_form("number", "+49 30 123-456"), "set")
    items = search_items(r)
    check(items == [{"jid": "alice@" + DOMAIN, "sip": "sip:alice@" + DOMAIN,
                     "name": "Alice Liddell", "xmpp": "alice@" + LOCAL}],
          f"search by number: {items} {ET.tostring(r)}")
    r = await query(client, DOMAIN, search_form("sip", "sip:bob@pbx.example.org"), "set")
    items = search_items(r)
    check(len(items) == 1 and "xmpp" not in items[0]
          and items[0]["jid"] == "bob\\40pbx.example.org@" + DOMAIN,
          f"search by SIP URI (unverified, no JID): {items}")
    for i in range(SEARCH_BURST - 2):
        r = await query(client, DOMAIN, search_form("number", "1234"), "set")
        check(not isinstance(r, str), f"search {i + 3}: {r}")
    r = await query(client, DOMAIN, search_form("number", "1234"), "set")
    check(r == "resource-constraint", f"search past the rate limit: {r}")

    # Reach by presence: a subscription is approved and followed by presence with <reach/>.
    reach = asyncio.get_running_loop().create_future()

    def on_presence(p):
        found = p.xml.find(REACH + "reach")
        if p["from"].bare == "alice@" + DOMAIN and found is not None and not reach.done():
            reach.set_result([a.get("uri") for a in found])

    client.add_event_handler("presence", on_presence)
    client.send_presence()
    client.send_presence(pto="alice@" + DOMAIN, ptype="subscribe")
    addrs = await asyncio.wait_for(reach, TIMEOUT)
    check(addrs == ["sip:alice@" + DOMAIN, "tel:+4930123456"], f"reach presence: {addrs}")


async def vcard_fn(client, jid):
    v = await query(client, jid, "<vCard xmlns='vcard-temp'/>")
    return v if isinstance(v, str) else v.findtext(VT + "FN")


async def eve_checks(client):
    r = await query(client, DOMAIN, search_form("number", "+4930123456"), "set")
    check(r == "forbidden", f"search from another domain: {r}")


def main():
    for tool in (COMPONENT, CUSAXCTL):
        check(os.access(tool, os.X_OK), f"{tool} not built")
    h = Harness()
    ok = False
    try:
        h.start_prosody()
        h.register("juliet", LOCAL, "pw-juliet")
        h.register("eve", OTHER, "pw-eve")
        h.ctl("init")
        h.ctl("add", "sip:alice@" + DOMAIN, "alice@" + LOCAL, "--name", "Alice Liddell",
              "--number", "+4930123456:video", "--verified", "admin")
        h.ctl("add", "sip:bob@pbx.example.org", "bob@" + LOCAL, "--number", "1234")

        component = h.start_component()
        wait_for(lambda: h.connected_count() >= 1, 10, "component connected")

        asyncio.run(client_session(h, "juliet@" + LOCAL, "pw-juliet", juliet_checks))
        asyncio.run(client_session(h, "eve@" + OTHER, "pw-eve", eve_checks))
        print("ok: vCard, vCard4, reach, disco, search, errors")

        # Prosody restarts: the component reconnects and answers again.
        h.prosody.send_signal(signal.SIGTERM)
        h.prosody.wait(10)
        h.start_prosody()
        wait_for(lambda: h.connected_count() >= 2, 15, "component reconnected")
        fn = asyncio.run(client_session(h, "juliet@" + LOCAL, "pw-juliet",
                                        lambda c: vcard_fn(c, "alice@" + DOMAIN)))
        check(fn == "Alice Liddell", f"after reconnect: {fn}")
        print("ok: reconnect after a Prosody restart")

        # A cusaxctl change is answered within a second.
        h.ctl("add", "sip:dave@" + DOMAIN, "dave@" + LOCAL, "--name", "Dave")
        changed = time.monotonic()

        async def poll_dave(c):
            while time.monotonic() - changed < 3:
                fn = await vcard_fn(c, "dave@" + DOMAIN)
                if fn == "Dave":
                    return time.monotonic() - changed
                await asyncio.sleep(0.05)
            return None

        seen_after = asyncio.run(client_session(h, "juliet@" + LOCAL, "pw-juliet", poll_dave))
        check(seen_after is not None and seen_after < 1.0 + 0.5,
              f"cusaxctl change seen after {seen_after}s")
        print(f"ok: cusaxctl change answered after {seen_after:.2f}s")

        # A wrong secret: one clear error per attempt, growing back-off, secret never logged.
        bad_log = os.path.join(h.dir, "component-bad.log")
        bad = h.start_component(secret="wrong-secret-77f0", log=bad_log)
        wait_for(lambda: read(bad_log).count("xmpp.disconnected") >= 3, 10, "wrong-secret retries")
        bad.send_signal(signal.SIGTERM)
        check(bad.wait(5) == 0, "wrong-secret component exit status")
        text = read(bad_log)
        check("not-authorized" in text and "check the component secret" in text,
              "wrong secret: clear error")
        check("wrong-secret-77f0" not in text and SECRET not in text, "secret in the log")
        check("xmpp.connected" not in text, "wrong secret must not connect")
        print("ok: wrong secret refused with a clear error and back-off")

        # SIGTERM: clean close, exit 0.
        component.send_signal(signal.SIGTERM)
        rc = component.wait(5)
        check(rc == 0, f"component exit status {rc}")
        check("component stream closed" in read(h.component_log), "clean close logged")
        print("ok: SIGTERM closes the stream and exits 0")
        ok = True
    finally:
        h.stop_all()
        if ok:
            shutil.rmtree(h.dir, ignore_errors=True)
        else:
            for name in ("component.log", "component-bad.log", "prosody.log", "prosody.out"):
                print(f"----- {name} -----\n{read(os.path.join(h.dir, name))[-6000:]}",
                      file=sys.stderr)
            print(f"kept {h.dir}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
