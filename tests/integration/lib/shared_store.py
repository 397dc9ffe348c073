"""The binding store that several cusax daemons of one test share, as they would on several
hosts (README, "Several machines").

A test that runs more than one daemon on one store takes everything about that store from
shared_store() alone: the [store] section of every daemon's INI, the component's keys for the
users' vCard store, and cusaxctl. It is a real PostgreSQL 15 of the test's own (lib/postgres.py:
started in start(), stopped by PID in stop()), the bindings and the users' vCards in one
database, as on several hosts; `engine="sqlite"` (or CUSAX_SHARED_STORE=sqlite) gives one
SQLite file for each instead, as for several daemons on one host.

    store = shared_store(s.dir)
    store.start()
    store.ctl("init")
    ini_lines = [...] + store.section() + [...]
    component_keys = dict(store.component_keys(), domain=...)
    ...
    store.stop()
"""
import os
import sqlite3
import subprocess

import postgres

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("CUSAX_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "../../..")))
BUILD = os.environ.get("CUSAX_BUILD_DIR", os.path.join(SOURCE, "build"))
CUSAXCTL = os.environ.get("CUSAX_CTL", os.path.join(BUILD, "cusaxctl", "cusaxctl"))


class SharedStore:
    """What both engines do alike: cusaxctl's INI and cusaxctl itself."""

    def __init__(self, work_dir):
        self.work_dir = work_dir
        self.ctl_ini = os.path.join(work_dir, "shared-store.ini")

    def write_ctl_ini(self):
        """cusaxctl's INI: [store] and the component's vCard store key (import-vcards,
        verify --mutual)."""
        lines = ["[log]", "stats_dir = " + self.work_dir] + self.section()
        lines += ["[xmpp-component]", "domain = sip.example.com", "secret = unused-by-cusaxctl"]
        lines += ["%s = %s" % kv for kv in self.component_keys().items()]
        with open(self.ctl_ini, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(self.ctl_ini, 0o600)

    def ctl(self, *args):
        """Runs cusaxctl on the store; raises with its output when it fails."""
        r = subprocess.run([CUSAXCTL, "-c", self.ctl_ini, *args], capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise AssertionError("cusaxctl %s: exit %d: %s%s" %
                                 (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r.stdout


class SqliteSharedStore(SharedStore):
    """One SQLite file for the bindings and one for the component's users' vCards, in the
    test's directory: several daemons on one host."""

    engine = "sqlite"

    def __init__(self, work_dir):
        super().__init__(work_dir)
        self.path = os.path.join(work_dir, "shared-bindings.sqlite")
        self.vcard_path = os.path.join(work_dir, "shared-vcards.sqlite")

    def start(self):
        """Makes the store reachable (nothing to start for a file) and writes cusaxctl's INI."""
        self.write_ctl_ini()

    def stop(self):
        pass

    def section(self):
        """The [store] section of every daemon's INI (and cusaxctl's), as lines."""
        return ["[store]", "path = " + self.path, "refresh_interval = 250ms"]

    def component_keys(self):
        """[xmpp-component] keys that put the users' vCards where every instance reads them."""
        return {"vcard_store": self.vcard_path}

    def stored_vcard(self, jid):
        """The users' vCard store's row for a bare JID (its XML), or None."""
        with sqlite3.connect(self.vcard_path) as db:
            row = db.execute("SELECT vcard FROM vcards WHERE jid = ?", (jid,)).fetchone()
        return row[0] if row else None


class PostgresSharedStore(SharedStore):
    """One PostgreSQL database for the bindings and the users' vCards: several hosts. The
    server is `self.server` (lib/postgres.py): a test may stop and start it."""

    engine = "postgresql"

    def __init__(self, work_dir):
        super().__init__(work_dir)
        self.server = None
        self.conninfo = None

    def start(self):
        """Starts the server, creates the database and writes cusaxctl's INI."""
        self.server = postgres.PostgresServer()
        self.conninfo = self.server.create_database("cusax")
        self.write_ctl_ini()

    def stop(self):
        if self.server:
            self.server.close()
            self.server = None

    def section(self):
        return ["[store]", "backend = postgresql", "conninfo = " + self.conninfo,
                "refresh_interval = 250ms"]

    def component_keys(self):
        return {"vcard_store": "postgresql"}

    def stored_vcard(self, jid):
        out = self.server.psql("cusax", "SELECT vcard FROM vcards WHERE jid = '%s'" %
                               jid.replace("'", "''"))
        return out.rstrip("\n") or None


def shared_store(work_dir, engine=None):
    """The store the daemons of a test share: the one place that says which engine it is
    (PostgreSQL unless `engine` or CUSAX_SHARED_STORE says sqlite)."""
    engine = engine or os.environ.get("CUSAX_SHARED_STORE", "postgresql")
    if engine == "sqlite":
        return SqliteSharedStore(work_dir)
    if engine == "postgresql":
        return PostgresSharedStore(work_dir)
    raise ValueError("shared_store: unknown engine " + engine)
