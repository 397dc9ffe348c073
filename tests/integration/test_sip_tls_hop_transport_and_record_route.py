#!/usr/bin/python3
"""What really carries a hop, with real packets: the proxy listens on sip: (UDP, TCP) and sips:
(TLS) with record_route on; callers are a Python TLS socket and a raw UDP socket, the callee a
Python TLS server on 127.0.0.2 (sipp has no TLS in Debian's build).
  1. RFC 7081 §7, RFC 3261 §26.2.2: a request received over TLS whose Route is a sips: URI
     with ;transport=udp, or whose sips: Request-URI carries ;transport=udp, would leave in the
     clear (the transport parameter wins in Sofia-SIP): 403, and nothing reaches the clear hop.
  2. RFC 3261 §16.6 item 4, RFC 5658: a sip: request arriving over UDP and leaving over TLS
     gets two Record-Route values (the TLS side on top, with its transport; the UDP side
     under it); a sips: request over TLS gets one sips: Record-Route on the TLS listener.
"""
import sys, os, socket, ssl, threading
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port, header_values, proxy_tls_dir, read_stream_message

s = Scenario("sip-tls-hops")
s.ctl("init")
certs, proxy_dir = proxy_tls_dir(s)

udp_port, tls_port = free_port(), free_port()
callee_port, clear_port = free_port("127.0.0.2"), free_port("127.0.0.2")
s.start_proxy({"listen": "sip:127.0.0.1:%d, sips:127.0.0.1:%d" % (udp_port, tls_port),
               "record_route": "on", "tls_certificate_dir": proxy_dir,
               "tls_verify_peers": "outgoing"})

# The clear hop: a UDP socket that must receive nothing.
clear = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
clear.bind(("127.0.0.2", clear_port))
clear.setblocking(False)

# The TLS callee: records each request, answers none (the test reads what arrived).
received = []
arrived = threading.Condition()
server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_ctx.load_cert_chain(os.path.join(certs, "callee.crt"), os.path.join(certs, "callee.key"))
listener = socket.create_server(("127.0.0.2", callee_port))
listener.settimeout(20)




def callee():
    try:
        raw, _ = listener.accept()
        with server_ctx.wrap_socket(raw, server_side=True) as conn:
            conn.settimeout(20)
            while True:
                msg = read_stream_message(conn)
                if msg is None:
                    return
                with arrived:
                    received.append(msg.replace("\r", ""))
                    arrived.notify_all()
    except (OSError, ssl.SSLError) as e:
        with arrived:
            received.append("callee error: %s" % e)
            arrived.notify_all()


threading.Thread(target=callee, daemon=True).start()


def wait_received(call_id):
    with arrived:
        arrived.wait_for(lambda: any("Call-ID: " + call_id in m for m in received), 20)
        return [m for m in received if "Call-ID: " + call_id in m]


def invite(transport, local_port, call_id, ruri="sip:bob@example.com", extra=""):
    return ("INVITE %s SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1:%d;branch=z9hG4bK-%s;rport\r\n"
            "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
            "Call-ID: %s\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n%s"
            "Content-Length: 0\r\n\r\n" % (ruri, transport, local_port, call_id, call_id,
                                           extra)).encode()


def tls_client():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(os.path.join(certs, "ca.pem"))
    ctx.check_hostname = False
    return ctx.wrap_socket(socket.create_connection(("127.0.0.1", tls_port), timeout=20))


clear_hop = "127.0.0.2:%d;transport=udp" % clear_port
with tls_client() as conn:
    port = conn.getsockname()[1]
    # 1. sips: hops whose transport parameter says UDP
    for call_id, ruri, extra in [
            ("route-sips-udp", "sip:bob@example.com", "Route: <sips:%s;lr>\r\n" % clear_hop),
            ("ruri-sips-udp", "sips:bob@" + clear_hop, "")]:
        conn.sendall(invite("TLS", port, call_id, ruri, extra))
        answer = read_stream_message(conn) or ""
        s.check(answer.startswith("SIP/2.0 403"), "%s: got %r" % (call_id, answer[:40]))
    # 2b. a sips: request over TLS: one sips: Record-Route on the TLS listener
    conn.sendall(invite("TLS", port, "rr-sips", "sips:bob@example.com",
                        "Route: <sips:127.0.0.2:%d;lr>\r\n" % callee_port))
    got = wait_received("rr-sips")
    if s.check(len(got) == 1, "sips INVITE did not reach the TLS callee: %s" % received):
        rr = header_values(got[0], "Record-Route")
        s.check(rr == ["<sips:127.0.0.1:%d;lr>" % tls_port], "sips Record-Route: %s" % rr)

    # 2a. over UDP, out over TLS: both sides recorded, the TLS side on top
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.sendto(invite("UDP", udp.getsockname()[1], "rr-udp-tls", extra=(
        "Route: <sip:127.0.0.2:%d;transport=tls;lr>\r\n" % callee_port)),
        ("127.0.0.1", udp_port))
    got = wait_received("rr-udp-tls")
    if s.check(len(got) == 1, "INVITE over UDP did not reach the TLS callee: %s" % received):
        rr = header_values(got[0], "Record-Route")
        s.check(rr == ["<sip:127.0.0.1:%d;transport=tls;lr>" % tls_port,
                       "<sip:127.0.0.1:%d;lr>" % udp_port],
                "UDP-to-TLS Record-Route: %s" % rr)

try:
    leaked = clear.recv(65536)
except BlockingIOError:
    leaked = b""
s.check(not leaked, "a request received over TLS reached the clear hop: %r" % leaked[:60])
s.stop_proxy()
listener.close()
s.check(s.counters().get("requests.tls_downgrade_refused") == 2, "tls_downgrade_refused != 2")
s.finish("sips: with a clear transport refused; Record-Route names the listeners of both sides")
