#pragma once
// What the component's features are configured with (component_config.cpp fills them from the
// [xmpp-component] section; tests fill them by hand).
#include <cstddef>
#include <string>
#include <vector>

namespace cusax::xmpp {

// XEP-0355: a delegated vCard set that would drop a guaranteed TEL is refused or corrected.
enum class VcardGuard { refuse, correct };

struct DirectorySettings {
    std::string domain;  // the component's domain, lower-case
    // Requesters whose bare JID's domain is listed here may search and list accounts; everyone
    // else gets forbidden (RFC 7081 §3.5 look-ups are for the service's own users). Lower-case.
    std::vector<std::string> local_domains;
    // The bare domains of the XMPP servers whose delegations (XEP-0355) and privilege grants
    // (XEP-0356) are acted upon: a stanza from one of them speaks for all its users. Kept apart
    // from local_domains, so that a partner domain let in to search is not trusted to speak for
    // users. Lower-case.
    std::vector<std::string> trusted_servers;
    bool list_accounts = true;  // disco#items of the domain lists accounts (to local users)
    std::size_t max_listed_accounts = 500;
    std::string service_name = "SIP directory";
    VcardGuard vcard_guard = VcardGuard::refuse;
};

struct SearchLimits {
    double rate_per_second = 1.0;  // sustained searches (and listings) per requester
    double burst = 10.0;
};

}  // namespace cusax::xmpp
