-- Prosody 0.12 settings for cusax-xmpp-component: paste into /etc/prosody/prosody.cfg.lua
-- (or drop into /etc/prosody/conf.d/cusax.cfg.lua), then `prosodyctl reload`, and set the same
-- secret in the [xmpp-component] section of /etc/cusax/cusax.ini (conf/cusax.ini).
--
--   XMPP clients -> Prosody (xmpp.example.com) <- XEP-0114 -> cusax-xmpp-component
--                                                              answers for sip.example.com
--
-- The component secret authenticates the component to Prosody and nothing else guards the
-- port: keep it long and random (openssl rand -hex 32), keep this file and cusax.ini readable
-- by their daemons only (chmod 640), and never bind the component port to a public address.

---------- Global section (before the first VirtualHost) ----------

-- The XEP-0114 component listener, plain TCP. cusax.ini: server_host, server_port.
component_ports = { 5347 }
component_interfaces = { "127.0.0.1" }

-- Optional: the component on another host, over TLS. Prosody 0.12's component listener has
-- no TLS of its own, but mod_net_multiplex adds a direct-TLS port (ssl_ports) that hands a
-- jabber:component:accept stream to the component service. Its certificate comes from the
-- global `ssl` (or Prosody's certificates directory). In cusax.ini:
--   server_port = 5349, tls = true, tls_ca_file = /path/to/ca.pem (empty: the system's CAs),
--   tls_server_name = xmpp.example.com (a name the certificate carries).
-- modules_enabled = { ..., "net_multiplex" }   -- add it to your existing list
-- ssl_ports = { 5349 }
-- ssl_interfaces = { "192.0.2.10" }             -- the address the component connects to
-- ssl = { certificate = "/etc/prosody/certs/xmpp.example.com.crt",
--         key = "/etc/prosody/certs/xmpp.example.com.key" }
-- Without net_multiplex, a local TLS tunnel does the same: stunnel4 (Debian) on Prosody's
-- host accepting TLS on 5349 and connecting to 127.0.0.1:5347:
--   [cusax-component]
--   accept = 192.0.2.10:5349
--   connect = 127.0.0.1:5347
--   cert = /etc/prosody/certs/xmpp.example.com.crt
--   key = /etc/prosody/certs/xmpp.example.com.key
-- (ejabberd needs neither: `tls: true` on its ejabberd_service listener.)

-- Prosody closes a component stream whose stanza exceeds component_stanza_size_limit
-- (default 512 KiB); cusax's answers stay far below it. A stanza over cusax's own
-- max_stanza_size (default 1MiB) is skipped and, for an iq request, answered policy-violation.

---------- Your XMPP domain ----------
-- Its users may search the SIP-to-JID bindings: list it in cusax.ini's local_domains.
-- VirtualHost "xmpp.example.com"

---------- The component's domain ----------
-- The component answers for sip.example.com and for each SIP account as
-- user@sip.example.com (an AOR on another SIP host as user\40host@sip.example.com, XEP-0106).
-- The domain must be the same as cusax.ini's domain, and must not be a VirtualHost.
Component "sip.example.com"
    component_secret = "the same long random string as secret in cusax.ini"
    -- A second connection for this domain is refused with <conflict/> (Prosody's default
    -- component_conflict_resolve = "kick_new"): run one component per domain.
