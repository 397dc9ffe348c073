// The proxy's last resort: a step that fails answers the caller 500 while the request is
// still its own (Flexisip turns a module's exception into a reply the same way), and never
// ends the process. The failure here comes from the bindings snapshot source the proxy is
// built with, as a store that cannot be read would fail.
#include <gtest/gtest.h>

#include <stdexcept>

#include "proxy_fixture.hpp"
#include "request_text.hpp"

namespace cusax::sip_proxy {
namespace {

using test::header;
using test::InProcessProxy;
using test::Request;
using test::start_line;
using test::UdpPeer;
using test::wire;

std::shared_ptr<const store::Snapshot> failing_snapshots() {
    throw std::runtime_error("bindings cannot be read");
}

TEST(CatchAll, AStepThatThrowsAnswers500AndRelaysNothing) {
    UdpPeer caller, hop;
    ProxySettings settings;
    settings.next_hop = "sip:" + hop.host_port();
    InProcessProxy proxy(settings, failing_snapshots);

    proxy.send(caller, wire(caller, Request()));
    auto answer = proxy.next_datagram(caller);
    ASSERT_TRUE(answer) << "no answer when a step threw";
    EXPECT_EQ(start_line(*answer), "SIP/2.0 500 Internal Server Error");
    EXPECT_NE(header(*answer, "To").value_or("").find(";tag=cusax-"), std::string::npos) << *answer;
    EXPECT_EQ(proxy.counter("requests.rejected.500"), 1u);

    // The proxy goes on: the next request gets its answer too, and nothing was relayed.
    proxy.send(caller, wire(caller, Request().with_method("MESSAGE").with_branch("z9hG4bK-2")));
    answer = proxy.next_datagram(caller);
    ASSERT_TRUE(answer);
    EXPECT_EQ(start_line(*answer), "SIP/2.0 500 Internal Server Error");
    EXPECT_FALSE(hop.receive()) << "a request whose handling failed was relayed";
}

}  // namespace
}  // namespace cusax::sip_proxy
