#pragma once
// What the server does with one request (the adapter between http_session.cpp and the policy
// files): route it, answer WebFinger at once, and for a profile check the login (login_gate.hpp,
// then the password at the XMPP server) and answer with the profile or one of the failure
// answers of answers.hpp. Runs on the io_context's one thread.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "provisioning/account_directory.hpp"
#include "provisioning/asio_include.hpp"
#include "provisioning/http_answer.hpp"
#include "provisioning/login_gate.hpp"
#include "provisioning/provisioning_counters.hpp"
#include "provisioning/provisioning_settings.hpp"
#include "provisioning/request_route.hpp"
#include "shared/log/log.hpp"

namespace cusax::provisioning {

// The parts of a request that matter here, as the wire layer read them.
struct RequestFacts {
    std::string_view method;  // "GET"
    std::string_view target;  // "/profile.json", "/.well-known/webfinger?resource=..."
    std::string_view authorization;
    std::string_view accept;
};

using Reply = std::function<void(HttpAnswer)>;
// Checks jid's password at the XMPP server (xmpp_login.hpp); replaced by tests.
using PasswordCheck =
    std::function<void(const std::string& jid, std::string password,
                       std::function<void(LoginOutcome, const std::string& detail)> done)>;

class ProvisioningService {
  public:
    ProvisioningService(boost::asio::io_context& io, const ProvisioningSettings& settings,
                        ProvisioningCounters& counters, PasswordCheck check,
                        std::shared_ptr<const AccountDirectory> directory);

    // A new snapshot's directory (built off this thread; swapped on it).
    void set_directory(std::shared_ptr<const AccountDirectory> directory);

    // Answers through `reply`, once: at once, or after the login check and failure_delay.
    // source: the client's address key (client_address.hpp).
    void handle(const RequestFacts& request, const std::string& source, Reply reply);

  private:
    void login(Resource resource, std::string_view authorization, const std::string& source,
               Reply reply);

    boost::asio::io_context& io_;
    const ProvisioningSettings& settings_;
    ProvisioningCounters& counters_;
    PasswordCheck check_;
    std::shared_ptr<const AccountDirectory> directory_;
    LoginGate gate_;
    log::RateLimitedLog slow_log_;
};

}  // namespace cusax::provisioning
