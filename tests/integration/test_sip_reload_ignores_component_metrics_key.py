#!/usr/bin/python3
"""A reload of the proxy says "restart needed" only for keys the proxy reads.

[metrics] holds one address per daemon. An operator who gives the component a metrics address
(xmpp_component_listen) and reloads both daemons must not be told by the proxy that the proxy
needs a restart for it: the proxy never reads that key, and a restart of the proxy would drop
its TCP and TLS connections for nothing. The proxy's own address (sip_proxy_listen) changed in
the same way is still named, as every restart-only key is.
"""
import os
import signal
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port

s = Scenario("sip-reload-metrics-keys")
s.bindings()
proxy_port, hop_port = free_port(), free_port()
s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
               "next_hop": "sip:127.0.0.1:%d" % hop_port})
ini = s.path("cusax.ini")
original = s.read(ini)


def reload_with(extra, reloads_before):
    with open(ini, "w") as f:
        f.write(original + extra)
    s.proxy.send_signal(signal.SIGHUP)
    s.check(s.wait_until(lambda: s.read(s.proxy_log).count("config.reloaded") > reloads_before,
                         timeout=10), "no config.reloaded after SIGHUP")


# The component's address only: nothing of the proxy's changed.
reload_with("[metrics]\nxmpp_component_listen = 127.0.0.1:%d\n" % free_port(kind=socket.SOCK_STREAM), 0)
log = s.read(s.proxy_log)
s.check("xmpp_component_listen" not in log,
        "the proxy names the component's [metrics] xmpp_component_listen as its own restart")
s.check("config.restart_needed" not in log, "the proxy asks for a restart it does not need")

# The proxy's own address: named, as every restart-only key.
reload_with("[metrics]\nsip_proxy_listen = 127.0.0.1:%d\n" % free_port(kind=socket.SOCK_STREAM), 1)
s.check(s.wait_for_text(s.proxy_log, 'config.restart_needed config=%s keys="[metrics] '
                        'sip_proxy_listen"' % ini),
        "the proxy's own [metrics] sip_proxy_listen is not named as needing a restart")
s.check(s.proxy_alive(), "the proxy did not survive the reloads")
s.stop_proxy()
s.finish("the proxy's reload names only its own restart-only keys")
