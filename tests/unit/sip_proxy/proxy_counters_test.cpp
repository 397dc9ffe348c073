// The proxy's counters exist under their documented names from start-up, at 0, and each
// reference bumps the counter of its name.
#include "sip-proxy/proxy_counters.hpp"

#include <gtest/gtest.h>

#include <map>

namespace cusax::sip_proxy {
namespace {

std::map<std::string, std::uint64_t> values(const counters::Registry& registry) {
    auto list = registry.values();
    return {list.begin(), list.end()};
}

TEST(ProxyCounters, RegisteredAtStartUnderTheirNames) {
    counters::Registry registry;
    ProxyCounters counters(registry);
    const auto v = values(registry);
    for (const char* name :
         {"call_info.inserted", "call_info.removed_forged", "call_info.skipped.privacy",
          "call_info.skipped.untrusted", "call_info.skipped.no_identity",
          "call_info.skipped.no_binding", "call_info.skipped.unverified", "charge.warned",
          "charge.blocked", "requests.relayed", "responses.relayed", "messages.malformed",
          "requests.rejected.400", "requests.rejected.403", "requests.rejected.482",
          "requests.rejected.483", "requests.rejected.503", "requests.rejected.other",
          "requests.not_handled"}) {
        ASSERT_TRUE(v.count(name)) << name;
        EXPECT_EQ(v.at(name), 0u) << name;
    }
}

TEST(ProxyCounters, EachReferenceBumpsItsName) {
    counters::Registry registry;
    ProxyCounters counters(registry);
    counters.skipped(SkipReason::unverified).add();
    counters.rejected(483).add();
    counters.rejected(599).add();
    counters.call_info_removed_forged.add(3);
    const auto v = values(registry);
    EXPECT_EQ(v.at("call_info.skipped.unverified"), 1u);
    EXPECT_EQ(v.at("call_info.skipped.privacy"), 0u);
    EXPECT_EQ(v.at("requests.rejected.483"), 1u);
    EXPECT_EQ(v.at("requests.rejected.other"), 1u);
    EXPECT_EQ(v.at("call_info.removed_forged"), 3u);
}

}  // namespace
}  // namespace cusax::sip_proxy
