#pragma once
// The profile as a Linphone remote provisioning document: liblinphone's XML form of its
// configuration file (root <config xmlns="http://www.linphone.org/xsds/lpconfig.xsd">, one
// <section name=...> per INI section, one <entry name=... overwrite="true"> per key), which a
// liblinphone client fetches from the URI in its [misc] config-uri and merges into its own.
//
// It configures the SIP account only (Linphone has no XMPP): proxy_0 with the identity,
// registrar, transport and outbound proxy; auth_info_0 with the user; presence switched off
// (no PUBLISH, no friend-list subscriptions) when the operator says so. liblinphone 5.1 has no
// configuration entry that switches SIP messaging off (only an API call does), so "messaging"
// cannot be carried here; the README says so. The password is in it only with sip_password = same,
// and then it is the one the user typed to fetch this document: a client needs it to
// register, and it came from the client over the same TLS connection.
#include <string>
#include <string_view>

#include "provisioning/profile.hpp"

namespace cusax::provisioning {

std::string linphone_xml(const Profile& profile, std::string_view typed_password);

}  // namespace cusax::provisioning
