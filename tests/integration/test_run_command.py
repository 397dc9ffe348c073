#!/usr/bin/python3
"""The README's run command, as written (scripts/run), in the background and bounded: both
daemons come up beside the Prosody it starts; the README's query (scripts/demo-query) gets a
vCard with the SIP address through Prosody, and the README's call (scripts/demo-call) shows
the verified caller's JID in Call-Info at the callee, the forged one gone; the README's curl
fetches alice's profile from cusax-provisioning, her password checked at that Prosody. Then
SIGTERM to the run command stops everything it started.

Environment: CUSAX_SOURCE_DIR (the tree; ctest sets it). Ports are the run command's own
(5222, 5347, 5070, 8443, and 5090/5091 for the demo call), so it must not run beside another
instance. Prints the run command's output when it fails."""
import os
import signal
import subprocess
import sys
import tempfile
import time

SOURCE = os.environ.get("CUSAX_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
START_TIMEOUT = 900  # the run command installs and builds what is missing first
EVENT_TIMEOUT = 60  # a bound on an event that follows at once, not a guess at a delay
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def wait_for_line(log_path, text, timeout, proc):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(log_path, errors="replace") as f:
            if text in f.read():
                return True
        if proc.poll() is not None:
            return False
        time.sleep(0.1)
    return False


def main():
    log = tempfile.NamedTemporaryFile(prefix="cusax-run-", suffix=".log", delete=False)
    run = subprocess.Popen([os.path.join(SOURCE, "scripts/run")], cwd=SOURCE, stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    try:
        started = wait_for_line(log.name, "run: all started", START_TIMEOUT, run)
        check(started, "scripts/run reports every process started")
        # Each daemon's own event that it is up: a daemon that fails on its configuration
        # exits before writing it (and the run command then stops the others).
        for line, what in (("sip.listening", "the proxy listens"),
                           ("xmpp.connected", "the component's stream to Prosody is open"),
                           ("provisioning.listening", "cusax-provisioning listens")):
            check(started and wait_for_line(log.name, line, EVENT_TIMEOUT, run), what)
        check(run.poll() is None, "no process of the run command exited at start")
        with open(log.name, errors="replace") as f:
            output = f.read()
        check("cusax-xmpp-component started" in output, "the component was started")
        check("cusax-sip-proxy started" in output, "the proxy was started")
        check("cusax-provisioning started" in output, "cusax-provisioning was started")
        if started:
            # Prosody accepted the component's handshake (xmpp.connected above): it routes
            # the query's stanzas to the component from now on.
            query = subprocess.run([os.path.join(SOURCE, "scripts/demo-query")],
                                   capture_output=True, text=True, timeout=60)
            print(query.stdout + query.stderr)
            check(query.returncode == 0, "demo-query got an answer")
            check("sip:bob@sip.example.com" in query.stdout, "bob's vCard carries his SIP URI")
            check("JABBERID: bob@xmpp.example.com" in query.stdout,
                  "bob's verified binding shows his JID")
            call = subprocess.run([os.path.join(SOURCE, "scripts/demo-call")],
                                  capture_output=True, text=True, timeout=60)
            print(call.stdout + call.stderr)
            check(call.returncode == 0, "demo-call placed the call")
            check("<xmpp:alice@xmpp.example.com>;purpose=impp" in call.stdout,
                  "the callee got alice's verified JID in Call-Info")
            check("mallory" not in call.stdout, "the forged impp value did not reach the callee")
            # The README's curl, as written there.
            curl = subprocess.run(["curl", "-sS", "--cacert", "run/tls/ca.pem", "-u",
                                   "alice:alice-password", "https://localhost:8443/profile.json"],
                                  cwd=SOURCE, capture_output=True, text=True, timeout=60)
            print(curl.stdout + curl.stderr)
            check(curl.returncode == 0 and '"jid": "alice@xmpp.example.com"' in curl.stdout,
                  "the README's curl fetched alice's profile")
            check('"aor": "sip:alice@sip.example.com"' in curl.stdout,
                  "alice's profile names her SIP account")
        check(run.poll() is None, "the run command is still running before SIGTERM")
    finally:
        if run.poll() is None:
            os.kill(run.pid, signal.SIGTERM)  # the run command stops its children by PID
            try:
                run.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
    with open(log.name, errors="replace") as f:
        output = f.read()
    check("run: stopped" in output, "SIGTERM stopped everything the run command started")
    if failures:
        print("---- scripts/run output ----\n" + output[-20000:])
        sys.exit(1)
    os.unlink(log.name)


if __name__ == "__main__":
    main()
