#!/usr/bin/python3
"""Switching vcard-temp delegation on without users losing their vCards (issue 12, migration):
a real Prosody without delegation stores alice's vCard itself (mod_vcard); Prosody is stopped,
its storage exported to XEP-0227 files with Prosody's own prosody-migrator, and
`cusaxctl import-vcards` copies them into the component's vCard store; Prosody restarted with
delegation sends bob's fetch to the component, which answers alice's own vCard (her nickname)
merged with her SIP TEL; `verify --mutual` finds the SIP address her exported vCard listed.

prosody-migrator 0.12 writes XEP-0227 files into its compiled-in data directory
(/var/lib/prosody), whatever the migrator config says; the test runs it in a mount namespace
of its own where that directory is the test's export directory, so nothing on the machine is
touched. It reads a copy of the test Prosody's data owned by the prosody user, because the
migrator, started as root, switches to that user before reading anything."""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (DOMAIN, LOCAL, VT, Scenario, check, fetch_vcard, read,  # noqa: E402
                        set_vcard, vcard_tels, wait_for)

ALICE = "alice@" + LOCAL
SIP = "sip:alice@" + DOMAIN
ALICE_VCARD = ("<vCard xmlns='vcard-temp'><NICKNAME>Ally</NICKNAME><TEL><VOICE/><NUMBER>"
               f"{SIP}</NUMBER></TEL></vCard>")


def use_mod_vcard(s):
    """Prosody's vcard-temp storage module (mod_vcard) instead of mod_vcard_legacy (which keeps
    vCards as vCard4 in PEP)."""
    text = read(s.prosody_cfg).replace('"vcard_legacy"', '"vcard"', 1)
    with open(s.prosody_cfg, "w") as f:
        f.write(text)


def export_with_prosody_migrator(data_dir):
    """XEP-0227 files of LOCAL's users (accounts and vcard stores), in a new directory."""
    work = tempfile.mkdtemp(prefix="cusax-export-")
    os.chmod(work, 0o755)
    data = os.path.join(work, "data")
    out = os.path.join(work, "xep0227")
    shutil.copytree(data_dir, data)
    os.makedirs(out)
    cfg = os.path.join(work, "migrator.cfg.lua")
    with open(cfg, "w") as f:
        f.write(f'input {{ hosts = {{ ["{LOCAL}"] = {{ "accounts", "vcard" }} }};'
                f' type = "internal"; path = "{data}" }}\n'
                'output { type = "xep0227" }\n')
    subprocess.run(["chown", "-R", "prosody:prosody", work], check=True)
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                        f'mount --bind "{out}" /var/lib/prosody && '
                        f'exec prosody-migrator --config "{cfg}" input output'],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"prosody-migrator: {r.returncode}: {r.stdout}{r.stderr}")
    return work, out


def main():
    with Scenario("import vCards from a XEP-0227 export") as s:
        s.write_prosody_config()
        use_mod_vcard(s)
        s.start_prosody()
        s.register("alice", LOCAL, "pw-alice")
        s.register("bob", LOCAL, "pw-bob")
        s.example_bindings()

        # 1. Before delegation: Prosody keeps alice's vCard.
        r = s.client(ALICE, "pw-alice", lambda cl: set_vcard(cl, ET.fromstring(ALICE_VCARD)))
        check(r == "ok", f"alice's vCard stored by Prosody: {r}")
        check(s.stop_prosody() == 0, "Prosody stopped")

        # 2. Export with Prosody's own tool, import with cusaxctl.
        work, out = export_with_prosody_migrator(os.path.join(s.dir, "prosody", "data"))
        try:
            exported = os.path.join(out, ALICE + ".xml")
            check(os.path.exists(exported), f"prosody-migrator wrote {exported}: {os.listdir(out)}")
            vcards = os.path.join(s.dir, "vcards.sqlite")
            r = s.ctl("--vcard-store", vcards, "import-vcards", out)
            check(r.stdout.startswith(f"imported 1 vCards into {vcards}"), r.stdout)
            r = s.ctl("--vcard-store", vcards, "import-vcards", out)  # again: kept
            check("imported 0 vCards" in r.stdout and "1 already there kept" in r.stdout,
                  r.stdout)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"ok: prosody-migrator exported {ALICE}'s vCard, cusaxctl imported it")

        # 3. Delegation on: bob sees alice's own vCard from the component, with her SIP TEL.
        s.write_prosody_config()
        use_mod_vcard(s)
        s.enable_vcard_delegation()
        s.start_prosody()
        c = s.start_component(component={"vcard_store": vcards, "vcard_guard": "refuse"})
        c.wait_connected()
        wait_for(lambda: "xmpp.delegation_advertised" in c.text(), 10,
                 "Prosody advertising the delegation")
        v = s.client("bob@" + LOCAL, "pw-bob", lambda cl: fetch_vcard(cl, ALICE))
        check(v.findtext(VT + "NICKNAME") == "Ally", f"nickname: {ET.tostring(v, 'unicode')}")
        tels = vcard_tels(v)
        check(tels.get(SIP) == {"VOICE", "VIDEO"} and "+4930123456" in tels, f"TELs: {tels}")
        check("kind=vcard-get" in c.text(), "answered by the component")
        print("ok: after switching delegation on, bob sees alice's imported vCard with her "
              "SIP TEL")

        # 4. Her exported vCard listed her SIP address: mutual.
        r = s.ctl("--vcard-store", vcards, "verify", "--mutual", SIP)
        check(r.stdout.strip() == f"{SIP}: mutual, admin -> mutual", r.stdout)
        print("ok: verify --mutual on the imported vCard")


if __name__ == "__main__":
    main()
