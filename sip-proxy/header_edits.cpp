#include "sip-proxy/header_edits.hpp"

#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "shared/text/ascii_case.hpp"
#include "shared/text/quoted_string.hpp"
#include "shared/text/trim.hpp"
#include "sip-proxy/unparsed_headers.hpp"

namespace cusax::sip_proxy {

namespace {

using text::iequals;
using text::trim_whitespace;

// RFC 3261 §25.1 quoted-string: strips the quotes and resolves quoted-pairs.
std::string unquote(std::string_view value) {
    value = trim_whitespace(value);
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::string(value);
    std::string out;
    for (std::size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] == '\\' && i + 2 < value.size()) ++i;
        out.push_back(value[i]);
    }
    return out;
}

}  // namespace

bool is_impp(sip_call_info_t const* value) {
    if (!value || !value->ci_params) return false;
    for (msg_param_t const* p = value->ci_params; *p; ++p) {
        std::string_view param(*p);
        auto eq = param.find('=');
        if (eq == std::string_view::npos) continue;
        if (!iequals(trim_whitespace(param.substr(0, eq)), "purpose")) continue;
        if (iequals(unquote(param.substr(eq + 1)), "impp")) return true;
    }
    return false;
}

int remove_impp_call_info(msg_t* msg, sip_t* sip) {
    std::vector<sip_call_info_t*> doomed;
    for (sip_call_info_t* ci = sip->sip_call_info; ci; ci = ci->ci_next) {
        if (is_impp(ci)) doomed.push_back(ci);
    }
    // sip_header_remove takes one value of a comma-separated line and re-encodes the rest.
    for (auto* ci : doomed) sip_header_remove(msg, sip, reinterpret_cast<sip_header_t*>(ci));
    return static_cast<int>(doomed.size()) + remove_unparsed(msg, sip, "Call-Info");
}

bool insert_impp_call_info(msg_t* msg, sip_t* sip, std::string_view jid) {
    std::string value = "<xmpp:" + std::string(jid) + ">;purpose=impp";
    return sip_add_make(msg, sip, sip_call_info_class, value.c_str()) == 0;
}

int remove_p_asserted_identity(msg_t* msg, sip_t* sip) {
    std::vector<sip_header_t*> doomed;
    for (auto* pai = sip_p_asserted_identity(sip); pai; pai = pai->paid_next)
        doomed.push_back(reinterpret_cast<sip_header_t*>(pai));
    for (auto* h : doomed) sip_header_remove(msg, sip, h);
    return static_cast<int>(doomed.size());
}

std::string warning_399(std::string_view agent, std::string_view text) {
    return "399 " + std::string(agent) + " " + text::quoted_single_line(text);
}

bool add_warning(msg_t* msg, sip_t* sip, std::string_view agent, std::string_view text) {
    return sip_add_make(msg, sip, sip_warning_class, warning_399(agent, text).c_str()) == 0;
}

}  // namespace cusax::sip_proxy
