"""Runs the operator's example conf/kamailio-cusax.cfg as written, on a test's own ports.

Only the #!define lines, the listen line and children change (one worker, so a 180 never
overtakes its 200). The file is checked with `kamailio -c` first; the process is started in
the foreground (-DD) so that stopping it by its PID stops its workers.

With tcp=True Kamailio also listens on TCP on the same port, for a cusax next_hop with
;transport=tcp. cusax's TCP connections come from a port of the kernel's choosing (Sofia-SIP
binds them to the listening address with port 0), never from CUSAX_PORT, so the example's
pass 2 check by source port cannot hold for them: there the check also takes a request that
came over TCP from CUSAX_ADDR. Without tcp, the example is run exactly as before.
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


def skip_unless_installed():
    sipkit.skip_unless(shutil.which("kamailio"), "kamailio not installed")


# The example's pass 2 check (from cusax) and the same check also taking cusax's TCP
# connections (module docstring).
PASS2_BY_PORT = r"(?m)^    if \(\$si == CUSAX_ADDR && \$sp == CUSAX_PORT\) \{$"
PASS2_BY_PORT_OR_TCP = '    if ($si == CUSAX_ADDR && ($sp == CUSAX_PORT || $pr == "tcp")) {'


def write_config(s, kamailio_port, cusax_port, callee_host, callee_port, extra=(), tcp=False):
    """The example with this test's ports; `extra`: more (pattern, line) substitutions; tcp:
    also listen on TCP (module docstring)."""
    cfg = open(EXAMPLE).read()
    listen = "listen=udp:127.0.0.1:%d" % kamailio_port
    if tcp:
        listen += "\nlisten=tcp:127.0.0.1:%d" % kamailio_port
        extra = tuple(extra) + ((PASS2_BY_PORT, PASS2_BY_PORT_OR_TCP),)
    for pattern, value in tuple(extra) + (
            (r"(?m)^#!define CUSAX_PORT .*$", "#!define CUSAX_PORT %d" % cusax_port),
            (r"(?m)^#!define CUSAX_URI .*$", '#!define CUSAX_URI "sip:127.0.0.1:%d"' % cusax_port),
            (r"(?m)^#!define CALLEE_URI .*$",
             '#!define CALLEE_URI "sip:%s:%d"' % (callee_host, callee_port)),
            (r"(?m)^listen=.*$", listen),
            (r"(?m)^children=.*$", "children=1")):
        cfg, n = re.subn(pattern, value, cfg)
        s.check(n == 1, "example config: %s not found once" % pattern)
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


def start(s, kamailio_port, cusax_port, callee_host, callee_port, extra=(), defines=(),
          own_group=False, tcp=False):
    """Starts Kamailio on the example; returns its Popen once it answers (or after a failed
    check, with the failure recorded in the scenario). `extra`: more substitutions
    (write_config); `defines`: names defined with -A (WITH_DISPATCHER). own_group: in a
    process group of its own, whose id is its PID, so that a test can kill it with its workers
    at once (os.killpg), as a crash of the host would. tcp: also listen on TCP (module
    docstring); it then returns once the TCP listener is up too."""
    path = write_config(s, kamailio_port, cusax_port, callee_host, callee_port, extra, tcp)
    defined = [arg for name in defines for arg in ("-A", name)]
    check = subprocess.run(["kamailio", "-c", *defined, "-f", path], capture_output=True,
                           text=True, timeout=30)
    s.check(check.returncode == 0, "kamailio -c refuses the example: " + check.stderr[-600:])
    proc = s.spawn(["kamailio", *defined, "-f", path, "-P", s.path("kamailio.pid"), "-m", "64",
                    "-M", "8", "-DD", "-E", "-Y", s.dir, "-w", s.dir], "kamailio.log",
                   start_new_session=own_group)
    s.check(wait_until_answering(kamailio_port) and proc.poll() is None,
            "kamailio did not start answering (see kamailio.log)")
    if tcp:
        s.check(s.wait_bound("127.0.0.1", kamailio_port, "tcp", timeout=30),
                "kamailio does not listen on TCP (see kamailio.log)")
    return proc
