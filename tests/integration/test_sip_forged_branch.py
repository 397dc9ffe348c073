#!/usr/bin/python3
"""Only a response to a branch the proxy signed is relayed, and only its class is believed.

Raw UDP sockets on 127.0.0.1 (caller, spoofer) and 127.0.0.3 (the next hop) around a real
cusax-sip-proxy with a key file (branch_key_file). RFC 3261 §16.11 lets a stateless proxy put
what it needs into its branch; RFC 7081 §5 puts the charge decision there.

1. Spoofed responses from another port, whose top Via names the proxy with a look-alike
   branch (the old `;cusax-cw=pstn` marker, and a branch of the new shape with a wrong MAC),
   are not relayed to the address their next Via names; a genuine 180 sent after them is.
2. A caller's look-alike Via on top of its own (the proxy's host:port, our prefix, pstn)
   makes no Warning appear on the responses to its on-net call.
3. A PSTN call still gets the Warning on its 180, and its CANCEL leaves with the INVITE's Via.
"""
import os, re, select, socket, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port

WAIT = 10  # seconds: a bound for events that come at once, not a guess at a delay

s = Scenario("sip-forged-branch")
s.bindings()
key_file = s.path("branch.key")
with open(key_file, "w") as f:
    f.write(os.urandom(32).hex() + "\n")
os.chmod(key_file, 0o600)
proxy_port, hop_port = free_port(), free_port("127.0.0.3")
s.start_proxy({"listen": "sip:127.0.0.1:%d" % proxy_port,
               "next_hop": "sip:127.0.0.3:%d" % hop_port, "trusted_peers": "127.0.0.1",
               "local_domains": "example.com", "pstn_policy": "warn",
               "branch_key_file": key_file}, log_level="info")
PROXY = ("127.0.0.1", proxy_port)


def udp(host):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, 0))
    return sock


caller, spoofer, hop = udp("127.0.0.1"), udp("127.0.0.1"), udp("127.0.0.3")
hop.close()
hop = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
hop.bind(("127.0.0.3", hop_port))
CALLER = "127.0.0.1:%d" % caller.getsockname()[1]


def receive(sock, what):
    if select.select([sock], [], [], WAIT)[0]:
        return sock.recv(65536).decode("latin-1")
    s.check(False, "nothing arrived: " + what)
    return ""


def request(method, uri, branch, call_id, vias=()):
    lines = ["%s %s SIP/2.0" % (method, uri)] + ["Via: " + v for v in vias]
    lines += ["Via: SIP/2.0/UDP %s;branch=%s" % (CALLER, branch), "Max-Forwards: 70",
              "From: <sip:alice@example.com>;tag=a1", "To: <%s>" % uri, "Call-ID: " + call_id,
              "CSeq: 1 " + method, "Contact: <sip:alice@%s>" % CALLER, "Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode()


def answer(req, status):
    """The response a UAS builds (RFC 3261 §8.2.6.2), sent by the hop to the proxy."""
    head = req.split("\r\n\r\n", 1)[0].split("\r\n")[1:]
    kept = [l for l in head if re.match(r"(?i)(via|from|call-id|cseq)\s*:", l)]
    kept += [l + ";tag=b1" for l in head if re.match(r"(?i)to\s*:", l)]
    hop.sendto("\r\n".join(["SIP/2.0 " + status] + kept + ["Content-Length: 0", "", ""]).encode(),
               PROXY)


def call(uri, branch, call_id, vias=()):
    """INVITE through the proxy; returns what the hop received."""
    caller.sendto(request("INVITE", uri, branch, call_id, vias), PROXY)
    return receive(hop, "INVITE " + call_id + " at the next hop")


def header(message, name):
    m = re.search(r"(?im)^%s\s*:\s*(.*)$" % re.escape(name), message)
    return m.group(1).strip() if m else None


ours = "127.0.0.1:%d" % proxy_port
look_alikes = ["z9hG4bK-cx.0123456789abcdef.0123456789abcdef;cusax-cw=pstn",
               "z9hG4bK-cx.0123456789abcdef.0123456789abcdef.pstn."
               "0123456789abcdef0123456789abcdef"]

# 1. Spoofed responses to the caller's address, then a genuine call answered after them.
for i, branch in enumerate(look_alikes):
    spoofer.sendto("\r\n".join([
        "SIP/2.0 200 OK", "Via: SIP/2.0/UDP %s;branch=%s" % (ours, branch),
        "Via: SIP/2.0/UDP %s;branch=z9hG4bKvictim" % CALLER,
        "From: <sip:alice@example.com>;tag=a1", "To: <sip:bob@example.com>;tag=x",
        "Call-ID: spoofed-%d" % i, "CSeq: 1 INVITE", "Content-Length: 0", "", ""]).encode(), PROXY)
answer(call("sip:bob@example.com", "z9hG4bK-genuine-1", "genuine-1"), "180 Ringing")
got = receive(caller, "the genuine 180")
s.check(header(got, "Call-ID") == "genuine-1", "a spoofed response was relayed: " + got[:200])

# 2. A look-alike Via on top of the caller's own, on an on-net call.
answer(call("sip:bob@example.com", "z9hG4bK-lookalike", "lookalike-1",
            vias=["SIP/2.0/UDP %s;branch=%s" % (ours, look_alikes[0])]), "180 Ringing")
# The marker: an ordinary call answered after it. The proxy reads one socket in order, so
# the look-alike's round trip through it is done once the marker's response is handled.
answer(call("sip:carol@example.com", "z9hG4bK-marker", "marker-1"), "180 Ringing")
deadline = time.time() + WAIT
while time.time() < deadline:
    got = receive(caller, "the marker's 180")
    s.check(header(got, "Warning") is None, "a look-alike Via added a Warning: " + got[:300])
    if header(got, "Call-ID") in ("marker-1", None):
        break

# 3. A PSTN call: the Warning on its 180, the CANCEL with the INVITE's Via.
pstn = "sip:+4989123@example.com;user=phone"
invite = call(pstn, "z9hG4bK-pstn", "pstn-1")
answer(invite, "180 Ringing")
got = receive(caller, "the PSTN call's 180")
s.check(header(got, "Warning") is not None and "399" in header(got, "Warning"),
        "no Warning on the PSTN call's 180: " + got[:300])
caller.sendto(request("CANCEL", pstn, "z9hG4bK-pstn", "pstn-1"), PROXY)
cancel = receive(hop, "the CANCEL at the next hop")
s.check(header(cancel, "Via") == header(invite, "Via"),
        "the CANCEL's Via is not its INVITE's: %s / %s" % (header(cancel, "Via"),
                                                          header(invite, "Via")))

log = s.read(s.proxy_log)
s.check("sip.forged_response" in log, "no sip.forged_response log line")
s.check(open(key_file).read().strip() not in log, "the branch key reached the log")
s.stop_proxy()
c = s.counters()
s.check(c.get("responses.dropped.forged_branch") == 3,
        "responses.dropped.forged_branch = %s, not 3" % c.get("responses.dropped.forged_branch"))
s.finish("spoofed and look-alike responses dropped, no Warning from a look-alike Via, "
         "the PSTN Warning and the CANCEL's branch kept")
