-- Prosody 0.12: let cusax-xmpp-component keep the vCard4 (XEP-0292) of your users carrying the
-- SIP URI and numbers of their binding (RFC 7081 §3.1, service strategy 3), through XEP-0356
-- privileged access to their PEP node urn:xmpp:vcard4. Add to the settings of
-- conf/prosody-cusax.cfg.lua (and of conf/prosody-delegation.cfg.lua, which covers
-- vcard-temp: delegation does not reach vCard4), then restart Prosody.
--
-- Needs Debian's prosody-modules (mod_privilege, namespace urn:xmpp:privilege:2):
--   apt-get install prosody-modules
--
-- What the component then does, as the user (cusax.ini [xmpp-component] vcard4_sync = true):
-- after each connection it reads every bound user's vCard4 item and publishes it back only
-- when a tel of the binding is missing (the user's other fields stay), and again for each
-- user whose binding changes (tels of the old binding go). At most 16 requests are in flight;
-- the rest wait. A node that does not exist yet is created with access model open, as
-- Prosody's mod_vcard_legacy creates it; an existing node keeps the user's access model.
-- Without this grant, the component logs once (xmpp.vcard4_not_guaranteed) and leaves
-- vCard4 alone.
--
-- Without vcard-temp delegation, mod_vcard_legacy answers vcard-temp from this vCard4: the
-- SIP URI then shows as <TEL><NUMBER>sip:…</NUMBER></TEL>, without VOICE/VIDEO (it maps only
-- home/work types). A user's own vcard-temp set through mod_vcard_legacy replaces the vCard4
-- (its TELs become tel:NUMBER); the component puts the tels back at the next binding change
-- or reconnection, not at once: Prosody does not tell it about PEP publishes.
--
-- The grant covers the whole pubsub namespace for every user of the VirtualHost (read and
-- publish any PEP node): give it only to the component's domain, over a component
-- connection you trust (127.0.0.1, or TLS).
--
-- ejabberd 23.01: its mod_privilege knows only the roster, message and presence permissions
-- (no "iq" permission of XEP-0356 0.4 / urn:xmpp:privilege:2), so vCard4 cannot be kept there.

---------- Global section (before the first VirtualHost) ----------
-- Add "privilege" to your existing list:
modules_enabled = {
    -- ... your modules ...
    "privilege";
}

---------- Your XMPP domain ----------
VirtualHost "xmpp.example.com"
    -- The component's domain, as in cusax.ini's domain: get and set ("both") of pubsub iqs
    -- as any user of this host. The component sends only items gets and publishes of
    -- urn:xmpp:vcard4.
    privileged_entities = {
        ["sip.example.com"] = {
            iq = { ["http://jabber.org/protocol/pubsub"] = "both" };
        };
    }

---------- The component's domain ----------
Component "sip.example.com"
    component_secret = "the same long random string as secret in cusax.ini"
    -- mod_privilege must run on the component host too: it tells the VirtualHost when the
    -- component connects, and the component is then sent its grant (a <privilege/> message).
    -- With delegation as well: modules_enabled = { "delegation", "privilege" }
    modules_enabled = { "privilege" }
