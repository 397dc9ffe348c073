"""A SIP user agent on one UDP socket, written by hand so a test controls every byte it sends
(forged headers in any spelling, any method, in or out of a dialog) and sees every byte it
receives. No transactions, no retransmissions: on loopback nothing is lost, and each wait is
for one expected message, bounded.
"""
import itertools
import re
import select
import socket
import time

_counter = itertools.count(1)


def unfold(text):
    """RFC 3261 §7.3.1: a header line continued on the next (CRLF then SP or HT) is one line."""
    return re.sub(r"\r\n[ \t]+", " ", text.replace("\r\n", "\n").replace("\n", "\r\n"))


class Message:
    def __init__(self, text):
        self.text = text
        head = unfold(text.split("\r\n\r\n", 1)[0])
        lines = head.split("\r\n")
        self.first_line = lines[0]
        self.header_lines = lines[1:]

    def values(self, name):
        """Every line of header NAME (case-insensitive; Via also as 'v'), in order."""
        names = {name.lower(), "v"} if name.lower() == "via" else {name.lower()}
        return [l.split(":", 1)[1].strip() for l in self.header_lines
                if ":" in l and l.split(":", 1)[0].strip().lower() in names]

    def header(self, name):
        got = self.values(name)
        return got[0] if got else ""

    @property
    def is_response(self):
        return self.first_line.startswith("SIP/2.0 ")

    @property
    def method(self):
        return self.header("CSeq").split()[-1] if self.is_response else self.first_line.split()[0]

    @property
    def status(self):
        return int(self.first_line.split()[1]) if self.is_response else 0


class UdpAgent:
    def __init__(self, host, port, user):
        self.host, self.port, self.user = host, port, user
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.backlog = []
        self.contact = "<sip:%s@%s:%d>" % (user, host, port)

    def close(self):
        self.sock.close()

    def send(self, text, dest):
        self.sock.sendto(text.encode(), dest)

    def expect(self, predicate, timeout=5.0):
        """The first message received (now or within TIMEOUT seconds) that PREDICATE accepts;
        others are kept for later waits. None when none came."""
        deadline = time.time() + timeout
        while True:
            for i, msg in enumerate(self.backlog):
                if predicate(msg):
                    return self.backlog.pop(i)
            left = deadline - time.time()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], left)
            if ready:
                data, _ = self.sock.recvfrom(65536)
                self.backlog.append(Message(data.decode("utf-8", "replace")))

    def new_branch(self):
        return "z9hG4bK-ua%d-%d" % (self.port, next(_counter))

    def request(self, method, uri, call_id, cseq, from_hdr, to_hdr, dest, routes=(),
                extra=(), branch=None):
        """Sends a request; returns its branch."""
        branch = branch or self.new_branch()
        lines = ["%s %s SIP/2.0" % (method, uri),
                 "Via: SIP/2.0/UDP %s:%d;branch=%s;rport" % (self.host, self.port, branch),
                 "Max-Forwards: 70", "From: " + from_hdr, "To: " + to_hdr,
                 "Call-ID: " + call_id, "CSeq: %d %s" % (cseq, method),
                 "Contact: " + self.contact]
        lines += ["Route: " + r for r in routes]
        lines += list(extra)
        self.send("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n", dest)
        return branch

    def respond(self, request, status, reason, to_tag=None, extra=()):
        """Answers REQUEST to its top Via (received and rport when present, RFC 3261
        §18.2.2 and RFC 3581 §4), copying what a UAS copies (RFC 3261 §8.2.6.2, §12.1.1)."""
        to = request.header("To")
        if to_tag and ";tag=" not in to:
            to += ";tag=" + to_tag
        lines = ["SIP/2.0 %d %s" % (status, reason)]
        lines += ["Via: " + v for v in request.values("Via")]
        lines += ["Record-Route: " + r for r in request.values("Record-Route")]
        lines += ["From: " + request.header("From"), "To: " + to,
                  "Call-ID: " + request.header("Call-ID"), "CSeq: " + request.header("CSeq")]
        if 100 < status < 300:
            lines.append("Contact: " + self.contact)
        lines += list(extra)
        self.send("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n", via_destination(
            request.values("Via")[0]))


def via_destination(via):
    m = re.match(r"SIP/2\.0/UDP\s+([^;:\s]+)(?::(\d+))?", via, re.I)
    host, port = m.group(1), int(m.group(2) or 5060)
    received = re.search(r";\s*received=([^;\s]+)", via, re.I)
    rport = re.search(r";\s*rport=(\d+)", via, re.I)
    return (received.group(1) if received else host, int(rport.group(1)) if rport else port)


def uri_of(name_addr):
    m = re.search(r"<([^>]*)>", name_addr)
    return m.group(1) if m else name_addr.split(";")[0].strip()
