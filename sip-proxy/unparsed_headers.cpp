#include "sip-proxy/unparsed_headers.hpp"

#include <sofia-sip/msg.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/nta_tag.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "shared/text/ascii_case.hpp"

namespace cusax::sip_proxy {

namespace {

// The name as Sofia's class spells it: the class the message's own class table gives the
// name as written ("v" and "VIA" are both "Via").
std::string canonical_name(msg_t* msg, char const* written) {
    if (!written) return {};
    if (msg_mclass_t const* mclass = msg_mclass(msg)) {
        msg_href_t const* ref = msg_find_hclass(mclass, written, nullptr);
        if (ref && ref->hr_class && ref->hr_class->hc_name &&
            ref->hr_class != mclass->mc_unknown->hr_class)
            return ref->hr_class->hc_name;
    }
    return written;
}

// Error records only: the duplicates of single headers in the same list keep their class.
// The error class is the one the parser took from the message's class table (the library's
// msg_error_class symbol may be another copy of it in the program).
template <typename F>
void for_each_error(msg_t* msg, sip_t const* sip, F&& f) {
    msg_mclass_t const* mclass = msg_mclass(msg);
    if (!mclass) return;
    for (auto* h = reinterpret_cast<msg_header_t*>(sip->sip_error); h; h = h->sh_next)
        if (h->sh_class == mclass->mc_error->hr_class) f(h);
}

// The line as received, one line again: a fold is a line break followed by white space, which
// RFC 3261 §7.3.1 reads as that white space; the line break at the end goes too.
std::string unfolded_line(msg_header_t const* h) {
    std::string line(static_cast<char const*>(h->sh_data), static_cast<std::size_t>(h->sh_len));
    std::erase_if(line, [](char c) { return c == '\r' || c == '\n'; });
    return line;
}

}  // namespace

bool keep_wire_text_of_header_lines(nta_agent_t* agent) {
    unsigned flags = 0;
    if (nta_agent_get_params(agent, NTATAG_SIPFLAGS_REF(flags), TAG_END()) < 1) return false;
    return nta_agent_set_params(agent, NTATAG_SIPFLAGS(flags | MSG_DO_EXTRACT_COPY), TAG_END()) >=
           1;
}

void write_parsed_lines_anew(msg_t* msg) {
    msg_mclass_t const* mclass = msg_mclass(msg);
    msg_header_t** chain = msg_chain_head(msg);
    if (!mclass || !chain) return;
    for (msg_header_t* h = *chain; h; h = h->sh_succ) {
        // Sofia ends a line at CRLF, LF or a bare CR, and the empty line after the headers
        // keeps its spelling. Relayed as received, a bare CR there lets the next hop read the
        // body as more header lines, which no step here has read (a forged impp Call-Info
        // among them): it leaves as CRLF (RFC 3261 §7).
        if (h->sh_class == mclass->mc_separator->hr_class) {
            if (std::string_view(h->sh_separator->sep_data) != "\r\n") {
                std::memcpy(h->sh_separator->sep_data, "\r\n", 3);
                msg_fragment_clear(h->sh_common);
            }
            continue;
        }
        // The body points at the received text in every reading mode.
        if (h->sh_class == mclass->mc_error->hr_class ||
            h->sh_class == mclass->mc_payload->hr_class)
            continue;
        msg_fragment_clear(h->sh_common);
    }
}

int relay_unparsed_as_written(msg_t* msg, sip_t* sip) {
    msg_mclass_t const* mclass = msg_mclass(msg);
    if (!sip || !mclass) return 0;
    std::vector<msg_header_t*> lines;
    for_each_error(msg, sip, [&](msg_header_t* h) {
        if (h->sh_data && h->sh_len > 0 &&
            unparsed_header_action(canonical_name(msg, h->sh_error->er_name)) ==
                UnparsedAction::relay_unchanged)
            lines.push_back(h);
        else  // decided by the proxy's own table (Privacy): left out, as Sofia leaves it out
            msg_fragment_clear(h->sh_common);
    });
    auto* pub = reinterpret_cast<msg_pub_t*>(sip);
    int relayed = 0;
    for (msg_header_t* h : lines) {
        msg_header_t* as_written =
            msg_header_make(msg_home(msg), mclass->mc_unknown->hr_class, unfolded_line(h).c_str());
        // Without a copy the record stays, and Sofia sends the text it points at.
        if (!as_written) continue;
        msg_header_remove(msg, pub, h);
        if (msg_header_insert(msg, pub, as_written) == 0) ++relayed;
    }
    return relayed;
}

std::vector<UnparsedHeader> unparsed_headers(msg_t* msg, sip_t const* sip) {
    std::vector<UnparsedHeader> found;
    if (!sip) return found;
    for_each_error(msg, sip, [&](msg_header_t* h) {
        std::string name = canonical_name(msg, h->sh_error->er_name);
        const UnparsedAction action = unparsed_header_action(name);
        found.push_back({std::move(name), action});
    });
    return found;
}

UnparsedHeader const* first_rejecting(const std::vector<UnparsedHeader>& unparsed) {
    auto it = std::find_if(unparsed.begin(), unparsed.end(), [](const UnparsedHeader& h) {
        return h.action == UnparsedAction::reject_400 || h.action == UnparsedAction::reject_420;
    });
    return it == unparsed.end() ? nullptr : &*it;
}

bool any_with(const std::vector<UnparsedHeader>& unparsed, UnparsedAction action) {
    return std::any_of(unparsed.begin(), unparsed.end(),
                       [action](const UnparsedHeader& h) { return h.action == action; });
}

int remove_unparsed(msg_t* msg, sip_t* sip, std::string_view name) {
    std::vector<msg_header_t*> doomed;
    for_each_error(msg, sip, [&](msg_header_t* h) {
        if (text::iequals(canonical_name(msg, h->sh_error->er_name), name)) doomed.push_back(h);
    });
    for (auto* h : doomed) msg_header_remove(msg, reinterpret_cast<msg_pub_t*>(sip), h);
    return static_cast<int>(doomed.size());
}

}  // namespace cusax::sip_proxy
