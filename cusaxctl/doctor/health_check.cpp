#include "cusaxctl/doctor/health_check.hpp"

#include <sys/socket.h>

#include <charconv>

#include "cusaxctl/doctor/name_lookup.hpp"
#include "cusaxctl/doctor/stream_connection.hpp"

namespace cusax::ctl::doctor {
namespace {

// The endpoint's answers are a few hundred bytes; more is not a health answer.
constexpr std::size_t kLargestAnswer = 16 * 1024;

std::string endpoint(const config::ListenAddress& at) {
    const bool v6 = at.address.find(':') != std::string::npos;
    return (v6 ? "[" + at.address + "]" : at.address) + ":" + std::to_string(at.port);
}

// Whether `response` holds its headers and as much body as its Content-Length says.
bool complete(std::string_view response) {
    const auto end = response.find("\r\n\r\n");
    if (end == std::string_view::npos) return false;
    const std::string_view head = response.substr(0, end);
    constexpr std::string_view kLength = "\r\ncontent-length:";
    std::string lower(head);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower.find(kLength);
    if (at == std::string::npos) return false;  // read to the close
    std::size_t length = 0;
    auto from = head.data() + at + kLength.size();
    while (from < head.data() + head.size() && *from == ' ') ++from;
    std::from_chars(from, head.data() + head.size(), length);
    return response.size() >= end + 4 + length;
}

}  // namespace

std::optional<HealthAnswer> parse_health_response(std::string_view response) {
    constexpr std::string_view kVersion = "HTTP/1.";
    if (!response.starts_with(kVersion) || response.size() < kVersion.size() + 5 ||
        response[kVersion.size() + 1] != ' ')
        return std::nullopt;
    int status = 0;
    const char* digits = response.data() + kVersion.size() + 2;
    const auto [end, ec] = std::from_chars(digits, digits + 3, status);
    if (ec != std::errc() || end != digits + 3) return std::nullopt;
    HealthAnswer answer;
    answer.status = status;
    if (const auto body = response.find("\r\n\r\n"); body != std::string_view::npos) {
        const std::string_view text = response.substr(body + 4);
        answer.body = std::string(text.substr(0, text.find_first_of("\r\n")));
    }
    return answer;
}

HealthAnswer probe_health(const config::ListenAddress& at, Deadline deadline) {
    HealthAnswer answer;
    try {
        StreamConnection connection(resolve(at.address, at.port, SOCK_STREAM, deadline), deadline,
                                    nullptr);
        connection.write_all("GET /health HTTP/1.1\r\nHost: " + endpoint(at) +
                                 "\r\nConnection: close\r\n\r\n",
                             deadline);
        std::string response;
        while (!complete(response) && response.size() < kLargestAnswer) {
            const std::string more = connection.read_some(deadline);
            if (more.empty()) break;
            response += more;
        }
        if (auto parsed = parse_health_response(response)) return *parsed;
        answer.failure = NetFailure::closed;
        answer.error = response.empty() ? "closed the connection without an answer"
                                        : "answered something else than HTTP";
    } catch (const NetError& e) {
        answer.failure = e.failure;
        answer.error = e.what();
    }
    return answer;
}

CheckResult health_verdict(const DaemonIdentity& daemon, std::string_view key,
                           const config::ListenAddress& at, const HealthAnswer& answer) {
    CheckResult r{daemon.binary + " health", Verdict::ok, "", ""};
    const std::string where = "http://" + endpoint(at) + "/health ([metrics] " + std::string(key) +
                              ")";
    const std::string log = "journalctl -u " + daemon.binary;
    if (answer.status == 200) {
        r.detail = where + ": " + (answer.body.empty() ? "200" : answer.body);
        return r;
    }
    if (answer.status) {
        r.verdict = Verdict::fail;
        r.detail = where + " answers " + std::to_string(*answer.status) +
                   (answer.body.empty() ? "" : ": " + answer.body);
        r.fix = "see why in its log (" + log + "); restart it (systemctl restart " +
                daemon.binary + ") if it does not recover";
        return r;
    }
    if (answer.failure == NetFailure::refused) {
        r.verdict = Verdict::warning;
        r.detail = where + ": nothing listens there, though the daemon runs";
        r.fix = "the key takes effect at a restart (systemctl restart " + daemon.binary +
                "); or another process has the port";
        return r;
    }
    r.verdict = Verdict::fail;
    r.detail = where + ": " +
               (answer.failure == NetFailure::timeout ? "no answer in time: the daemon may hang"
                                                      : answer.error);
    r.fix = "see its log (" + log + "); restart it (systemctl restart " + daemon.binary + ")";
    return r;
}

}  // namespace cusax::ctl::doctor
