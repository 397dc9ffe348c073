#pragma once
// WebFinger (RFC 7033) for the accounts of the binding store: GET
// /.well-known/webfinger?resource=URI answers, for a verified binding only, a JSON Resource
// Descriptor whose aliases name the binding's other account (RFC 7081 §2 suggests WebFinger for
// this; §3.5: an unverified binding is only a cue, never announced). The resource may be
// acct:NAME@DOMAIN (the JID, or the AOR sip:NAME@DOMAIN), a sip:/sips: AOR or an xmpp: JID.
// Everything else, unverified bindings included, gets the same 404 as an unknown account, so
// the answer says nothing about accounts it does not announce. No password is involved: the
// answer is public, and carries the CORS header RFC 7033 §5 asks for.
#include <string_view>

#include "provisioning/account_directory.hpp"
#include "provisioning/http_answer.hpp"

namespace cusax::provisioning {

// query: the request target's query, without "?".
HttpAnswer webfinger_answer(std::string_view query, const AccountDirectory& directory);

}  // namespace cusax::provisioning
