// Any bytes through what cusax-provisioning reads from a client before it has authenticated
// anyone: the Authorization header, the request target and its query, the Accept header, a
// user id, a forwarded address. No crash, no sanitizer report, and: decoded credentials respect
// their limits; base64 that decodes encodes back to itself; a WebFinger answer is 200, 400 or
// 404, and a 200 only for a verified binding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "provisioning/account_directory.hpp"
#include "provisioning/base64.hpp"
#include "provisioning/basic_credentials.hpp"
#include "provisioning/client_address.hpp"
#include "provisioning/request_route.hpp"
#include "provisioning/webfinger.hpp"
#include "shared/store/snapshot.hpp"

namespace {

using namespace cusax::provisioning;

void require(bool condition) {
    if (!condition) std::abort();
}

const AccountDirectory& directory() {
    static const auto d = [] {
        using cusax::store::Verification;
        std::vector<cusax::store::Binding> bindings{
            cusax::store::make_binding("sip:alice@sip.example.com", "alice@xmpp.example.com",
                                       "Alice", {}, Verification::Admin),
            cusax::store::make_binding("sip:carol@sip.example.com", "carol@xmpp.example.com", "",
                                       {}, Verification::Unverified)};
        return std::make_shared<const AccountDirectory>(cusax::store::Snapshot::build(bindings, 1));
    }();
    return *d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    if (auto c = parse_basic_credentials(input)) {
        require(!c->user.empty() && c->user.size() <= 320 && !c->password.empty() &&
                c->password.size() <= 1024 && c->user.find(':') == std::string::npos);
    }
    if (auto bytes = base64_decode(input)) require(base64_encode(*bytes) == input);

    const Target target = split_target(input);
    (void)route(target.path, input, {"json", "linphone", "webfinger"});
    const HttpAnswer answer = webfinger_answer(target.query, directory());
    require(answer.status == 200 || answer.status == 400 || answer.status == 404);
    if (answer.status == 200) {
        require(answer.body.find("carol") == std::string::npos);
        require(answer.body.find("xmpp:alice@xmpp.example.com") != std::string::npos ||
                answer.body.find("sip:alice@sip.example.com") != std::string::npos);
    }

    if (const auto* b = directory().find_user(input)) require(b->aor.starts_with("sip:"));
    require(user_limit_key(input).size() <= 64);
    (void)address_key(input);
    (void)forwarded_client("10.0.0.1", input, {"10.0.0.1"});
    return 0;
}
