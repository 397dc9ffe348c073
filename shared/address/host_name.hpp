#pragma once
// Hosts of SIP URIs and domainparts of JIDs (internal to shared/address).
#include <string>
#include <string_view>

namespace cusax::address {

// Checks an ASCII host as RFC 3261 §25.1 writes it (hostname, IPv4address or IPv6reference
// "[...]") and appends it to out lower-cased, without a trailing dot (an FQDN written with
// its root dot names the same host). Returns an empty string, or the reason it was refused,
// starting with part_name ("host", "domainpart").
std::string append_host(std::string_view host, std::string_view part_name, std::string& out);

}  // namespace cusax::address
