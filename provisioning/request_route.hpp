#pragma once
// Which document a request asks for, from its path and, on /profile, its Accept header; only
// formats the operator serves ([provisioning] formats) are found.
//
//   /profile.json, or /profile accepting JSON (or anything)   the JSON profile
//   /linphone.xml, or /profile accepting application/xml or text/xml, not JSON   Linphone XML
//   /.well-known/webfinger                                     WebFinger (public)
#include <string>
#include <string_view>
#include <vector>

namespace cusax::provisioning {

enum class Resource { profile_json, linphone_xml, webfinger, not_found };

struct Target {
    std::string_view path;
    std::string_view query;  // without "?"
};
Target split_target(std::string_view target);

Resource route(std::string_view path, std::string_view accept,
               const std::vector<std::string>& formats);

}  // namespace cusax::provisioning
