// cusax-xmpp-component: the XEP-0114 component that publishes the SIP side of a CUSAX service
// (RFC 7081 §3.1, §3.3, §3.5) to XMPP clients.
#include <boost/program_options.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "shared/log/log.hpp"
#include "shared/store/binding_store.hpp"
#include "shared/store/snapshot_watcher.hpp"
#include "xmpp-component/asio_include.hpp"
#include "xmpp-component/component_stream.hpp"
#include "xmpp-component/directory_service.hpp"

namespace po = boost::program_options;
using namespace cusax;

namespace {

std::string read_secret(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read secret file " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string secret = buffer.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) throw std::runtime_error("secret file " + path + " is empty");
    return secret;
}

}  // namespace

int main(int argc, char** argv) {
    // TEMPORARY: these options stand in for `-c FILE` and the [xmpp-component] INI section
    // until shared/config is ready; the names match the planned keys.
    po::options_description options("cusax-xmpp-component (temporary command line)");
    std::string store_path, domain, secret_file, server_host, log_level;
    int server_port = 5347;
    std::vector<std::string> local_domains;
    long reconnect_min_ms = 1000, reconnect_max_ms = 60000, keepalive_ms = 30000;
    std::size_t max_stanza_size = 64 * 1024;
    double search_rate = 1.0, search_burst = 10.0;
    // clang-format off
    options.add_options()
        ("help,h", "show this help")
        ("store", po::value(&store_path)->required(), "SQLite binding store file")
        ("domain", po::value(&domain)->required(), "the component's domain")
        ("secret-file", po::value(&secret_file)->required(), "file holding the component secret")
        ("server-host", po::value(&server_host)->default_value("127.0.0.1"), "XMPP server")
        ("server-port", po::value(&server_port)->default_value(5347), "its component port")
        ("local-domain", po::value(&local_domains)->composing(),
         "XMPP domain whose users may search (repeatable)")
        ("reconnect-min-ms", po::value(&reconnect_min_ms)->default_value(1000), "")
        ("reconnect-max-ms", po::value(&reconnect_max_ms)->default_value(60000), "")
        ("keepalive-ms", po::value(&keepalive_ms)->default_value(30000), "")
        ("max-stanza-size", po::value(&max_stanza_size)->default_value(64 * 1024), "bytes")
        ("search-rate", po::value(&search_rate)->default_value(1.0), "searches/s per requester")
        ("search-burst", po::value(&search_burst)->default_value(10.0), "")
        ("log-level", po::value(&log_level)->default_value("info"), "");
    // clang-format on
    try {
        po::variables_map vm;
        po::store(po::parse_command_line(argc, argv, options), vm);
        if (vm.count("help")) {
            std::cout << options << "\n";
            return 0;
        }
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << "cusax-xmpp-component: " << e.what() << "\n";
        return 2;
    }

    try {
        log::LogSettings log_settings;
        log_settings.program = "xmpp-component";
        log_settings.level = log::level_from_string(log_level).value_or(log::Level::info);
        log::setup(log_settings);

        xmpp::ComponentSettings settings;
        settings.server_host = server_host;
        settings.server_port = static_cast<std::uint16_t>(server_port);
        settings.domain = domain;
        settings.secret = read_secret(secret_file);
        log::register_secret(settings.secret);
        settings.local_domains = local_domains;
        settings.reconnect_min = std::chrono::milliseconds(reconnect_min_ms);
        settings.reconnect_max = std::chrono::milliseconds(reconnect_max_ms);
        settings.keepalive_interval = std::chrono::milliseconds(keepalive_ms);
        settings.max_stanza_size = max_stanza_size;

        store::StoreSettings store_settings;
        store_settings.path = store_path;
        // Polled often enough that a cusaxctl change is visible within a second.
        store::SnapshotWatcher watcher(
            [store_settings] { return store::open_store(store_settings); },
            std::chrono::milliseconds(250));

        xmpp::DirectorySettings directory;
        directory.domain = settings.domain;
        directory.local_domains = settings.local_domains;
        xmpp::DirectoryService service([&watcher] { return watcher.current(); }, directory,
                                       xmpp::SearchLimits{search_rate, search_burst});

        boost::asio::io_context io;
        xmpp::ComponentStream stream(io, settings, service);
        boost::asio::signal_set signals(io, SIGTERM, SIGINT);
        signals.async_wait([&](const boost::system::error_code& ec, int) {
            if (!ec) stream.stop();
        });
        stream.start();
        io.run();
        log::flush();
        return 0;
    } catch (const std::exception& e) {
        log::event(log::Level::critical, "xmpp.startup_failed", e.what());
        log::flush();
        std::cerr << "cusax-xmpp-component: " << e.what() << "\n";
        return 1;
    }
}
