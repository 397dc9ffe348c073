#include "xmpp-component/vcard4_sync.hpp"

#include <algorithm>
#include <random>

#include "shared/log/log.hpp"
#include "shared/text/ascii_case.hpp"
#include "xmpp-component/snapshot_diff.hpp"

namespace cusax::xmpp {

namespace {

// A snapshot hands out Binding or BindingView (same member names): an owned
// copy either way, for work that outlives the snapshot.
template <class B>
store::Binding owned(const B& b) {
    if constexpr (requires { b.to_binding(); }) {
        return b.to_binding();
    } else {
        return b;
    }
}

// The fields the guaranteed tels come from (pep_vcard4.hpp): AOR and numbers with their types.
template <class A, class B>
bool same_tels(const A& a, const B& b) {
    if (a.aor != b.aor) return false;
    // Only a verified binding's tels are published (guaranteed_vcard4_tels).
    if (store::is_verified(a.verification) != store::is_verified(b.verification)) return false;
    return std::equal(a.numbers.begin(), a.numbers.end(), b.numbers.begin(), b.numbers.end(),
                      [](const auto& x, const auto& y) {
                          return x.number == y.number && x.voice == y.voice && x.video == y.video;
                      });
}

std::string_view domain_of(std::string_view bare_jid) {
    const auto at = bare_jid.find('@');
    return at == std::string_view::npos ? std::string_view() : bare_jid.substr(at + 1);
}

bool listed(const std::vector<std::string>& domains, std::string_view domain) {
    return !domain.empty() && std::find(domains.begin(), domains.end(), domain) != domains.end();
}

// The stream's answer to a request whose real answer was skipped, over max_stanza_size or too
// deeply nested (component_stream.hpp): RFC 6120 §8.3.3.12 policy-violation at the outer level.
bool too_large(const XmlElement& answer) {
    const XmlElement* error = answer.child("error");
    return answer.attr_or("type") == "error" && error &&
           error->child("policy-violation", ns::stanza_errors) != nullptr;
}

constexpr std::string_view how_to_enable =
    "grant it the pubsub namespace through XEP-0356 (Prosody: conf/prosody-privilege.cfg.lua)";

}  // namespace

std::vector<Vcard4Sync::Change> changed_users(const store::Snapshot& before,
                                              const store::Snapshot& after,
                                              const std::vector<std::string>& local_domains) {
    // A binding both snapshots share is the same in both: only those that differ can change
    // a user's tels (snapshot_diff.hpp). Snapshots that share nothing are compared in full.
    std::vector<const store::BindingView*> added;
    std::vector<const store::BindingView*> removed;
    if (auto diff = diff_snapshots(before, after, diff_limit(after))) {
        added = std::move(diff->added);
        removed = std::move(diff->removed);
    } else {
        for (const auto& b : after.all()) added.push_back(&b);
        for (const auto& b : before.all()) removed.push_back(&b);
    }
    std::vector<Vcard4Sync::Change> out;
    for (const auto* b : added) {
        if (!listed(local_domains, domain_of(b->jid))) continue;
        const auto* old = before.by_jid(b->jid);
        if (old && same_tels(*old, *b)) continue;
        Vcard4Sync::Change c{std::string(b->jid), std::nullopt};
        if (old) c.previous = owned(*old);
        out.push_back(std::move(c));
    }
    // Users no longer bound: the tels put there for their old binding go.
    for (const auto* b : removed) {
        if (!listed(local_domains, domain_of(b->jid)) || after.by_jid(b->jid)) continue;
        out.push_back({std::string(b->jid), owned(*b)});
    }
    return out;
}

Vcard4Sync::Vcard4Sync(SnapshotSource source, Vcard4SyncSettings settings, Post post, Defer defer,
                       counters::Registry& registry)
    : source_(std::move(source)),
      settings_(std::move(settings)),
      post_(std::move(post)),
      defer_(std::move(defer)),
      counters_(registry) {
    settings_.domain = text::ascii_lower(settings_.domain);
    for (auto& d : settings_.local_domains) d = text::ascii_lower(d);
    // Our answers are told apart by id (and by coming from the user's bare JID, which no
    // client can send from); a random prefix keeps them from being guessed across restarts.
    std::random_device rd;
    static constexpr char hex[] = "0123456789abcdef";
    id_prefix_ = "vcard4-";
    for (int i = 0; i < 8; ++i) id_prefix_ += hex[rd() % 16];
    id_prefix_ += '-';
}

std::string Vcard4Sync::next_id() { return id_prefix_ + std::to_string(++id_counter_); }

bool Vcard4Sync::granted(std::string_view jid) const {
    const auto d = domain_of(jid);
    return !d.empty() && granted_.count(std::string(d)) > 0;
}

namespace {
constexpr Claim kClaims[] = {
    {"message", "privilege", ns::privilege, To::server_link},
    {"iq", {}, {}, To::server_link, "result"},
    {"iq", {}, {}, To::server_link, "error"},
};
}  // namespace

std::span<const Claim> Vcard4Sync::claims() const { return kClaims; }

bool Vcard4Sync::handle(const StanzaContext& context, HandlerOutcome& out) {
    if (!handle(context.stanza)) return false;
    out.logged = true;
    return true;
}

bool Vcard4Sync::handle(const XmlElement& stanza) {
    const PrivilegeGrant grant = privilege_advertisement(stanza, settings_.local_domains);
    if (grant.status == PrivilegeGrant::Status::untrusted) {
        log::event(log::Level::warn, "xmpp.privilege_ignored", "not from the server",
                   {{"stanza_id", stanza.attr_or("id")}, {"peer", stanza.attr_or("from")}});
        return true;
    }
    if (grant.status == PrivilegeGrant::Status::ok) {
        std::string list;
        for (const auto& n : grant.iq_namespaces) list += (list.empty() ? "" : ",") + n;
        log::event(log::Level::info, "xmpp.privilege_advertised", "",
                   {{"peer", grant.server}, {"iq_namespaces", list}});
        if (!settings_.enabled) return true;
        if (!grant.pubsub_get || !grant.pubsub_set) {
            if (!reported_ungranted_) {
                reported_ungranted_ = true;
                log::event(log::Level::info, "xmpp.vcard4_not_guaranteed",
                           "the server grants no privileged pubsub get and set: users' vCard4 "
                           "may lack their SIP address; " +
                               std::string(how_to_enable),
                           {{"peer", grant.server}});
            }
            return true;
        }
        granted_.insert(grant.server);
        start_full_pass();
        return true;
    }
    if (stanza.name == "iq") {
        const std::string_view type = stanza.attr_or("type");
        if (type == "result" || type == "error") {
            const auto it = requests_.find(std::string(stanza.attr_or("id")));
            if (it != requests_.end() &&
                text::ascii_lower(stanza.attr_or("from")) == it->second.jid) {
                on_answer(it->first, stanza);
                return true;
            }
        }
    }
    return false;
}

void Vcard4Sync::on_stream_ready(Send send) {
    send_ = std::move(send);
    granted_.clear();
    const auto connection = ++connection_;
    if (!settings_.enabled || reported_ungranted_) return;
    defer_(settings_.grant_wait, [weak = weak_from_this(), connection] {
        if (auto self = weak.lock()) self->check_granted(connection);
    });
}

void Vcard4Sync::check_granted(std::uint64_t connection) {
    if (connection != connection_ || !send_ || !granted_.empty() || reported_ungranted_) return;
    reported_ungranted_ = true;
    log::event(log::Level::info, "xmpp.vcard4_not_guaranteed",
               "the server advertised no privilege (XEP-0356) after the handshake: users' vCard4 "
               "may lack their SIP address; " +
                   std::string(how_to_enable));
}

void Vcard4Sync::on_stream_lost() {
    send_ = nullptr;
    granted_.clear();
    // Unanswered requests die with the connection: their users are redone first once the
    // next connection is granted (a full pass follows anyway).
    for (auto& [id, request] : requests_) {
        auto it = pending_.find(request.jid);
        if (it == pending_.end() || !it->second.in_flight) continue;
        it->second.in_flight = false;
        it->second.again = false;
        queue_.push_front(request.jid);
    }
    requests_.clear();
    cursor_.reset();
    cursor_end_.reset();
    pass_snapshot_.reset();
}

void Vcard4Sync::snapshot_published(std::shared_ptr<const store::Snapshot> snapshot) {
    if (!settings_.enabled || !snapshot) return;
    std::vector<Change> changes;
    {
        std::lock_guard lock(watch_mutex_);
        if (!watched_) {
            watched_ = std::move(snapshot);
            return;
        }
        // Not by generation: a store file restored from a backup is published with a counter
        // no higher than the live one's. An older snapshot (main() passes the current one
        // while the watcher may already have passed a newer one) costs only a look at the
        // users it differs in, each synced to the current snapshot.
        if (snapshot == watched_) return;
        changes = changed_users(*watched_, *snapshot, settings_.local_domains);
        watched_ = std::move(snapshot);
    }
    if (changes.empty()) return;
    const bool full = changes.size() > settings_.max_queued;
    if (full) changes.clear();
    post_([weak = weak_from_this(), changes = std::move(changes), full]() mutable {
        if (auto self = weak.lock()) self->enqueue(std::move(changes), full);
    });
}

void Vcard4Sync::enqueue(std::vector<Change> changes, bool full) {
    for (auto& c : changes) {
        auto [it, inserted] = pending_.try_emplace(c.jid);
        if (inserted) {
            it->second.previous = std::move(c.previous);
            queue_.push_back(c.jid);
        } else if (it->second.in_flight) {
            it->second.again = true;
        }
        // Already queued: its earlier `previous` is what the vCard was last synced to.
    }
    if (full || queue_.size() > settings_.max_queued) {
        log::event(log::Level::info, "xmpp.vcard4_bulk_change",
                   "many bindings changed at once: checking every user's vCard4 instead",
                   {{"queued", std::to_string(queue_.size())}});
        for (auto it = pending_.begin(); it != pending_.end();) {
            it = it->second.in_flight ? std::next(it) : pending_.erase(it);
        }
        queue_.clear();
        start_full_pass();
        return;
    }
    pump();
}

bool Vcard4Sync::resync_all() {
    if (!send_ || granted_.empty()) return false;
    too_large_.clear();
    start_full_pass();
    return true;
}

void Vcard4Sync::start_full_pass() {
    if (granted_.empty()) return;  // the next grant starts one
    pass_snapshot_ = source_();
    cursor_ = pass_snapshot_->all().begin();
    cursor_end_ = pass_snapshot_->all().end();
    pump();
}

void Vcard4Sync::pump() {
    while (send_ && !granted_.empty() && requests_.size() < settings_.max_in_flight) {
        if (!queue_.empty()) {
            const std::string jid = std::move(queue_.front());
            queue_.pop_front();
            const auto it = pending_.find(jid);
            if (it == pending_.end() || it->second.in_flight) continue;
            if (!granted(jid) || known_too_large(jid, *source_())) {
                pending_.erase(it);  // not granted, or known too large: nothing to do now
                continue;
            }
            it->second.in_flight = true;
            start(jid);
            continue;
        }
        if (cursor_ && *cursor_ != *cursor_end_) {
            std::string jid((**cursor_).jid);
            ++*cursor_;
            if (!granted(jid) || pending_.count(jid) || known_too_large(jid, *pass_snapshot_)) {
                continue;
            }
            pending_[jid].in_flight = true;
            start(jid);
            continue;
        }
        if (cursor_) {
            cursor_.reset();
            cursor_end_.reset();
            pass_snapshot_.reset();
        }
        break;
    }
}

void Vcard4Sync::start(const std::string& jid) {
    const std::string id = next_id();
    requests_[id] = Request{jid, false, {}, std::nullopt};
    send_(vcard4_get_request(settings_.domain, jid, id));
}

void Vcard4Sync::on_answer(std::string id, const XmlElement& stanza) {
    auto node = requests_.extract(id);
    Request request = std::move(node.mapped());
    if (!request.publish) return on_fetched(id, std::move(request), stanza);
    const std::string error = read_vcard4_publish(stanza);
    if (!error.empty()) {
        fail(id, request.jid, "publish", error);
        return finish(request.jid, std::nullopt);
    }
    counters_.published.add();
    log::event(log::Level::info, "xmpp.vcard4_published", request.detail,
               {{"stanza_id", id}, {"jid", request.jid}});
    finish(request.jid, request.used);
}

void Vcard4Sync::on_fetched(const std::string& id, Request request, const XmlElement& stanza) {
    counters_.fetched.add();
    if (too_large(stanza)) {
        remember_too_large(id, request.jid);
        return finish(request.jid, std::nullopt);
    }
    const Vcard4Fetch fetched = read_vcard4_fetch(stanza);
    if (fetched.status == Vcard4Fetch::Status::failed) {
        fail(id, request.jid, "get", fetched.error);
        return finish(request.jid, std::nullopt);
    }
    std::optional<store::Binding> binding;
    const auto snapshot = source_();
    if (const auto* b = snapshot->by_jid(request.jid)) binding = owned(*b);
    const auto pending = pending_.find(request.jid);
    const store::Binding* previous = pending != pending_.end() && pending->second.previous
                                         ? &*pending->second.previous
                                         : nullptr;
    const bool found = fetched.status == Vcard4Fetch::Status::found;
    Vcard4Merge merge = merge_vcard4(found ? &fetched.vcard : nullptr,
                                     binding ? &*binding : nullptr, previous, settings_.guard);
    if (!merge.publish) {
        counters_.unchanged.add();
        log::event(log::Level::debug, "xmpp.vcard4_unchanged", "",
                   {{"stanza_id", id}, {"jid", request.jid}});
        return finish(request.jid, binding);
    }
    const std::string publish_id = next_id();
    const bool open_node = !found && !fetched.node_exists;
    send_(vcard4_publish_request(settings_.domain, request.jid, publish_id, merge.vcard,
                                 found && !fetched.item_id.empty() ? fetched.item_id : "current",
                                 open_node));
    requests_[publish_id] = Request{request.jid, true, std::move(merge.detail), std::move(binding)};
}

void Vcard4Sync::fail(const std::string& id, const std::string& jid, std::string_view step,
                      const std::string& error) {
    counters_.failed.add();
    log::event(log::Level::warn, "xmpp.vcard4_failed", error,
               {{"stanza_id", id}, {"jid", jid}, {"step", step}});
}

void Vcard4Sync::remember_too_large(const std::string& id, const std::string& jid) {
    counters_.failed.add();
    std::optional<store::Binding> binding;
    if (const auto* b = source_()->by_jid(jid)) binding = owned(*b);
    too_large_[jid] = std::move(binding);
    log::event(log::Level::warn, "xmpp.vcard4_too_large",
               "the user's vCard4 is larger than max_stanza_size or nested deeper than the "
               "component keeps: not synced until their binding changes or `cusaxctl sync-vcards`",
               {{"stanza_id", id}, {"jid", jid}, {"step", "get"}});
}

// Whether the user's vCard4 was too large for the binding they still have; one whose binding
// changed since is forgotten and tried again.
bool Vcard4Sync::known_too_large(const std::string& jid, const store::Snapshot& snapshot) {
    const auto it = too_large_.find(jid);
    if (it == too_large_.end()) return false;
    const auto* now = snapshot.by_jid(jid);
    const auto& then = it->second;
    if (now && then ? same_tels(*now, *then) : !now && !then) return true;
    too_large_.erase(it);
    return false;
}

void Vcard4Sync::finish(const std::string& jid, const std::optional<store::Binding>& used) {
    const auto it = pending_.find(jid);
    if (it != pending_.end()) {
        if (it->second.again) {
            it->second.again = false;
            it->second.in_flight = false;
            if (used) it->second.previous = used;
            queue_.push_back(jid);
        } else {
            pending_.erase(it);
        }
    }
    pump();
}

}  // namespace cusax::xmpp
