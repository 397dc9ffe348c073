#!/usr/bin/python3
"""TLS: a call over TLS on both legs, and what arrived protected never leaves in the clear.

A throwaway CA and certificates are made with openssl in the test's directory; the proxy gets
agent.pem and cafile.pem (Sofia-SIP's convention) through tls_certificate_dir, listens on
sip: (UDP, TCP) and sips: (TLS), relays to a TLS next hop it verifies (tls_verify_peers =
outgoing). sipp has no TLS in Debian's build, so caller and callee here are Python ssl sockets.
  1. caller -TLS-> proxy -TLS-> callee: the callee gets alice's impp and the caller the 200;
  2. a request received over TLS whose Route names a UDP hop: 403, logged, nothing relayed;
  3. a sips: Request-URI received over UDP with a UDP Route: 403 (RFC 7081 §7, RFC 3261 §26.2.2);
  4. TLS 1.1 is refused by the proxy (Debian's OpenSSL policy, MinProtocol TLSv1.2), 1.2 works.
"""
import sys, os, socket, ssl, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port, header_values, proxy_tls_dir, read_stream_message

s = Scenario("sip-tls")
s.bindings()
certs, proxy_dir = proxy_tls_dir(s)

udp_port, tls_port = free_port(), free_port()
callee_port, clear_port = free_port("127.0.0.2"), free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d, sips:127.0.0.1:%d" % (udp_port, tls_port),
               "next_hop": "sip:127.0.0.2:%d;transport=tls" % callee_port,
               "trusted_peers": "127.0.0.1", "tls_certificate_dir": proxy_dir,
               "tls_verify_peers": "outgoing"})

# --- the TLS callee: answers every INVITE with 200, records what it received ---------------
received = []
server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(os.path.join(certs, "callee.crt"), os.path.join(certs, "callee.key"))
listener = socket.create_server(("127.0.0.2", callee_port))
listener.settimeout(20)




def callee():
    try:
        raw, _ = listener.accept()
        with server_ctx.wrap_socket(raw, server_side=True) as conn:
            conn.settimeout(10)
            while True:
                msg = read_stream_message(conn)
                if msg is None:
                    return
                received.append(msg)
                if msg.startswith("INVITE "):
                    head = msg.split("\r\n\r\n")[0].split("\r\n")
                    keep = [l for l in head[1:] if l.split(":")[0].lower() in
                            ("via", "from", "call-id", "cseq")]
                    to = [l for l in head[1:] if l.lower().startswith("to:")][0] + ";tag=callee1"
                    conn.sendall(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep + [to]) +
                                  "\r\nContent-Length: 0\r\n\r\n").encode())
    except (OSError, ssl.SSLError) as e:
        received.append("callee error: %s" % e)


thread = threading.Thread(target=callee, daemon=True)
thread.start()


def invite(transport, local_port, ruri="sip:bob@example.com", extra=""):
    return ("INVITE %s SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1:%d;branch=z9hG4bK-%s%d;rport\r\n"
            "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
            "Call-ID: tls-%s-%d\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
            "P-Asserted-Identity: <sip:alice@example.com>\r\n%s"
            "Content-Length: 0\r\n\r\n" % (ruri, transport, local_port, transport, local_port,
                                           transport, local_port, extra)).encode()


def tls_client(maximum=None, minimum=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(os.path.join(certs, "ca.pem"))
    ctx.check_hostname = False
    if maximum:
        ctx.maximum_version = maximum
    if minimum:
        ctx.minimum_version = minimum
        ctx.set_ciphers("DEFAULT@SECLEVEL=0")
    raw = socket.create_connection(("127.0.0.1", tls_port), timeout=5)
    return ctx.wrap_socket(raw)


# 1. the call over TLS
with tls_client() as conn:
    conn.sendall(invite("TLS", conn.getsockname()[1]))
    answer = read_stream_message(conn)
    s.check(answer is not None and answer.startswith("SIP/2.0 200"),
            "caller over TLS got %r" % (answer or "")[:40])
    # 2. over TLS, routed to a clear UDP hop: refused
    conn.sendall(invite("TLS", conn.getsockname()[1] + 1,
                        extra="Route: <sip:127.0.0.2:%d;lr>\r\n" % clear_port))
    answer = read_stream_message(conn)
    s.check(answer is not None and answer.startswith("SIP/2.0 403"),
            "TLS request routed to UDP got %r" % (answer or "")[:40])
thread.join(10)
invites = [m for m in received if m.startswith("INVITE ")]
if s.check(len(invites) == 1, "TLS callee received %d INVITEs: %s" % (len(invites), received)):
    values = ", ".join(header_values(invites[0].replace("\r", ""), "Call-Info"))
    s.check(values == "<xmpp:alice@xmpp.example.com>;purpose=impp", "callee Call-Info: " + values)
    s.check(header_values(invites[0].replace("\r", ""), "Via")[0].startswith("SIP/2.0/TLS"),
            "proxy's Via does not name TLS")

# 3. a sips: Request-URI over UDP, routed to a clear hop: refused
clear = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
clear.bind(("127.0.0.2", clear_port))
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
udp.settimeout(20)  # a bound on an answer that comes at once
udp.sendto(invite("UDP", udp.getsockname()[1], ruri="sips:bob@example.com",
                  extra="Route: <sip:127.0.0.2:%d;lr>\r\n" % clear_port), ("127.0.0.1", udp_port))
try:
    answer = udp.recv(65536).decode(errors="replace")
except socket.timeout:
    answer = ""
s.check(answer.startswith("SIP/2.0 403"), "sips: over UDP got %r" % answer[:40])
# The proxy decides once, answering instead of forwarding: a request it had sent to the clear
# hop would be queued there before the 403 reached us.
clear.setblocking(False)
try:
    leaked = clear.recv(65536)
except BlockingIOError:
    leaked = b""
s.check(answer.startswith("SIP/2.0 403") and not leaked,
        "a protected request reached the clear hop (or no 403 proved it was handled)")
s.check(s.wait_until(lambda: s.read(s.proxy_log).count("sip.tls_downgrade_refused") >= 2) and
        s.read(s.proxy_log).count("sip.tls_downgrade_refused") == 2,
        "expected two sip.tls_downgrade_refused log lines")

# 4. protocol versions
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
try:
    with tls_client(maximum=ssl.TLSVersion.TLSv1_1, minimum=ssl.TLSVersion.TLSv1_1):
        s.check(False, "TLS 1.1 accepted")
except (ssl.SSLError, OSError) as e:
    # The proxy's refusal (an alert), not our own client declining to offer TLS 1.1.
    s.check("NO_PROTOCOLS_AVAILABLE" not in str(e), "the client did not offer TLS 1.1: %s" % e)
    print("TLS 1.1:", e)
with tls_client(maximum=ssl.TLSVersion.TLSv1_2) as conn:
    s.check(conn.version() == "TLSv1.2", "TLS 1.2 negotiated %s" % conn.version())

listener.close()
s.stop_proxy()
c = s.counters()
s.check(c.get("requests.tls_downgrade_refused") == 2, "requests.tls_downgrade_refused != 2")
s.finish("call over TLS both legs; TLS and sips: never relayed in the clear; TLS 1.1 refused")
