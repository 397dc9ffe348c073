// cusax-sip-proxy: relays SIP requests and responses statelessly, adding the caller's verified
// JID as Call-Info impp and charge warnings (RFC 7081 §3.5, §5).
//
// TEMPORARY: the flags below stand in for the [sip-proxy] INI section until shared/config
// lands; then this file takes -c FILE and --check-config like the other programs.
#include <boost/program_options.hpp>
#include <csignal>
#include <iostream>

#include "shared/log/log.hpp"
#include "shared/store/binding_store.hpp"
#include "shared/store/snapshot_watcher.hpp"
#include "sip-proxy/proxy_settings.hpp"
#include "sip-proxy/sofia_handles.hpp"
#include "sip-proxy/stateless_proxy.hpp"

namespace po = boost::program_options;
using namespace cusax;

namespace {

su_root_t* g_root = nullptr;

void on_signal(int) {
    if (g_root) su_root_break(g_root);
}

std::vector<std::string> split_list(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const auto& v : values) {
        std::size_t start = 0;
        while (start <= v.size()) {
            auto comma = v.find(',', start);
            std::string item =
                v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            auto b = item.find_first_not_of(" \t");
            auto e = item.find_last_not_of(" \t");
            if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return out;
}

sip_proxy::ChargeAction action_or_throw(const std::string& text, const char* flag) {
    auto action = sip_proxy::charge_action_from_string(text);
    if (!action)
        throw std::runtime_error(std::string("--") + flag + ": '" + text +
                                 "' is not allow, warn or block");
    return *action;
}

}  // namespace

int main(int argc, char** argv) {
    sip_proxy::ProxySettings settings;
    std::vector<std::string> listen, trusted, methods, local_domains, local_prefixes,
        offnet_prefixes, emergency;
    std::string store_path, log_level = "info", log_format = "text", pstn_policy = "warn",
                            inter_domain_policy = "allow", on_net_policy = "allow";
    po::options_description flags("cusax-sip-proxy (temporary flags until the INI config lands)");
    flags.add_options()("help,h", "this text")(
        "listen", po::value(&listen)->composing(),
        "listen URI, repeatable (sip:127.0.0.1:5060, sip:*:5060;transport=tcp, sips:*:5061)")(
        "next-hop", po::value(&settings.next_hop), "next hop URI (sip:127.0.0.1:5070)")(
        "store", po::value(&store_path)->required(), "SQLite binding store file")(
        "trusted", po::value(&trusted)->composing(),
        "trusted peer, repeatable or comma-separated (127.0.0.1, 10.0.0.0/8, tls:NAME)")(
        "record-route", po::bool_switch(&settings.record_route), "add Record-Route")(
        "identity-from-header", po::bool_switch(&settings.identity_from_header),
        "use From as the identity from trusted hops without P-Asserted-Identity")(
        "call-info-methods", po::value(&methods)->composing(), "methods that get Call-Info")(
        "local-domain", po::value(&local_domains)->composing(), "local SIP domain")(
        "local-number-prefix", po::value(&local_prefixes)->composing(), "on-net number prefix")(
        "offnet-number-prefix", po::value(&offnet_prefixes)->composing(),
        "dialled prefix that leaves the network")(
        "emergency-number", po::value(&emergency)->composing(), "emergency number")(
        "pstn-policy", po::value(&pstn_policy), "allow|warn|block")(
        "inter-domain-policy", po::value(&inter_domain_policy), "allow|warn|block")(
        "on-net-policy", po::value(&on_net_policy), "allow|warn|block")(
        "pstn-warning", po::value(&settings.charge_policy.pstn_text), "Warning text for PSTN")(
        "inter-domain-warning", po::value(&settings.charge_policy.inter_domain_text),
        "Warning text for inter-domain calls")("udp-receive-buffer",
                                               po::value(&settings.udp_receive_buffer), "bytes")(
        "udp-send-buffer", po::value(&settings.udp_send_buffer), "bytes")(
        "log-level", po::value(&log_level), "trace|debug|info|warn|error")(
        "log-format", po::value(&log_format), "text|json");
    try {
        po::variables_map vm;
        po::store(po::parse_command_line(argc, argv, flags), vm);
        if (vm.count("help")) {
            std::cout << flags << "\n";
            return 0;
        }
        po::notify(vm);
        if (!listen.empty()) settings.listen = split_list(listen);
        settings.trusted_peers = split_list(trusted);
        if (!methods.empty()) settings.call_info_methods = split_list(methods);
        settings.dial_plan.local_domains = split_list(local_domains);
        settings.dial_plan.local_number_prefixes = split_list(local_prefixes);
        settings.dial_plan.offnet_number_prefixes = split_list(offnet_prefixes);
        if (!emergency.empty()) settings.dial_plan.emergency_numbers = split_list(emergency);
        settings.charge_policy.pstn = action_or_throw(pstn_policy, "pstn-policy");
        settings.charge_policy.inter_domain =
            action_or_throw(inter_domain_policy, "inter-domain-policy");
        settings.charge_policy.on_net = action_or_throw(on_net_policy, "on-net-policy");

        log::LogSettings log_settings;
        log_settings.program = "sip-proxy";
        auto level = log::level_from_string(log_level);
        auto format = log::format_from_string(log_format);
        if (!level || !format) throw std::runtime_error("bad --log-level or --log-format");
        log_settings.level = *level;
        log_settings.format = *format;
        log::setup(log_settings);
    } catch (const std::exception& e) {
        std::cerr << "cusax-sip-proxy: " << e.what() << "\n";
        return 2;
    }

    try {
        store::StoreSettings store_settings;
        store_settings.path = store_path;
        // Start-up fails here, with the store's message, when it cannot be read.
        store::SnapshotWatcher watcher(
            [store_settings] { return store::open_store(store_settings); },
            std::chrono::milliseconds(500));
        log::event(log::Level::info, "store.loaded", "bindings loaded",
                   {{"bindings", std::to_string(watcher.current()->size())}});

        sip_proxy::SofiaLibrary sofia;
        sip_proxy::SuRoot root = sip_proxy::make_root();
        sip_proxy::StatelessProxy proxy(root.get(), settings,
                                        [&watcher] { return watcher.current(); });
        g_root = root.get();
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        su_root_run(root.get());
        g_root = nullptr;
        log::event(log::Level::info, "sip.stopped", "stopped");
        log::flush();
        return 0;
    } catch (const std::exception& e) {
        log::event(log::Level::critical, "sip.start_failed", e.what());
        log::flush();
        std::cerr << "cusax-sip-proxy: " << e.what() << "\n";
        return 1;
    }
}
