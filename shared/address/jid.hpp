#pragma once
// Bare JIDs (RFC 7622).
#include "shared/address/address_key.hpp"

namespace cusax::address {

// Normalises a bare JID: localpart case-mapped (PRECIS UsernameCaseMapped, approximated by
// libidn's XMPP nodeprep), domain lower-cased and converted to its ASCII (A-label) form
// with libidn2. A resource ("/..."), an empty part, or unsafe characters are refused.
// An "xmpp:" URI prefix is accepted and removed.
Parsed<std::string> normalise_bare_jid(std::string_view text);

}  // namespace cusax::address
