"""Several cusax-sip-proxy instances in one sipkit scenario, as behind a dispatcher: each with
its own INI and log, all on the store of lib/shared_store.py, started and stopped (or killed)
by PID; and Kamailio's dispatcher state as `kamcmd dispatcher.list` shows it."""
import re
import signal
import subprocess

import sipkit


class ProxyInstance:
    """One running proxy: its address, INI, log and process."""

    def __init__(self, scenario, name, host, port, keys, store):
        self.scenario = scenario
        self.name = name
        self.host = host
        self.port = port
        self.log_path = scenario.path(name + ".log")
        lines = ["[log]", "level = debug", "stats_interval = 1s", "stats_dir = " + scenario.dir]
        lines += store.section()
        lines += ["[sip-proxy]", "listen = sip:%s:%d" % (host, port)]
        lines += ["%s = %s" % kv for kv in keys.items()]
        self.ini = scenario.path(name + ".ini")
        with open(self.ini, "w") as f:
            f.write("\n".join(lines) + "\n")
        proc = scenario.spawn([sipkit.PROXY, "-c", self.ini], name + ".log",
                              env=sipkit.proxy_env())
        self.proc = scenario.wait_listening(proc, self.log_path)

    @property
    def host_port(self):
        return "%s:%d" % (self.host, self.port)

    @property
    def uri(self):
        return "sip:" + self.host_port

    def log(self):
        return self.scenario.read(self.log_path)

    def kill(self):
        """SIGKILL to its PID, as a host lost: nothing is closed or answered any more."""
        self.scenario.stop(self.proc, signal.SIGKILL)

    def freeze(self):
        """SIGSTOP: it reads, relays and logs nothing until thaw() (or kill())."""
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.proc.send_signal(signal.SIGCONT)

    def call_ids_given_call_info(self, since=0):
        """Call-IDs of the requests it gave a Call-ID impp, logged (from log offset `since`)
        before it relays them."""
        return set(re.findall(r"call_info\.inserted .*?call_id=\"?([^\"\s]+)",
                              self.log()[since:]))

    def stop(self):
        """SIGTERM; checks that it stopped cleanly (exit status 0, its last log line)."""
        rc = self.scenario.stop(self.proc)
        self.scenario.check(rc == 0, "%s: exit status %s after SIGTERM" % (self.name, rc))
        self.scenario.check("sip.stopped" in self.log(), "%s did not stop cleanly" % self.name)

    def check_no_sanitizer_report(self):
        self.scenario.check(
            not re.search(r"ERROR: (Address|Leak)Sanitizer|runtime error:", self.log()),
            "sanitizer report in %s" % self.log_path)


def dispatcher_states(ctl_socket):
    """{destination URI: FLAGS} of every dispatcher destination (AP: active and probed, IP:
    inactive and probed, TP: trying), from `kamcmd dispatcher.list`; {} when it cannot say."""
    try:
        out = subprocess.run(["kamcmd", "-s", ctl_socket, "dispatcher.list"],
                             capture_output=True, text=True, timeout=10).stdout
    except subprocess.TimeoutExpired:
        return {}
    return dict(re.findall(r"URI:\s*(\S+)\s+FLAGS:\s*(\S+)", out))
