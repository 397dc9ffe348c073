// The HTTP endpoint (metrics_server.hpp) on 127.0.0.1, spoken to over plain sockets: what it
// answers, and that it stays within its bounds (connections, request size).
#include "shared/metrics/metrics_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cusax::metrics {
namespace {

// A connected TCP socket to 127.0.0.1:port; every read gives up after 10 s (a failure bound
// for a broken server, never a measure of speed).
class Client {
  public:
    explicit Client(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        timeval bound{10, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            throw std::runtime_error("cannot connect");
    }
    ~Client() { ::close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void send(const std::string& text) {
        // MSG_NOSIGNAL: a server that closed already must not kill the test with SIGPIPE.
        ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL);
    }
    // Everything until the server closes (or the bound passes).
    std::string read_all() {
        std::string out;
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) return out;
            out.append(buffer, static_cast<std::size_t>(n));
        }
    }

  private:
    int fd_ = -1;
};

std::string get(std::uint16_t port, const std::string& request) {
    Client client(port);
    client.send(request);
    return client.read_all();
}

std::string status_line(const std::string& response) {
    return response.substr(0, response.find("\r\n"));
}

std::string body(const std::string& response) {
    const auto end = response.find("\r\n\r\n");
    return end == std::string::npos ? "" : response.substr(end + 4);
}

struct Fixture : ::testing::Test {
    std::atomic<bool> serving{true};
    MetricsServer server{
        "127.0.0.1", 0,
        Endpoints{[] { return std::string("cusax_x_total 1\n"); },
                  [this] {
                      return serving ? Health{true, "serving"} : Health{false, "not serving: down"};
                  }}};
};

TEST_F(Fixture, MetricsInTheTextFormat) {
    const auto response = get(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_line(response), "HTTP/1.1 200 OK");
    EXPECT_NE(response.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
              std::string::npos);
    EXPECT_NE(response.find("Connection: close\r\n"), std::string::npos);
    EXPECT_EQ(body(response), "cusax_x_total 1\n");
    // A query string (Prometheus may add one) does not change the path.
    EXPECT_EQ(body(get(server.port(), "GET /metrics?x=1 HTTP/1.0\r\n\r\n")), "cusax_x_total 1\n");
}

TEST_F(Fixture, HealthFollowsTheDaemon) {
    auto response = get(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_line(response), "HTTP/1.1 200 OK");
    EXPECT_EQ(body(response), "serving\n");
    serving = false;
    response = get(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_line(response), "HTTP/1.1 503 Service Unavailable");
    EXPECT_EQ(body(response), "not serving: down\n");
    // HEAD: the status and length of a GET, no body.
    response = get(server.port(), "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_line(response), "HTTP/1.1 503 Service Unavailable");
    EXPECT_NE(response.find("Content-Length: 18\r\n"), std::string::npos);
    EXPECT_EQ(body(response), "");
}

TEST_F(Fixture, OtherPathsAndMethods) {
    EXPECT_EQ(status_line(get(server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
              "HTTP/1.1 404 Not Found");
    const auto response = get(server.port(), "DELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_line(response), "HTTP/1.1 405 Method Not Allowed");
    EXPECT_NE(response.find("Allow: GET, HEAD\r\n"), std::string::npos);
}

TEST_F(Fixture, OversizeRequestOrABodyGetsNoAnswer) {
    const std::string huge(2 * kMaxRequestBytes, 'a');
    EXPECT_EQ(get(server.port(), "GET /metrics HTTP/1.1\r\nX-Big: " + huge + "\r\n\r\n"), "");
    EXPECT_EQ(
        get(server.port(), "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
        "");
    // And the server still answers the next one.
    EXPECT_EQ(status_line(get(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")),
              "HTTP/1.1 200 OK");
}

TEST_F(Fixture, ConnectionsBeyondTheLimitAreClosedAtOnce) {
    // kMaxConnections clients that send nothing hold every slot...
    std::vector<std::unique_ptr<Client>> idle;
    for (std::size_t i = 0; i < kMaxConnections; ++i)
        idle.push_back(std::make_unique<Client>(server.port()));
    // ...so one more is closed without an answer (the idle ones were all accepted before it:
    // one thread accepts in order).
    EXPECT_EQ(get(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), "");
    // Once they go, the server answers again; their closing reaches it asynchronously, so
    // try until it does (bounded).
    idle.clear();
    std::string response;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (response.empty() && std::chrono::steady_clock::now() < give_up) {
        response = get(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        if (response.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(status_line(response), "HTTP/1.1 200 OK");
}

TEST(MetricsServer, AnAddressInUseIsAnErrorNamingIt) {
    MetricsServer first("127.0.0.1", 0,
                        Endpoints{[] { return std::string(); },
                                  [] {
                                      return Health{true, ""};
                                  }});
    try {
        MetricsServer second("127.0.0.1", first.port(),
                             Endpoints{[] { return std::string(); },
                                       [] {
                                           return Health{true, ""};
                                       }});
        FAIL() << "a second server on the same port";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("[metrics] cannot listen on 127.0.0.1 port " +
                                             std::to_string(first.port())),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace cusax::metrics
