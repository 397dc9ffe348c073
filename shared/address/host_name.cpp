#include "shared/address/host_name.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "shared/address/message_text.hpp"
#include "shared/address/uri_chars.hpp"

namespace cusax::address {
namespace {

using chars::is_alphanum;
using chars::is_digit;

constexpr std::size_t kMaxHostNameLength = 253;  // RFC 1035 §2.3.4, without the root dot
constexpr std::size_t kMaxLabelLength = 63;

// inet_pton wants a NUL-terminated string; addresses are short, so copy onto the stack.
bool is_ip_address(int family, std::string_view text) {
    char buffer[INET6_ADDRSTRLEN + 1];
    if (text.size() >= sizeof buffer) {
        return false;
    }
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    unsigned char address[sizeof(struct in6_addr)];
    return inet_pton(family, buffer, address) == 1;
}

void append_lower(std::string& out, std::string_view text) {
    for (const char c : text) {
        out += chars::to_lower(c);
    }
}

std::string reason(std::string_view part_name, std::string_view what) {
    std::string out(part_name);
    out += ' ';
    out += what;
    return out;
}

}  // namespace

std::string append_host(std::string_view host, std::string_view part_name, std::string& out) {
    if (host.empty()) {
        return reason(part_name, "is empty");
    }
    if (host.front() == '[') {
        // IPv6reference = "[" IPv6address "]" (no zone identifier in SIP).
        if (host.size() < 3 || host.back() != ']') {
            return reason(part_name, "has an IPv6 reference without a closing ']'");
        }
        if (!is_ip_address(AF_INET6, host.substr(1, host.size() - 2))) {
            return reason(part_name, "is not a valid IPv6 address");
        }
        append_lower(out, host);
        return {};
    }
    if (host.back() == '.') {
        host.remove_suffix(1);
    }
    if (host.empty()) {
        return reason(part_name, "is empty");
    }
    if (host.size() > kMaxHostNameLength) {
        return reason(part_name, "is longer than 253 characters");
    }
    // hostname = *( domainlabel "." ) toplabel; domainlabel = alphanum
    //   / alphanum *( alphanum / "-" ) alphanum; toplabel starts with ALPHA.
    std::string_view last_label;
    std::size_t start = 0;
    while (start <= host.size()) {
        std::size_t end = host.find('.', start);
        if (end == std::string_view::npos) {
            end = host.size();
        }
        const std::string_view label = host.substr(start, end - start);
        if (label.empty()) {
            return reason(part_name, "has an empty label");
        }
        if (label.size() > kMaxLabelLength) {
            return reason(part_name, "has a label longer than 63 characters");
        }
        for (const char c : label) {
            if (!is_alphanum(c) && c != '-') {
                return reason(part_name, "contains " + describe_char(c));
            }
        }
        if (label.front() == '-' || label.back() == '-') {
            return reason(part_name, "has a label that starts or ends with '-'");
        }
        last_label = label;
        start = end + 1;
    }
    if (is_digit(last_label.front()) && !is_ip_address(AF_INET, host)) {
        return reason(part_name, "is neither a host name nor an IPv4 address");
    }
    append_lower(out, host);
    return {};
}

}  // namespace cusax::address
