// cusaxctl doctor's /health check: the answer read from the wire, the verdict for each way a
// daemon answers or does not, and the probe against loopback peers (one that answers 503, one
// that takes the connection and says nothing: a hung daemon).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "cusaxctl/doctor/health_check.hpp"
#include "doctor_test_sockets.hpp"

namespace cusax::ctl::doctor {
namespace {

using std::chrono::milliseconds;

const config::ListenAddress kAt{"127.0.0.1", 9464};

TEST(DoctorHealth, TheStatusAndTheFirstBodyLineAreRead) {
    const auto answer = parse_health_response(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 40\r\n\r\nnot serving: SIP event "
        "loop silent\nmore");
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 503);
    EXPECT_EQ(answer->body, "not serving: SIP event loop silent");
    EXPECT_FALSE(parse_health_response(""));
    EXPECT_FALSE(parse_health_response("SSH-2.0-OpenSSH_9.2\r\n"));
    EXPECT_FALSE(parse_health_response("HTTP/1.1 2x0 OK\r\n"));
}

TEST(DoctorHealth, ServingIsOkAndAnythingElseFails) {
    HealthAnswer serving;
    serving.status = 200;
    serving.body = "serving: 3 bindings, generation 7";
    auto r = health_verdict(kSipProxy, "sip_proxy_listen", kAt, serving);
    EXPECT_EQ(r.verdict, Verdict::ok);
    EXPECT_NE(r.detail.find("serving: 3 bindings"), std::string::npos) << r.detail;
    EXPECT_NE(r.detail.find("[metrics] sip_proxy_listen"), std::string::npos) << r.detail;

    HealthAnswer down;
    down.status = 503;
    down.body = "not serving: XMPP stream down";
    r = health_verdict(kXmppComponent, "xmpp_component_listen", kAt, down);
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("503: not serving: XMPP stream down"), std::string::npos) << r.detail;
    EXPECT_NE(r.fix.find("journalctl -u cusax-xmpp-component"), std::string::npos) << r.fix;

    HealthAnswer silent;
    silent.failure = NetFailure::timeout;
    r = health_verdict(kSipProxy, "sip_proxy_listen", kAt, silent);
    EXPECT_EQ(r.verdict, Verdict::fail);
    EXPECT_NE(r.detail.find("may hang"), std::string::npos) << r.detail;

    // Running, but not with this key yet: a restart takes it.
    HealthAnswer nobody;
    nobody.failure = NetFailure::refused;
    r = health_verdict(kSipProxy, "sip_proxy_listen", kAt, nobody);
    EXPECT_EQ(r.verdict, Verdict::warning);
    EXPECT_NE(r.fix.find("restart"), std::string::npos) << r.fix;
}

TEST(DoctorHealth, TheProbeReadsA503) {
    testing::LoopbackSocket listener(SOCK_STREAM);
    std::thread peer([&listener] {
        const int fd = ::accept(listener.fd, nullptr, nullptr);
        if (fd < 0) return;
        char request[1024];
        (void)!::read(fd, request, sizeof request);
        const std::string reply =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 29\r\n\r\nnot serving: starting "
            "up\r\n\r\n";
        (void)!::write(fd, reply.data(), reply.size());
        ::close(fd);
    });
    const auto answer =
        probe_health({"127.0.0.1", listener.port}, Clock::now() + milliseconds(5000));
    peer.join();
    EXPECT_EQ(answer.status, 503) << answer.error;
    EXPECT_EQ(answer.body, "not serving: starting up");
}

// The kernel takes the connection into the backlog; nothing ever answers, as with a daemon
// stopped (SIGSTOP) or hung: the probe ends at its deadline.
TEST(DoctorHealth, ASilentPeerEndsAtTheDeadline) {
    testing::LoopbackSocket listener(SOCK_STREAM);
    const auto answer =
        probe_health({"127.0.0.1", listener.port}, Clock::now() + milliseconds(300));
    EXPECT_FALSE(answer.status);
    EXPECT_EQ(answer.failure, NetFailure::timeout) << answer.error;
}

}  // namespace
}  // namespace cusax::ctl::doctor
