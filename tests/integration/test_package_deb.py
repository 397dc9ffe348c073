#!/usr/bin/python3
"""The Debian package, from the tree to a purge, on this machine:

1. builds it from a copy of the tree (`dpkg-buildpackage -b -us -uc`, DEB_BUILD_OPTIONS=nocheck:
   no unit tests built or run; ccache when the machine has it), so the tree stays clean;
2. lintian on the .changes (the .deb and the build information): no error, and every warning
   listed in the README's "Install from the package";
3. installs it with apt (`apt-get install ./cusax_*.deb`) and checks what it put where: the
   programs, the units (neither enabled nor started), the manual pages, the cusax system user,
   /etc/cusax/cusax.ini as root:cusax 0640 (unreadable to others), /var/lib/cusax 0750 with
   the store the postinst made;
4. points the installed configuration at 127.0.0.1 ports chosen here and runs both daemons
   from it: through systemd when PID 1 is systemd, otherwise as the unit would (its User,
   Group, ExecStartPre and ExecStart, with setpriv); places a call through the proxy (sipp
   caller and callee) and asks the component, through a real Prosody, for a SIP account's
   vCard (slixmpp); the unit's ExecReload reloads and SIGUSR1 makes `cusaxctl stats` show
   the relayed call;
5. removes the package (configuration and data kept), then purges it (both gone; the cusax
   user stays, as Debian's system users do).

Needs root: it installs a package on this machine. It refuses to start when a cusax package is
installed already (it would replace it and purge its data), and whatever happens it purges
what it installed, stops what it started and deletes a cusax user it made. The build takes
minutes: tests/CMakeLists.txt gives this test more time than the others.

Environment: CUSAX_SOURCE_DIR (the tree), as ctest sets it."""
import asyncio
import glob
import grp
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import cusax_xmpp as xmpp  # noqa: E402
import sipkit  # noqa: E402
from cusax_xmpp import read  # noqa: E402

SOURCE = os.environ.get("CUSAX_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "../..")))
SKIP = 77
BUILD_TIMEOUT = 3000  # a build from nothing on two busy cores
APT = ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=600"]
APT_TIMEOUT = 900
EVENT_TIMEOUT = 30  # a bound on an event that follows at once, not a guess at a delay

PACKAGE = "cusax"
CONFIG = "/etc/cusax/cusax.ini"
STATE = "/var/lib/cusax"
RUNTIME = "/run/cusax"
UNIT_DIR = "/lib/systemd/system"
DAEMONS = {"cusax-sip-proxy": "sip.listening", "cusax-xmpp-component": "xmpp.connected"}
PROGRAMS = ["/usr/sbin/cusax-sip-proxy", "/usr/sbin/cusax-xmpp-component", "/usr/bin/cusaxctl"]
MANUALS = ["/usr/share/man/man8/cusax-sip-proxy.8.gz",
           "/usr/share/man/man8/cusax-xmpp-component.8.gz", "/usr/share/man/man1/cusaxctl.1.gz"]
UNITS = [f"{UNIT_DIR}/{name}.service" for name in DAEMONS]

SIP_DOMAIN = "sip.example.com"  # the example configuration's, kept
XMPP_DOMAIN = "xmpp.example.com"
SECRET = "package-test-secret-5e0c7a"


class Failed(Exception):
    """A check that the following steps depend on failed."""


class Run:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cusax-package-")
        self.failures = []
        self.procs = []
        self.user_existed = user_exists()
        # What a package that fails to purge would leave: removed when this test made it.
        self.left_over = [p for p in (os.path.dirname(CONFIG), STATE) if not os.path.exists(p)]
        self.runtime_made = False
        self.systemd_units = []

    def check(self, condition, what):
        print(("ok   " if condition else "FAIL ") + what, flush=True)
        if not condition:
            self.failures.append(what)
        return condition

    def require(self, condition, what):
        if not self.check(condition, what):
            raise Failed(what)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def run(self, args, timeout=120, log=None, **kw):
        """Runs a command to its end; its output goes to the log file LOG in the work
        directory when given (returned as text as well)."""
        out = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
        if log:
            with open(self.path(log), "a") as f:
                f.write(f"$ {shlex.join(args)}\n{out.stdout}{out.stderr}(exit {out.returncode})\n")
        return out

    def spawn(self, args, log):
        output = open(self.path(log), "ab")
        proc = subprocess.Popen(args, stdout=output, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        self.procs.append(proc)
        return proc


# ---- the machine ----

def user_exists(name="cusax"):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def package_status():
    """dpkg's status of the package ("install ok installed", "deinstall ok config-files"), or
    "" when none of it is on the machine."""
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True,
                         text=True)
    status = out.stdout.strip() if out.returncode == 0 else ""
    return "" if status.endswith("not-installed") else status


def systemd_runs():
    """As sd_booted(3) says: /run/systemd/system exists only when PID 1 is systemd."""
    return os.path.isdir("/run/systemd/system")


def mode_and_owner(path):
    st = os.stat(path)
    return (stat.S_IMODE(st.st_mode), pwd.getpwuid(st.st_uid).pw_name,
            grp.getgrgid(st.st_gid).gr_name)


def man_pages_excluded():
    """Whether dpkg is told to leave /usr/share/man out (Debian's slim container images)."""
    for name in glob.glob("/etc/dpkg/dpkg.cfg.d/*"):
        if re.search(r"^path-exclude=?\s*/usr/share/man", read(name), re.M):
            return True
    return False


def preconditions():
    if os.geteuid() != 0:
        print("SKIP: installs a package: needs root")
        sys.exit(SKIP)
    for tool, package in (("dpkg-buildpackage", "dpkg-dev"), ("dh", "debhelper"),
                          ("lintian", "lintian"), ("apt-get", "apt"), ("sipp", "sip-tester"),
                          ("prosody", "prosody"), ("setpriv", "util-linux")):
        if not shutil.which(tool):
            print(f"SKIP: {tool} ({package}) not installed (scripts/install-deps installs it)")
            sys.exit(SKIP)
    status = package_status()
    if status:
        print(f"FAIL: a {PACKAGE} package is on this machine already ({status}); this test would"
              " replace and purge it. Purge it first: apt-get purge cusax")
        sys.exit(1)


# ---- 1. build ----

def copy_tree(dest):
    """The tree as git sees it (tracked and new files, not ignored ones: no build
    directories), or without git everything but the top level's build output."""
    if os.path.exists(os.path.join(SOURCE, ".git")) and shutil.which("git"):
        listed = subprocess.run(["git", "-C", SOURCE, "ls-files", "-z", "-co",
                                 "--exclude-standard"], capture_output=True, check=True)
        listed = listed.stdout.decode()
        for relative in filter(None, listed.split("\0")):
            src = os.path.join(SOURCE, relative)
            if not os.path.lexists(src):  # deleted in the working tree, not yet committed
                continue
            os.makedirs(os.path.dirname(os.path.join(dest, relative)), exist_ok=True)
            shutil.copy2(src, os.path.join(dest, relative), follow_symlinks=False)
        return
    top_level_output = lambda d, names: [  # noqa: E731
        n for n in names if os.path.samefile(d, SOURCE) and
        (n.startswith(("build", "obj-")) or n in (".git", "run"))]
    shutil.copytree(SOURCE, dest, symlinks=True, ignore=top_level_output)


def build(r):
    src = r.path("src")
    copy_tree(src)
    env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck parallel=2",
               DEBIAN_FRONTEND="noninteractive")
    if os.path.isdir("/usr/lib/ccache"):
        # Debian's ccache links in front of the compilers; paths under the work directory are
        # made relative and the directory left out, so that another run's copy hits too.
        env.update(PATH="/usr/lib/ccache:" + env["PATH"], CCACHE_BASEDIR=r.dir,
                   CCACHE_NOHASHDIR="1")
    print("building the package (minutes) ...", flush=True)
    started = time.monotonic()
    with open(r.path("build.log"), "w") as log:
        proc = subprocess.Popen(["dpkg-buildpackage", "-b", "-us", "-uc"], cwd=src, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            status = proc.wait(BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            status = "timeout"
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)
    r.require(status == 0, f"dpkg-buildpackage -b -us -uc succeeded (exit {status}; build.log)")
    r.check(not glob.glob(os.path.join(src, "obj-*", "tests")),
            "nocheck: the package build made no unit tests")
    debs = glob.glob(r.path(f"{PACKAGE}_*.deb"))
    changes = glob.glob(r.path(f"{PACKAGE}_*.changes"))
    r.require(len(debs) == 1 and len(changes) == 1,
              f"one .deb and one .changes ({debs}, {changes})")
    return debs[0], changes[0]


# ---- 2. lintian and the package's contents ----

def readme_install_section():
    text = read(os.path.join(SOURCE, "README.md"))
    start = text.find("## Install from the package")
    end = text.find("\n## ", start + 1)
    return text[start:end] if start >= 0 else ""


def check_lintian(r, changes):
    out = r.run(["lintian", "--fail-on", "error", changes], timeout=600, log="lintian.log")
    tags = [line for line in out.stdout.splitlines() if re.match(r"^[EW]: ", line)]
    errors = [t for t in tags if t.startswith("E: ")]
    r.check(out.returncode == 0 and not errors,
            f"lintian: no error ({errors or out.stderr[-300:]})")
    listed = readme_install_section()
    for warning in (t for t in tags if t.startswith("W: ")):
        tag = warning.split()[2]
        r.check(f"`{tag}`" in listed, f"lintian warning {tag} is listed in the README with "
                                      f"its reason ({warning})")


def check_contents(r, deb):
    listing = r.run(["dpkg-deb", "-c", deb]).stdout
    config = [line for line in listing.splitlines() if line.endswith("./" + CONFIG.lstrip("/"))]
    r.check(config and config[0].startswith("-rw-r----- root/root"),
            f"the .deb ships {CONFIG} 0640, never readable by all ({config})")
    for path in PROGRAMS + UNITS + MANUALS:
        r.check(f" ./{path.lstrip('/')}" in listing, f"the .deb holds {path}")
    conffiles = r.run(["dpkg-deb", "-I", deb, "conffiles"]).stdout.split()
    r.check(conffiles == [CONFIG], f"{CONFIG} is the one conffile ({conffiles})")


# ---- 3. install ----

def install(r, deb):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    out = r.run(APT + ["install", "./" + os.path.basename(deb)], timeout=APT_TIMEOUT,
                log="apt.log", cwd=r.dir, env=env)
    r.require(out.returncode == 0 and package_status() == "install ok installed",
              f"apt-get install ./{os.path.basename(deb)} (apt.log)")


def check_installed(r):
    for path in PROGRAMS:
        r.check(os.access(path, os.X_OK), f"{path} installed")
    version = r.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE]).stdout
    shown = r.run(["/usr/bin/cusaxctl", "--version"]).stdout.split()
    r.check(shown and shown[-1] == version.split("-")[0],
            f"cusaxctl --version {shown} is the package's version {version}")

    user = pwd.getpwnam("cusax")
    r.check(user.pw_uid < 1000 and user.pw_shell.endswith("nologin") and user.pw_dir == STATE,
            f"cusax is a system user without a shell, at home in {STATE} ({user})")
    r.check(grp.getgrgid(user.pw_gid).gr_name == "cusax", "its group is cusax")

    r.check(mode_and_owner(CONFIG) == (0o640, "root", "cusax"),
            f"{CONFIG} is root:cusax 0640 ({mode_and_owner(CONFIG)})")
    override = r.run(["dpkg-statoverride", "--list", CONFIG]).stdout.split()
    r.check(override == ["root", "cusax", "640", CONFIG],
            f"dpkg keeps it so on upgrades (statoverride {override})")
    nobody = r.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    "cat", CONFIG])
    r.check(nobody.returncode != 0 and "secret" not in nobody.stdout,
            "another user cannot read it")

    r.check(mode_and_owner(STATE) == (0o750, "cusax", "cusax"),
            f"{STATE} is cusax:cusax 0750 ({mode_and_owner(STATE)})")
    store = os.path.join(STATE, "bindings.sqlite")
    r.check(os.path.exists(store) and mode_and_owner(store)[1] == "cusax",
            "the postinst made the store, the cusax user's")

    for unit in UNITS:
        r.check(os.path.exists(unit), f"{unit} installed")
        name = os.path.basename(unit)
        r.check(not os.path.exists(f"/etc/systemd/system/multi-user.target.wants/{name}"),
                f"{name} is not enabled: the example configuration must be edited first")
        text = read(unit)
        r.check("User=cusax" in text and "ExecStart=/usr/sbin/" in text and CONFIG in text,
                f"{name} runs /usr/sbin's program as cusax on {CONFIG}")
    if shutil.which("systemd-analyze"):
        verify = r.run(["systemd-analyze", "verify", *UNITS], log="systemd-analyze.log")
        r.check(verify.returncode == 0 and not verify.stderr.strip(),
                f"systemd-analyze verify finds nothing wrong ({verify.stderr.strip()[:300]})")

    if man_pages_excluded():
        print("note: this machine's dpkg leaves manual pages out (path-exclude): not rendered")
        return
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("MAN_KEEP_FORMATTING", None)
    for page in MANUALS:
        shown = r.run(["man", "--warnings", "-l", page], env=env)
        r.check(shown.returncode == 0 and not shown.stderr.strip() and "OPTIONS" in shown.stdout,
                f"{page} installed and renders ({shown.stderr.strip()[:200]})")


# ---- 4. the daemons from the package ----

def set_keys(text, values):
    """The INI text with the keys {(section, key): value} given new values, in place; every
    one must be in the file already (the example configuration has every key)."""
    section, out, seen = None, [], set()
    for line in text.split("\n"):
        heading = re.match(r"^\[([\w-]+)\]\s*$", line)
        key = re.match(r"^(\w+)\s*=", line)
        if heading:
            section = heading.group(1)
        elif key and (section, key.group(1)) in values:
            line = f"{key.group(1)} = {values[(section, key.group(1))]}"
            seen.add((section, key.group(1)))
        out.append(line)
    missing = set(values) - seen
    if missing:
        raise Failed(f"{CONFIG} lacks {sorted(missing)}")
    return "\n".join(out)


def unit_settings(path):
    """The [Service] lines of a unit file that this test acts on, {key: value}."""
    settings = {}
    for line in read(path).splitlines():
        if re.match(r"^(User|Group|ExecStartPre|ExecStart|ExecReload)=", line):
            key, _, value = line.partition("=")
            settings[key] = value
    return settings


class Daemons:
    """Both daemons of the package, started through systemd when it runs the machine, or as
    their units say otherwise. text(name): what the daemon logged so far."""

    def __init__(self, r):
        self.r = r
        self.procs = {}
        self.since = time.strftime("%Y-%m-%d %H:%M:%S")

    def start(self):
        if systemd_runs():
            for name in DAEMONS:
                started = self.r.run(["systemctl", "start", name + ".service"], timeout=60,
                                     log="systemctl.log")
                self.r.systemd_units.append(name)
                self.r.require(started.returncode == 0, f"systemctl start {name} (systemctl.log)")
            return
        # RuntimeDirectory=cusax, as systemd would make it for the units.
        if not os.path.isdir(RUNTIME):
            os.mkdir(RUNTIME, 0o755)
            shutil.chown(RUNTIME, "cusax", "cusax")
            self.r.runtime_made = True
        for name in DAEMONS:
            unit = unit_settings(f"{UNIT_DIR}/{name}.service")
            as_user = ["setpriv", f"--reuid={unit['User']}", f"--regid={unit['Group']}",
                       "--init-groups", "--no-new-privs"]
            check = self.r.run(as_user + shlex.split(unit["ExecStartPre"]), log=name + ".log")
            self.r.require(check.returncode == 0 and "OK" in check.stdout,
                           f"{name}: the unit's ExecStartPre (--check-config as cusax) passes")
            self.procs[name] = self.r.spawn(as_user + shlex.split(unit["ExecStart"]),
                                            name + ".log")

    def text(self, name):
        if systemd_runs():
            return self.r.run(["journalctl", "-u", name + ".service", "--since", self.since,
                               "-o", "cat", "--no-pager"]).stdout
        return read(self.r.path(name + ".log"))

    def alive(self, name):
        if systemd_runs():
            active = self.r.run(["systemctl", "is-active", "--quiet", name + ".service"])
            return active.returncode == 0
        return self.procs[name].poll() is None

    def wait_ready(self):
        for name, event in DAEMONS.items():
            ready = wait_until(lambda: event in self.text(name) or not self.alive(name))
            self.r.require(ready and self.alive(name), f"{name} from the package: {event}")

    def reload(self):
        """The unit's ExecReload: SIGHUP, the configuration read again."""
        for name in DAEMONS:
            if systemd_runs():
                self.r.run(["systemctl", "reload", name + ".service"], log="systemctl.log")
                continue
            command = unit_settings(f"{UNIT_DIR}/{name}.service")["ExecReload"]
            command = command.replace("$MAINPID", str(self.procs[name].pid))
            self.r.check(self.r.run(shlex.split(command)).returncode == 0, f"{name}: ExecReload")

    def report_counters(self):
        """SIGUSR1, the counters' own signal: each daemon writes its stats file at once."""
        for name in DAEMONS:
            if systemd_runs():
                self.r.run(["systemctl", "kill", "--signal=USR1", name + ".service"],
                           log="systemctl.log")
            else:
                os.kill(self.procs[name].pid, signal.SIGUSR1)

    def stop(self):
        for name in DAEMONS:
            if systemd_runs():
                stopped = self.r.run(["systemctl", "stop", name + ".service"], timeout=60,
                                     log="systemctl.log")
                self.r.check(stopped.returncode == 0, f"systemctl stop {name}")
                continue
            proc = self.procs.get(name)
            if proc is None:  # not started
                continue
            status = xmpp.stop_process(proc, 15)
            self.r.check(status == 0, f"{name} stops cleanly on SIGTERM (exit {status})")


def wait_until(condition, seconds=EVENT_TIMEOUT):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def start_prosody(r, c2s_port, component_port):
    secret_file = r.path("component.secret")
    with open(secret_file, "w") as f:
        f.write(SECRET)
    cfg = r.run([xmpp.WRITE_PROSODY_CONFIG, r.path("prosody"), str(c2s_port),
                 str(component_port), XMPP_DOMAIN, SIP_DOMAIN, secret_file],
                log="prosody-setup.log").stdout.strip()
    prosody = r.spawn(["prosody", "--config", cfg, "-F"], "prosody-stdout.log")
    r.require(wait_until(lambda: (xmpp.port_open(c2s_port) and xmpp.port_open(component_port))
                         or prosody.poll() is not None) and prosody.poll() is None,
              "Prosody listens")
    registered = r.run(["prosodyctl", "--config", cfg, "register", "juliet", XMPP_DOMAIN, "pw"],
                       log="prosody-setup.log")
    r.require(registered.returncode == 0, "juliet registered on Prosody")
    return prosody


def place_call(r, proxy_port, callee_port):
    """A call from alice (asserted by the trusted 127.0.0.1) through the proxy to a sipp
    callee on 127.0.0.2, the proxy's next hop: the callee gets alice's JID as impp."""
    sipkit.PROXY, sipkit.CUSAXCTL = PROGRAMS[0], PROGRAMS[2]
    s = sipkit.Scenario("package-call")
    shutil.rmtree(s.dir)
    s.dir, s.procs = r.dir, r.procs  # one work directory, one list of processes to stop
    callee = s.sipp("callee", "callee_answer.xml", "127.0.0.2", callee_port)
    r.require(s.wait_udp_bound("127.0.0.2", callee_port), "sipp callee bound")
    caller = s.sipp("caller", "caller_invite.xml", "127.0.0.1", sipkit.free_port(),
                    f"127.0.0.1:{proxy_port}",
                    csv=[f"bob@{SIP_DOMAIN}", f"P-Asserted-Identity: <sip:alice@{SIP_DOMAIN}>",
                         ""])
    r.check(s.wait(caller) == 0 and s.wait(callee) == 0, "the call went through the proxy")
    invites = s.received("callee", "INVITE ")
    values = ", ".join(sipkit.header_values(invites[0], "Call-Info")) if invites else ""
    r.check(f"<xmpp:alice@{XMPP_DOMAIN}>;purpose=impp" in values and "mallory" not in values,
            f"the callee got alice's verified JID, not the forged one ({values})")


def query_vcard(r, c2s_port):
    async def ask(client):
        return await xmpp.query(client, f"alice@{SIP_DOMAIN}", "<vCard xmlns='vcard-temp'/>")

    card = asyncio.run(xmpp.client_session(c2s_port, f"juliet@{XMPP_DOMAIN}", "pw", ask))
    r.require(not isinstance(card, str), f"the component answered the vCard query ({card})")
    tels = xmpp.vcard_tels(card)
    r.check(card.findtext(xmpp.VT + "JABBERID") == f"alice@{XMPP_DOMAIN}"
            and f"sip:alice@{SIP_DOMAIN}" in tels and "+4930123456" in tels,
            f"alice's vCard carries her SIP address, number and JID ({tels})")


def stats(r):
    out = r.run(["/usr/bin/cusaxctl", "--json", "stats"])
    try:
        return {d["program"]: d for d in json.loads(out.stdout)}
    except (ValueError, KeyError, TypeError):
        return {}


def serve(r):
    proxy_port, callee_port = sipkit.free_port(), sipkit.free_port("127.0.0.2")
    c2s_port, component_port = xmpp.free_port(), xmpp.free_port()
    with open(CONFIG) as f:
        text = f.read()
    with open(CONFIG, "w") as f:  # in place: owner and mode stay
        f.write(set_keys(text, {
            ("sip-proxy", "listen"): f"sip:127.0.0.1:{proxy_port}",
            ("sip-proxy", "next_hop"): f"sip:127.0.0.2:{callee_port}",
            ("xmpp-component", "server_port"): str(component_port),
            ("xmpp-component", "secret"): SECRET,
            ("xmpp-component", "reconnect_min"): "200ms"}))
    r.check(mode_and_owner(CONFIG) == (0o640, "root", "cusax"), "the edited file keeps its mode")

    # As the operator would, as root with the default configuration.
    added = r.run(["/usr/bin/cusaxctl", "add", f"sip:alice@{SIP_DOMAIN}", f"alice@{XMPP_DOMAIN}",
                   "--name", "Alice Example", "--number", "+4930123456", "--verified", "admin"],
                  log="cusaxctl.log")
    r.require(added.returncode == 0, "cusaxctl add, as root on the installed configuration")
    owners = {mode_and_owner(os.path.join(STATE, n))[1] for n in os.listdir(STATE)}
    r.check(owners == {"cusax"}, f"root's cusaxctl leaves every file in {STATE} the cusax "
                                 f"user's ({owners})")

    start_prosody(r, c2s_port, component_port)
    daemons = Daemons(r)
    try:
        daemons.start()
        daemons.wait_ready()
        place_call(r, proxy_port, callee_port)
        query_vcard(r, c2s_port)
        daemons.reload()
        r.check(daemons.alive("cusax-sip-proxy") and daemons.alive("cusax-xmpp-component"),
                "both daemons still run after the reload")
        daemons.report_counters()

        def both_counted():
            found = stats(r)
            return (found.get("sip-proxy", {}).get("counters", {}).get("requests.relayed", 0) >= 1
                    and found.get("xmpp-component", {}).get("running", False))
        counted = wait_until(both_counted)
        r.check(counted, "cusaxctl stats shows both daemons and the relayed call "
                         f"({json.dumps(stats(r))[:600]})")
    finally:
        daemons.stop()


# ---- 5. remove, purge ----

def remove_and_purge(r):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    removed = r.run(APT + ["remove", PACKAGE], timeout=APT_TIMEOUT, log="apt.log", env=env)
    r.require(removed.returncode == 0, "apt-get remove cusax")
    r.check(package_status() == "deinstall ok config-files", "removed, configuration kept")
    for path in PROGRAMS + UNITS + MANUALS:
        r.check(not os.path.exists(path), f"remove: {path} gone")
    r.check(SECRET in read(CONFIG) and mode_and_owner(CONFIG) == (0o640, "root", "cusax"),
            f"remove: the edited {CONFIG} kept as it was")
    r.check(os.path.exists(os.path.join(STATE, "bindings.sqlite")), "remove: the store kept")

    purged = r.run(APT + ["purge", PACKAGE], timeout=APT_TIMEOUT, log="apt.log", env=env)
    r.require(purged.returncode == 0, "apt-get purge cusax")
    r.check(package_status() == "", "purged: dpkg no longer knows the package")
    for path in (CONFIG, os.path.dirname(CONFIG), STATE, RUNTIME):
        r.check(not os.path.exists(path), f"purge: {path} gone")
    override = r.run(["dpkg-statoverride", "--list", CONFIG])
    r.check(override.returncode != 0, "purge: the statoverride gone")
    r.check(user_exists(), "purge: the cusax user stays (files it owns may be left elsewhere)")


# ---- whatever happened ----

def clean_up(r):
    for proc in reversed(r.procs):
        xmpp.stop_process(proc, 10)
    for name in r.systemd_units:
        subprocess.run(["systemctl", "stop", name + ".service"], capture_output=True, timeout=60)
    if package_status():
        subprocess.run(APT + ["purge", PACKAGE], capture_output=True, timeout=APT_TIMEOUT,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if r.runtime_made and os.path.isdir(RUNTIME):
        shutil.rmtree(RUNTIME)
    for path in r.left_over:
        shutil.rmtree(path, ignore_errors=True)
    if not r.user_existed and user_exists():
        subprocess.run(["userdel", "cusax"], capture_output=True, timeout=60)
    for build_dir in glob.glob(r.path("src", "obj-*")):  # hundreds of MB, no evidence
        shutil.rmtree(build_dir, ignore_errors=True)


def main():
    preconditions()
    r = Run()
    try:
        deb, changes = build(r)
        check_lintian(r, changes)
        check_contents(r, deb)
        install(r, deb)
        check_installed(r)
        serve(r)
        remove_and_purge(r)
    except Failed:
        pass
    except Exception:  # noqa: BLE001 - reported as a failure, after the clean-up
        traceback.print_exc()
        r.failures.append("unexpected error")
    finally:
        clean_up(r)
    if r.failures:
        for log in ("build.log", "apt.log", "cusax-sip-proxy.log", "cusax-xmpp-component.log",
                    "prosody/prosody.log"):
            print(f"----- {log} (tail) -----\n{read(r.path(log))[-3000:]}")
        print(f"FAIL: {len(r.failures)} check(s); logs kept in {r.dir}")
        sys.exit(1)
    shutil.rmtree(r.dir, ignore_errors=True)
    print("PASS: built, linted, installed, served a call and a vCard query, removed, purged")


if __name__ == "__main__":
    main()
