#pragma once
// SIGHUP in cusax-sip-proxy: the INI file is read again and its reloadable keys (trusted
// peers, dial plan, policies, warning texts, Call-Info methods, log level and format) apply
// from the next request; calls and connections stay up (shared/runtime/config_reload.hpp).
//
// The signal handler only writes a byte to a pipe that the Sofia root watches, so the reload
// runs on the loop thread between two messages: the proxy's settings change with no lock on
// the path of a request, and no request ever sees half of them.
#include <sofia-sip/su_wait.h>

#include <string>
#include <vector>

#include "shared/config/config.hpp"
#include "shared/runtime/config_reload.hpp"
#include "sip-proxy/stateless_proxy.hpp"

namespace cusax::sip_proxy {

class ProxyReload {
  public:
    // `running`: the configuration the proxy started with; `needed`: the sections it reads.
    // Installs the SIGHUP handler (one ProxyReload per process). Throws std::system_error when
    // the pipe cannot be made.
    ProxyReload(su_root_t* root, config::Config running, std::vector<std::string> needed,
                StatelessProxy& proxy);
    ~ProxyReload();
    ProxyReload(const ProxyReload&) = delete;
    ProxyReload& operator=(const ProxyReload&) = delete;

    // Reads the file again and applies it; what SIGHUP does (public for tests).
    void reload();

  private:
    static int on_readable(su_root_magic_t*, su_wait_t*, su_wakeup_arg_t* arg);

    su_root_t* root_;
    runtime::ConfigReloader reloader_;
    int pipe_[2] = {-1, -1};
    su_wait_t wait_[1];
    int registration_ = -1;
};

}  // namespace cusax::sip_proxy
