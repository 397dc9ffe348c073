#pragma once
// cusax-provisioning's counters (shared/counters), registered once at start-up. Names, as
// `cusaxctl stats` and the periodic stats line show them:
//
//   provisioning.requests.KIND     requests by what was asked: json, linphone, webfinger,
//                                  not_found, method_not_allowed
//   provisioning.logins.OUTCOME    login attempts (a request with credentials) by outcome:
//                                  accepted, wrong_password, unknown_user, user_locked,
//                                  address_locked, busy, unavailable
//   provisioning.logins.no_credentials   profile requests without (readable) credentials: 401
//   provisioning.xmpp_checks       password checks sent to the XMPP server (an unknown user
//                                  id's as the placeholder account, account_directory.hpp)
//   provisioning.slow_checks       checks that took longer than failure_delay (failures were
//                                  then answered after different times: raise it)
//   provisioning.webfinger.found, provisioning.webfinger.not_found
//   provisioning.connections.accepted, .displaced (an idle one closed for a newcomer),
//     .refused (over a cap with none idle, or plain HTTP from a host not in plain_http_from),
//     .timed_out (no complete request in time)
//   provisioning.http_errors.bad_request, .header_too_large, .body_too_large
#include "shared/counters/counters.hpp"

namespace cusax::provisioning {

struct ProvisioningCounters {
    explicit ProvisioningCounters(counters::Registry& registry);

    counters::Counter& requests_json;
    counters::Counter& requests_linphone;
    counters::Counter& requests_webfinger;
    counters::Counter& requests_not_found;
    counters::Counter& requests_method_not_allowed;
    counters::Counter& logins_accepted;
    counters::Counter& logins_wrong_password;
    counters::Counter& logins_unknown_user;
    counters::Counter& logins_user_locked;
    counters::Counter& logins_address_locked;
    counters::Counter& logins_busy;
    counters::Counter& logins_unavailable;
    counters::Counter& logins_no_credentials;
    counters::Counter& xmpp_checks;
    counters::Counter& slow_checks;
    counters::Counter& webfinger_found;
    counters::Counter& webfinger_not_found;
    counters::Counter& connections_accepted;
    counters::Counter& connections_displaced;
    counters::Counter& connections_refused;
    counters::Counter& connections_timed_out;
    counters::Counter& bad_request;
    counters::Counter& header_too_large;
    counters::Counter& body_too_large;
};

}  // namespace cusax::provisioning
