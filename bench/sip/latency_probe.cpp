// cusax_latency_probe: the time from each INVITE to its 180, at the caller, in microseconds
// (sipp's timer counts whole milliseconds: it cannot show what a proxy adds on 127.0.0.1).
//
//   cusax_latency_probe CALLERS_CSV TARGET_PORT CALLER_PORT CALLEE_PORT RATE CALLS [WARMUP]
//
// Plays caller and callee at once, on 127.0.0.1, each on a thread of its own: the caller sends
// INVITE (the bench's callers: make-callers' callers.csv, the same job as sipp's caller.xml)
// to TARGET_PORT (a contestant, or the callee itself for the floor) at RATE calls per second,
// ACK and BYE after the 200; the callee answers every INVITE at once with 180 and 200 and
// every BYE with 200, back to the address the request came from. The INVITE's time is read
// from the clock just before it is sent, the 180's is the kernel's receive time
// (SO_TIMESTAMPNS), so the probe's own scheduling is not in the figure. WARMUP calls first
// (not measured). Prints one line: calls, completed, no_180, p50_us, p90_us, p99_us, p999_us,
// max_us, mean_us (key=value). Exits 1 when a call did not complete.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using Nanos = std::int64_t;

Nanos now_realtime() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);  // the clock SO_TIMESTAMPNS reports in
    return Nanos(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Nanos now_monotonic() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return Nanos(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int udp_socket(unsigned port) {
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const int on = 1, buffer = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        std::perror("cusax_latency_probe: bind");
        std::exit(2);
    }
    return fd;
}

sockaddr_in loopback(unsigned port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

struct Datagram {
    std::string text;
    sockaddr_in from{};
    Nanos received = 0;  // kernel receive time (CLOCK_REALTIME)
};

// Waits up to `timeout` ns for one datagram (ppoll: no spinning between sends).
bool receive(int fd, Datagram& d, Nanos timeout) {
    pollfd p{fd, POLLIN, 0};
    const timespec limit{static_cast<time_t>(timeout / 1'000'000'000),
                         static_cast<long>(timeout % 1'000'000'000)};
    if (ppoll(&p, 1, &limit, nullptr) <= 0) return false;
    char buffer[65536];
    char control[256];
    iovec iov{buffer, sizeof buffer};
    msghdr h{};
    h.msg_name = &d.from;
    h.msg_namelen = sizeof d.from;
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = control;
    h.msg_controllen = sizeof control;
    const ssize_t n = recvmsg(fd, &h, 0);
    if (n <= 0) return false;
    d.text.assign(buffer, static_cast<std::size_t>(n));
    d.received = now_realtime();
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts{};
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            d.received = Nanos(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
        }
    return true;
}

void send_to(int fd, const sockaddr_in& to, const std::string& text) {
    sendto(fd, text.data(), text.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
}

// Every header line named `name` (long form, case as written by all the peers here).
std::vector<std::string_view> lines_named(std::string_view message, std::string_view name) {
    std::vector<std::string_view> out;
    std::size_t pos = message.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < message.size()) {
        pos += 2;
        const std::size_t end = message.find("\r\n", pos);
        const std::string_view line = message.substr(pos, end - pos);
        if (line.empty()) break;
        if (line.size() > name.size() && line.substr(0, name.size()) == name &&
            line[name.size()] == ':')
            out.push_back(line);
        pos = end;
    }
    return out;
}

std::string_view first_line_named(std::string_view message, std::string_view name) {
    auto lines = lines_named(message, name);
    return lines.empty() ? std::string_view() : lines.front();
}

std::string_view value_of(std::string_view line) {
    const std::size_t colon = line.find(':');
    std::string_view v = line.substr(colon + 1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    return v;
}

// The callee: 180 and 200 for every INVITE, 200 for every BYE, to where each came from.
void callee(int fd, const std::atomic<bool>& stop) {
    Datagram d;
    while (!stop.load()) {
        if (!receive(fd, d, Nanos(50e6))) continue;
        const bool invite = d.text.starts_with("INVITE ");
        const bool bye = d.text.starts_with("BYE ");
        if (!invite && !bye) continue;
        std::string common;
        for (auto via : lines_named(d.text, "Via")) common += std::string(via) + "\r\n";
        common += std::string(first_line_named(d.text, "From")) + "\r\n";
        std::string to(first_line_named(d.text, "To"));
        if (invite) to += ";tag=probe-callee";
        common += to + "\r\n";
        common += std::string(first_line_named(d.text, "Call-ID")) + "\r\n";
        common += std::string(first_line_named(d.text, "CSeq")) + "\r\n";
        common += "Contact: <sip:callee@127.0.0.1>\r\nContent-Length: 0\r\n\r\n";
        if (invite) send_to(fd, d.from, "SIP/2.0 180 Ringing\r\n" + common);
        send_to(fd, d.from, "SIP/2.0 200 OK\r\n" + common);
    }
}

struct Caller {
    std::string user, target, extra;
};

std::vector<Caller> read_callers(const char* path) {
    std::ifstream in(path);
    std::vector<Caller> callers;
    std::string line;
    std::getline(in, line);  // SEQUENTIAL
    while (std::getline(in, line)) {
        // user;target;extra header line (itself split at its ';' by make-callers)
        const std::size_t a = line.find(';'), b = line.find(';', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        callers.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
    }
    return callers;
}

struct Call {
    Nanos invite_sent = 0;
    Nanos ringing = 0;  // the first 180's receive time; 0: none yet
    bool answered = false, done = false;
    std::string to_tag_line;
};

std::string request(std::string_view method, const std::string& uri, const Caller& c,
                    const std::string& call_id, unsigned caller_port, int cseq,
                    const std::string& to_line, const std::string& extra) {
    const std::string via_host = "127.0.0.1:" + std::to_string(caller_port);
    std::string text = std::string(method) + " " + uri + " SIP/2.0\r\n";
    // The branch is a token: the call's number, without the Call-ID's '@'.
    const std::string number = call_id.substr(0, call_id.find('@'));
    text += "Via: SIP/2.0/UDP " + via_host + ";branch=z9hG4bK-" + number + "-" +
            std::to_string(cseq) + std::string(method == "ACK" ? "-ack" : "") + "\r\n";
    text += "From: <sip:" + c.user + "@sip.example.com>;tag=" + number + "\r\n";
    text += to_line + "\r\n";
    text += "Call-ID: " + call_id + "\r\n";
    text += "CSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
    text += "Contact: <sip:" + c.user + "@" + via_host + ">\r\n";
    text += "Max-Forwards: 70\r\n";
    text += extra;
    text += "Content-Length: 0\r\n\r\n";
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 7) {
        std::fprintf(stderr,
                     "usage: %s CALLERS_CSV TARGET_PORT CALLER_PORT CALLEE_PORT RATE CALLS "
                     "[WARMUP]\n",
                     argv[0]);
        return 2;
    }
    const std::vector<Caller> callers = read_callers(argv[1]);
    const unsigned target_port = static_cast<unsigned>(std::atoi(argv[2]));
    const unsigned caller_port = static_cast<unsigned>(std::atoi(argv[3]));
    const unsigned callee_port = static_cast<unsigned>(std::atoi(argv[4]));
    const double rate = std::atof(argv[5]);
    const int calls = std::atoi(argv[6]);
    const int warmup = argc > 7 ? std::atoi(argv[7]) : 0;
    if (callers.empty() || rate <= 0 || calls <= 0) return 2;

    const int caller_fd = udp_socket(caller_port);
    const int callee_fd = udp_socket(callee_port);
    std::atomic<bool> stop{false};
    std::thread answering(callee, callee_fd, std::cref(stop));
    const sockaddr_in target = loopback(target_port);
    const std::string target_uri = "sip:callee@127.0.0.1:" + std::to_string(target_port);

    std::unordered_map<std::string, Call> open;
    std::vector<Nanos> samples;
    int completed = 0, no_ringing = 0;
    const int total = warmup + calls;
    const Nanos interval = Nanos(1e9 / rate);
    const Nanos start = now_monotonic();
    int sent = 0;
    Datagram d;
    // Responses are read between sends; after the last INVITE, up to 5 s for the rest.
    while (true) {
        const Nanos now = now_monotonic();
        if (sent < total && now >= start + sent * interval) {
            const Caller& c = callers[static_cast<std::size_t>(sent) % callers.size()];
            const std::string call_id = "probe-" + std::to_string(sent) + "@127.0.0.1";
            Call& call = open[call_id];
            const std::string text = request(
                "INVITE", c.target, c, call_id, caller_port, 1, "To: <" + c.target + ">",
                "P-Asserted-Identity: <sip:" + c.user + "@sip.example.com>\r\n" + c.extra + "\r\n");
            call.invite_sent = now_realtime();
            send_to(caller_fd, target, text);
            ++sent;
            continue;
        }
        if (sent == total && open.empty()) break;
        if (sent == total && now > start + total * interval + Nanos(5e9)) break;
        const Nanos wait = sent < total ? start + sent * interval - now : Nanos(50e6);
        if (!receive(caller_fd, d, std::max<Nanos>(wait, 0))) continue;
        const std::string call_id(value_of(first_line_named(d.text, "Call-ID")));
        auto it = open.find(call_id);
        if (it == open.end()) continue;
        Call& call = it->second;
        const bool for_invite = value_of(first_line_named(d.text, "CSeq")).ends_with("INVITE");
        if (for_invite && d.text.starts_with("SIP/2.0 180") && !call.ringing)
            call.ringing = d.received;
        if (for_invite && d.text.starts_with("SIP/2.0 200") && !call.answered) {
            call.answered = true;
            const int index = std::atoi(call_id.c_str() + 6);
            const Caller& c = callers[static_cast<std::size_t>(index) % callers.size()];
            const std::string to_line(first_line_named(d.text, "To"));
            send_to(caller_fd, target,
                    request("ACK", target_uri, c, call_id, caller_port, 1, to_line, ""));
            send_to(caller_fd, target,
                    request("BYE", target_uri, c, call_id, caller_port, 2, to_line, ""));
        } else if (!for_invite && d.text.starts_with("SIP/2.0 200")) {
            const int index = std::atoi(call_id.c_str() + 6);
            if (index >= warmup) {
                ++completed;
                if (call.ringing)
                    samples.push_back(call.ringing - call.invite_sent);
                else
                    ++no_ringing;
            }
            open.erase(it);
        }
    }
    stop = true;
    answering.join();

    std::sort(samples.begin(), samples.end());
    auto pct = [&](double p) {
        if (samples.empty()) return 0.0;
        const std::size_t i = std::min(samples.size() - 1, std::size_t(p * double(samples.size())));
        return double(samples[i]) / 1000.0;
    };
    double mean = 0;
    for (Nanos s : samples) mean += double(s) / 1000.0;
    if (!samples.empty()) mean /= double(samples.size());
    std::printf(
        "calls=%d completed=%d no_180=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f "
        "max_us=%.1f mean_us=%.1f\n",
        calls, completed, no_ringing, pct(0.5), pct(0.9), pct(0.99), pct(0.999),
        samples.empty() ? 0.0 : double(samples.back()) / 1000.0, mean);
    close(caller_fd);
    close(callee_fd);
    return completed == calls ? 0 : 1;
}
