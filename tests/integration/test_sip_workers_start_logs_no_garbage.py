#!/usr/bin/python3
"""workers = 3, udp_transport = batched: starting and replacing workers is no malformed message.

Sofia-SIP's UDP transport checks MSG_TRUNC when it opens a socket by sending the four bytes
"TEST" from the socket to its own address and reading them back. Workers share the address
(SO_REUSEPORT), so the kernel may hand those bytes to another worker, whose UDP path read them
as a datagram that is not SIP: a "sip.dropped" line and messages.malformed at each start of a
worker, with no one sending anything. Three workers start, SIGUSR2 replaces them twice (six
more starts), then one INVITE is relayed; no worker may have logged sip.dropped. (The kernel's choice depends on the port: on
some ports the bytes always come back to the worker that sent them; the more starts, the
likelier another worker gets them.)
"""
import os
import signal
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "sip"))
from sipkit import Scenario, free_port

s = Scenario("sip-workers-start-garbage")
s.bindings()
proxy_port = free_port()
hop = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
hop.bind(("127.0.0.2", 0))
hop.settimeout(10)
s.start_proxy({"listen": "sip:127.0.0.1:%d;transport=udp" % proxy_port,
               "next_hop": "sip:127.0.0.2:%d" % hop.getsockname()[1],
               "trusted_peers": "127.0.0.1", "udp_transport": "batched", "workers": "3"})
s.check(s.wait_until(lambda: s.read(s.proxy_log).count("sip.listening transport=SIP/2.0/UDP")
                     >= 3), "three workers did not listen")
for round in (1, 2):
    os.kill(s.proxy.pid, signal.SIGUSR2)
    s.check(s.wait_until(lambda: s.read(s.proxy_log).count("sip.worker_stopped") >= 3 * round,
                         60), "SIGUSR2 round %d did not replace the three workers" % round)

caller = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
caller.bind(("127.0.0.1", 0))
host, port = caller.getsockname()
caller.sendto(("INVITE sip:bob@example.com SIP/2.0\r\n"
               "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK-garbage-1\r\nMax-Forwards: 70\r\n"
               "From: <sip:alice@example.com>;tag=a\r\nTo: <sip:bob@example.com>\r\n"
               "Call-ID: workers-garbage-1\r\nCSeq: 1 INVITE\r\n"
               "Contact: <sip:alice@%s:%d>\r\nContent-Length: 0\r\n\r\n"
               % (host, port, host, port)).encode(), ("127.0.0.1", proxy_port))
try:
    s.check(b"workers-garbage-1" in hop.recv(65535), "the INVITE was not relayed")
except socket.timeout:
    s.check(False, "the INVITE was not relayed")

log = s.read(s.proxy_log)
dropped = [line for line in log.splitlines() if " sip.dropped " in line]
s.check(not dropped, "%d sip.dropped lines with nothing malformed sent, first: %s"
        % (len(dropped), dropped[:1]))
s.stop_proxy()
s.finish("nine worker starts: no sip.dropped")
