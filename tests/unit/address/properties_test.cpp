// Properties over many generated inputs (fixed seed, so a failure reproduces): whatever is
// accepted is safe and a fixed point, and no message carries a raw line break or NUL.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "address_test_support.hpp"
#include "shared/address/jid.hpp"
#include "shared/address/message_text.hpp"
#include "shared/address/safe_text.hpp"
#include "shared/address/sip_address.hpp"

namespace cusax::address {
namespace {

using namespace std::string_literals;

// Pieces that exercise the grammar: schemes, separators, escapes, hostile bytes, UTF-8.
const std::string_view kPieces[] = {"sip:",
                                    "sips:",
                                    "tel:",
                                    "xmpp:",
                                    "SIP:",
                                    "alice",
                                    "ALICE",
                                    "+",
                                    "49",
                                    "-",
                                    ".",
                                    "(",
                                    ")",
                                    " ",
                                    "@",
                                    ":",
                                    ";",
                                    "?",
                                    "=",
                                    "&",
                                    "/",
                                    "[",
                                    "]",
                                    "::1",
                                    "%",
                                    "%41",
                                    "%0d",
                                    "%2",
                                    "%zz",
                                    "user=phone",
                                    "transport=tcp",
                                    "example.com",
                                    "Example.COM",
                                    "xn--mller-kva",
                                    "müller",
                                    "Ä",
                                    "\xC3",
                                    "\xC2\x85",
                                    "\xEF\xBC\x9C",
                                    "<",
                                    ">",
                                    "\"",
                                    "\\",
                                    "\r",
                                    "\n",
                                    "\t",
                                    "\0"s,
                                    "\x7f",
                                    "*",
                                    "#",
                                    "5060",
                                    "192.0.2.1",
                                    "~",
                                    "'"};

std::string random_pieces(std::mt19937& random, std::size_t max_count) {
    std::uniform_int_distribution<std::size_t> count(0, max_count);
    std::uniform_int_distribution<std::size_t> pick(0, std::size(kPieces) - 1);
    std::string text;
    for (std::size_t n = count(random); n > 0; --n) {
        text += kPieces[pick(random)];
    }
    return text;
}

// Half of the inputs are free-form, half are shaped like an address with noise in each part,
// so that the accepting paths are reached often.
std::string generate(std::mt19937& random) {
    static constexpr std::string_view kSchemes[] = {"sip:", "sips:", "tel:", "xmpp:", ""};
    static constexpr std::string_view kHosts[] = {"example.com", "[2001:DB8::1]", "Müller.example",
                                                  "192.0.2.1"};
    if (random() % 2 == 0) {
        return random_pieces(random, 12);
    }
    std::string text(kSchemes[random() % std::size(kSchemes)]);
    text += random_pieces(random, 3);
    text += '@';
    text += kHosts[random() % std::size(kHosts)];
    text += random_pieces(random, 3);
    return text;
}

template <typename T>
void expect_clean_error(const Parsed<T>& parsed, std::string_view text) {
    if (!parsed) {
        EXPECT_FALSE(parsed.error.empty()) << quote_for_message(text);
        EXPECT_EQ(parsed.error.find_first_of("\r\n\0"s), std::string::npos)
            << quote_for_message(text);
    }
}

TEST(Properties, AcceptedValuesAreSafeAndStable) {
    std::mt19937 random(20260101);
    int accepted = 0;
    for (int i = 0; i < 50000; ++i) {
        const std::string text = generate(random);
        SCOPED_TRACE(quote_for_message(text));

        const auto key = parse_sip_address(text);
        expect_clean_error(key, text);
        if (key) {
            ++accepted;
            const std::string& value = key.value->value;
            EXPECT_EQ(unsafe_reason(value), "");
            const auto again = parse_sip_address(
                key.value->kind == AddressKey::Kind::Aor ? value : "tel:" + value);
            EXPECT_EQ(again.value, key.value);
        }

        const auto number = normalise_number(text);
        expect_clean_error(number, text);
        if (number) {
            EXPECT_EQ(unsafe_reason(*number.value), "");
            EXPECT_EQ(normalise_number(*number.value).value, number.value);
        }

        const auto jid = normalise_bare_jid(text);
        expect_clean_error(jid, text);
        if (jid) {
            ++accepted;
            EXPECT_EQ(unsafe_reason(*jid.value), "");
            EXPECT_EQ(normalise_bare_jid(*jid.value).value, jid.value);
        }
    }
    // The generator must reach the accepting paths, or this test proves nothing.
    EXPECT_GT(accepted, 1000);
}

}  // namespace
}  // namespace cusax::address
