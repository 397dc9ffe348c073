"""The binding store that several cusax daemons of one test share, as they would on several
hosts (README, "Several machines").

A test that runs more than one daemon on one store takes everything about that store from
shared_store() alone: the [store] section of every daemon's INI, the component's keys for the
users' vCard store, and cusaxctl. Today it is an SQLite file in the test's directory, which
every daemon on this machine reads; a PostgreSQL store replaces this one function (a server of
the test's own started in start(), stopped by PID in stop()) and the tests change nowhere else.

    store = shared_store(s.dir)
    store.start()
    store.ctl("init")
    ini_lines = [...] + store.section() + [...]
    component_keys = dict(store.component_keys(), domain=...)
    ...
    store.stop()
"""
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CUSAX_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "../../..")))
BUILD = os.environ.get("CUSAX_BUILD_DIR", os.path.join(SOURCE, "build"))
CUSAXCTL = os.environ.get("CUSAX_CTL", os.path.join(BUILD, "cusaxctl", "cusaxctl"))


class SqliteSharedStore:
    """One SQLite file for the bindings and one for the component's users' vCards, in the
    test's directory."""

    engine = "sqlite"

    def __init__(self, work_dir):
        self.work_dir = work_dir
        self.path = os.path.join(work_dir, "shared-bindings.sqlite")
        self.vcard_path = os.path.join(work_dir, "shared-vcards.sqlite")
        self.ctl_ini = os.path.join(work_dir, "shared-store.ini")

    def start(self):
        """Makes the store reachable (nothing to start for a file) and writes cusaxctl's INI."""
        with open(self.ctl_ini, "w") as f:
            f.write("\n".join(["[log]", "stats_dir = " + self.work_dir] + self.section()) + "\n")

    def stop(self):
        pass

    def section(self):
        """The [store] section of every daemon's INI (and cusaxctl's), as lines."""
        return ["[store]", "path = " + self.path, "refresh_interval = 250ms"]

    def component_keys(self):
        """[xmpp-component] keys that put the users' vCards where every instance reads them."""
        return {"vcard_store": self.vcard_path}

    def ctl(self, *args):
        """Runs cusaxctl on the store; raises with its output when it fails."""
        r = subprocess.run([CUSAXCTL, "-c", self.ctl_ini, *args], capture_output=True,
                           text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError("cusaxctl %s: exit %d: %s%s" %
                                 (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r.stdout


def shared_store(work_dir):
    """The store the daemons of a test share: the one place that says which engine it is."""
    return SqliteSharedStore(work_dir)
