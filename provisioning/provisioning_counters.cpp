#include "provisioning/provisioning_counters.hpp"

namespace cusax::provisioning {

ProvisioningCounters::ProvisioningCounters(counters::Registry& r)
    : requests_json(r.get("provisioning.requests.json")),
      requests_linphone(r.get("provisioning.requests.linphone")),
      requests_webfinger(r.get("provisioning.requests.webfinger")),
      requests_not_found(r.get("provisioning.requests.not_found")),
      requests_method_not_allowed(r.get("provisioning.requests.method_not_allowed")),
      logins_accepted(r.get("provisioning.logins.accepted")),
      logins_wrong_password(r.get("provisioning.logins.wrong_password")),
      logins_unknown_user(r.get("provisioning.logins.unknown_user")),
      logins_user_locked(r.get("provisioning.logins.user_locked")),
      logins_address_locked(r.get("provisioning.logins.address_locked")),
      logins_busy(r.get("provisioning.logins.busy")),
      logins_unavailable(r.get("provisioning.logins.unavailable")),
      logins_no_credentials(r.get("provisioning.logins.no_credentials")),
      xmpp_checks(r.get("provisioning.xmpp_checks")),
      slow_checks(r.get("provisioning.slow_checks")),
      webfinger_found(r.get("provisioning.webfinger.found")),
      webfinger_not_found(r.get("provisioning.webfinger.not_found")),
      connections_accepted(r.get("provisioning.connections.accepted")),
      connections_displaced(r.get("provisioning.connections.displaced")),
      connections_refused(r.get("provisioning.connections.refused")),
      connections_timed_out(r.get("provisioning.connections.timed_out")),
      bad_request(r.get("provisioning.http_errors.bad_request")),
      header_too_large(r.get("provisioning.http_errors.header_too_large")),
      body_too_large(r.get("provisioning.http_errors.body_too_large")) {}

}  // namespace cusax::provisioning
