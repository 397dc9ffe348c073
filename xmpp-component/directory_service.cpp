#include "xmpp-component/directory_service.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>

#include "shared/log/log.hpp"
#include "shared/text/ascii_case.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {

namespace {}  // namespace

// The published index: readers load it without waiting for a rebuild (as SnapshotWatcher
// publishes snapshots; libstdc++ 12 has std::atomic<std::shared_ptr>, older ones only the
// free functions).
struct DirectoryService::IndexSlot {
#if defined(__cpp_lib_atomic_shared_ptr)
    std::shared_ptr<const AccountIndex> load() const { return p.load(std::memory_order_acquire); }
    void store(std::shared_ptr<const AccountIndex> i) {
        p.store(std::move(i), std::memory_order_release);
    }
    std::atomic<std::shared_ptr<const AccountIndex>> p;
#else
    std::shared_ptr<const AccountIndex> load() const { return std::atomic_load(&p); }
    void store(std::shared_ptr<const AccountIndex> i) { std::atomic_store(&p, std::move(i)); }
    std::shared_ptr<const AccountIndex> p;
#endif
};

DirectoryService::DirectoryService(SnapshotSource source, DirectorySettings settings,
                                   SearchLimits limits, counters::Registry& registry)
    : source_(std::move(source)),
      settings_(std::move(settings)),
      limiter_(limits.rate_per_second, limits.burst),
      counters_(registry),
      index_(std::make_unique<IndexSlot>()) {
    settings_.domain = text::ascii_lower(settings_.domain);
    for (auto& d : settings_.local_domains) d = text::ascii_lower(d);
    refresh();
}

DirectoryService::~DirectoryService() = default;

void DirectoryService::refresh() {
    std::lock_guard lock(refresh_mutex_);
    auto snapshot = source_();
    const auto current = index_->load();
    if (current && current->snapshot_ptr() == snapshot) return;
    const auto started = std::chrono::steady_clock::now();
    auto index = std::make_shared<const AccountIndex>(std::move(snapshot), settings_.domain);
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    log::event(log::Level::debug, "xmpp.accounts_indexed", "",
               {{"accounts", std::to_string(index->accounts().size())},
                {"generation", std::to_string(index->snapshot().generation())},
                {"took_us", std::to_string(took.count())}});
    index_->store(std::move(index));
}

std::shared_ptr<const AccountIndex> DirectoryService::accounts() const { return index_->load(); }

std::optional<std::vector<XmlElement>> DirectoryService::handle_delegation(
    const XmlElement& stanza, const AccountIndex& accounts) {
    if (const auto advertised = delegation_advertisement(stanza, settings_.local_domains);
        !advertised.empty()) {
        std::string list;
        for (const auto& n : advertised) list += (list.empty() ? "" : ",") + n;
        log::event(log::Level::info, "xmpp.delegation_advertised", "",
                   {{"peer", stanza.attr_or("from")}, {"namespaces", list}});
        return std::vector<XmlElement>{};
    }
    const DelegatedRequest request = unwrap_delegation(stanza, settings_.local_domains);
    using Status = DelegatedRequest::Status;
    if (request.status == Status::not_delegation) return std::nullopt;
    if (request.status != Status::ok) {
        log::event(log::Level::warn, "xmpp.delegation_ignored",
                   request.status == Status::untrusted ? "not from the server" : "malformed",
                   {{"stanza_id", stanza.attr_or("id")}, {"peer", stanza.attr_or("from")}});
        return std::vector<XmlElement>{};
    }
    const XmlElement& inner = *request.inner;
    const std::string owner = delegated_vcard_owner(inner);
    const store::BindingView* binding = accounts.snapshot().by_jid(owner);
    std::optional<StoredVcard> stored;
    DelegatedVcardOutcome outcome;
    try {
        if (vcards_) stored = vcards_->get(owner);
        outcome = handle_delegated_vcard(inner, request.server, binding,
                                         stored ? &stored->vcard : nullptr, settings_.vcard_guard,
                                         vcards_ != nullptr);
        if (outcome.store) vcards_->put(owner, *outcome.store);
        if (outcome.unlisted) drop_mutual(*binding, inner);
    } catch (const std::exception& e) {
        log::event(log::Level::error, "xmpp.vcard_store_failed", e.what(), {{"jid", owner}});
        outcome.reply = make_error_reply(inner, "internal-server-error", "wait");
        outcome.error = "internal-server-error";
    }
    counters_.count(QueryKind::vcard, outcome.error);
    log::event(log::Level::info, "xmpp.delegated", outcome.error.empty() ? "answered" : "refused",
               {{"kind", outcome.kind},
                {"stanza_id", inner.attr_or("id")},
                {"peer", inner.attr_or("from")},
                {"jid", owner},
                {"aor", binding ? std::string_view(binding->aor) : std::string_view()},
                {"error", outcome.error},
                {"detail", outcome.detail}});
    std::vector<XmlElement> replies;
    replies.push_back(
        wrap_delegated_reply(stanza, request.delegation_ns, std::move(outcome.reply)));
    return replies;
}

void DirectoryService::drop_mutual(const store::BindingView& binding, const XmlElement& inner) {
    // Asked of the store, not of the snapshot, which may be a moment older than a
    // `cusaxctl verify --mutual` that just ran; the watcher then brings the new state to every
    // daemon. Only a mutual binding changes: other states are not the user's to withdraw.
    if (!bindings_) return;
    if (bindings_->replace_verification(std::string(binding.aor), store::Verification::Mutual,
                                        store::Verification::Unverified)) {
        log::event(
            log::Level::info, "xmpp.mutual_dropped",
            "the owner's vCard no longer lists the bound SIP address: now unverified",
            {{"stanza_id", inner.attr_or("id")}, {"jid", binding.jid}, {"aor", binding.aor}});
    }
}

std::vector<XmlElement> DirectoryService::handle(const XmlElement& stanza) {
    const auto accounts = this->accounts();
    if (auto delegated = handle_delegation(stanza, *accounts)) return std::move(*delegated);
    HandlerOutcome outcome =
        handle_stanza(stanza, *accounts, settings_, limiter_, TokenBucketLimiter::Clock::now());
    counters_.count(outcome.query, outcome.error);
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
