"""A TCP relay on 127.0.0.1 between a daemon and its peer, so that a test can cut the
connection between them while both stay up (test_xmpp_delegated_answer_after_reconnect.py:
the component's stream to Prosody)."""
import socket
import threading


class Relay:
    """127.0.0.1:port -> 127.0.0.1:target, one thread per direction; cut() closes every
    connection relayed so far (new ones are still accepted); while held (hold(), release()) a
    new connection is accepted but not relayed yet: what it sends waits."""

    def __init__(self, target):
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.sockets = []
        self.accepted = 0
        self.open = threading.Event()
        self.open.set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.open.wait()
            try:
                server = socket.create_connection(("127.0.0.1", self.target))
            except OSError:  # the peer is down: so is this connection
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
                self.accepted += 1
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def hold(self):
        self.open.clear()

    def release(self):
        self.open.set()

    def cut(self):
        with self.lock:
            cut, self.sockets = self.sockets, []
        for s in cut:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.open.set()
        self.listener.close()
        self.cut()
