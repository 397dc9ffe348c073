#include "xmpp-component/directory_service.hpp"

#include <algorithm>
#include <cctype>

#include "shared/log/log.hpp"

namespace cusax::xmpp {

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
}  // namespace

DirectoryService::DirectoryService(SnapshotSource source, DirectorySettings settings,
                                   SearchLimits limits)
    : source_(std::move(source)),
      settings_(std::move(settings)),
      limiter_(limits.rate_per_second, limits.burst) {
    settings_.domain = lower(settings_.domain);
    for (auto& d : settings_.local_domains) d = lower(d);
}

const AccountIndex& DirectoryService::accounts() {
    // A new snapshot (a cusaxctl change) gets its index on first use: O(bindings), once.
    auto snapshot = source_();
    if (!index_ || index_->snapshot_ptr() != snapshot) {
        index_ = std::make_unique<AccountIndex>(std::move(snapshot), settings_.domain);
    }
    return *index_;
}

std::vector<XmlElement> DirectoryService::handle(const XmlElement& stanza) {
    HandlerOutcome outcome =
        handle_stanza(stanza, accounts(), settings_, limiter_, TokenBucketLimiter::Clock::now());
    const log::Level level = outcome.routine ? log::Level::debug : log::Level::info;
    if (log::enabled(level)) {
        log::event(level, "xmpp.stanza",
                   outcome.replies.empty() ? "ignored"
                   : outcome.error.empty() ? "answered"
                                           : "refused",
                   {{"kind", outcome.kind},
                    {"stanza_id", stanza.attr_or("id")},
                    {"peer", stanza.attr_or("from")},
                    {"to", stanza.attr_or("to")},
                    {"aor", outcome.aor},
                    {"error", outcome.error}});
    }
    return std::move(outcome.replies);
}

}  // namespace cusax::xmpp
