#include "cusaxctl/doctor/component_reply.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "shared/xml/namespaces.hpp"

namespace cusax::ctl::doctor {

std::string component_stream_open(std::string_view domain) {
    std::string out =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' "
        "xmlns:stream='http://etherx.jabber.org/streams' to='";
    xmpp::append_escaped_attribute(out, domain);
    return out + "'>";
}

// The same digest as the component's (xmpp-component/component_protocol.cpp): written again
// here because cusaxctl does not link the component's library, nor the component cusaxctl's
// (docs/configuration.md: no program depends on another program's code); the unit test checks
// it against the digest of a known id and secret.
std::string component_handshake(std::string_view stream_id, std::string_view secret) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), stream_id.data(), stream_id.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), secret.data(), secret.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
        throw std::runtime_error("SHA-1 unavailable from OpenSSL");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "<handshake>";
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0xF];
    }
    return out + "</handshake>";
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
