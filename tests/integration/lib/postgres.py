"""A real PostgreSQL 15 (Debian's) of the test's own, for integration tests and benchmarks.

initdb into a temporary directory, the server started as a child of the test on a free port of
127.0.0.1 (as the unprivileged user "postgres" when the test runs as root: the server refuses
root), password authentication over TCP with a passfile (so no password is ever in a conninfo
or an INI file), stopped by its PID. The C++ unit tests have the same harness
(tests/unit/store/postgres_server.cpp).

    with PostgresServer() as pg:
        conninfo = pg.create_database("cusax")
        ... pg.stop() ... pg.start() ...

Missing server binaries raise (scripts/install-deps installs postgresql-15): a test that needs
PostgreSQL fails rather than skips.
"""
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BIN = os.environ.get("CUSAX_PG_BIN", "/usr/lib/postgresql/15/bin")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, fsync=False, prefix="cusax-pg."):
        for tool in ("initdb", "postgres", "pg_isready"):
            if not os.access(os.path.join(BIN, tool), os.X_OK):
                raise RuntimeError("PostgreSQL 15 server binaries missing in %s "
                                   "(scripts/install-deps installs postgresql-15)" % BIN)
        self.fsync = fsync
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.data = os.path.join(self.dir, "data")
        self.passfile = os.path.join(self.dir, "pgpass")
        self.log = os.path.join(self.dir, "server.log")
        self.password = secrets.token_hex(16)
        self.port = 0
        self.proc = None
        self.frozen = []  # PIDs stopped by freeze()
        self.user = None
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            self.user = (entry.pw_uid, entry.pw_gid)
            os.chown(self.dir, *self.user)
        pwfile = os.path.join(self.dir, "pwfile")
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        with open(self.passfile, "w") as f:
            f.write("*:*:*:cusax:%s\n" % self.password)
        os.chmod(self.passfile, 0o600)  # libpq ignores a passfile others may read
        if self.user:
            os.chown(pwfile, *self.user)
        self._run_as_server_user([os.path.join(BIN, "initdb"), "-D", self.data, "-U", "cusax",
                                  "--pwfile", pwfile, "--auth-local=trust",
                                  "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8",
                                  "--locale=C.UTF-8"])
        os.remove(pwfile)
        self.start()

    def _preexec(self):
        if self.user:
            os.setgid(self.user[1])
            os.setuid(self.user[0])

    def _run_as_server_user(self, args):
        with open(os.path.join(self.dir, "initdb.log"), "ab") as log:
            subprocess.run(args, check=True, stdout=log, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, preexec_fn=self._preexec, timeout=120)

    def start(self, timeout=30):
        """Starts the server (again) and waits until it accepts connections."""
        if self.proc is not None:
            return
        for _ in range(5):  # a port found free may be taken before the server binds it
            if not self.port or self.proc is False:
                self.port = _free_port()
            args = [os.path.join(BIN, "postgres"), "-D", self.data,
                    "-c", "listen_addresses=127.0.0.1", "-c", "port=%d" % self.port,
                    "-c", "unix_socket_directories=" + self.dir]
            if not self.fsync:
                args += ["-c", "fsync=off", "-c", "full_page_writes=off"]
            log = open(self.log, "ab")
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, preexec_fn=self._preexec)
            log.close()
            deadline = time.time() + timeout
            while time.time() < deadline and self.proc.poll() is None:
                ready = subprocess.run([os.path.join(BIN, "pg_isready"), "-q", "-h", "127.0.0.1",
                                        "-p", str(self.port)], stdin=subprocess.DEVNULL)
                if ready.returncode == 0:
                    return
                time.sleep(0.05)
            self.stop()
            self.proc = False
        raise RuntimeError("postgres did not start; log: " + self.read_log()[-2000:])

    def stop(self, timeout=30):
        """Fast shutdown by PID (open sessions are ended), waiting for the process to end."""
        self.thaw()
        if not self.proc:
            self.proc = None
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def _processes(self):
        """The server's PID and its children's (backends, background workers), from /proc."""
        pids = [self.proc.pid]
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % entry) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == self.proc.pid:  # the parent's PID
                pids.append(int(entry))
        return pids

    def freeze(self):
        """Stops the server and every backend in their tracks (SIGSTOP, by PID): connections
        stay open and the kernel still accepts what is sent, but nothing is answered, as with a
        hung host. thaw() resumes them."""
        self.frozen = self._processes()
        for pid in self.frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self):
        for pid in self.frozen:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self.frozen = []

    def conninfo(self, database):
        return "host=127.0.0.1 port=%d user=cusax dbname=%s passfile=%s" % (
            self.port, database, self.passfile)

    def create_database(self, name):
        self.psql("postgres", "CREATE DATABASE %s" % name)
        return self.conninfo(name)

    def psql(self, database, sql):
        """Runs SQL as the superuser; returns its output (unaligned, tuples only)."""
        out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql,
                              self.conninfo(database)], check=True, capture_output=True,
                             text=True, stdin=subprocess.DEVNULL, timeout=60)
        return out.stdout

    def read_log(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
