#pragma once
// Checks of the [xmpp-component] values that only the component has (component_config.cpp).
// Each returns "" or the reason the text is refused, never quoting the text
// (shared/config/validators.hpp).
#include <string>
#include <string_view>

namespace cusax::xmpp::config_values {

// A rate as people write it: "1", "0.5", "20" (per second). The config types have no decimal
// number, and a rate below one search a second is the usual setting.
std::string search_rate(std::string_view text);
// Shown to clients as the directory's name (disco identity, vCard FN): one printable line.
std::string service_name(std::string_view text);
// The name the server's certificate must carry: a DNS name or an IPv4 address; empty for
// server_host.
std::string tls_server_name(std::string_view text);
// Where the users' vCards go: empty (nowhere), an absolute path (a SQLite file) or
// `postgresql` (the database of [store]: store::user_vcard_location).
std::string vcard_store(std::string_view text);

}  // namespace cusax::xmpp::config_values
