// HTTP Basic credentials (RFC 7617) and the base64 beneath them.
#include <gtest/gtest.h>

#include "provisioning/base64.hpp"
#include "provisioning/basic_credentials.hpp"

using namespace cusax::provisioning;

namespace {

TEST(Base64, RoundTripsAndRefusesTheNonCanonical) {
    for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        EXPECT_EQ(base64_decode(base64_encode(s)), s);
    }
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
    EXPECT_EQ(base64_decode("Zm9vYh=="), std::nullopt);  // bits in the padding
    EXPECT_EQ(base64_decode("Zm9vYg="), std::nullopt);
    EXPECT_EQ(base64_decode("Zm9v YmFy"), std::nullopt);
    EXPECT_EQ(base64_decode(" Zm9vYmF"), std::nullopt);
    EXPECT_EQ(base64_decode("Zm=vYmFy"), std::nullopt);
    EXPECT_EQ(base64_decode("===="), std::nullopt);
}

std::string basic(std::string_view user_pass) { return "Basic " + base64_encode(user_pass); }

TEST(BasicCredentials, UserAndPassword) {
    auto c = parse_basic_credentials(basic("alice:alice-password"));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->user, "alice");
    EXPECT_EQ(c->password, "alice-password");
    // The password may hold colons; the scheme is case-insensitive.
    c = parse_basic_credentials("bAsIc " + base64_encode("alice@xmpp.example.com:a:b"));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->user, "alice@xmpp.example.com");
    EXPECT_EQ(c->password, "a:b");
    c = parse_basic_credentials(basic("j\xC3\xBCrgen:p\xC3\xA4ss"));  // UTF-8
    ASSERT_TRUE(c);
    EXPECT_EQ(c->user, "j\xC3\xBCrgen");
}

TEST(BasicCredentials, WhatIsRefused) {
    EXPECT_FALSE(parse_basic_credentials(""));
    EXPECT_FALSE(parse_basic_credentials("Bearer abc"));
    EXPECT_FALSE(parse_basic_credentials("Basic"));
    EXPECT_FALSE(parse_basic_credentials("Basic !!!"));
    EXPECT_FALSE(parse_basic_credentials(basic("no-colon")));
    EXPECT_FALSE(parse_basic_credentials(basic(":password")));
    EXPECT_FALSE(parse_basic_credentials(basic("alice:")));
    EXPECT_FALSE(parse_basic_credentials(basic("al\nice:pw")));
    EXPECT_FALSE(parse_basic_credentials(basic(std::string(321, 'a') + ":pw")));
    EXPECT_FALSE(parse_basic_credentials(basic("alice:" + std::string(1025, 'p'))));
    EXPECT_TRUE(parse_basic_credentials(basic("alice:" + std::string(1024, 'p'))));
}

}  // namespace
