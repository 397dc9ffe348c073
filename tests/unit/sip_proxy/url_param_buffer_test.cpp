// A URI parameter longer than the buffer it is read into: Sofia-SIP's url_param() then copies
// nothing yet reports the parameter found, so a reader that trusts its buffer reads what an
// earlier call left there. A Route header is the caller's to write: a long maddr or transport
// must never be read as the short one of an earlier request.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "sip-proxy/hop_transport.hpp"
#include "sip-proxy/request_facts.hpp"
#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/udp_destination.hpp"
#include "sip-proxy/url_param_value.hpp"

namespace cusax::sip_proxy {
namespace {

url_t* parse(SuHome& home, const std::string& uri) {
    url_t* url = url_hdup(home.get(), URL_STRING_MAKE(uri.c_str())->us_url);
    if (!url) throw std::runtime_error("bad URI in test: " + uri);
    return url;
}

// A host name of 70 characters in maddr: for NTA to resolve, never an address of the UDP path
// (and never the address an earlier maddr named).
TEST(UrlParamBuffer, ALongMaddrIsNotTheEarlierShortOne) {
    SuHome home;
    url_t* short_maddr = parse(home, "sip:192.0.2.9:5070;lr;maddr=127.0.0.2");
    url_t* long_maddr =
        parse(home, "sip:192.0.2.9:5070;lr;maddr=" + std::string(70, 'a') + ".invalid");
    std::optional<UdpDestination> first, second;
    for (int round = 0; round < 3; ++round) {
        first = udp_destination_of(short_maddr);
        second = udp_destination_of(long_maddr);
        if (second) break;
    }
    EXPECT_TRUE(first);
    EXPECT_FALSE(second) << "a maddr of 78 characters read as an IP address";
}

// A transport value of 40 characters is not "udp", nor the "tls" an earlier hop named.
TEST(UrlParamBuffer, ALongTransportIsNotTheEarlierShortOne) {
    SuHome home;
    url_t* tls = parse(home, "sip:192.0.2.9:5070;lr;transport=tls");
    url_t* udp = parse(home, "sip:192.0.2.9:5070;lr;transport=udp");
    url_t* long_transport = parse(home, "sip:192.0.2.9:5070;lr;transport=" + std::string(40, 'x'));
    HopTransport before, after;
    std::optional<UdpDestination> udp_first, udp_after;
    for (int round = 0; round < 3; ++round) {
        before = hop_transport(tls);
        after = hop_transport(long_transport);
        udp_first = udp_destination_of(udp);
        udp_after = udp_destination_of(long_transport);
        if (after.protocol == "tls" || udp_after) break;
    }
    EXPECT_EQ(before.protocol, "tls");
    EXPECT_EQ(after.protocol, std::string(40, 'x'));
    EXPECT_FALSE(is_secure(after));
    EXPECT_TRUE(udp_first);
    EXPECT_FALSE(udp_after) << "transport of 40 characters read as udp";
}

// user=phone decides whether a Request-URI is a telephone number (PSTN policy): a user
// parameter of 20 characters is not the "phone" of an earlier request.
TEST(UrlParamBuffer, ALongUserParameterIsNotTheEarlierPhone) {
    SuHome home;
    url_t* phone = parse(home, "sip:+4930123456@example.com;user=phone");
    url_t* long_user = parse(home, "sip:bob@example.com;user=" + std::string(20, 'p'));
    bool before = false, after = false;
    for (int round = 0; round < 3; ++round) {
        before = target_of(phone).user_phone;
        after = target_of(long_user).user_phone;
        if (after) break;
    }
    EXPECT_TRUE(before);
    EXPECT_FALSE(after) << "user parameter of 20 characters read as user=phone";
}

}  // namespace
}  // namespace cusax::sip_proxy

namespace cusax::sip_proxy {
namespace {

// The parameter list as Sofia-SIP leaves it in a parsed message: NUL-terminated in place, with
// the rest of the message after it. `tail` is what follows the NUL.
url_t with_params_followed_by(std::string& storage, const std::string& params,
                              const std::string& tail) {
    storage = params;
    storage.push_back('\0');
    storage += tail;
    url_t url{};
    url.url_type = url_sip;
    url.url_scheme = "sip";
    url.url_host = "example.com";
    url.url_params = storage.c_str();
    return url;
}

// The last parameter only begins with the name asked for (`;userx`): the search ends at the
// list's NUL, and a `;user=phone` written in what follows is not the URI's.
TEST(UrlParamBuffer, ANameThatOnlyBeginsWithTheOneAskedForEndsTheSearch) {
    std::string storage;
    url_t url = with_params_followed_by(storage, "userx", ";user=phone;maddr=127.0.0.9");
    EXPECT_FALSE(url_param_value(&url, "user")) << "read past the parameter list's NUL";
    EXPECT_FALSE(target_of(&url).user_phone);
    url = with_params_followed_by(storage, "maddrx", ";maddr=127.0.0.9");
    EXPECT_FALSE(url_param_value(&url, "maddr"));
    url = with_params_followed_by(storage, "lrx", ";lr");
    EXPECT_FALSE(url_has_param_named(&url, "lr"));
}

TEST(UrlParamBuffer, ParametersAreFoundByWholeNameInAnyCase) {
    std::string storage;
    url_t url = with_params_followed_by(storage, "userx=1;USER=Phone;lr;maddr=;user=ip", "");
    EXPECT_EQ(url_param_value(&url, "user"), std::optional<std::string>("Phone"));
    EXPECT_EQ(url_param_value(&url, "lr"), std::optional<std::string>(""));
    EXPECT_EQ(url_param_value(&url, "maddr"), std::optional<std::string>(""));
    EXPECT_FALSE(url_param_value(&url, "use"));
    EXPECT_FALSE(url_param_value(&url, "transport"));
    EXPECT_TRUE(url_has_param_named(&url, "LR"));
    url = with_params_followed_by(storage, "", ";lr");
    EXPECT_FALSE(url_has_param_named(&url, "lr"));
}

}  // namespace
}  // namespace cusax::sip_proxy
