#include "cusaxctl/doctor/sip_options_message.hpp"

#include <charconv>
#include <random>

#include "shared/text/ascii_case.hpp"
#include "shared/text/trim.hpp"

namespace cusax::ctl::doctor {
namespace {

std::string random_hex(std::size_t bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::random_device random;
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        const auto byte = random() & 0xff;
        out += kHex[byte >> 4];
        out += kHex[byte & 0xf];
    }
    return out;
}

std::string host_port(const SipTarget& target) {
    const bool v6 = target.host.find(':') != std::string::npos;
    return (v6 ? "[" + target.host + "]" : target.host) + ":" + std::to_string(target.port);
}

// The header's name in its long form, lower-case (RFC 3261 §7.3.3 compact forms).
std::string long_name(std::string_view name) {
    auto lower = text::ascii_lower(text::trim_whitespace(name));
    if (lower == "i") return "call-id";
    if (lower == "l") return "content-length";
    return lower;
}

std::size_t number(std::string_view text) {
    std::size_t value = 0;
    text = text::trim_whitespace(text);
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

}  // namespace

OptionsIdentifiers new_options_identifiers() {
    const auto id = random_hex(12);
    return {id + "@cusaxctl.doctor", "z9hG4bK-doctor-" + id, random_hex(6)};
}

std::string options_request(const SipTarget& target, std::string_view local,
                            const OptionsIdentifiers& ids) {
    const std::string uri = (target.secure_scheme ? "sips:" : "sip:") + host_port(target);
    std::string out;
    out += "OPTIONS " + uri + " SIP/2.0\r\n";
    out += "Via: SIP/2.0/" + std::string(to_string(target.transport)) + " " + std::string(local) +
           ";branch=" + ids.branch + ";rport\r\n";
    out += "Max-Forwards: 70\r\n";
    out += "From: <sip:doctor@" + std::string(local) + ">;tag=" + ids.tag + "\r\n";
    out += "To: <" + uri + ">\r\n";
    out += "Call-ID: " + ids.call_id + "\r\n";
    out += "CSeq: 1 OPTIONS\r\n";
    out += "Accept: application/sdp\r\n";
    out += "User-Agent: cusaxctl-doctor/" CUSAX_VERSION "\r\n";
    out += "Content-Length: 0\r\n\r\n";
    return out;
}

std::optional<SipResponse> parse_sip_response(std::string_view head) {
    head = head.substr(0, head.find("\r\n\r\n"));
    auto next_line = [&head] {
        const auto end = head.find('\n');
        auto line = head.substr(0, end);
        head = end == std::string_view::npos ? std::string_view() : head.substr(end + 1);
        if (line.ends_with('\r')) line.remove_suffix(1);
        return line;
    };
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2)
    const auto status_line = next_line();
    if (!status_line.starts_with("SIP/2.0 ") || status_line.size() < 11) return std::nullopt;
    SipResponse out;
    const auto code = status_line.substr(8, 3);
    const auto [end, ec] = std::from_chars(code.data(), code.data() + 3, out.status);
    if (ec != std::errc() || end != code.data() + 3 || out.status < 100 || out.status > 699) {
        return std::nullopt;
    }
    out.reason = std::string(text::trim_whitespace(status_line.substr(11)));
    while (!head.empty()) {
        const auto line = next_line();
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const auto name = long_name(line.substr(0, colon));
        const auto value = text::trim_whitespace(line.substr(colon + 1));
        if (name == "call-id") {
            out.call_id = std::string(value);
        } else if (name == "cseq") {
            const auto space = value.find(' ');
            if (space != std::string_view::npos) {
                out.cseq_method = std::string(text::trim_whitespace(value.substr(space + 1)));
            }
        } else if (name == "server" || (name == "user-agent" && out.server.empty())) {
            out.server = std::string(value);
        } else if (name == "content-length") {
            out.content_length = number(value);
        }
    }
    return out;
}

bool is_final_answer(const SipResponse& response, const OptionsIdentifiers& ids) {
    return response.status >= 200 && response.call_id == ids.call_id &&
           response.cseq_method == "OPTIONS";
}

std::size_t complete_message_length(std::string_view buffer) {
    const auto blank = buffer.find("\r\n\r\n");
    if (blank == std::string_view::npos) return 0;
    const auto head_length = blank + 4;
    std::size_t body = 0;
    if (const auto response = parse_sip_response(buffer.substr(0, head_length))) {
        body = response->content_length;
    }
    return buffer.size() >= head_length + body ? head_length + body : 0;
}

}  // namespace cusax::ctl::doctor
