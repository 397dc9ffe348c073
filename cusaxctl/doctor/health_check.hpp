#pragma once
// A running daemon's own word on whether it serves: GET /health on its metrics endpoint
// ([metrics] sip_proxy_listen, xmpp_component_listen; shared/metrics/metrics_server.hpp). Its
// stats file (daemon_check.hpp) is written by a thread of its own and stays fresh while the
// SIP event loop or the XMPP stream is stuck; /health answers 503 then (the event loop's
// heartbeat, the stream's state), and a hung process does not answer at all. With
// [sip-proxy] workers > 1 this asks worker 1, on the base port.
#include <optional>
#include <string>
#include <string_view>

#include "cusaxctl/doctor/check_result.hpp"
#include "cusaxctl/doctor/daemon_check.hpp"
#include "cusaxctl/doctor/net_basics.hpp"
#include "shared/config/metrics_section.hpp"

namespace cusax::ctl::doctor {

// What the endpoint answered: its HTTP status and the first line of its body, or how the
// request failed.
struct HealthAnswer {
    std::optional<int> status;
    std::string body;
    std::optional<NetFailure> failure;
    std::string error;
};

// The status and first body line of an HTTP/1.x response; nothing unless it starts with a
// status line.
std::optional<HealthAnswer> parse_health_response(std::string_view response);

// Asks `at` for /health, every wait bounded by `deadline`.
HealthAnswer probe_health(const config::ListenAddress& at, Deadline deadline);

// `key`: the [metrics] key naming the endpoint, for the report.
CheckResult health_verdict(const DaemonIdentity& daemon, std::string_view key,
                           const config::ListenAddress& at, const HealthAnswer& answer);

}  // namespace cusax::ctl::doctor
