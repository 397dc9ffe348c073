#pragma once
// What an XMPP server says on its component port (XEP-0114 §2), read as it arrives: the
// stream header with its id, then <handshake/> (the secret is accepted) or a stream error,
// then the end of the stream. Text in, facts out: no I/O.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "shared/xml/xml_stream_parser.hpp"

namespace cusax::ctl::doctor {

// The stream header doctor opens with: XEP-0114's <stream:stream> to the component's domain.
std::string component_stream_open(std::string_view domain);

// XEP-0114 §2: <handshake> with the lower-case hex SHA-1 of the stream id followed by the
// secret. The secret goes nowhere else.
std::string component_handshake(std::string_view stream_id, std::string_view secret);

class ComponentReply {
  public:
    ComponentReply();
    ~ComponentReply();
    ComponentReply(const ComponentReply&) = delete;
    ComponentReply& operator=(const ComponentReply&) = delete;

    void feed(std::string_view bytes);

    // Set once the server's stream header has arrived.
    const std::optional<std::string>& stream_id() const { return stream_id_; }
    bool accepted() const { return accepted_; }  // <handshake/> came
    // The condition of a <stream:error> ("not-authorized", "conflict") and its text.
    const std::optional<std::string>& error_condition() const { return error_condition_; }
    const std::string& error_text() const { return error_text_; }
    bool closed() const;  // </stream:stream> came
    // Set when what came is not an XMPP stream (a TLS record on a plain connection, HTTP).
    const std::optional<std::string>& not_xmpp() const { return not_xmpp_; }

  private:
    std::unique_ptr<xmpp::XmlStreamParser> parser_;
    std::optional<std::string> stream_id_;
    bool accepted_ = false;
    std::optional<std::string> error_condition_;
    std::string error_text_;
    std::optional<std::string> not_xmpp_;
};

}  // namespace cusax::ctl::doctor
