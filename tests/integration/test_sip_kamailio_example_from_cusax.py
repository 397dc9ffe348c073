#!/usr/bin/python3
"""The Kamailio example tells pass 2 (a request back from cusax) by the socket it arrives on and
the address it comes from: cusax's calls over TCP are recognised, and no phone is taken for
cusax, whatever its address, transport or target socket.

cusax-sip-proxy (127.0.0.1) has its next_hop over TCP on the Kamailio port only cusax sends to
(FROM_CUSAX_PORT of conf/kamailio-cusax.cfg, run as shipped on this test's ports:
sip/kamailio_example.py), so its requests come from a port the kernel chose. Every call is a
sipp INVITE from alice carrying a forged Call-Info impp (sip/caller_invite.xml), answered by a
sipp callee on 127.0.0.2; ACK and BYE follow. A call went through cusax when the callee's
INVITE carries cusax's Via (TCP: relayed back over its connection) and exactly one impp, alice's
genuine one (Kamailio asserted her on pass 1, cusax inserted it for her verified binding),
never the forged one.
  1. A phone on 127.0.0.1 over UDP to the main socket: through cusax (a check by cusax's source
     port never recognises its TCP connections: the call went back to cusax, which saw it loop).
     Every Record-Route the callee gets names the main socket, none the one only cusax sends to
     (record-routing on pass 2 would name that one too: the rr module's double Record-Route).
     So in 2 and 4; in 3 the first one does (the callee's way back to Kamailio).
  2. A phone on cusax's own address over TCP to the main socket: through cusax, Record-Route
     as in 1 (a check taking any TCP request from cusax's address for pass 2 sent it straight
     to the callee, forged impp and all).
  3. A phone on another host, 127.0.0.3, straight at the port only cusax sends to, over UDP
     and over TCP: through cusax, and Kamailio logs a warning naming it (a check by the socket
     alone took it for pass 2).
  4. The same with WITH_DISPATCHER, cusax the one instance in the list (pass 2 by
     ds_is_from_list ignoring port and transport): 1, and 3 over TCP.
"""
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import kamailio_example  # noqa: E402
from sipkit import Scenario, free_port, header_values  # noqa: E402

kamailio_example.skip_unless_installed()
GENUINE = "<xmpp:alice@xmpp.example.com>;purpose=impp"
OTHER_HOST = "127.0.0.3"

s = Scenario("sip-kamailio-from-cusax")
s.bindings()
kamailio_port, from_cusax_port, cusax_port = free_port(), free_port(), free_port()
callee_port = free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % cusax_port,
               "next_hop": "sip:127.0.0.1:%d;transport=tcp" % from_cusax_port,
               "trusted_peers": "127.0.0.1", "local_domains": "example.com"})
CUSAX_VIA = "SIP/2.0/TCP 127.0.0.1:%d;" % cusax_port


def start_kamailio(**options):
    proc = kamailio_example.start(s, kamailio_port, cusax_port, "127.0.0.2", callee_port,
                                  from_cusax_port=from_cusax_port, **options)
    if s.failures:
        s.finish("")
    return proc


def port_free(port):
    """True when nothing is bound to UDP 127.0.0.1:PORT nor listens on it over TCP."""
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        with socket.socket(socket.AF_INET, kind) as probe:
            if kind == socket.SOCK_STREAM:  # past TIME_WAIT, never past a listener
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def stop_kamailio(proc, log_name):
    """Stops Kamailio by its PID; returns once its ports are free and its log put aside."""
    s.stop(proc)
    s.check(s.wait_until(lambda: port_free(kamailio_port) and port_free(from_cusax_port), 20),
            "Kamailio's ports still held after it stopped")
    os.rename(s.path("kamailio.log"), s.path(log_name))


def call(name, phone, transport, port):
    """One call from a sipp caller on address PHONE over TRANSPORT (sipp's u1 or t1) to
    Kamailio's PORT, checked as the module docstring says."""
    callee = s.sipp("callee-" + name, "callee_answer.xml", "127.0.0.2", callee_port)
    s.check(s.wait_udp_bound("127.0.0.2", callee_port), name + ": callee not bound")
    caller = s.sipp("caller-" + name, "caller_invite.xml", phone, free_port(phone),
                    "127.0.0.1:%d" % port, transport=transport, csv=["bob@example.com", "", ""])
    s.check(s.wait(caller) == 0, "%s: the call failed (see caller-%s.err)" % (name, name))
    s.wait(callee)
    s.check(bool(s.received("callee-" + name, "BYE ")), name + ": no BYE reached the callee")
    invites = s.received("callee-" + name, "INVITE ")
    if not s.check(len(invites) == 1, "%s: the callee got %d INVITEs" % (name, len(invites))):
        return
    vias = header_values(invites[0], "Via")
    values = ", ".join(header_values(invites[0], "Call-Info"))
    s.check(any(v.startswith(CUSAX_VIA) for v in vias), "%s: not through cusax: %s" %
            (name, vias))
    s.check("mallory" not in values, name + ": the forged impp reached the callee: " + values)
    s.check(values.lower().count("purpose=impp") == 1 and GENUINE in values,
            name + ": not exactly alice's impp at the callee: " + values)
    # The callee reaches Kamailio by its first Record-Route, the caller by its last: the main
    # socket. A caller that came in by the other socket is told that one (the second
    # Record-Route of double record-routing), which only cusax's host can reach in a deployment
    # that follows the example.
    routes = header_values(invites[0], "Record-Route")
    told = routes if port == kamailio_port else routes[:1]
    s.check(routes and all("127.0.0.1:%d;" % kamailio_port in r for r in told),
            "%s: Record-Route names another socket than the main one: %s" % (name, routes))


def warned(times, what):
    """Kamailio logged (at least TIMES times) a new INVITE from OTHER_HOST on the socket only
    cusax sends to."""
    text = "new INVITE from %s on the socket only cusax-sip-proxy sends to" % OTHER_HOST
    s.check(s.wait_until(lambda: s.read(s.path("kamailio.log")).count(text) >= times, 10),
            what + ": Kamailio did not log the warning")


# 1-3: the example as shipped.
kamailio = start_kamailio()
call("1-udp-phone", "127.0.0.1", "u1", kamailio_port)
call("2-tcp-phone-on-cusax-address", "127.0.0.1", "t1", kamailio_port)
call("3-other-host-udp", OTHER_HOST, "u1", from_cusax_port)
warned(1, "3 over UDP")
call("3-other-host-tcp", OTHER_HOST, "t1", from_cusax_port)
warned(2, "3 over TCP")
stop_kamailio(kamailio, "kamailio-as-shipped.log")

# 4: the dispatcher variant, cusax its one instance.
dispatcher_list = s.path("dispatcher.list")
with open(dispatcher_list, "w") as f:
    f.write("1 sip:127.0.0.1:%d 0 0\n" % cusax_port)
kamailio = start_kamailio(
    defines=("WITH_DISPATCHER",),
    extra=((r"(?m)^#!define DISPATCHER_LIST .*$",
            '#!define DISPATCHER_LIST "%s"' % dispatcher_list),
           (r"(?m)^#!define CTL_SOCKET .*$",
            '#!define CTL_SOCKET "unix:%s"' % s.path("kamailio_ctl"))))
call("4-dispatcher-udp-phone", "127.0.0.1", "u1", kamailio_port)
call("4-dispatcher-other-host-tcp", OTHER_HOST, "t1", from_cusax_port)
warned(1, "4, other host over TCP")

s.stop_proxy()
s.stop(kamailio)
s.finish("pass 2 told by the socket only cusax sends to and cusax's address: cusax over TCP "
         "recognised (also as a dispatcher instance); a phone on cusax's address over TCP and "
         "another host on that socket over UDP and TCP went through cusax all the same")
