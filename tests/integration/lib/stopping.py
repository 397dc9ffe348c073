"""Stopping a process a test started, by its PID, with whatever it forked.

A server that forks workers (Kamailio) is started in a process group of its own
(Popen with `OWN_GROUP`, then `mark_own_group`); stopping it then signals the whole group, and whatever of the group is
still there once the leader has gone is killed. Without that, a Kamailio main process killed
after its shutdown timed out leaves its workers running, holding the test's ports for a later
test (seen once in a CI check).
"""
import os
import signal
import subprocess

# Keyword arguments for subprocess.Popen: a new session, so the group id is the child's PID.
OWN_GROUP = {"start_new_session": True}


def mark_own_group(proc):
    """Marks a Popen started with OWN_GROUP, so that stop_process stops its whole group."""
    proc.cusax_own_group = True
    return proc


def _leads_group(proc):
    return getattr(proc, "cusax_own_group", False)


def _signal(proc, sig):
    if _leads_group(proc):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    elif proc.poll() is None:
        proc.send_signal(sig)


def stop_process(proc, timeout=10, sig=signal.SIGTERM):
    """Sends sig to the process (and its group, when it leads one) and waits; SIGKILL after
    timeout. Then kills what is left of its group. Returns its exit status."""
    if proc.poll() is None:
        _signal(proc, sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL)
            proc.kill()
            proc.wait()
    if _leads_group(proc):
        # Workers that outlived their main process (the group outlives its leader while any
        # member is alive, so its id cannot have been given to another group).
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return proc.returncode
