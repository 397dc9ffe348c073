#include "sip-proxy/proxy_reload.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <system_error>

#include "shared/config/config_loader.hpp"
#include "shared/config/metrics_section.hpp"
#include "sip-proxy/proxy_config.hpp"
#include "sip-proxy/udp_workers.hpp"

namespace cusax::sip_proxy {
namespace {

volatile sig_atomic_t g_reload_fd = -1;
volatile sig_atomic_t g_supervisor = 0;  // in a worker (udp_workers.hpp), else 0

void on_sighup(int, siginfo_t* info, void*) {
    const int saved = errno;
    // In a worker, a SIGHUP from anyone but the supervisor goes to the supervisor, which
    // reloads every worker: never one worker alone on a new configuration.
    if (g_supervisor > 0 && (!info || info->si_pid != g_supervisor)) {
        kill(static_cast<pid_t>(g_supervisor), SIGHUP);
        errno = saved;
        return;
    }
    const char byte = 'h';
    // A full pipe already holds a pending reload: the byte is not needed.
    if (g_reload_fd >= 0) {
        const ssize_t ignored = write(g_reload_fd, &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

}  // namespace

// Only the reloadable keys differ between settings_ and `fresh` (config_reload.hpp), so what
// was built at start from the others (sockets, next hop, branch key) stays valid; what was
// built from reloadable keys is built again here, before anything changes.
void StatelessProxy::apply_reloaded(ProxySettings fresh) {
    TrustedPeers trusted(fresh.trusted_peers);
    settings_ = std::move(fresh);
    trusted_ = std::move(trusted);
    if (parts_.next_hop)
        parts_.next_hop_trusted = trusted_.host_is_trusted(parts_.next_hop->url_host);
}

ProxyReload::ProxyReload(su_root_t* root, config::Config running, std::vector<std::string> needed,
                         StatelessProxy& proxy)
    : root_(root),
      reloader_(
          std::move(running), std::move(needed),
          [&proxy](const config::Config& config) { proxy.apply_reloaded(proxy_settings(config)); },
          config::other_daemons_metrics_keys("sip-proxy")) {
    if (pipe2(pipe_, O_NONBLOCK | O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "SIGHUP pipe");
    su_wait_create(wait_, pipe_[0], SU_WAIT_IN);
    registration_ =
        su_root_register(root_, wait_, on_readable, reinterpret_cast<su_wakeup_arg_t*>(this), 0);
    g_reload_fd = pipe_[1];
    g_supervisor = supervisor_pid();
    struct sigaction action {};
    action.sa_sigaction = on_sighup;
    action.sa_flags = SA_RESTART | SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaction(SIGHUP, &action, nullptr);
}

ProxyReload::~ProxyReload() {
    std::signal(SIGHUP, SIG_IGN);
    g_reload_fd = -1;
    if (registration_ >= 0) su_root_deregister(root_, registration_);
    close(pipe_[0]);
    close(pipe_[1]);
}

int ProxyReload::on_readable(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg) {
    auto* self = reinterpret_cast<ProxyReload*>(arg);
    char bytes[64];
    while (read(self->pipe_[0], bytes, sizeof bytes) > 0) {
    }  // several SIGHUPs before the loop got here make one reload
    self->reload();
    return 0;
}

void ProxyReload::reload() { reloader_.reload(); }

std::optional<config::Config> reload_for_workers(const config::Config& running,
                                                 const std::vector<std::string>& needed) {
    try {
        auto decision = runtime::decide_reload(
            running, config::load_config_file(running.file(), needed, running.schema()), needed,
            config::other_daemons_metrics_keys("sip-proxy"));
        proxy_settings(decision.config);  // what a worker's apply would refuse
        return std::move(decision.config);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace cusax::sip_proxy
