#include "cusaxctl/doctor/component_reply.hpp"


#include "shared/xml/component_handshake.hpp"
#include "shared/xml/namespaces.hpp"

namespace cusax::ctl::doctor {

std::string component_stream_open(std::string_view domain) {
    return xmpp::component_stream_header(domain);
}

// The component's own digest (shared/xml/component_handshake.hpp), so that doctor checks the
// secret exactly as the component will present it.
std::string component_handshake(std::string_view stream_id, std::string_view secret) {
    return "<handshake>" + xmpp::handshake_digest(stream_id, secret) + "</handshake>";
}

ComponentReply::ComponentReply() {
    xmpp::XmlStreamParser::Callbacks callbacks;
    callbacks.on_stream_open = [this](const xmpp::StreamHeader& header) { stream_id_ = header.id; };
    callbacks.on_stanza = [this](xmpp::XmlElement&& stanza) {
        if (stanza.name == "handshake" && stanza.xmlns == xmpp::ns::component) {
            accepted_ = true;
        } else if (stanza.name == "error" && stanza.xmlns == xmpp::ns::streams) {
            error_condition_ = "undefined-condition";
            bool named = false;
            for (const auto& child : stanza.children) {
                if (child.xmlns != xmpp::ns::stream_errors) continue;
                if (child.name == "text") {
                    error_text_ = child.text;
                } else if (!named) {
                    error_condition_ = child.name;
                    named = true;
                }
            }
        }
    };
    callbacks.on_stream_close = [] {};
    parser_ = std::make_unique<xmpp::XmlStreamParser>(xmpp::XmlStreamParserLimits{},
                                                      std::move(callbacks));
}

ComponentReply::~ComponentReply() = default;

void ComponentReply::feed(std::string_view bytes) {
    if (not_xmpp_) return;
    if (!parser_->feed(bytes)) {
        not_xmpp_ = parser_->error() ? parser_->error()->detail : "not XML";
    }
}

bool ComponentReply::closed() const { return parser_->closed(); }

}  // namespace cusax::ctl::doctor
