// The SCRAM client against the examples of RFC 5802 §5 (SHA-1) and RFC 7677 §3 (SHA-256), and
// what it refuses from a server.
#include "provisioning/scram.hpp"

#include <gtest/gtest.h>

using namespace cusax::provisioning;

namespace {

TEST(Scram, Rfc5802Example) {
    ScramClient c(ScramHash::sha1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    EXPECT_EQ(c.client_first(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    std::string error;
    const auto final_message = c.client_final(
        "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096", &error);
    ASSERT_TRUE(final_message) << error;
    EXPECT_EQ(*final_message,
              "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
    EXPECT_TRUE(c.server_final_ok("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
    EXPECT_FALSE(c.server_final_ok("v=rmF9pqV8S7suAoZWja4dJRkFsKQ"));   // not base64
    EXPECT_FALSE(c.server_final_ok("v=AmF9pqV8S7suAoZWja4dJRkFsKQ="));  // another signature
    EXPECT_FALSE(c.server_final_ok("e=invalid-proof"));
}

TEST(Scram, Rfc7677Example) {
    ScramClient c(ScramHash::sha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
    EXPECT_EQ(c.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    const auto final_message = c.client_final(
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        nullptr);
    ASSERT_TRUE(final_message);
    EXPECT_EQ(*final_message,
              "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
              "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    EXPECT_TRUE(c.server_final_ok("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
}

TEST(Scram, TheServerSignatureIsUnknownBeforeTheExchange) {
    ScramClient c(ScramHash::sha1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    EXPECT_FALSE(c.server_final_ok("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
}

TEST(Scram, UserNamesAreEscaped) {
    ScramClient c(ScramHash::sha1, "a,b=c", "pw", "nonce");
    EXPECT_EQ(c.client_first(), "n,,n=a=2Cb=3Dc,r=nonce");
}

TEST(Scram, WhatAServerMustNotGetAwayWith) {
    const auto refused = [](std::string_view server_first) {
        ScramClient c(ScramHash::sha1, "user", "pencil", "abc");
        std::string error;
        const bool refused_it = !c.client_final(server_first, &error);
        return refused_it ? error : std::string("accepted");
    };
    EXPECT_EQ(refused("r=abcdef,s=QSXCR+Q6sek8bf92,i=4096"), "accepted");
    EXPECT_EQ(refused("r=xyzdef,s=QSXCR+Q6sek8bf92,i=4096"), "server nonce does not extend ours");
    EXPECT_EQ(refused("r=abc,s=QSXCR+Q6sek8bf92,i=4096"), "server nonce does not extend ours");
    EXPECT_EQ(refused("r=abcdef,s=,i=4096"), "bad salt");
    EXPECT_EQ(refused("r=abcdef,s=!!!!,i=4096"), "bad salt");
    EXPECT_EQ(refused("r=abcdef,s=QSXCR+Q6sek8bf92,i=0"), "iteration count out of range");
    EXPECT_EQ(refused("r=abcdef,s=QSXCR+Q6sek8bf92,i=100001"), "iteration count out of range");
    EXPECT_EQ(refused("r=abcdef,s=QSXCR+Q6sek8bf92,i=4k"), "iteration count out of range");
    EXPECT_EQ(refused("r=abcdef,s=QSXCR+Q6sek8bf92"), "server-first-message lacks r, s or i");
    EXPECT_EQ(refused("m=ext,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096"), "mandatory extension");
}

TEST(Scram, SaslPrep) {
    EXPECT_EQ(saslprep("pencil"), "pencil");
    EXPECT_EQ(saslprep("I\xC2\xADX"), "IX");  // soft hyphen: mapped to nothing
    EXPECT_EQ(saslprep("a\xC2\xA0"
                       "b"),
              "a b");                           // no-break space: a space
    EXPECT_EQ(saslprep("\x07"), std::nullopt);  // a control character: prohibited
    EXPECT_EQ(saslprep(std::string("a\0b", 3)), std::nullopt);
}

TEST(Scram, NoncesArePrintableAndFresh) {
    const auto a = scram_nonce();
    EXPECT_EQ(a.size(), 24u);
    EXPECT_EQ(a.find(','), std::string::npos);
    EXPECT_NE(a, scram_nonce());
}

}  // namespace
