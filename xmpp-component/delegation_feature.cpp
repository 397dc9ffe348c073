#include "xmpp-component/delegation_feature.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "shared/log/log.hpp"
#include "xmpp-component/stanza_reply.hpp"

namespace cusax::xmpp {

namespace {

constexpr Claim kClaims[] = {
    {"iq", "delegation", ns::delegation2, To::server_link},
    {"iq", "delegation", ns::delegation1, To::server_link},
    {"message", "delegation", ns::delegation2, To::server_link},
    {"message", "delegation", ns::delegation1, To::server_link},
};

bool advertisement(const StanzaContext& c) {
    const auto advertised = delegation_advertisement(c.stanza, c.settings.trusted_servers);
    if (advertised.empty()) return false;
    std::string list;
    for (const auto& n : advertised) list += (list.empty() ? "" : ",") + n;
    log::event(log::Level::info, "xmpp.delegation_advertised", "",
               {{"peer", c.stanza.attr_or("from")}, {"namespaces", list}});
    return true;
}

// RFC 6120 §8.2.3: a delegation wrapper that is not acted upon is still answered. From anyone
// but the server it is forbidden (only the server may hand the component its users' stanzas:
// XEP-0355 §5); from the server but not one forwarded iq request, bad-request.
bool refuse(const StanzaContext& c, const DelegatedRequest& request, HandlerOutcome& out) {
    const bool untrusted = request.status == DelegatedRequest::Status::untrusted;
    out.kind = "delegation";
    out.query = QueryKind::other;
    if (untrusted) {
        out.refuse(c.stanza, "forbidden", "auth", "delegated stanzas come from the server only");
    } else {
        out.refuse(c.stanza, "bad-request", "modify",
                   "a delegation carries one forwarded iq get or set");
    }
    log::event(log::Level::warn, "xmpp.delegation_refused",
               untrusted ? "not from the server" : "malformed",
               {{"stanza_id", c.stanza.attr_or("id")},
                {"peer", c.stanza.attr_or("from")},
                {"error", out.error}});
    return true;
}

// An answer the client may ask again for (RFC 6120 §8.3.2: type wait).
DelegatedVcardOutcome try_again(const XmlElement& inner, std::string_view condition,
                                std::string detail) {
    DelegatedVcardOutcome outcome;
    outcome.kind = "vcard";
    outcome.reply = make_error_reply(inner, condition, "wait");
    outcome.error = condition;
    outcome.detail = std::move(detail);
    return outcome;
}

// The stanza ids of a log line listing many requests, comma-separated. The ids are the users'
// own (up to a stanza's size each) and up to the store jobs' queue of them are listed: at most
// kListedIds, each cut to kListedIdBytes, so that one line stays a line.
constexpr std::size_t kListedIds = 16;
constexpr std::size_t kListedIdBytes = 64;

template <typename Ids>
std::string listed_ids(const Ids& ids) {
    std::string out;
    std::size_t listed = 0;
    for (const std::string_view id : ids) {
        if (listed == kListedIds) {
            out += ",+" + std::to_string(ids.size() - listed) + " more";
            break;
        }
        if (listed++ > 0) out += ',';
        out += id.substr(0, kListedIdBytes);
        if (id.size() > kListedIdBytes) out += "...";
    }
    return out;
}

}  // namespace

// One delegated vcard-temp iq, with everything its answer needs, copied: it is answered on the
// store jobs' thread while the stream goes on.
struct DelegationFeature::Request {
    XmlElement outer;  // the server's iq: the reply is wrapped in its result
    XmlElement inner;  // the forwarded iq
    std::string_view delegation_ns;
    std::string server;
    std::string owner;                                // whose vCard
    std::shared_ptr<const store::Snapshot> snapshot;  // keeps `binding` alive
    const store::BindingView* binding = nullptr;      // the owner's, when bound
    VcardGuard guard = VcardGuard::refuse;
};

// XEP-0355 §6 disco nesting: what the server adds to its own disco (main: "::", nothing) and to
// its users' bare JIDs (":bare:", vcard-temp) for what it delegates. ejabberd's mod_delegation
// (:1) takes a result to its "::" probe as the component's acceptance of vcard-temp addressed
// to the server domain itself (its own vCard) too, which the component cannot answer: that
// node is not declared, so the probe is item-not-found and ejabberd keeps its own vCard (an
// error leaves that half undelegated).
DiscoShare DelegationFeature::delegation_nodes() {
    DiscoShare s;
    const std::string vcard_temp(ns::vcard_temp);
    s.domain_nodes.push_back({std::string(ns::delegation2) + "::" + vcard_temp, {}, {}});
    for (auto prefix : {ns::delegation2, ns::delegation1}) {
        s.domain_nodes.push_back(
            {std::string(prefix) + ":bare:" + vcard_temp, {}, {ns::vcard_temp}});
    }
    return s;
}

DelegationFeature::DelegationFeature(DelegationStores stores) : stores_(std::move(stores)) {
    if (stores_.vcards && !stores_.jobs) {
        throw std::logic_error("DelegationFeature: a vCard store needs store jobs to run on");
    }
    if (stores_.registry) counters_.emplace(*stores_.registry);
}

DelegationFeature::~DelegationFeature() { stores_.jobs.reset(); }

std::span<const Claim> DelegationFeature::claims() const { return kClaims; }

bool DelegationFeature::handle(const StanzaContext& c, HandlerOutcome& out) {
    // A message that advertises nothing (or not from the server) is an ordinary message, and
    // an iq response is no request of anyone's (RFC 6120 §8.3.1: never answered).
    if (c.stanza.name == "message" && !advertisement(c)) return false;
    if (c.stanza.name == "iq" && !is_iq_request(c.stanza)) return false;
    out.logged = true;
    if (c.stanza.name == "message") return true;
    const DelegatedRequest request = unwrap_delegation(c.stanza, c.settings.trusted_servers);
    if (request.status != DelegatedRequest::Status::ok) return refuse(c, request, out);
    Request r{c.stanza,
              *request.inner,
              request.delegation_ns,
              request.server,
              delegated_vcard_owner(*request.inner),
              c.accounts.snapshot_ptr(),
              nullptr,
              c.settings.vcard_guard};
    r.binding = r.snapshot->by_jid(r.owner);
    out.query = QueryKind::vcard;
    if (!stores_.vcards) {  // no store to wait for: answered here
        answer_now(r, answer(r, StoreJobs::Access::usable).outcome, out);
        return true;
    }
    if (closing_) {  // no new work for a store that is about to be left
        answer_now(r, try_again(r.inner, "service-unavailable", "the component is stopping"), out);
        return true;
    }
    auto shared = std::make_shared<const Request>(std::move(r));
    std::string stanza_id(shared->inner.attr_or("id"));
    // Owed before it is handed over: a StoreJobs may run the job and its follow-up at once,
    // inside submit() (the unit tests' InlineStoreJobs), and deliver() must find it then.
    owed_.push_back(stanza_id);
    const bool queued = stores_.jobs->submit([this, shared, stanza_id](StoreJobs::Access access) {
        auto [outcome, unreachable] = answer(*shared, access);
        const std::string_view error = outcome.error;  // a literal: outlives the outcome
        return StoreJobs::Finished{
            [this, reply = finish(*shared, std::move(outcome)), error, stanza_id]() mutable {
                deliver(std::move(reply), error, stanza_id);
            },
            unreachable};
    });
    if (queued) {
        out.deferred = true;
        return true;
    }
    owed_.pop_back();  // refused: nothing ran, nothing owed
    answer_now(*shared,
               try_again(shared->inner, "resource-constraint",
                         "too many vCard requests are waiting for the store"),
               out);
    return true;
}

void DelegationFeature::answer_now(const Request& r, DelegatedVcardOutcome outcome,
                                   HandlerOutcome& out) {
    out.kind = outcome.kind;
    out.error = outcome.error;
    out.replies.push_back(finish(r, std::move(outcome)));
}

// On the store jobs' thread (or, without a vCard store, the stream's: nothing is asked then).
DelegationFeature::Answer DelegationFeature::answer(const Request& r, StoreJobs::Access access) {
    const auto& vcards = stores_.vcards;
    if (vcards && access == StoreJobs::Access::away) {
        return {try_again(r.inner, "internal-server-error",
                          "the store was unreachable a moment ago: not tried"),
                false};
    }
    if (vcards && access == StoreJobs::Access::stopping) {
        return {try_again(r.inner, "service-unavailable",
                          "the component is stopping: the store was not tried"),
                false};
    }
    Answer a;
    try {
        std::optional<StoredVcard> stored;
        std::vector<std::string> shown;
        if (vcards) {
            stored = vcards->get(r.owner);
            shown = vcards->shown(r.owner);
        }
        a.outcome =
            handle_delegated_vcard(r.inner, r.server, r.binding, stored ? &*stored : nullptr, shown,
                                   r.guard, vcards != nullptr);
        // Remembered before the get is answered: a value shown and not remembered would count
        // as the user's word when their client sends it back (vcard_delegation.hpp).
        if (vcards && !a.outcome.newly_shown.empty()) {
            vcards->remember_shown(r.owner, a.outcome.newly_shown);
        }
        // The binding first: the two stores have no transaction in common, and a set answered
        // with an error must not have been stored. Should the vCard write fail after the
        // binding was dropped, the binding is unverified while the stored vCard still lists it
        // (`cusaxctl verify --mutual` marks it again); the other way round a set told to try
        // again was stored, and the binding stayed mutual without the listing that made it so.
        if (a.outcome.unlisted) drop_mutual(*r.binding, r.inner);
        if (a.outcome.store) vcards->put(r.owner, *a.outcome.store, a.outcome.still_shown);
    } catch (const std::exception& e) {
        const auto* store_error = dynamic_cast<const store::StoreError*>(&e);
        a.unreachable = store_error && store_error->unreachable();
        log::event(log::Level::error, "xmpp.vcard_store_failed", e.what(),
                   {{"stanza_id", r.inner.attr_or("id")}, {"jid", r.owner}});
        a.outcome = try_again(r.inner, "internal-server-error", "the store failed");
    }
    return a;
}

XmlElement DelegationFeature::finish(const Request& r, DelegatedVcardOutcome outcome) {
    log::event(log::Level::info, "xmpp.delegated", outcome.error.empty() ? "answered" : "refused",
               {{"kind", outcome.kind},
                {"stanza_id", r.inner.attr_or("id")},
                {"peer", r.inner.attr_or("from")},
                {"jid", r.owner},
                {"aor", r.binding ? std::string_view(r.binding->aor) : std::string_view()},
                {"error", outcome.error},
                {"detail", outcome.detail}});
    return wrap_delegated_reply(r.outer, r.delegation_ns, std::move(outcome.reply));
}

// On the stream's thread.
void DelegationFeature::deliver(XmlElement reply, std::string_view error,
                                const std::string& stanza_id) {
    if (counters_) counters_->count(QueryKind::none, error);
    if (const auto it = std::find(owed_.begin(), owed_.end(), stanza_id); it != owed_.end()) {
        owed_.erase(it);
    }
    if (send_) {
        send_(std::move(reply));
    } else {
        held_.emplace_back(stanza_id, std::move(reply));
    }
    if (closing_done_ && owed_.empty()) std::exchange(closing_done_, nullptr)();
}

void DelegationFeature::on_stream_ready(Send send) {
    send_ = std::move(send);
    closing_ = false;
    closing_done_ = nullptr;
    if (stores_.jobs) stores_.jobs->stop_using_store_at(StoreJobs::Clock::time_point::max());
    if (held_.empty()) return;
    // Answers made while the stream was down: the server still waits for them.
    std::vector<std::string> ids;
    for (auto& [id, reply] : std::exchange(held_, {})) {
        ids.push_back(std::move(id));
        send_(std::move(reply));
    }
    log::event(log::Level::info, "xmpp.delegated_sent_late",
               "answers made while the stream was down, sent on this one",
               {{"count", std::to_string(ids.size())}, {"stanza_ids", listed_ids(ids)}});
}

void DelegationFeature::on_stream_closing(Done done) {
    closing_ = true;
    if (owed_.empty()) return done();
    closing_done_ = std::move(done);
    stores_.jobs->stop_using_store_at(StoreJobs::Clock::now() + stores_.start_wait_when_closing);
}

void DelegationFeature::on_stream_lost() {
    send_ = nullptr;
    if (owed_.empty()) return;
    // The stream ended before these were answered (a lost connection: sent on the next one; a
    // drain cut short by xmpp.drain_timeout: never).
    log::event(log::Level::warn, "xmpp.delegated_unanswered",
               "the stream ended before these delegated requests were answered: they are sent "
               "on the next stream, if one comes up",
               {{"count", std::to_string(owed_.size())}, {"stanza_ids", listed_ids(owed_)}});
}

void DelegationFeature::drop_mutual(const store::BindingView& binding, const XmlElement& inner) {
    // Asked of the store, not of the snapshot, which may be a moment older than a
    // `cusaxctl verify --mutual` that just ran; the watcher then brings the new state to every
    // daemon. Only a mutual binding changes: other states are not the user's to withdraw.
    if (!stores_.bindings) return;
    if (stores_.bindings->replace_verification(std::string(binding.aor),
                                               store::Verification::Mutual,
                                               store::Verification::Unverified)) {
        log::event(
            log::Level::info, "xmpp.mutual_dropped",
            "the owner's vCard no longer lists the bound SIP address: now unverified",
            {{"stanza_id", inner.attr_or("id")}, {"jid", binding.jid}, {"aor", binding.aor}});
    }
}

}  // namespace cusax::xmpp
