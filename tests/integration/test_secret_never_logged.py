#!/usr/bin/python3
"""The component secret never reaches any output of cusax-xmpp-component (GUIDE: secrets never
reach a log), at the most verbose level, in both log formats.

For text and for json: the component runs with its secret in the INI file, level trace, a log
file, and its stdout and stderr captured; it authenticates, answers a query, loses Prosody and
reconnects, and stops on SIGTERM; a second one with a wrong secret is refused and retries;
--check-config and cusaxctl read the same INI. Every line of every output is searched for both
secrets and for "***", the mask the logger puts over a registered secret (a masked secret is
still a secret some code tried to log). The test proves it looked at real output: the log is
non-empty, has trace/debug lines, the handshake event twice and the refused handshake.
Prosody's own log is not ours and is not searched."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import (COMPONENT, DOMAIN, LOCAL, SECRET, Scenario, check, read, vcard_fn,
                        wait_for)

WRONG = "wrong-secret-a91c7e55"


def searched(name, text):
    check(SECRET not in text, f"{name}: the component secret appears")
    check(WRONG not in text, f"{name}: the wrong secret appears")
    check("***" not in text, f"{name}: a masked secret appears (some code logged it)")


def run_format(s, fmt):
    log_file = os.path.join(s.dir, f"component-{fmt}.log")
    c = s.start_component(f"component-{fmt}", log={"level": "trace", "format": fmt,
                                                   "file": log_file})
    c.wait_connected()
    fn = s.client("juliet@" + LOCAL, "pw-juliet", lambda cl: vcard_fn(cl, "alice@" + DOMAIN))
    check(fn == "Alice Liddell", f"query: {fn}")
    s.stop_prosody()
    s.start_prosody()
    c.wait_connected(times=2)
    check(c.stop() == 0, "exit status")

    bad_log = os.path.join(s.dir, f"component-{fmt}-wrong.log")
    bad = s.start_component(f"component-{fmt}-wrong", secret=WRONG,
                            log={"level": "trace", "format": fmt, "file": bad_log})
    wait_for(lambda: bad.count("xmpp.disconnected") >= 2, 10, "refused handshakes")
    check(bad.stop() == 0, "wrong-secret exit status")

    check_config = subprocess.run([COMPONENT, "--check-config", "-c", c.ini],
                                  capture_output=True, text=True)
    check(check_config.returncode == 0, f"--check-config: {check_config.stderr}")
    ctl = s.ctl("list")

    outputs = {
        c.output: read(c.output), log_file: read(log_file),
        bad.output: read(bad.output), bad_log: read(bad_log),
        "--check-config": check_config.stdout + check_config.stderr,
        "cusaxctl list": ctl.stdout + ctl.stderr,
    }
    for name, text in outputs.items():
        searched(name, text)

    # The search above looked at real output.
    text, bad_text = outputs[log_file], outputs[bad_log]
    lines = text.splitlines()
    check(len(lines) > 10, f"{fmt}: only {len(lines)} log lines")
    check(text.count("xmpp.connected") == 2, f"{fmt}: handshake event twice")
    check("not-authorized" in bad_text, f"{fmt}: the refused handshake is logged")
    if fmt == "json":
        records = [json.loads(line) for line in lines + bad_text.splitlines()]
        levels = {r["level"] for r in records}
        check({"event", "level", "program"} <= set(records[0]), f"json record: {records[0]}")
    else:
        levels = {w for line in lines for w in line.split()[1:2]}
    check(levels & {"trace", "debug"}, f"{fmt}: no trace or debug line (levels {levels})")
    print(f"ok: {fmt}: {len(lines) + len(bad_text.splitlines())} lines searched, "
          f"levels {sorted(levels)}")


def main():
    with Scenario("secret never logged") as s:
        s.start_prosody()
        s.register("juliet", LOCAL, "pw-juliet")
        s.example_bindings()
        for fmt in ("text", "json"):
            run_format(s, fmt)


if __name__ == "__main__":
    main()
