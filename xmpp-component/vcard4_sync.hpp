#pragma once
// Adapter that keeps the guaranteed tel fields in the vCard4 (XEP-0292 PEP node) of the XMPP
// server's own users, through XEP-0356 privileged iq (policy: pep_vcard4.hpp).
//
// A feature of the handler list (handler_list.hpp) that claims only the server's own traffic:
// its privilege advertisement and the answers to the component's own requests.
//
// When: after each handshake, once the server's bare domain grants the pubsub namespace (get
// and set), every bound user of that domain; then, when the store watcher publishes a new
// snapshot, the users whose binding's tels changed (or who lost their binding: the tels this
// component put there are removed). For each user: a get, then a publish only when something
// is missing (no publish storm), at most max_in_flight users at a time, the rest queued.
//
// A user whose vCard4 comes back too large for the stream (max_stanza_size: the stream hands
// the answer over as a policy-violation error) cannot be synced, and reading it again would
// fail again: the user is remembered with their binding, logged once, and left alone until
// that binding changes or an operator asks for every user again (resync_all).
//
// Threads: everything runs on the stream's thread, except snapshot_published(), which may be
// called on any (the store watcher's): it works out the changed users there and hands them
// over through `post`.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "shared/counters/counters.hpp"
#include "shared/store/binding.hpp"
#include "shared/store/snapshot.hpp"
#include "xmpp-component/component_counters.hpp"
#include "xmpp-component/feature_handler.hpp"
#include "xmpp-component/pep_vcard4.hpp"

namespace cusax::xmpp {

struct Vcard4SyncSettings {
    bool enabled = true;                     // [xmpp-component] vcard4_sync
    std::string domain;                      // the component's
    std::vector<std::string> local_domains;  // the servers' bare domains, lower-case
    VcardGuard guard = VcardGuard::refuse;   // vcard_guard: correct also drops foreign sip: tels
    std::size_t max_in_flight = 16;          // users being read or published at once
    // A bulk change (an import) of more users than this is synced as a full pass instead of
    // queued user by user, so that the queue stays bounded.
    std::size_t max_queued = 4096;
    // How long after a handshake a missing grant is reported (once per process).
    std::chrono::milliseconds grant_wait{5000};
};

class Vcard4Sync : public FeatureHandler, public std::enable_shared_from_this<Vcard4Sync> {
  public:
    using SnapshotSource = std::function<std::shared_ptr<const store::Snapshot>()>;
    // Runs a function on the stream's thread (asio::post in main.cpp).
    using Post = std::function<void(std::function<void()>)>;
    // Runs a function on the stream's thread after a delay; a later call may replace it.
    using Defer = std::function<void(std::chrono::milliseconds, std::function<void()>)>;

    Vcard4Sync(SnapshotSource source, Vcard4SyncSettings settings, Post post, Defer defer,
               counters::Registry& registry);

    std::span<const Claim> claims() const override;
    // The grant (ignored when not from the server), or an answer to one of its requests; any
    // other iq response is declined.
    bool handle(const StanzaContext& context, HandlerOutcome& out) override;
    // The same, for a stanza alone: true when it was this feature's.
    bool handle(const XmlElement& stanza);
    void on_stream_ready(Send send) override;
    void on_stream_lost() override;

    // A new snapshot is current (any thread). The first call only records it.
    void snapshot_published(std::shared_ptr<const store::Snapshot> snapshot);

    // An operator's request (`cusaxctl sync-vcards`, SIGUSR2; stream thread): every bound user
    // again, as after a grant, for the edits users made to their own vCard4 meanwhile (the
    // server does not tell the component about those), those whose vCard4 was too large
    // included. Returns false when it cannot run now (not connected, or no grant yet: the next
    // grant starts a full pass anyway).
    bool resync_all();

    struct Change {
        std::string jid;
        std::optional<store::Binding> previous;  // the binding before the change, if any
    };

  private:
    struct Pending {
        std::optional<store::Binding> previous;
        bool in_flight = false;
        bool again = false;  // changed while in flight: redo once it is done
    };
    struct Request {
        std::string jid;
        bool publish = false;
        std::string detail;  // a publish: what it changes
        std::optional<store::Binding> used;
    };
    using Cursor = decltype(std::declval<const store::Snapshot&>().all().begin());

    void enqueue(std::vector<Change> changes, bool full);
    void start_full_pass();
    void pump();
    bool granted(std::string_view jid) const;
    void start(const std::string& jid);
    void on_answer(std::string id, const XmlElement& stanza);
    void on_fetched(const std::string& id, Request request, const XmlElement& stanza);
    void finish(const std::string& jid, const std::optional<store::Binding>& used);
    void fail(const std::string& id, const std::string& jid, std::string_view step,
              const std::string& error);
    void remember_too_large(const std::string& id, const std::string& jid);
    bool known_too_large(const std::string& jid, const store::Snapshot& snapshot);
    std::string next_id();
    void check_granted(std::uint64_t connection);

    SnapshotSource source_;
    Vcard4SyncSettings settings_;
    Post post_;
    Defer defer_;
    Vcard4SyncCounters counters_;

    // Stream thread only.
    Send send_;
    std::uint64_t connection_ = 0;
    std::set<std::string> granted_;  // domains whose grant covers pubsub get and set
    bool reported_ungranted_ = false;
    std::deque<std::string> queue_;
    std::unordered_map<std::string, Pending> pending_;      // queued or in flight, by JID
    std::unordered_map<std::string, Request> requests_;     // by stanza id
    std::shared_ptr<const store::Snapshot> pass_snapshot_;  // the full pass under way
    std::optional<Cursor> cursor_;
    std::optional<Cursor> cursor_end_;
    // Users whose vCard4 was too large to read, with their binding then (none: unbound).
    std::unordered_map<std::string, std::optional<store::Binding>> too_large_;
    std::uint64_t id_counter_ = 0;
    std::string id_prefix_;

    // The watcher's side.
    std::mutex watch_mutex_;
    std::shared_ptr<const store::Snapshot> watched_;
};

// The users of local_domains whose guaranteed tels differ between two snapshots, each with
// their binding in `before` (none when new). Looks only at the bindings that differ when
// `after` was applied to `before` (snapshot_diff.hpp), else at every binding of both.
std::vector<Vcard4Sync::Change> changed_users(const store::Snapshot& before,
                                              const store::Snapshot& after,
                                              const std::vector<std::string>& local_domains);

}  // namespace cusax::xmpp
