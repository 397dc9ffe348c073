// Who a request comes from, as the limits count it.
#include "provisioning/client_address.hpp"

#include <gtest/gtest.h>

using namespace cusax::provisioning;

namespace {

TEST(ClientAddress, IPv4AsItIsIPv6ByItsSlash64) {
    EXPECT_EQ(address_key("192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(address_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
    EXPECT_EQ(address_key("2001:db8:1:2::ffff"), "2001:db8:1:2::/64");
    EXPECT_EQ(address_key("::ffff:192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(address_key("not an address"), std::nullopt);
    EXPECT_EQ(address_key(""), std::nullopt);
}

TEST(ClientAddress, ForwardedForOnlyFromATerminatorAndOnlyItsOwnEntry) {
    const std::vector<std::string> terminators{"10.0.0.1", "2001:db8::1"};
    EXPECT_EQ(forwarded_client("10.0.0.1", "192.0.2.7", terminators), "192.0.2.7");
    // Earlier entries are the client's own claim: only the last one, the terminator's, counts.
    EXPECT_EQ(forwarded_client("10.0.0.1", "203.0.113.9, 192.0.2.7", terminators), "192.0.2.7");
    EXPECT_EQ(forwarded_client("2001:db8::1", "2001:db8:5::9", terminators), "2001:db8:5::/64");
    // A host next to the terminator is not the terminator.
    EXPECT_EQ(forwarded_client("2001:db8::2", "192.0.2.7", terminators), std::nullopt);
    EXPECT_EQ(forwarded_client("10.0.0.2", "192.0.2.7", terminators), std::nullopt);
    EXPECT_EQ(forwarded_client("10.0.0.1", "", terminators), std::nullopt);
    EXPECT_EQ(forwarded_client("10.0.0.1", "192.0.2.7, unknown", terminators), std::nullopt);
    EXPECT_TRUE(listed_address("::ffff:10.0.0.1", terminators));
}

}  // namespace
