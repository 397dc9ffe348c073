#pragma once
// Test helpers: real SIP wire text parsed by Sofia with the proxy's own message class, and
// binding snapshots built the way the daemon builds them.
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "shared/store/binding.hpp"
#include "shared/store/snapshot.hpp"
#include "sip-proxy/sofia_handles.hpp"

namespace cusax::sip_proxy::test {

// Messages are written with "\n" line ends for readability; the wire has CRLF.
inline std::string crlf(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
        out.push_back(text[i]);
    }
    return out;
}

struct Parsed {
    MsgRef msg;
    sip_t* sip = nullptr;
};

inline Parsed parse(std::string_view text) {
    std::string wire = crlf(text);
    Parsed p;
    p.msg = parse_sip_message(wire.data(), wire.size());
    if (!p.msg) throw std::runtime_error("Sofia could not parse the test message");
    p.sip = sip_object(p.msg.get());
    return p;
}

// The message as it would go on the wire now.
inline std::string encode(msg_t* msg) {
    sip_t* sip = sip_object(msg);
    msg_serialize(msg, reinterpret_cast<msg_pub_t*>(sip));
    msg_prepare(msg);
    size_t size = 0;
    char* text = msg_as_string(msg_home(msg), msg, reinterpret_cast<msg_pub_t*>(sip), 0, &size);
    std::string out = text ? std::string(text, size) : std::string();
    return out;
}

// In the profile the proxy's watcher uses (sip-proxy/main.cpp).
inline std::shared_ptr<const store::Snapshot> snapshot_of(std::vector<store::Binding> bindings) {
    return store::Snapshot::build(std::move(bindings), 1, store::SnapshotProfile::routing);
}

inline store::Binding binding(std::string_view aor, std::string_view jid,
                              std::vector<std::string> numbers, store::Verification v) {
    std::vector<store::PhoneNumber> nums;
    for (auto& n : numbers) nums.push_back(store::PhoneNumber{n, true, false});
    return store::make_binding(aor, jid, "", nums, v);
}

}  // namespace cusax::sip_proxy::test
