#!/usr/bin/python3
"""Review rev19: what a hurried operator reads from cusaxctl on a PostgreSQL store.

  1. `doctor`'s store check names the PostgreSQL database it opened (host, port, dbname,
     user), never the SQLite path that [store] path defaults to (before the fix it said
     "postgresql /var/lib/cusax/bindings.sqlite opens"), and never the password;
  2. with the server stopped, its failure names the server too, and says how to fix it
     without sending the operator to [store] path.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "sip"))
import postgres  # noqa: E402
import sipkit  # noqa: E402

s = sipkit.Scenario("store-postgresql-review19")
pg = postgres.PostgresServer()
try:
    conninfo = pg.create_database("cusax")
    ini = s.path("cusax.ini")
    with open(ini, "w") as f:
        f.write("\n".join(["[log]", "stats_dir = " + s.dir,
                           "[store]", "backend = postgresql", "conninfo = " + conninfo]) + "\n")

    def ctl(*args):
        return subprocess.run([sipkit.CUSAXCTL, "-c", ini, *args], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=60)

    def doctor_store():
        r = ctl("--json", "doctor", "--timeout", "1s")
        checks = [c for c in json.loads(r.stdout)["checks"] if c["check"] == "store"]
        s.check(len(checks) == 1, "one store result: %s" % r.stdout)
        s.check(pg.password not in r.stdout + r.stderr, "the password appeared")
        return checks[0]

    r = ctl("init")
    s.check(r.returncode == 0, "cusaxctl init: %s" % r.stderr)

    # 1. The database it opened, not a SQLite file.
    v = doctor_store()
    s.check(v["verdict"] == "ok", "doctor store: %s" % v)
    s.check("sqlite" not in v["detail"] and "dbname=cusax" in v["detail"] and
            "port=%d" % pg.port in v["detail"], "doctor names the wrong store: %s" % v)

    # 2. The server stopped: the failure names it, and the fix is not about [store] path.
    pg.stop()
    v = doctor_store()
    s.check(v["verdict"] == "FAIL", "doctor with the server stopped: %s" % v)
    s.check("sqlite" not in v["detail"] and "port=%d" % pg.port in v["detail"],
            "doctor names the wrong store: %s" % v)
    s.check("[store] path" not in v["fix"], "doctor sends the operator to [store] path: %s" % v)
finally:
    pg.close()
s.finish("doctor names the PostgreSQL store it checked")
