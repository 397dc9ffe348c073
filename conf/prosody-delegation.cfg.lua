-- Prosody 0.12: hand the vCards (vcard-temp, XEP-0054) of your users to cusax-xmpp-component
-- through XEP-0355 namespace delegation, so that every user's vCard carries the SIP URI and
-- numbers of their binding (RFC 7081 §3.1, service strategy 3). Add to the settings of
-- conf/prosody-cusax.cfg.lua, then restart Prosody (a reload does not load the module on the
-- component host).
--
-- Needs Debian's prosody-modules (mod_delegation, namespace urn:xmpp:delegation:2):
--   apt-get install prosody-modules
-- Prosody loads it from /usr/lib/prosody/modules/mod_delegation/ without further settings.
--
-- Once delegated, Prosody no longer stores any vCard: cusax-xmpp-component keeps them in the
-- SQLite file named by vcard_store in cusax.ini's [xmpp-component] (set it: without it,
-- vCard changes are refused), and refuses or corrects a change that would drop the SIP TEL,
-- per vcard_guard. Only stanzas whose `from` is one of cusax.ini's trusted_servers (the bare
-- VirtualHost domain, as mod_delegation sends them) are acted upon.
--
-- vCards with a PHOTO come through the component stream: cusax.ini's max_stanza_size
-- (default 1MiB) is above Prosody's own component limit (512 KiB); a larger stanza is skipped
-- and, for an iq request, answered policy-violation.
--
-- While the component is down, users' vCard requests fail (service-unavailable): run the
-- component under systemd (conf/systemd) with Restart=always.

---------- Global section (before the first VirtualHost) ----------
-- Add "delegation" to your existing list:
modules_enabled = {
    -- ... your modules ...
    "delegation";
}

---------- Your XMPP domain ----------
VirtualHost "xmpp.example.com"
    -- The component's domain, as in cusax.ini's domain.
    delegations = {
        ["vcard-temp"] = { jid = "sip.example.com" };
    }

---------- The component's domain ----------
Component "sip.example.com"
    component_secret = "the same long random string as secret in cusax.ini"
    -- mod_delegation must run on the component host too: it tells the module when the
    -- component connects, and the component is then sent the list of its delegations.
    modules_enabled = { "delegation" }
