#!/usr/bin/python3
"""The RFC 4475 torture messages, over UDP and over TCP, against the proxy.

Everything runs inside a network namespace of the test's own with only loopback (`ip netns
add`, needs root), so nothing the messages name (192.0.2.0/24, example domains, a broadcast
Via) can be reached even if the proxy tried; on top, the header section of each message has
its IPv4 literals rewritten to 127.0.0.1 and its Route URIs pointed at the sink, so that
answers come back to the sender (bound to 127.0.0.1:5060, the port most Vias imply) and
forwarded requests reach the sink (the next hop, 127.0.0.2:5070, UDP and TCP).

For each message and transport the outcome is: forward (the sink got a request), the status
code the sender got, or drop; it must be one INDEX.tsv allows. The proxy must stay up
throughout, and nothing it logs about these messages may be at error level or above. The
outcomes outside INDEX.tsv are known and explained (KNOWN below). intmeth.dat without its raw
NUL must be relayed both ways: its request to the sink and the sink's 404 back to the sender.
"""
import itertools, os, re, select, socket, subprocess, sys, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
import sipkit
from sipkit import Scenario

DATA = os.environ.get("CUSAX_RFC4475_DIR", os.path.join(
    os.environ.get("CUSAX_SOURCE_DIR", os.path.join(sipkit.HERE, "../../..")),
    "../shared/testdata/rfc4475"))
if not os.path.isdir(DATA):
    DATA = "/work/shared/testdata/rfc4475"
sipkit.skip_unless(os.path.isfile(os.path.join(DATA, "INDEX.tsv")), "no RFC 4475 data in " + DATA)

if not os.environ.get("CUSAX_IN_NETNS"):
    # Outside: make the namespace, run this script inside it, remove the namespace.
    sipkit.skip_unless(os.geteuid() == 0, "needs root for ip netns")
    ns = "cusax-rfc4475-%d" % os.getpid()
    if subprocess.run(["ip", "netns", "add", ns]).returncode != 0:
        sipkit.skip_unless(False, "ip netns add failed")
    # `ip netns exec` mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf: the proxy's
    # resolver asks the NXDOMAIN responder below, so host-name hops are really resolved (and
    # fail). With no reachable nameserver at all the proxy answers 503 without asking Sofia's
    # resolver, which would spin (sip-proxy/dns_reachability.hpp, test_sip_dns_unreachable.py).
    etc = "/etc/netns/" + ns
    os.makedirs(etc, exist_ok=True)
    with open(etc + "/resolv.conf", "w") as f:
        f.write("nameserver 127.0.0.53\noptions timeout:1 attempts:1\n")
    try:
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True)
        env = dict(os.environ, CUSAX_IN_NETNS=ns)
        rc = subprocess.run(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__)],
                            env=env, timeout=540).returncode
    finally:
        subprocess.run(["ip", "netns", "delete", ns])
        subprocess.run(["rm", "-rf", etc])
    sys.exit(rc)

SINK = ("127.0.0.2", 5070)


def nxdomain_responder():
    """Answers every DNS query on 127.0.0.53:53 with NXDOMAIN (RCODE 3), question echoed."""
    dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dns.bind(("127.0.0.53", 53))

    def run():
        while True:
            query, peer = dns.recvfrom(4096)
            if len(query) >= 12:
                flags = bytes([0x80 | (query[2] & 0x79), 0x83])  # QR, opcode/RD kept, RA, NXDOMAIN
                dns.sendto(query[:2] + flags + query[4:6] + b"\0\0\0\0\0\0" + query[12:], peer)

    threading.Thread(target=run, daemon=True).start()
PROXY_PORT = 5080
MARKER = b"cusax-marker"
MARKER_SEQUENCE = itertools.count(1)
MARKER_WAIT = 20  # seconds: a bound on an event that comes at once, not a guess at a delay


def via_transport(data, transport):
    """The top Via's transport set to the one the message is sent over: NTA drops a request
    whose top Via names another ("Via check: invalid transport"), as a real client never
    sends one."""
    return re.sub(rb"(?i)(SIP\s*/\s*2\.0\s*/\s*)[A-Z]+", lambda m: m.group(1) +
                  transport.upper().encode(), data, count=1)


def rewrite(data):
    """IPv4 literals -> 127.0.0.1 and Route URIs -> the sink, in the header section only (a
    body keeps its length, so Content-Length stays right)."""
    end = data.find(b"\r\n\r\n")
    head, body = (data, b"") if end < 0 else (data[:end], data[end:])
    head = re.sub(rb"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", b"127.0.0.1", head)
    head = re.sub(rb"(?im)^(route[ \t]*:(?:.*)(?:\r?\n[ \t].*)*)",
                  lambda m: re.sub(rb"sips?:[^;>\s]+", b"sip:127.0.0.2:5070", m.group(1)), head)
    return head + body


class Sink:
    """The next hop: counts the requests that arrive over UDP and TCP, apart from the markers
    (a request whose Call-ID starts with MARKER), whose Call-IDs it keeps."""

    def __init__(self):
        self.count = 0
        self.last = b""  # the last request counted
        self.markers = set()
        self.answer = False  # answer UDP requests with a 404 (answer_404)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(SINK)
        self.tcp = socket.create_server(SINK)
        self.conns = {}  # connection -> bytes not yet split into messages
        self.stop = False
        self.lock = threading.Lock()
        threading.Thread(target=self.run, daemon=True).start()

    def arrived(self, message):
        m = re.search(rb"(?im)^(?:call-id|i)[ \t]*:[ \t]*(" + MARKER + rb"[^\r\n]*)", message)
        with self.lock:
            if m:
                self.markers.add(m.group(1).strip())
            else:
                self.count += 1
                self.last = message

    def run(self):
        while not self.stop:
            ready, _, _ = select.select([self.udp, self.tcp] + list(self.conns), [], [], 0.1)
            for s in ready:
                if s is self.tcp:
                    self.conns[self.tcp.accept()[0]] = b""
                elif s is self.udp:
                    data, peer = self.udp.recvfrom(65536)
                    self.arrived(data)
                    if self.answer:
                        self.udp.sendto(answer_404(data), peer)
                else:
                    data = s.recv(65536)
                    if not data:
                        del self.conns[s]
                        s.close()
                        continue
                    self.conns[s] += data
                    while True:  # the proxy writes whole messages with a right Content-Length
                        message, rest = split_message(self.conns[s])
                        if message is None:
                            break
                        self.conns[s] = rest
                        self.arrived(message)

    def counted(self):
        with self.lock:
            return self.count

    def wait_for_marker(self, call_id, timeout=MARKER_WAIT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if call_id in self.markers:
                    return True
            time.sleep(0.01)
        return False


def split_message(data):
    """The first whole message in a TCP byte stream and the rest, or (None, data)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None, data
    m = re.search(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d+)", data[:end])
    size = end + 4 + (int(m.group(1)) if m else 0)
    return (data[:size], data[size:]) if len(data) >= size else (None, data)


def answer_404(request):
    """A 404 to the request, as its UAS would send it (Via, From, To, Call-ID, CSeq copied)."""
    head = request.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
    kept = [line for line in head
            if re.match(rb"(?i)(via|v|from|f|to|t|call-id|i|cseq)[ \t]*:", line)]
    return b"\r\n".join([b"SIP/2.0 404 Not Found"] + kept + [b"Content-Length: 0", b"", b""])


def relayed_both_ways(sender, data, sink):
    """The request reaches the sink over UDP and the sink's 404 comes back to the sender."""
    before = sink.counted()
    sink.answer = True
    sender.sendto(data, ("127.0.0.1", PROXY_PORT))
    reply = b""
    deadline = time.time() + MARKER_WAIT
    while time.time() < deadline and not reply.startswith(b"SIP/2.0 404"):
        if select.select([sender], [], [], 0.05)[0]:
            reply = sender.recv(65536)
    sink.answer = False
    return sink.counted() > before, reply


def markers_through(sender, sink):
    """Proof that the proxy is done with what it read before: two well-formed OPTIONS from the
    sender's UDP socket, one forwarded to the next hop over UDP, one routed to it over TCP,
    must both reach the sink. The proxy reads one socket in order and handles a message to the
    end (its answer or its forwarding written) before the next, and a request waiting for the
    TCP connection to the sink is queued there ahead of the TCP marker. So once both markers
    are in, anything the earlier message produced is in the sink's count or in the sender's
    socket. False when a marker did not come (the proxy stopped relaying)."""
    tag = MARKER.decode() + "-%d" % next(MARKER_SEQUENCE)
    for transport, route in (("udp", []), ("tcp", ["Route: <sip:%s:%d;transport=tcp;lr>" % SINK])):
        call_id = "%s-%s" % (tag, transport)
        sender.sendto("\r\n".join(
            ["OPTIONS sip:sink@%s:%d SIP/2.0" % SINK,
             "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-%s" % call_id,
             "Max-Forwards: 70", "From: <sip:marker@127.0.0.1>;tag=m",
             "To: <sip:sink@%s:%d>" % SINK, "Call-ID: " + call_id, "CSeq: 1 OPTIONS"]
            + route + ["Content-Length: 0", "", ""]).encode(), ("127.0.0.1", PROXY_PORT))
    return all(sink.wait_for_marker(("%s-%s" % (tag, t)).encode()) for t in ("udp", "tcp"))


def first_status(replies):
    for reply in replies:
        m = re.match(rb"SIP/2\.0 (\d{3})", reply)
        if m:
            return int(m.group(1))
    return None


def outcome(before, code, sink, handled):
    if not handled:
        return "no marker after it"  # allowed nowhere: the proxy stopped answering
    return "forward" if sink.counted() > before else (code if code is not None else "drop")


def outcome_udp(sender, data, sink):
    before = sink.counted()
    sender.sendto(data, ("127.0.0.1", PROXY_PORT))
    handled = markers_through(sender, sink)
    replies = []
    while select.select([sender], [], [], 0)[0]:  # already there when the markers went through
        replies.append(sender.recv(65536))
    return outcome(before, first_status(replies), sink, handled)


def outcome_tcp(data, sink):
    # Still judged by time over TCP: a half-close as the proof of handling changes the outcome
    # (NTA answers 400 to a message cut short at EOF) and Sofia leaves some connections open.
    before = sink.counted()
    code = None
    with socket.create_connection(("127.0.0.1", PROXY_PORT), timeout=2) as conn:
        conn.sendall(data)
        deadline = time.time() + 0.8
        while time.time() < deadline and code is None and sink.counted() == before:
            ready, _, _ = select.select([conn], [], [], 0.05)
            if ready:
                reply = conn.recv(65536)
                if not reply:
                    break
                m = re.match(rb"SIP/2\.0 (\d{3})", reply)
                if m:
                    code = int(m.group(1))
    time.sleep(0.05)
    return "forward" if sink.counted() > before else (code if code is not None else "drop")


# Outcomes INDEX.tsv does not list, seen and understood, each with its reason.
KNOWN = {
    # The method (with "+" and "`") now parses (sip-proxy/lenient_method.hpp), but To's display
    # name holds a raw NUL as a quoted-pair (allowed by RFC 3261 §25.1), and Sofia-SIP's header
    # extractor works on C strings: it ends the header section at the NUL, so From, Call-ID
    # and CSeq are never seen. Over UDP NTA answers 400 for the missing headers; over TCP the
    # stream waits for the rest of a message that never comes until the proxy's timeout for
    # an incomplete message (64×T1) hands it to NTA, which answers 400 then (checked after
    # the loop). Not fixable in a message class. Without the NUL the message is relayed both
    # ways (checked after the loop).
    ("valid/intmeth.dat", "udp"): 400,
    ("valid/intmeth.dat", "tcp"): "drop",
}


def allowed(outcome, spec):
    for alt in spec.split("|"):
        if alt == str(outcome):
            return True
        if re.fullmatch(r"\dxx", alt) and isinstance(outcome, int) and outcome // 100 == int(alt[0]):
            return True
    return False


nxdomain_responder()
s = Scenario("sip-rfc4475")
s.bindings()
s.start_proxy({"listen": "sip:127.0.0.1:%d" % PROXY_PORT, "next_hop": "sip:%s:%d" % SINK,
               "trusted_peers": "127.0.0.1"}, log_level=os.environ.get("CUSAX_LOG_LEVEL", "info"))
sink = Sink()
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sender.bind(("127.0.0.1", 5060))

rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(DATA, "INDEX.tsv"))][1:]
results = []
for row in rows:
    name, spec = row[0], row[4]
    data = rewrite(open(os.path.join(DATA, name), "rb").read())
    for transport in ("udp", "tcp"):
        try:
            sent = via_transport(data, transport)
            got = outcome_udp(sender, sent, sink) if transport == "udp" else outcome_tcp(sent, sink)
        except OSError as e:
            got = "error: %s" % e
        ok = allowed(got, spec) or KNOWN.get((name, transport)) == got
        if name == "invalid/escruri.dat" and got == "forward":
            # RFC 4475 §3.1.2.11: forwarded only without the Request-URI's headers.
            line = sink.last.split(b"\r\n", 1)[0]
            ok = ok and b"?" not in line and not re.search(rb"(?im)^route\s*:", sink.last)
            s.check(ok, "escruri.dat forwarded with its URI headers: %r" % line)
        results.append((name, transport, got, spec, ok))
        s.check(ok, "%s over %s: %s, INDEX.tsv allows %s" % (name, transport, got, spec))
        if not s.check(s.proxy_alive(), "proxy died after %s over %s" % (name, transport)):
            s.finish("")
# intmeth.dat with its one raw NUL made \x01 (also a valid quoted-pair): the method and the
# odd Request-URI alone must not stop it, and the 404 with that method in CSeq comes back.
data = rewrite(open(os.path.join(DATA, "valid/intmeth.dat"), "rb").read()).replace(b"\0", b"\x01")
for transport in ("udp", "tcp"):
    sent = via_transport(data, transport)
    got = outcome_udp(sender, sent, sink) if transport == "udp" else outcome_tcp(sent, sink)
    results.append(("intmeth without NUL", transport, got, "forward", got == "forward"))
    s.check(got == "forward", "intmeth.dat without its NUL over %s: %s" % (transport, got))
# intmeth.dat with its raw NUL over TCP: the stream that cannot end its header section gets
# an answer once the proxy's timeout for an incomplete message (64×T1 = 32 s) has passed:
# it is not left hanging.
with socket.create_connection(("127.0.0.1", PROXY_PORT), timeout=2) as conn:
    conn.sendall(via_transport(rewrite(open(os.path.join(DATA, "valid/intmeth.dat"), "rb").read()),
                               "tcp"))
    reply, deadline = b"", time.time() + 32 + MARKER_WAIT
    while time.time() < deadline and not re.match(rb"SIP/2\.0 \d{3}", reply):
        if select.select([conn], [], [], 0.1)[0]:
            chunk = conn.recv(65536)
            if not chunk:
                break
            reply += chunk
    s.check(re.match(rb"SIP/2\.0 4\d\d", reply) is not None,
            "intmeth.dat over TCP got no answer within 64xT1: %r" % reply[:80])
forwarded, reply = relayed_both_ways(sender, via_transport(data, "udp"), sink)
s.check(forwarded, "intmeth.dat without its NUL was not forwarded for the 404 round trip")
s.check(reply.startswith(b"SIP/2.0 404") and
        b"CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~" in reply,
        "the sink's 404 to intmeth.dat did not come back to the sender: %r" % reply[:200])
results.append(("intmeth 404 relayed", "udp", reply[:11].decode("latin-1") or "none",
                "SIP/2.0 404", reply.startswith(b"SIP/2.0 404")))
s.check(s.proxy_alive(), "proxy died after intmeth.dat without its NUL")
for name, transport, got, spec, ok in results:
    mark = "known deviation" if ok and not allowed(got, spec) else ("ok" if ok else "NO")
    print("%-24s %-3s %-8s allowed %-18s %s" % (name, transport, got, spec, mark))
sink.stop = True
log = s.read(s.proxy_log)
bad = [l for l in log.splitlines() if re.search(r"^\S+ (error|critical) ", l)]
s.check(not bad, "lines at error level or above: %s" % bad[:3])
s.stop_proxy()
c = s.counters()
s.check(c.get("messages.malformed", 0) > 0, "messages.malformed stayed 0")
s.finish("%d RFC 4475 messages over UDP and TCP, each outcome allowed, proxy up" % len(rows))
