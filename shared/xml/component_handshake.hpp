#pragma once
// The two XEP-0114 lines a component writes before it is accepted, shared by the component's
// stream (xmpp-component/component_stream.cpp) and `cusaxctl doctor`'s probe of the component
// port, so that both authenticate exactly alike.
#include <string>
#include <string_view>

namespace cusax::xmpp {

// <?xml ...?><stream:stream xmlns='jabber:component:accept' ... to='DOMAIN'>
std::string component_stream_header(std::string_view domain);

// XEP-0114 §2: lower-case hex SHA-1 of the stream id followed by the secret.
std::string handshake_digest(std::string_view stream_id, std::string_view secret);

}  // namespace cusax::xmpp
