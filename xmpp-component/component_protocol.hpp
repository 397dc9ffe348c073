#pragma once
// XEP-0114 wire pieces (no I/O): stream header, handshake digest, stream errors, back-off.
#include <chrono>
#include <string>
#include <string_view>

#include "shared/xml/component_handshake.hpp"  // the stream header and handshake digest
#include "shared/xml/xml_element.hpp"

namespace cusax::xmpp {

// <stream:error><CONDITION xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>
std::string stream_error_element(std::string_view condition);

// The condition and text of a received <stream:error>, and a hint for the operator.
struct ReceivedStreamError {
    std::string condition;
    std::string text;
    std::string_view hint;
};
ReceivedStreamError describe_stream_error(const XmlElement& error);

// Exponential back-off with jitter: attempt n waits a random time in [d/2, d] where
// d = min(max, min * 2^n). Deterministic given the random fraction, for tests.
class ReconnectBackoff {
  public:
    ReconnectBackoff(std::chrono::milliseconds min, std::chrono::milliseconds max);
    // fraction in [0, 1): where in [d/2, d] this delay falls.
    std::chrono::milliseconds next(double fraction);
    void reset() { attempts_ = 0; }
    int attempts() const { return attempts_; }

  private:
    std::chrono::milliseconds min_;
    std::chrono::milliseconds max_;
    int attempts_ = 0;
};

}  // namespace cusax::xmpp
