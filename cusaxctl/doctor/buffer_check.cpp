#include "cusaxctl/doctor/buffer_check.hpp"

#include <fstream>

#include "cusaxctl/doctor/sip_target.hpp"

namespace cusax::ctl::doctor {
namespace {

struct OneBuffer {
    std::string key;     // "udp_receive_buffer"
    std::string sysctl;  // "net.core.rmem_max"
    std::uint64_t asked;
    std::uint64_t cap;
    std::string where;
};

}  // namespace

std::uint64_t kernel_cap(const std::filesystem::path& proc_net_core, const std::string& name) {
    std::ifstream in(proc_net_core / name);
    std::uint64_t value = 0;
    in >> value;
    return in ? value : 0;
}

bool listens_on_udp(const std::string& listen_uri) {
    const auto parsed = parse_sip_target(listen_uri);
    return parsed.target && parsed.target->transport == SipTransport::udp;
}

CheckResult buffer_verdict(const BufferFacts& facts) {
    CheckResult r{"socket buffers", Verdict::ok, "", ""};
    const OneBuffer buffers[] = {
        {"udp_receive_buffer", "net.core.rmem_max", facts.receive_asked, facts.rmem_max,
         facts.receive_where},
        {"udp_send_buffer", "net.core.wmem_max", facts.send_asked, facts.wmem_max,
         facts.send_where},
    };
    std::string raise;
    for (const auto& b : buffers) {
        if (!r.detail.empty()) r.detail += "\n";
        const auto asked = std::to_string(b.asked);
        if (b.asked == 0) {
            r.detail += b.key + " = 0: the kernel's default";
        } else if (b.cap == 0) {
            r.verdict = worse(r.verdict, Verdict::warning);
            r.detail += b.key + " = " + asked + ", but " + b.sysctl + " cannot be read";
        } else if (b.asked <= b.cap) {
            r.detail += b.key + " = " + asked + " fits " + b.sysctl + " = " + std::to_string(b.cap);
        } else {
            r.verdict = worse(r.verdict, Verdict::warning);
            r.detail += b.key + " = " + asked + " (" + b.where + ") is above " + b.sysctl + " = " +
                        std::to_string(b.cap) + ": each socket gets " + std::to_string(b.cap) +
                        " and bursts may be dropped";
            raise += " " + b.sysctl + "=" + asked;
        }
    }
    if (!raise.empty()) {
        r.fix = "sysctl -w" + raise +
                ", and the same in /etc/sysctl.d/ to keep it (or lower the key); then restart "
                "cusax-sip-proxy";
    }
    return r;
}

}  // namespace cusax::ctl::doctor
