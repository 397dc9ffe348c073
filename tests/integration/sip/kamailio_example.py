"""Runs the operator's example conf/kamailio-cusax.cfg as written, on a test's own ports.

Only the #!define lines of ports and paths, the ports of the listen lines and children change
(one worker per socket, so a 180 never overtakes its 200). The example listens on two ports,
each over UDP and TCP: the main one (kamailio_port: phones, callees, in-dialog requests) and
the one only cusax sends to (from_cusax_port: what cusax's next_hop names; pass 2 is a request
there from cusax's address). The file is checked with `kamailio -c` first; the process is
started in the foreground (-DD) so that stopping it by its PID stops its workers. run() starts
Kamailio the same way on a test's own config file.
"""
import os
import re
import shutil
import socket
import subprocess
import time

import sipkit

SOURCE = os.environ.get("CUSAX_SOURCE_DIR", os.path.join(sipkit.HERE, "../../.."))
EXAMPLE = os.path.join(SOURCE, "conf", "kamailio-cusax.cfg")
# The ports the example's listen lines use, as shipped.
MAIN_PORT, FROM_CUSAX_PORT = 5060, 5062


class ChainPorts:
    """The ports of a test of the example's chain: Kamailio's main port and the one only cusax
    sends to, cusax's, a caller on 127.0.0.1 and a callee on 127.0.0.2."""

    def __init__(self):
        self.kamailio, self.from_cusax, self.cusax = (sipkit.free_port(), sipkit.free_port(),
                                                      sipkit.free_port())
        self.caller = sipkit.free_port()
        self.callee = sipkit.free_port("127.0.0.2")


def start_proxy_behind(s, ports, **settings):
    """cusax-sip-proxy as the example expects it: on ports.cusax, its next hop the port only it
    sends to, Kamailio's address trusted, example.com local; `settings` add or replace keys."""
    s.start_proxy(dict({"listen": "sip:127.0.0.1:%d" % ports.cusax,
                        "next_hop": "sip:127.0.0.1:%d" % ports.from_cusax,
                        "trusted_peers": "127.0.0.1", "local_domains": "example.com"},
                       **settings))


def start_chain(s, ports, **settings):
    """The example's whole chain on `ports`: cusax behind Kamailio (start_proxy_behind, with
    `settings`), then Kamailio with its callee on 127.0.0.2; ends the scenario at once when
    either did not start. Returns Kamailio's Popen."""
    start_proxy_behind(s, ports, **settings)
    proc = start(s, ports.kamailio, ports.cusax, "127.0.0.2", ports.callee,
                 from_cusax_port=ports.from_cusax)
    if s.failures:
        s.finish("")
    return proc


def skip_unless_installed():
    sipkit.skip_unless(shutil.which("kamailio"), "kamailio not installed")


def listen_lines(port):
    """The example's listen lines on PORT (UDP and TCP on 127.0.0.1), as a pattern."""
    return r"(?m)^(listen=(?:udp|tcp):127\.0\.0\.1:)%d$" % port


def write_config(s, kamailio_port, from_cusax_port, cusax_port, callee_host, callee_port,
                 extra=()):
    """The example with this test's ports; `extra`: more (pattern, line) substitutions, each
    made once."""
    cfg = open(EXAMPLE).read()
    substitutions = [(pattern, value, 1) for pattern, value in extra] + [
        (r"(?m)^#!define CUSAX_URI .*$", '#!define CUSAX_URI "sip:127.0.0.1:%d"' % cusax_port, 1),
        (r"(?m)^#!define MAIN_SOCKET .*$",
         '#!define MAIN_SOCKET "udp:127.0.0.1:%d"' % kamailio_port, 1),
        (r"(?m)^#!define FROM_CUSAX_PORT .*$", "#!define FROM_CUSAX_PORT %d" % from_cusax_port,
         1),
        (r"(?m)^#!define CALLEE_URI .*$",
         '#!define CALLEE_URI "sip:%s:%d"' % (callee_host, callee_port), 1),
        (listen_lines(MAIN_PORT), r"\g<1>%d" % kamailio_port, 2),
        (listen_lines(FROM_CUSAX_PORT), r"\g<1>%d" % from_cusax_port, 2),
        (r"(?m)^children=.*$", "children=1", 1)]
    for pattern, value, count in substitutions:
        cfg, n = re.subn(pattern, value, cfg)
        s.check(n == count, "example config: %s found %d times, not %d" % (pattern, n, count))
    listens = re.findall(r"(?m)^listen=.*$", cfg)
    s.check(len(listens) == 4, "example config: listen lines %s" % listens)
    path = s.path("kamailio.cfg")
    with open(path, "w") as f:
        f.write(cfg)
    return path


def wait_until_answering(port, timeout=60):
    """Waits for the worker to answer (a request with Max-Forwards: 0 gets the example's own
    483, RFC 3261 §16.3 item 3): proof that the listener is bound and a worker runs."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    local = probe.getsockname()[1]
    deadline = time.time() + timeout
    n = 0
    try:
        while time.time() < deadline:
            n += 1
            text = ("OPTIONS sip:probe@127.0.0.1:%d SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-probe-%d\r\n"
                    "From: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:probe@127.0.0.1>\r\n"
                    "Call-ID: ready-probe-%d\r\nCSeq: %d OPTIONS\r\nMax-Forwards: 0\r\n"
                    "Content-Length: 0\r\n\r\n" % (port, local, n, n, n))
            probe.sendto(text.encode(), ("127.0.0.1", port))
            probe.settimeout(0.2)
            try:
                data = probe.recv(65536)
            except socket.timeout:
                continue
            if data.startswith(b"SIP/2.0 483"):
                return True
        return False
    finally:
        probe.close()


def run(s, path, udp_ports, defines=()):
    """Checks the config file PATH with `kamailio -c`, then runs Kamailio on it in the
    foreground, in a process group of its own (as start's); returns its Popen once each of
    UDP_PORTS answers (or after a failed check, with the failure recorded in the scenario).
    `defines`: as start's."""
    defined = [arg for name in defines for arg in ("-A", name)]
    check = subprocess.run(["kamailio", "-c", *defined, "-f", path], capture_output=True,
                           text=True, timeout=30)
    s.check(check.returncode == 0, "kamailio -c refuses %s: %s" % (os.path.basename(path),
                                                                  check.stderr[-600:]))
    proc = s.spawn(["kamailio", *defined, "-f", path, "-P", s.path("kamailio.pid"), "-m", "64",
                    "-M", "8", "-DD", "-E", "-Y", s.dir, "-w", s.dir], "kamailio.log",
                   start_new_session=True)
    s.check(all(wait_until_answering(port) for port in udp_ports) and proc.poll() is None,
            "kamailio did not start answering (see kamailio.log)")
    return proc


def start(s, kamailio_port, cusax_port, callee_host, callee_port, *, from_cusax_port,
          extra=(), defines=()):
    """Starts Kamailio on the example; returns its Popen once both ports answer over UDP and
    listen over TCP (or after a failed check, with the failure recorded in the scenario).
    `extra`: more substitutions (write_config); `defines`: names defined with -A
    (WITH_DISPATCHER). In a process group of its own, whose id is its PID: s.stop() stops its
    workers with it, and a test can kill them all at once (os.killpg), as a crash of the host
    would."""
    path = write_config(s, kamailio_port, from_cusax_port, cusax_port, callee_host,
                        callee_port, extra)
    proc = run(s, path, (kamailio_port, from_cusax_port), defines)
    for port in (kamailio_port, from_cusax_port):
        s.check(s.wait_bound("127.0.0.1", port, "tcp", timeout=30),
                "kamailio does not listen on TCP port %d (see kamailio.log)" % port)
    return proc
