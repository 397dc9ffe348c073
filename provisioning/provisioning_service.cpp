#include "provisioning/provisioning_service.hpp"

#include "provisioning/answers.hpp"
#include "provisioning/basic_credentials.hpp"
#include "provisioning/profile.hpp"
#include "provisioning/request_route.hpp"
#include "provisioning/webfinger.hpp"
#include "shared/log/log.hpp"

namespace cusax::provisioning {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// A user id as the log shows it: what the client sent, cut (the logger escapes the rest).
std::string_view logged_user(std::string_view user) { return user.substr(0, 100); }

std::string_view format_name(Resource r) {
    return r == Resource::linphone_xml ? "linphone" : "json";
}

// How long the XMPP server is treated as unreachable after a check could not be made: every
// attempt meanwhile gets 503, so that known and unknown users are answered alike.
LoginGate::Duration unavailable_hold(const ProvisioningSettings& s) {
    return std::max<LoginGate::Duration>(s.auth.timeout, std::chrono::seconds(1));
}

}  // namespace

ProvisioningService::ProvisioningService(asio::io_context& io, const ProvisioningSettings& settings,
                                         ProvisioningCounters& counters, PasswordCheck check,
                                         std::shared_ptr<const AccountDirectory> directory)
    : io_(io),
      settings_(settings),
      counters_(counters),
      check_(std::move(check)),
      directory_(std::move(directory)),
      gate_(settings.attempts, settings.auth.max_concurrent, unavailable_hold(settings)),
      slow_log_("provisioning.slow_check", 1, 60) {}

void ProvisioningService::apply_reloaded() {
    gate_.set_limits(settings_.attempts, settings_.auth.max_concurrent,
                     unavailable_hold(settings_));
}

void ProvisioningService::set_directory(std::shared_ptr<const AccountDirectory> directory) {
    directory_ = std::move(directory);
}

void ProvisioningService::handle(const RequestFacts& request, const std::string& source,
                                 Reply reply) {
    if (request.method != "GET" && request.method != "HEAD") {
        counters_.requests_method_not_allowed.add();
        return reply(method_not_allowed());
    }
    const Target target = split_target(request.target);
    const Resource resource = route(target.path, request.accept, settings_.formats);
    switch (resource) {
        case Resource::not_found:
            counters_.requests_not_found.add();
            return reply(text_answer(404, "not found"));
        case Resource::webfinger: {
            counters_.requests_webfinger.add();
            HttpAnswer answer = webfinger_answer(target.query, *directory_);
            (answer.status == 200 ? counters_.webfinger_found : counters_.webfinger_not_found)
                .add();
            return reply(std::move(answer));
        }
        case Resource::profile_json:
            counters_.requests_json.add();
            break;
        case Resource::linphone_xml:
            counters_.requests_linphone.add();
            break;
    }
    login(resource, request.authorization, source, std::move(reply));
}

void ProvisioningService::login(Resource resource, std::string_view authorization,
                                const std::string& source, Reply reply) {
    auto credentials = parse_basic_credentials(authorization);
    if (!credentials) {
        counters_.logins_no_credentials.add();
        return reply(unauthorized());
    }
    const auto started = Clock::now();
    const std::string user(logged_user(credentials->user));
    const auto logged = [source, user, format = format_name(resource)](
                            log::Level level, std::string_view outcome, std::string_view jid,
                            std::string_view detail) {
        log::event(level, "provisioning.login", detail,
                   {{"source", source},
                    {"user", user},
                    {"jid", jid},
                    {"outcome", outcome},
                    {"format", format}});
    };

    auto admitted = gate_.begin(credentials->user, source, started);
    if (const auto* refused = std::get_if<LoginGate::Refused>(&admitted)) {
        switch (refused->why) {
            case LoginGate::Refusal::address_locked:
                counters_.logins_address_locked.add();
                logged(log::Level::warn, "address_locked", "", "too many failures from here");
                return reply(too_many_attempts(refused->retry_after));
            case LoginGate::Refusal::user_locked:
                counters_.logins_user_locked.add();
                logged(log::Level::warn, "user_locked", "", "too many failures for this user id");
                return reply(too_many_attempts(refused->retry_after));
            case LoginGate::Refusal::busy:
                counters_.logins_busy.add();
                logged(log::Level::warn, "busy", "", "too many checks at once");
                return reply(service_unavailable(refused->retry_after));
            case LoginGate::Refusal::unavailable:
                counters_.logins_unavailable.add();
                logged(log::Level::warn, "unavailable", "", "the XMPP server was unreachable");
                return reply(service_unavailable(refused->retry_after));
        }
    }
    auto attempt = std::get<LoginGate::Attempt>(std::move(admitted));

    // The directory, and with it the binding, stays alive until the answer is written.
    auto directory = directory_;
    const store::BindingView* binding = directory->find_user(credentials->user);
    auto state = std::make_shared<BasicCredentials>(std::move(*credentials));
    const bool asks_server = binding || !directory->placeholder_jid().empty();

    auto finish = [this, resource, started, attempt = std::move(attempt), directory, binding, state,
                   asks_server, logged, reply = std::move(reply)](
                      LoginOutcome outcome, const std::string& detail) mutable {
        const auto now = Clock::now();
        gate_.finish(attempt, outcome, now);
        const std::string jid = binding ? std::string(binding->jid) : std::string();
        if (outcome == LoginOutcome::accepted) {
            counters_.logins_accepted.add();
            logged(log::Level::info, "accepted", jid, detail);
            auto profile = make_profile(*binding, settings_.sip, settings_.xmpp);
            return reply(profile_answer(resource, profile, state->password));
        }
        HttpAnswer answer;
        if (outcome == LoginOutcome::rejected) {
            (binding ? counters_.logins_wrong_password : counters_.logins_unknown_user).add();
            logged(log::Level::warn, binding ? "wrong_password" : "unknown_user", jid, detail);
            answer = unauthorized();
        } else {
            counters_.logins_unavailable.add();
            logged(log::Level::error, "unavailable", jid, detail);
            answer = service_unavailable(unavailable_hold(settings_));
        }
        // Every failure leaves no sooner than failure_delay after its request: a wrong password
        // and an unknown user (each a round trip to the server, which may refuse an account it
        // lacks sooner than a wrong password) look alike.
        const auto due = started + settings_.attempts.failure_delay;
        if (now > due && asks_server) {
            counters_.slow_checks.add();
            slow_log_.event(log::Level::warn, "provisioning.slow_check",
                            "a password check took longer than failure_delay: raise it, or "
                            "failures are answered after different times");
        }
        if (now >= due) return reply(std::move(answer));
        auto timer = std::make_shared<asio::steady_timer>(io_, due);
        timer->async_wait([timer, answer = std::move(answer),
                           reply = std::move(reply)](const boost::system::error_code&) mutable {
            reply(std::move(answer));
        });
    };

    if (!asks_server) {
        // No bindings at all: no known id to tell an unknown one from, and no XMPP domain.
        asio::post(io_, [finish = std::move(finish)]() mutable {
            finish(LoginOutcome::rejected, "no binding for this user id");
        });
        return;
    }
    counters_.xmpp_checks.add();
    if (binding) return check_(std::string(binding->jid), state->password, std::move(finish));
    // An id that names no binding is still checked at the XMPP server, as the placeholder
    // account (account_directory.hpp), with the password as typed (so that what SASLprep refuses
    // is refused alike, with no connection): its refusal is the unknown user's 401, and when the
    // server cannot be reached the answer is the same 503 as a known id's (login_gate.hpp).
    // Without it, an outage would show which ids are real: 401 for the unknown, 503 for the
    // known. It counts against the same limits as any attempt (login_gate.hpp), so the server
    // still sees no more attempts per address or per id than they allow. Should the server
    // accept the placeholder, that is still a refusal.
    check_(directory->placeholder_jid(), state->password,
           [finish = std::move(finish)](LoginOutcome outcome, const std::string& detail) mutable {
               const bool reached = outcome != LoginOutcome::unavailable;
               finish(reached ? LoginOutcome::rejected : outcome,
                      "no binding for this user id; the placeholder check: " + detail);
           });
}

}  // namespace cusax::provisioning
