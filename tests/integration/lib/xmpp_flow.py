"""A client session that knows what became of every iq it sent, for the fault tests.

Neither slixmpp nor the server times out an iq whose stream closed: its future would wait
until slixmpp's own timeout and say nothing of the lost stream. Session.iq() races the answer
against the session's end, so each iq ends, within a bound, as exactly one of:
  "answered"         a result came back,
  "error:CONDITION"  an error came back (from the server or the component),
  "stream-lost"      the client's own stream closed first (the client knows it must retry),
  "TIMEOUT"          nothing at all within the bound: the failure a fault test looks for.
"""
import asyncio
import xml.etree.ElementTree as ET

IQ_BOUND = 15  # seconds: far beyond any answer on loopback, still bounded


class Session:
    def __init__(self, client):
        self.client = client
        self.closed = asyncio.get_running_loop().create_future()

    @classmethod
    async def open(cls, c2s_port, jid, password, bound=8):
        """A logged-in session, or None when the server does not take one within bound."""
        import slixmpp  # Debian's python3-slixmpp, for /usr/bin/python3
        client = slixmpp.ClientXMPP(jid, password)
        session = cls(client)
        started = asyncio.get_running_loop().create_future()

        def on_start(_):
            if not started.done():
                started.set_result(True)

        def on_end(_):
            for f in (started, session.closed):
                if not f.done():
                    f.set_result(False)

        client.add_event_handler("session_start", on_start)
        client.add_event_handler("disconnected", on_end)
        client.add_event_handler("connection_failed", on_end)
        client.add_event_handler("failed_auth", on_end)
        client.connect(("127.0.0.1", c2s_port), use_ssl=False, force_starttls=False,
                       disable_starttls=True)
        try:
            ok = await asyncio.wait_for(started, bound)
        except asyncio.TimeoutError:
            ok = False
        if not ok:
            # Not close(): slixmpp answers a refused connection by trying again on its own
            # (reschedule_connection_attempt), and a client that never connected has no stream
            # to close, so close() waited its full 5 s for nothing while that retry went on,
            # to log in later as a session nobody uses.
            client.cancel_connection_attempt()
            client.abort()
            if client._run_out_filters:  # its send loop, which would outlive it
                client._run_out_filters.cancel()
            return None
        return session

    @property
    def alive(self):
        return not self.closed.done()

    async def iq(self, payload, to=None, itype="get"):
        """Sends an iq carrying payload (an Element or wire text); returns (outcome, the answer's
        payload element or None)."""
        from slixmpp.exceptions import IqError, IqTimeout
        if not self.alive:
            return "stream-lost", None
        iq = self.client.Iq()
        iq["type"] = itype
        if to:
            iq["to"] = to
        iq.xml.append(ET.fromstring(payload) if isinstance(payload, str) else payload)
        answer = asyncio.ensure_future(iq.send(timeout=IQ_BOUND))
        done, _ = await asyncio.wait({answer, self.closed}, timeout=IQ_BOUND + 1,
                                     return_when=asyncio.FIRST_COMPLETED)
        if answer not in done:
            answer.cancel()
            return ("stream-lost" if self.closed in done else "TIMEOUT"), None
        try:
            resp = answer.result()
        except IqError as e:
            return "error:" + e.iq["error"]["condition"], None
        except IqTimeout:
            return "TIMEOUT", None
        children = list(resp.xml)
        return "answered", (children[0] if children else resp.xml)

    async def close(self):
        self.client.disconnect()
        try:
            await asyncio.wait_for(asyncio.shield(self.client.disconnected), 5)
        except (asyncio.TimeoutError, Exception):
            pass
