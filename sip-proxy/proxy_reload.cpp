#include "sip-proxy/proxy_reload.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <system_error>

#include "sip-proxy/proxy_config.hpp"

namespace cusax::sip_proxy {
namespace {

volatile sig_atomic_t g_reload_fd = -1;

void on_sighup(int) {
    const int saved = errno;
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
      reloader_(std::move(running), std::move(needed), [&proxy](const config::Config& config) {
          proxy.apply_reloaded(proxy_settings(config));
      }) {
    if (pipe2(pipe_, O_NONBLOCK | O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "SIGHUP pipe");
    su_wait_create(wait_, pipe_[0], SU_WAIT_IN);
    registration_ =
        su_root_register(root_, wait_, on_readable, reinterpret_cast<su_wakeup_arg_t*>(this), 0);
    g_reload_fd = pipe_[1];
    struct sigaction action {};
    action.sa_handler = on_sighup;
    action.sa_flags = SA_RESTART;
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

}  // namespace cusax::sip_proxy
