"""A real ejabberd (Debian's `ejabberd`, 23.01) of a test's own, beside cusax_xmpp's Prosody.

EjabberdScenario is a cusax_xmpp.Scenario whose XMPP server is ejabberd instead of Prosody:
same temp dir, free ports, domains, secret, store, component and slixmpp clients. The server
gets its own YAML config, spool (Mnesia) and log directories in the scenario's temp dir, and
listens on 127.0.0.1 only: c2s (plain, no TLS, no traffic shaping; Debian's stock config
shapes c2s to 3000 B/s) and the XEP-0114 component port. Its Erlang distribution (which
`ejabberdctl`-style commands need) listens on 127.0.0.1 on a free port of its own, without
epmd, with a random cookie: nothing is left running and nothing is shared with another node
on the machine.

ejabberd is started as `erl ... -s ejabberd -noinput` directly (not through /usr/sbin/ejabberdctl,
which as root re-executes everything with `su ejabberd`: the PID would be su's and the temp
dir would have to be readable by that user); the PID is erl's own (beam.smp). It is stopped by
SIGTERM to that PID, which ejabberd takes as an orderly shutdown.

    with EjabberdScenario("vcard delegation on ejabberd") as s:
        s.write_ejabberd_config(delegate_vcard=True)
        s.start_ejabberd()
        s.register("alice", LOCAL, "pw")
        ...
"""
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time

from cusax_xmpp import (DOMAIN, LOCAL, Scenario, check, free_port, port_open, read,
                        stop_process, wait_for)

ERL = "/usr/bin/erl"
# Where Debian's package puts ejabberd's OTP applications (ejabberdctl's ERL_LIBS).
ERL_LIBS = "/usr/lib/x86_64-linux-gnu"
# ejabberd's log line when a component's handshake is accepted (ejabberd_service).
HANDSHAKE_LOG = "Accepted external component handshake authentication"


def _terminate_with_parent():
    """In the child before exec: SIGKILL when the test process dies, however it dies (erl
    execs into beam.smp, which keeps this; Popen's PID is the server's). Not SIGTERM: an
    ejabberd told to stop while still starting was seen to hang, and nobody would be left to
    wait for it; its files are all in the test's temp dir."""
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def ejabberd_installed():
    return os.access(ERL, os.X_OK) and any(
        n.startswith("ejabberd-") for n in os.listdir(ERL_LIBS))


def ejabberd_config(c2s_port, component_port, secret, delegate_vcard,
                    component_domain=DOMAIN, server_domain=LOCAL, loglevel="info"):
    """The YAML config: one virtual host (server_domain), c2s and the component port on
    127.0.0.1, and (delegate_vcard) mod_delegation handing vcard-temp of server_domain's users
    to component_domain, as conf/ejabberd-delegation.yml says."""
    delegation = ""
    if delegate_vcard:
        delegation = f"""
  mod_delegation:
    namespaces:
      "vcard-temp":
        access: cusax_delegation
"""
    return f"""# Written by tests/integration/lib/ejabberd.py
hosts:
  - "{server_domain}"
loglevel: {loglevel}
log_rotate_count: 0
auth_method: internal
auth_password_format: scram
listen:
  -
    port: {c2s_port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    max_stanza_size: 262144
    access: c2s
  -
    port: {component_port}
    ip: "127.0.0.1"
    module: ejabberd_service
    max_stanza_size: 524288
    hosts:
      "{component_domain}":
        password: "{secret}"
s2s_access: none
acl:
  cusax_component:
    server: "{component_domain}"
access_rules:
  c2s:
    allow: all
  cusax_delegation:
    allow: cusax_component
modules:
  mod_disco: {{}}
  mod_ping: {{}}
  mod_roster: {{}}
  mod_vcard: {{}}{delegation}
"""


class EjabberdScenario(Scenario):
    """A Scenario with ejabberd as the XMPP server (start_prosody is not to be used)."""

    def __init__(self, name):
        super().__init__(name)
        self.ejabberd = None
        self.ejabberd_dir = os.path.join(self.dir, "ejabberd")
        os.makedirs(os.path.join(self.ejabberd_dir, "spool"))
        os.makedirs(os.path.join(self.ejabberd_dir, "log"))
        self.ejabberd_cfg = None
        self.ejabberd_log = os.path.join(self.ejabberd_dir, "log", "ejabberd.log")
        self.dist_port = free_port()
        self.node = f"cusax-test-{os.getpid()}@127.0.0.1"
        self.cookie = secrets.token_hex(16)

    def __enter__(self):
        check(ejabberd_installed(), "ejabberd is not installed (scripts/install-deps installs it)")
        return super().__enter__()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            if self.ejabberd:
                stop_process(self.ejabberd, 10)  # first: printing may fail (a closed pipe)
            try:
                for name in ("log/ejabberd.log", "log/error.log", "stdout.log"):
                    text = read(os.path.join(self.ejabberd_dir, name))
                    print(f"----- ejabberd/{name} -----\n{text[-6000:]}", file=sys.stderr)
            except OSError:
                pass
        return super().__exit__(exc_type, exc, tb)

    # -- the server --
    def write_ejabberd_config(self, delegate_vcard=True, loglevel="info"):
        self.ejabberd_cfg = os.path.join(self.ejabberd_dir, "ejabberd.yml")
        with open(self.ejabberd_cfg, "w") as f:
            f.write(ejabberd_config(self.c2s_port, self.component_port, read(self.secret_file),
                                    delegate_vcard, loglevel=loglevel))
        os.chmod(self.ejabberd_cfg, 0o600)
        return self.ejabberd_cfg

    def _env(self):
        env = dict(os.environ)
        env.update({
            "HOME": self.ejabberd_dir,  # no ~/.erlang.cookie, ~/.ejabberd-modules elsewhere
            "ERL_LIBS": ERL_LIBS,
            "EJABBERD_CONFIG_PATH": self.ejabberd_cfg,
            "EJABBERD_LOG_PATH": self.ejabberd_log,
            "EJABBERD_PID_PATH": os.path.join(self.ejabberd_dir, "ejabberd.pid"),
            "CONTRIB_MODULES_PATH": os.path.join(self.ejabberd_dir, "modules"),
            "CONTRIB_MODULES_CONF_DIR": os.path.join(self.ejabberd_dir, "modules.d"),
            "ERL_CRASH_DUMP": os.path.join(self.ejabberd_dir, "log", "erl_crash.dump"),
            "ERL_CRASH_DUMP_BYTES": "0",
        })
        env.pop("ERL_INETRC", None)
        return env

    def _erl_dist_args(self, node):
        # Distribution on 127.0.0.1:dist_port, no epmd (neither started nor asked).
        return ["-name", node, "-setcookie", self.cookie,
                "-start_epmd", "false", "-erl_epmd_port", str(self.dist_port),
                "-kernel", "inet_dist_use_interface", "{127,0,0,1}"]

    def start_ejabberd(self, seconds=90):
        if not self.ejabberd_cfg:
            self.write_ejabberd_config()
        spool = os.path.join(self.ejabberd_dir, "spool")
        out = open(os.path.join(self.ejabberd_dir, "stdout.log"), "a")
        self.ejabberd = subprocess.Popen(
            [ERL, *self._erl_dist_args(self.node), "+K", "true", "-noinput",
             "-mnesia", "dir", f'"{spool}"', "-s", "ejabberd"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self._env(),
            cwd=self.ejabberd_dir, preexec_fn=_terminate_with_parent)
        self.procs.append(self.ejabberd)
        wait_for(lambda: all(port_open(p) for p in (self.c2s_port, self.component_port))
                 or self.ejabberd.poll() is not None, seconds, "ejabberd listening")
        check(self.ejabberd.poll() is None, "ejabberd exited at start")

    def stop_ejabberd(self):
        rc = stop_process(self.ejabberd, 15)
        self.procs.remove(self.ejabberd)
        self.ejabberd = None
        return rc

    def ejabberdctl(self, *args, timeout=30):
        """An ejabberdctl command run against this node (as ejabberdctl runs one: a hidden
        Erlang node calling ejabberd_ctl); returns its output, raises on a non-zero exit."""
        node = f"ctl-{secrets.token_hex(3)}@127.0.0.1"
        r = subprocess.run(
            [ERL, *self._erl_dist_args(node), "-hidden", "-noinput", "-dist_listen", "false",
             "-s", "ejabberd_ctl", "-extra", self.node, *args],
            capture_output=True, text=True, env=self._env(), cwd=self.ejabberd_dir,
            timeout=timeout)
        if r.returncode != 0:
            raise AssertionError(f"ejabberdctl {' '.join(args)}: exit {r.returncode}: "
                                 f"{r.stdout}{r.stderr}")
        return r.stdout

    def register(self, user, host, password):
        self.register_users([(user, host, password)])

    def register_users(self, users, timeout=60):
        """Registers [(user, host, password), ...] in one go: what `ejabberdctl register` does
        (ejabberd_auth:try_register/3), called from one short-lived hidden node (each
        ejabberdctl call costs a node start, about 2 s here)."""
        def b(s):
            return "<<\"" + s.replace("\\", "\\\\").replace('"', '\\"') + "\"/utf8>>"
        calls = ", ".join(f"{{{b(u)}, {b(h)}, {b(p)}}}" for u, h, p in users)
        node = f"reg-{secrets.token_hex(3)}@127.0.0.1"
        # A user already there counts as registered: a retry below may follow a partial run.
        script = (f"Rs = [rpc:call('{self.node}', ejabberd_auth, try_register, [U, H, P]) "
                  f"|| {{U, H, P}} <- [{calls}]], io:format(\"~p~n\", [Rs]), "
                  f"halt(case lists:all(fun(R) -> R == ok orelse R == {{error, exists}} end, "
                  f"Rs) of true -> 0; false -> 1 end).")
        # ejabberd opens its ports before its authentication tables exist: on a loaded machine a
        # registration right after start fails with {aborted,{no_exists,passwd,...}}. That one
        # answer is retried until the table is there (bounded); any other failure is final.
        deadline = time.monotonic() + timeout
        while True:
            r = subprocess.run(
                [ERL, *self._erl_dist_args(node), "-hidden", "-noinput", "-dist_listen",
                 "false", "-eval", script],
                capture_output=True, text=True, env=self._env(), cwd=self.ejabberd_dir,
                timeout=timeout)
            if r.returncode == 0 or "no_exists" not in r.stdout or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        check(r.returncode == 0, f"registering {users}: exit {r.returncode}: {r.stdout}{r.stderr}")

    def server_handshakes(self):
        """Component handshakes ejabberd accepted so far (its log survives its restarts)."""
        return read(self.ejabberd_log).count(HANDSHAKE_LOG)

    def ejabberd_log_lines(self, *needles):
        """The lines of ejabberd's log that contain every one of needles."""
        return [l for l in read(self.ejabberd_log).splitlines()
                if all(n in l for n in needles)]
