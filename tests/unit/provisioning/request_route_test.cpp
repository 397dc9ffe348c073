// Which document a request asks for: by path, and on /profile by Accept; only formats served.
#include "provisioning/request_route.hpp"

#include <gtest/gtest.h>

using namespace cusax::provisioning;

namespace {

const std::vector<std::string> all{"json", "linphone", "webfinger"};

TEST(RequestRoute, ByPath) {
    EXPECT_EQ(route("/profile.json", "", all), Resource::profile_json);
    EXPECT_EQ(route("/linphone.xml", "application/json", all), Resource::linphone_xml);
    EXPECT_EQ(route("/.well-known/webfinger", "", all), Resource::webfinger);
    EXPECT_EQ(route("/", "", all), Resource::not_found);
    EXPECT_EQ(route("/profile.json/", "", all), Resource::not_found);
    EXPECT_EQ(route("/../profile.json", "", all), Resource::not_found);
}

TEST(RequestRoute, ProfileByAccept) {
    EXPECT_EQ(route("/profile", "", all), Resource::profile_json);
    EXPECT_EQ(route("/profile", "*/*", all), Resource::profile_json);
    EXPECT_EQ(route("/profile", "application/json", all), Resource::profile_json);
    EXPECT_EQ(route("/profile", "application/xml", all), Resource::linphone_xml);
    EXPECT_EQ(route("/profile", "Text/XML; q=0.9, */*;q=0.1", all), Resource::linphone_xml);
    EXPECT_EQ(route("/profile", "application/xml, application/json", all), Resource::profile_json);
    EXPECT_EQ(route("/profile", "application/xml;q=0", all), Resource::profile_json);
    EXPECT_EQ(route("/profile", "application/xml; q=0.0", all), Resource::profile_json);
}

TEST(RequestRoute, OnlyFormatsServed) {
    const std::vector<std::string> json_only{"json"};
    EXPECT_EQ(route("/linphone.xml", "", json_only), Resource::not_found);
    EXPECT_EQ(route("/profile", "application/xml", json_only), Resource::not_found);
    // The operator's switch for the public look-up.
    EXPECT_EQ(route("/.well-known/webfinger", "", json_only), Resource::not_found);
    EXPECT_EQ(route("/profile.json", "", {"webfinger"}), Resource::not_found);
}

TEST(RequestRoute, SplitTarget) {
    const auto t = split_target("/.well-known/webfinger?resource=acct:a@b&rel=x");
    EXPECT_EQ(t.path, "/.well-known/webfinger");
    EXPECT_EQ(t.query, "resource=acct:a@b&rel=x");
    EXPECT_EQ(split_target("/profile.json").query, "");
}

}  // namespace
