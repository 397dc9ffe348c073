#pragma once
// One feature of the component, as the stanza router (stanza_routing.hpp) sees it: which
// stanzas it claims, what it adds to the disco#info and disco#items of the addresses it serves
// (XEP-0030), and its answer. The router asks the features in the order of one list
// (handler_list.hpp) and disco is built from that list, so that what is advertised is what is
// answered.
#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shared/store/binding_view.hpp"
#include "shared/xml/xml_element.hpp"
#include "xmpp-component/account_index.hpp"
#include "xmpp-component/directory_settings.hpp"
#include "xmpp-component/query_kind.hpp"
#include "xmpp-component/rate_limiter.hpp"

namespace cusax::xmpp {

class FeatureHandler;

// Whom a claimed stanza is for.
enum class To : std::uint8_t {
    // The server's own traffic on the component link (XEP-0355 delegations, XEP-0356 grants,
    // answers to the component's own requests): asked before the router's addressing checks,
    // whatever the stanza's from and to.
    server_link,
    domain,             // the component's domain
    account,            // an account of the current snapshot
    domain_or_account,  // either
};

// A stanza a feature answers: its element, the payload child it carries (empty: any) in its
// namespace, whom it is for and, for an iq, its type (empty: get or set).
struct Claim {
    std::string_view stanza;
    std::string_view payload;
    std::string_view xmlns;
    To to;
    std::string_view iq_type = {};
};

struct DiscoIdentity {
    std::string_view category;
    std::string_view type;
    std::string_view name;  // empty: none
};
struct DiscoNode {
    std::string node;
    std::vector<DiscoIdentity> identities;
    std::vector<std::string_view> features;
};
// What a feature adds to disco. Features are listed in the order of the handler list.
struct DiscoShare {
    std::vector<std::string_view> domain_features;
    std::vector<std::string_view> account_features;
    std::vector<DiscoIdentity> account_identities;  // after the account's own
    // Nodes of the domain a disco#info may ask about (not listed in its disco#items).
    std::vector<DiscoNode> domain_nodes;
    // Nodes of each account: listed in its disco#items, one item each.
    std::vector<DiscoNode> account_nodes;
};

// Whom the stanza is addressed to, resolved once by the router.
struct Target {
    enum class Kind { domain, account, unknown_account, elsewhere };
    Kind kind = Kind::elsewhere;
    const store::BindingView* binding = nullptr;  // an account's
    std::string jid;                              // bare, as addressed (domain or account)
};

// What a feature reads: the stanza and the state it is answered against.
struct StanzaContext {
    const XmlElement& stanza;
    const AccountIndex& accounts;
    const DirectorySettings& settings;
    TokenBucketLimiter& limiter;  // searches and account listings, per requester
    TokenBucketLimiter::Clock::time_point now;
    std::span<FeatureHandler* const> handlers;  // the router's list, for disco
    Target target;

    std::string requester_bare() const;
    // Whether the requester is a user of one of the local domains.
    bool requester_is_local() const;
};

struct HandlerOutcome {
    std::vector<XmlElement> replies;
    QueryKind query = QueryKind::none;
    std::string_view kind;   // what was asked, finer: "vcard-temp", "search", "presence", ...
    std::string_view error;  // stanza error condition sent back, empty when none
    std::string aor;         // the binding concerned, when there is one
    bool routine = false;    // pings, ignored stanzas: not worth an info log line
    bool logged = false;     // the feature wrote its own log line
    // The feature answers later, through the Send it was given (work it does away from the
    // stream's thread: delegation_feature.hpp), so no reply now is no failure to answer.
    bool deferred = false;

    // An iq result to the stanza carrying payload.
    void result(const XmlElement& stanza, XmlElement payload);
    // RFC 6120 §8.3: an error reply with this condition.
    void refuse(const XmlElement& stanza, std::string_view condition, std::string_view type,
                std::string_view text = {});
};

class FeatureHandler {
  public:
    virtual ~FeatureHandler() = default;

    virtual std::span<const Claim> claims() const = 0;
    virtual const DiscoShare& disco() const;

    // Answers a stanza one of claims() matched. false: not this feature's after all (the
    // router asks the next one).
    virtual bool handle(const StanzaContext& context, HandlerOutcome& out) = 0;

    // Sends a stanza of the feature's own (a request, not a reply) on the current connection.
    using Send = std::function<void(XmlElement)>;
    // The handshake succeeded: from now on the feature may send requests, whose answers come
    // back through handle().
    virtual void on_stream_ready(Send /*send*/) {}
    // The connection is gone: nothing sent on it will be answered.
    virtual void on_stream_lost() {}
    // The stream is about to close: `done` once the feature owes no answer to a request it
    // has taken (StanzaHandler::on_stream_closing).
    using Done = std::function<void()>;
    virtual void on_stream_closing(Done done) { done(); }
    // StanzaHandler::owes_answers.
    virtual bool owes_answers() const { return false; }
};

}  // namespace cusax::xmpp
