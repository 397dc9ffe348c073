#include "cusaxctl/xep0227_vcards.hpp"

#include <fstream>
#include <sstream>

#include "cusaxctl/command_error.hpp"
#include "shared/address/jid.hpp"
#include "shared/xml/parse_element.hpp"

namespace cusax::ctl {
namespace {

// The stream parser reads one element inside a stream, where an XML declaration is not
// allowed: it is dropped (the files are UTF-8, as XEP-0227 requires).
std::string_view without_declaration(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (text.starts_with("<?xml")) {
        const auto end = text.find("?>");
        if (end != std::string_view::npos) text.remove_prefix(end + 2);
    }
    return text;
}

}  // namespace

std::vector<ExportedVcard> read_xep0227_vcards(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw CommandError(kBadImportFile, file.string() + ": cannot read");
    std::ostringstream text;
    text << in.rdbuf();
    const auto root = xmpp::parse_element(without_declaration(text.str()));
    if (!root || root->name != "server-data" || root->xmlns != xmpp::ns::pie) {
        throw CommandError(kBadImportFile, file.string() +
                                               ": not a XEP-0227 export (<server-data xmlns='" +
                                               std::string(xmpp::ns::pie) + "'>)");
    }
    std::vector<ExportedVcard> out;
    for (const auto& host : root->children) {
        if (host.name != "host" || host.xmlns != xmpp::ns::pie) continue;
        for (const auto& user : host.children) {
            if (user.name != "user" || user.xmlns != xmpp::ns::pie) continue;
            const xmpp::XmlElement* vcard = user.child("vCard", xmpp::ns::vcard_temp);
            if (!vcard) continue;
            const std::string origin = file.string() + ": user " +
                                       std::string(user.attr_or("name")) + " of host " +
                                       std::string(host.attr_or("jid"));
            auto jid = address::normalise_bare_jid(std::string(user.attr_or("name")) + "@" +
                                                   std::string(host.attr_or("jid")));
            if (!jid) throw CommandError(kBadImportFile, origin + ": " + jid.error);
            out.push_back({std::move(*jid.value), *vcard, origin});
        }
    }
    return out;
}

}  // namespace cusax::ctl
