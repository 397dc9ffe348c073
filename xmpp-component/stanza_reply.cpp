#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {

namespace {
XmlElement reply_skeleton(const XmlElement& request, std::string_view type) {
    XmlElement reply(request.name, request.xmlns);
    reply.set_attr("type", type);
    if (const auto* to = request.attr("to")) reply.set_attr("from", *to);
    if (const auto* from = request.attr("from")) reply.set_attr("to", *from);
    if (const auto* id = request.attr("id")) reply.set_attr("id", *id);
    return reply;
}
}  // namespace

bool is_iq_request(const XmlElement& stanza) {
    const std::string_view type = stanza.attr_or("type");
    return stanza.name == "iq" && (type == "get" || type == "set");
}

XmlElement make_iq_result(const XmlElement& request) { return reply_skeleton(request, "result"); }

XmlElement make_error_reply(const XmlElement& request, std::string_view condition,
                            std::string_view type, std::string_view text) {
    XmlElement reply = reply_skeleton(request, "error");
    XmlElement& error = reply.add("error", reply.xmlns);
    error.set_attr("type", type);
    error.add(std::string(condition), std::string(ns::stanza_errors));
    if (!text.empty()) {
        XmlElement& t = error.add("text", std::string(ns::stanza_errors));
        t.set_attr("xml:lang", "en");
        t.text = text;
    }
    return reply;
}

JidParts split_jid(std::string_view jid) {
    JidParts parts;
    if (auto slash = jid.find('/'); slash != std::string_view::npos) {
        parts.resource = jid.substr(slash + 1);
        jid = jid.substr(0, slash);
    }
    if (auto at = jid.find('@'); at != std::string_view::npos) {
        parts.local = jid.substr(0, at);
        jid = jid.substr(at + 1);
    }
    parts.domain = jid;
    return parts;
}

std::string bare_jid(std::string_view jid) {
    JidParts parts = split_jid(jid);
    if (parts.local.empty()) return std::string(parts.domain);
    return std::string(parts.local) + "@" + std::string(parts.domain);
}

}  // namespace cusax::xmpp
