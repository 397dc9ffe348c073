#pragma once
// The vCards of the server's own users, delegated to the component (XEP-0355; policy:
// vcard_delegation.hpp): the server's advertisement of what it delegates, and each forwarded
// vcard-temp iq, answered from the vCard store merged with the user's binding. Adapter: reads
// and writes the vCard store (the values an owner's get shows are remembered there before the
// get is answered) and, when a set stops listing a mutual binding's AOR, the binding store;
// writes its own log line per delegated stanza.
//
// Threads: handle() and the stream's events run on the stream's thread, which never waits for
// a database: a delegated iq that needs the stores is handed to the store jobs (StoreWorker,
// store_worker.hpp), answered there, and its reply sent from the stream's thread once that is
// done. A reply made while no stream is up is held and sent on the next one: the server keeps a
// forwarded iq by the component's JID and the iq's id, not by the connection it went out on,
// and keeps no timer (Prosody's mod_delegation), so the user waits for that answer; a server
// restarted since ignores a result whose id it does not know. The stores are used on the jobs'
// thread alone. When too many requests wait already, or the store is unreachable, the answer
// is an error the client may retry (resource-constraint, internal-server-error; both of type
// wait). When the stream is about to close (SIGTERM), it stays up until every request handed
// to the jobs is answered (ComponentStream bounds this by close_timeout plus store_call_wait).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shared/counters/counters.hpp"
#include "shared/store/binding_store.hpp"
#include "xmpp-component/component_counters.hpp"
#include "xmpp-component/feature_handler.hpp"
#include "xmpp-component/store_worker.hpp"
#include "xmpp-component/vcard_delegation.hpp"
#include "xmpp-component/vcard_store.hpp"

namespace cusax::xmpp {

struct DelegationStores {
    // Where the vCards go; without one, gets are answered from the bindings alone (on the
    // stream's thread: no store is asked) and sets refused.
    std::shared_ptr<VcardStore> vcards;
    // A connection of the jobs' own to the binding store, through which a vCard set that stops
    // listing a mutual binding's AOR drops it to unverified (RFC 7081 §3.3). Optional.
    std::shared_ptr<store::BindingStore> bindings;
    // Where both are used: required with vcards.
    std::unique_ptr<StoreJobs> jobs;
    // Counts the error conditions of the replies sent later (the router counts the request
    // when it is handed over). Optional.
    counters::Registry* registry = nullptr;
    // When the stream is about to close: how long requests already handed to the jobs may
    // still wait to be started; those started later are answered service-unavailable (wait)
    // without the store, so that the stream's drain (close_timeout plus one store call,
    // ComponentSettings::store_call_wait) ends with every one answered. main.cpp: the
    // stream's close_timeout.
    std::chrono::milliseconds start_wait_when_closing{2000};
};

class DelegationFeature final : public FeatureHandler {
  public:
    DelegationFeature() = default;
    explicit DelegationFeature(DelegationStores stores);
    // The store jobs first: the one under way may still use the stores.
    ~DelegationFeature() override;

    std::span<const Claim> claims() const override;
    const DiscoShare& disco() const override { return share_; }
    bool handle(const StanzaContext& c, HandlerOutcome& out) override;
    void on_stream_ready(Send send) override;
    void on_stream_lost() override;
    // done once every request handed to the store jobs has been answered (one taken on a
    // connection gone since too: the server still waits for it); a delegated request that needs
    // the store and comes meanwhile is answered at once, service-unavailable (wait): the
    // component is stopping. Those handed over and not started within start_wait_when_closing
    // are answered the same, without the store.
    void on_stream_closing(Done done) override;
    bool owes_answers() const override { return !owed_.empty() || !held_.empty(); }

  private:
    struct Request;
    struct Answer {
        DelegatedVcardOutcome outcome;
        bool unreachable = false;
    };
    Answer answer(const Request& r, StoreJobs::Access access);
    void drop_mutual(const store::BindingView& binding, const XmlElement& inner);
    XmlElement finish(const Request& r, DelegatedVcardOutcome outcome);
    void answer_now(const Request& r, DelegatedVcardOutcome outcome, HandlerOutcome& out);
    void deliver(XmlElement reply, std::string_view error, const std::string& stanza_id);

    DiscoShare share_ = delegation_nodes();
    DelegationStores stores_;
    std::optional<DirectoryCounters> counters_;
    // Stream thread only.
    Send send_;
    // The stanza ids of the requests handed to the store jobs and not yet answered, in the
    // order they came: named in the log if the stream ends first.
    std::vector<std::string> owed_;
    // Replies made while no stream was up, with their stanza ids: sent on the next one.
    std::vector<std::pair<std::string, XmlElement>> held_;
    bool closing_ = false;
    Done closing_done_;  // called once owed_ is empty

    static DiscoShare delegation_nodes();
};

}  // namespace cusax::xmpp
