#!/usr/bin/python3
"""cusaxctl on the users' vCard store in PostgreSQL (`[xmpp-component] vcard_store =
postgresql`: tables of their own in the [store] database). On a real PostgreSQL 15:

  1. before anything made the vCard tables, `verify --mutual` fails with exit code 6, saying
     there is no vCard store yet and naming the server, and creates nothing;
  2. `import-vcards` of a XEP-0227 export creates them and stores alice's vCard, naming the
     server in its message (never the password);
  3. `verify --mutual --all` reads it from there: alice's binding, listed in her vCard, becomes
     mutual; bob's, whose vCard lists nothing, does not;
  4. `doctor`'s users' vCards check reads the tables' schema version there, a warning before
     they exist (and it creates none), ok after the import, FAIL for a newer version.
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

EXPORT = ("<server-data xmlns='urn:xmpp:pie:0'><host jid='xmpp.example.com'>"
          "<user name='alice'><vCard xmlns='vcard-temp'><NICKNAME>Ally</NICKNAME><TEL><VOICE/>"
          "<NUMBER>sip:alice@example.com</NUMBER></TEL></vCard></user>"
          "<user name='bob'><vCard xmlns='vcard-temp'><FN>Bob</FN></vCard></user>"
          "</host></server-data>")

s = sipkit.Scenario("store-postgresql-user-vcards")
pg = postgres.PostgresServer()
try:
    conninfo = pg.create_database("cusax")
    ini = s.path("cusax.ini")
    with open(ini, "w") as f:
        f.write("\n".join([
            "[log]", "stats_dir = " + s.dir,
            "[store]", "backend = postgresql", "conninfo = " + conninfo,
            "[xmpp-component]", "domain = sip.example.com", "secret = unused-here",
            # Nothing listens there: doctor's handshake probe fails at once.
            "server_host = 127.0.0.1", "server_port = %d" % sipkit.free_port(),
            "vcard_store = postgresql"]) + "\n")
    export = s.path("xmpp.example.com.xml")
    with open(export, "w") as f:
        f.write(EXPORT)

    def ctl(*args):
        return subprocess.run([sipkit.CUSAXCTL, "-c", ini, *args], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=60)

    def tables():
        return pg.psql("cusax", "SELECT tablename FROM pg_tables WHERE tablename IN "
                       "('vcards', 'shown_values', 'vcard_schema') ORDER BY 1").split()

    for args in (("init",), ("add", "sip:alice@example.com", "alice@xmpp.example.com"),
                 ("add", "sip:bob@example.com", "bob@xmpp.example.com")):
        r = ctl(*args)
        s.check(r.returncode == 0, "cusaxctl %s: %s" % (args[0], r.stderr))

    def doctor_vcards():
        """doctor's users' vCards result (the other checks have no peers here)."""
        r = ctl("--json", "doctor", "--timeout", "1s")
        checks = [c for c in json.loads(r.stdout)["checks"] if c["check"] == "users' vCards"]
        s.check(len(checks) == 1, "one users' vCards result: %s" % r.stdout)
        return checks[0]

    # 1. No vCard store yet: doctor warns of it, verify --mutual fails; neither creates it.
    v = doctor_vcards()
    s.check(v["verdict"] == "warning" and "no vCard store yet" in v["detail"] and
            "port=%d" % pg.port in v["detail"], "doctor before the vCard tables: %s" % v)
    s.check(tables() == [], "doctor created %s" % tables())
    r = ctl("verify", "--mutual", "--all")
    s.check(r.returncode == 6, "verify --mutual before any vCard store: exit %d" % r.returncode)
    s.check("no vCard store yet" in r.stderr and "port=%d" % pg.port in r.stderr,
            "the error does not say it or name the server: " + r.stderr)
    s.check(tables() == [], "verify --mutual created %s" % tables())

    # 2. import-vcards creates the tables and stores the vCards there.
    r = ctl("import-vcards", export)
    s.check(r.returncode == 0, "import-vcards: %s%s" % (r.stdout, r.stderr))
    s.check("imported 2 vCards into postgresql" in r.stdout and
            "port=%d" % pg.port in r.stdout, "import-vcards' message: " + r.stdout)
    s.check(tables() == ["shown_values", "vcard_schema", "vcards"], "tables: %s" % tables())
    s.check("Ally" in pg.psql("cusax", "SELECT vcard FROM vcards WHERE jid = "
                                       "'alice@xmpp.example.com'"), "alice's vCard not stored")

    # 3. verify --mutual reads them from PostgreSQL.
    r = ctl("verify", "--mutual", "--all")
    s.check(r.returncode == 0, "verify --mutual: %s%s" % (r.stdout, r.stderr))
    s.check("sip:alice@example.com: mutual, unverified -> mutual" in r.stdout and
            "sip:bob@example.com: not mutual" in r.stdout, "verify --mutual: " + r.stdout)
    for output in (r.stdout, r.stderr, s.read(ini)):
        s.check(pg.password not in output, "the password appeared")

    # 4. doctor reads the version the import wrote, and refuses a newer one.
    v = doctor_vcards()
    s.check(v["verdict"] == "ok" and "schema version 1, this cusax's 1" in v["detail"],
            "doctor after the import: %s" % v)
    pg.psql("cusax", "UPDATE vcard_schema SET version = 2")
    v = doctor_vcards()
    s.check(v["verdict"] == "FAIL" and "newer" in v["detail"] and "newer cusax" in v["fix"],
            "doctor on a newer vCard store: %s" % v)
finally:
    pg.close()
s.finish("cusaxctl import-vcards, verify --mutual and doctor on the users' vCards in "
         "PostgreSQL")
