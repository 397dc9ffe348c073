#!/usr/bin/python3
"""No Route set carries a call to the telephone network past pstn_policy = block, with a real
Kamailio behind cusax that routes new calls by their Request-URI.

caller (127.0.0.1, raw UDP) -> cusax-sip-proxy -> Kamailio -> gateway (127.0.0.3, raw UDP:
stands for the PSTN gateway) or callee (127.0.0.2, raw UDP). Kamailio routes like Debian's
stock kamailio.cfg: a Request-URI of another host is relayed to it; a number at its own
address (`myself`, and its alias example.com), whether or not it says ;user=phone, goes to the
gateway; any other user to the callee. It listens on two ports: on DROP_PORT (cusax's next_hop)
it removes the Route headers of a new call first (the stock "remove preloaded route headers"),
on FOLLOW_PORT it follows them (loose_route(), §16.6 item 6 toward a strict Route). cusax:
local_domains = example.com, offnet_number_prefixes = +, 0.

pstn_policy = block: each of these INVITEs for bob@example.com must get cusax's 403 (logged
found_in=strict_route where the number was in a Route), and the gateway must get nothing:
  1. a Route without ;lr naming a number at Kamailio, ;user=phone: cusax hands it on as the
     Request-URI, Kamailio drops the Route (the target) and routes the number;
  2. the same without ;user=phone (Kamailio routes a number at `myself` either way), and the
     number at Kamailio's address as the Request-URI: next_hop's host is one of our domains;
  3. a loose Route to FOLLOW_PORT, then a strict Route naming the number at the gateway:
     Kamailio follows the Route set and makes the number the Request-URI.
Calls for bob with no Route and through a loose Route reach the callee.
pstn_policy = warn: 1 is relayed and rings the gateway; the caller cancels it with the same
Route set (RFC 3261 §9.1): the CANCEL carries the INVITE's branch, so Kamailio matches it to
the INVITE's transaction and the gateway gets it, and the caller gets the PSTN Warning on the
180 and the 487.
"""
import os
import re
import select
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import kamailio_example  # noqa: E402
from sipkit import Scenario, free_port  # noqa: E402
from udp_agent import UdpAgent  # noqa: E402

kamailio_example.skip_unless_installed()
TEXT = "Call to the telephone network: charges may apply"

KAMAILIO_CFG = r"""#!KAMAILIO
debug=2
log_stderror=yes
children=1
auto_aliases=no
dns=no
rev_dns=no
listen=udp:127.0.0.1:@DROP_PORT@
listen=udp:127.0.0.1:@FOLLOW_PORT@
alias=example.com
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "maxfwd.so"
loadmodule "siputils.so"
loadmodule "xlog.so"

request_route {
    if (!mf_process_maxfwd_header("10")) {
        sl_send_reply("483", "Too Many Hops");
        exit;
    }
    if (has_totag()) {
        if (loose_route() || is_method("ACK")) t_relay();
        else sl_send_reply("404", "Not here");
        exit;
    }
    if (is_method("CANCEL")) {
        if (t_check_trans()) t_relay();
        exit;
    }
    if ($Rp == @FOLLOW_PORT@) {
        if (loose_route() && ($du != $null || uri != myself)) {
            xlog("L_INFO", "by the Route set: $ru call_id=$ci\n");
            t_relay();
            exit;
        }
    } else {
        remove_hf("Route");
    }
    if (uri != myself) {
        t_relay();
        exit;
    }
    if ($rU == $null) {
        sl_send_reply("484", "Address Incomplete");
        exit;
    }
    if ($rU =~ "^(\+|00)[1-9][0-9]{3,20}$") {
        xlog("L_INFO", "to the PSTN gateway: $rU call_id=$ci\n");
        $ru = "sip:" + $rU + "@@GATEWAY@";
        t_relay();
        exit;
    }
    $du = "sip:@CALLEE@";
    t_relay();
}
"""

s = Scenario("sip-strict-route-charge-kamailio")
s.bindings()
cusax_port, drop_port, follow_port = free_port(), free_port(), free_port()
gateway_port, callee_port = free_port("127.0.0.3"), free_port("127.0.0.2")
KAMAILIO = "127.0.0.1:%d" % drop_port
FOLLOWER = "127.0.0.1:%d" % follow_port
GATEWAY = "127.0.0.3:%d" % gateway_port

cfg = s.path("kamailio.cfg")
with open(cfg, "w") as f:
    f.write(KAMAILIO_CFG.replace("@DROP_PORT@", str(drop_port))
            .replace("@FOLLOW_PORT@", str(follow_port)).replace("@GATEWAY@", GATEWAY)
            .replace("@CALLEE@", "127.0.0.2:%d" % callee_port))
kamailio = kamailio_example.run(s, cfg, (drop_port, follow_port))
if s.failures:
    s.finish("")

caller = UdpAgent("127.0.0.1", free_port(), "alice")
gateway = UdpAgent("127.0.0.3", gateway_port, "gateway")
callee = UdpAgent("127.0.0.2", callee_port, "bob")
PROXY = ("127.0.0.1", cusax_port)
RUN_ID = int(time.time())


def invite(label, uri, routes):
    """Sends one INVITE for URI through cusax with ROUTES; returns its Call-ID and branch."""
    call_id = "%s-%d@127.0.0.1" % (label, RUN_ID)
    branch = caller.request("INVITE", uri, call_id, 1, "<sip:alice@example.com>;tag=" + label,
                            "<%s>" % uri, PROXY, routes=routes)
    return call_id, branch


def serve_until(wanted, on_request, timeout=10):
    """Serves the gateway and the callee (ON_REQUEST(agent, message) answers what each
    receives) until the caller receives a message WANTED accepts, which is returned (None: none
    came within TIMEOUT seconds)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = caller.expect(wanted, 0.02)
        if got:
            return got
        for agent in (gateway, callee):
            received = agent.expect(lambda m: True, 0.02)
            if received:
                on_request(agent, received)
    return None


def response(call_id, statuses):
    return lambda m: m.is_response and m.status in statuses and m.header("Call-ID") == call_id


FINAL = range(200, 700)


reached = {"gateway": [], "bob": []}


def answer_200(agent, request):
    if request.is_response:
        return
    reached[agent.user].append(request)
    if request.method == "INVITE":
        agent.respond(request, 200, "OK", to_tag="uas")


def call(label, uri, routes=()):
    """One INVITE, its requests answered 200; returns the caller's final response."""
    call_id, _ = invite(label, uri, routes)
    return serve_until(response(call_id, FINAL), answer_200)


def blocked(label, uri, routes=(), found_in="strict_route"):
    final = call(label, uri, routes)
    s.check(final is not None and final.status == 403,
            "%s: %s %s not refused with 403: %s" % (label, uri, list(routes),
                                                    final.first_line if final else "no answer"))
    logged = re.compile(r"charge\.classified call_id=%s-\S+ .*class=pstn action=block "
                        r"found_in=%s" % (re.escape(label), found_in))
    s.check(s.wait_until(lambda: logged.search(s.read(s.proxy_log)), timeout=5),
            "%s: not logged as a blocked PSTN call found in the %s" % (label, found_in))


def reaches_bob(label, uri, routes=()):
    final = call(label, uri, routes)
    s.check(final is not None and final.status == 200,
            "%s: not answered 200: %s" % (label, final.first_line if final else "no answer"))
    s.check(any(r.header("Call-ID").startswith(label + "-") for r in reached["bob"]),
            label + ": did not reach the callee")


s.start_proxy({"listen": "sip:127.0.0.1:%d" % cusax_port, "next_hop": "sip:" + KAMAILIO,
               "local_domains": "example.com", "offnet_number_prefixes": "+, 0",
               "pstn_policy": "block", "pstn_warning": TEXT})
reaches_bob("plain", "sip:bob@example.com")
blocked("user-phone", "sip:bob@example.com", ["<sip:+4989123@%s;user=phone>" % KAMAILIO])
blocked("no-user-phone", "sip:bob@example.com", ["<sip:+4989123@%s>" % KAMAILIO])
blocked("request-uri", "sip:+4989123@%s" % KAMAILIO, found_in="request_uri")
blocked("after-loose", "sip:bob@example.com",
        ["<sip:%s;lr>" % FOLLOWER, "<sip:+4989123@%s;user=phone>" % GATEWAY])
reaches_bob("loose", "sip:bob@example.com", ["<sip:%s;lr>" % FOLLOWER])
s.check(not reached["gateway"], "a blocked call reached the gateway: %s" %
        [r.first_line + " Call-ID " + r.header("Call-ID") for r in reached["gateway"]])

# Warned (pstn_policy reloads): the gateway rings, the caller cancels with the INVITE's Route
# set and branch.
ini = s.path("cusax.ini")
with open(ini) as f:
    text = f.read()
with open(ini, "w") as f:
    f.write(text.replace("pstn_policy = block", "pstn_policy = warn"))
s.proxy.send_signal(signal.SIGHUP)
s.check(s.wait_until(lambda: "config.reloaded" in s.read(s.proxy_log), timeout=10),
        "no config.reloaded after SIGHUP")
rung = []


def ring_then_cancel(agent, request):
    if request.is_response:
        return
    reached[agent.user].append(request)
    if request.method == "INVITE":
        rung.append(request)
        agent.respond(request, 180, "Ringing", to_tag="gw")
    elif request.method == "CANCEL":
        agent.respond(request, 200, "OK")
        if rung:
            agent.respond(rung[0], 487, "Request Terminated", to_tag="gw")


route = ["<sip:+4989123@%s;user=phone>" % KAMAILIO]
call_id, branch = invite("warned", "sip:bob@example.com", route)
ringing = serve_until(response(call_id, [180]), ring_then_cancel)
s.check(ringing is not None and any(TEXT in w for w in ringing.values("Warning")),
        "warned: no 180 with the PSTN Warning from the gateway")
caller.request("CANCEL", "sip:bob@example.com", call_id, 1,
               "<sip:alice@example.com>;tag=warned", "<sip:bob@example.com>", PROXY,
               routes=route, branch=branch)
final = serve_until(lambda m: response(call_id, FINAL)(m) and m.method == "INVITE",
                    ring_then_cancel)
s.check(any(r.method == "CANCEL" for r in reached["gateway"]),
        "warned: Kamailio did not match the CANCEL to the INVITE (the gateway never got it)")
s.check(final is not None and final.status == 487 and
        any(TEXT in w for w in final.values("Warning")),
        "warned: no 487 with the PSTN Warning: %s" % (final.text if final else "none"))
s.stop_proxy()
s.stop(kamailio)
s.finish("through a Kamailio that routes by the Request-URI: a number in a strict Route, at "
         "the next hop's address, or behind a loose router blocked; warned, the CANCEL follows "
         "its INVITE")
