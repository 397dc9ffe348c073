#!/usr/bin/python3
"""Back-pressure: a server that accepts the component's handshake, then keeps sending requests
and never reads another byte. The component must stop reading once its write queue is full
(so the server cannot push all its requests: the TCP window closes), close the stream with a
clear log line when the queue never drains, and reconnect as usual; its memory stays bounded
meanwhile. The server here is a raw TCP listener of the test's own, on the component port."""
import os
import re
import socket
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from cusax_xmpp import BUILD, DOMAIN, LOCAL, Scenario, check, wait_for  # noqa: E402

REQUESTS = 100_000  # their answers: tens of MB, far past any socket buffer


def read_until(conn, marker, limit=65536):
    data = b""
    while marker not in data:
        chunk = conn.recv(4096)
        check(chunk and len(data) < limit, f"connection ended before {marker!r}: {data!r}")
        data += chunk
    return data


def accept_component(listener, stream_id):
    conn, _ = listener.accept()
    conn.settimeout(30)
    read_until(conn, f"{DOMAIN}'>".encode())
    conn.sendall((f"<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
                  f"xmlns='jabber:component:accept' id='{stream_id}' from='{DOMAIN}'>").encode())
    read_until(conn, b"</handshake>")
    conn.sendall(b"<handshake/>")
    return conn


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1))


def sanitizer_build():
    with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
        return "CMAKE_BUILD_TYPE:STRING=Sanitize" in f.read()


def main():
    with Scenario("a server that stops reading gets a bounded queue") as s:
        s.example_bindings()
        listener = socket.socket()
        # A small receive window: the kernel holds little of what the component writes.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        listener.bind(("127.0.0.1", s.component_port))
        listener.listen()
        listener.settimeout(60)
        c = s.start_component(component={"keepalive_interval": "1s"})
        stalled = accept_component(listener, "stall-1")
        baseline_kib = peak_rss_kib(c.proc.pid)

        request = ("<iq type='get' id='q{}' from='juliet@" + LOCAL + "/r' to='alice@" + DOMAIN +
                   "'><vCard xmlns='vcard-temp'/></iq>")
        payload = "".join(request.format(i) for i in range(REQUESTS)).encode()
        sent = [0]

        def flood():
            try:
                view = memoryview(payload)
                while sent[0] < len(payload):
                    sent[0] += stalled.send(view[sent[0]:sent[0] + 65536])
            except OSError:
                pass  # the component closed the connection

        writer = threading.Thread(target=flood)
        writer.start()
        # The reconnect is the event that ends the stalled stream.
        again = accept_component(listener, "after-1")
        peak_kib = peak_rss_kib(c.proc.pid)
        writer.join(30)
        check(not writer.is_alive(), "the flood ended with the connection")
        wait_for(lambda: "not taking our writes" in c.text(), 10, "the stall's log line")
        line = next(line for line in c.text().splitlines() if "not taking our writes" in line)
        check("xmpp.disconnected" in line and " error " in f" {line} ",
              f"one error line names the stall: {line}")
        print(f"ok: {line.split(' msg=')[-1]}")
        check(sent[0] < len(payload),
              f"the component stopped reading: the server pushed {sent[0]} of {len(payload)} "
              "bytes")
        print(f"ok: the server could push only {sent[0]} of {len(payload)} bytes")
        if sanitizer_build():
            print("skip: peak memory (a sanitizer build keeps freed memory in quarantine)")
        else:
            check(peak_kib - baseline_kib < 32 * 1024,
                  f"memory bounded: peak {peak_kib} KiB, {baseline_kib} KiB at the handshake")
            print(f"ok: peak memory {peak_kib} KiB, {baseline_kib} KiB at the handshake")
        check(c.stop() == 0, "component stopped cleanly")
        check("xmpp.write_stalls=1" in c.text(), "counted once in xmpp.write_stalls")
        stalled.close()
        again.close()
        listener.close()


if __name__ == "__main__":
    main()
