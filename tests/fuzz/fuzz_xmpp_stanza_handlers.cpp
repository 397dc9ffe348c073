// Any bytes as stanzas of the component stream (after its header), parsed by the component's
// own stream parser, each handed to the component's stanza dispatch (the router over every
// feature as main.cpp lists them: vcard-temp get and set, delegated and direct, vCard4, disco,
// reachability, search, reverse look-up) over a fixed snapshot and an empty vCard store.
// Invariants:
// - every iq get or set gets exactly one result or error reply with its id, and an iq result
//   or error gets none (RFC 6120 §8.2.3);
// - an unverified binding's JID is in no reply unless the stanza itself carried it, and is
//   never linked in a reply to the binding's SIP address or number the stanza did not carry
//   (the SIP account's own vCard shows those: README, "Verification states");
// - every reply, written as the stream writes it, parses again as one stanza that writes the
//   same way.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../unit/xmpp_component/test_router.hpp"
#include "fuzz_support.hpp"
#include "shared/log/log.hpp"
#include "shared/store/snapshot.hpp"
#include "shared/xml/namespaces.hpp"
#include "shared/xml/xml_stream_parser.hpp"
#include "xmpp-component/vcard_store.hpp"

namespace {

using cusax::fuzz::violated;

using namespace cusax::xmpp;
using cusax::store::Verification;

constexpr std::string_view kHeader =
    "<stream:stream xmlns='jabber:component:accept' "
    "xmlns:stream='http://etherx.jabber.org/streams' id='fuzz' from='sip.example.com'>";
constexpr std::size_t kMaxStanzas = 8;

// The unverified binding (carol) in the forms that may never leak, folded (see folded()): its
// JID, bare and as escaped into a JID of the component's domain (XEP-0106), and its SIP
// address and number, which the component shows for the SIP account (README, "Verification
// states") but never linked to the JID.
constexpr std::string_view kUnverifiedJids[] = {"carol@xmppexamplecom", "carol\\40xmppexamplecom"};
constexpr std::string_view kUnverifiedSip[] = {"carol@sipexamplecom", "4930555777"};

cusax::store::Binding binding(std::string aor, std::string jid, std::string name,
                              std::string number, Verification v) {
    cusax::store::Binding b;
    b.aor = std::move(aor);
    b.jid = std::move(jid);
    b.display_name = std::move(name);
    b.numbers = {{std::move(number), true, true}};
    b.verification = v;
    return b;
}

std::shared_ptr<const cusax::store::Snapshot> snapshot() {
    static const auto s = cusax::store::Snapshot::build(
        {binding("sip:alice@sip.example.com", "alice@xmpp.example.com", "Alice", "+4930123456",
                 Verification::Admin),
         binding("sip:dave@pbx.example.org", "dave@xmpp.example.com", "Dave", "+4940111222",
                 Verification::Mutual),
         binding("sip:carol@sip.example.com", "carol@xmpp.example.com", "Carol", "+4930555777",
                 Verification::Unverified)},
        1);
    return s;
}

DirectorySettings settings() {
    DirectorySettings s;
    s.domain = "sip.example.com";
    s.local_domains = {"xmpp.example.com", "partner.example"};
    s.trusted_servers = {"xmpp.example.com"};
    return s;
}

std::vector<XmlElement> parse(std::string_view header, std::string_view body, bool* failed) {
    std::vector<XmlElement> out;
    XmlStreamParser parser({}, {.on_stream_open = {},
                                .on_stanza = [&](XmlElement&& e) { out.push_back(std::move(e)); },
                                .on_stream_close = {},
                                .on_stanza_skipped = {}});
    const bool ok = parser.feed(header) && parser.feed(body);
    if (failed) *failed = !ok;
    return out;
}

// Lower case without the separators numbers and names are written with.
std::string folded(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::strchr(" -.()/\t", c)) continue;
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

bool is_reply_to(const XmlElement& reply, const std::string* id) {
    if (reply.name != "iq") return false;
    const std::string_view type = reply.attr_or("type");
    if (type != "result" && type != "error") return false;
    const std::string* rid = reply.attr("id");
    return id ? rid && *rid == *id : !rid;
}

void check(const XmlElement& stanza, std::string_view input, testing::Router& router) {
    const std::vector<XmlElement> replies = router.handle(stanza);

    if (stanza.name == "iq") {
        const std::string_view type = stanza.attr_or("type");
        const std::string* id = stanza.attr("id");
        const auto count = std::count_if(replies.begin(), replies.end(),
                                         [&](const XmlElement& r) { return is_reply_to(r, id); });
        const bool request = type == "get" || type == "set";
        if (request && count != 1)
            violated("an iq get or set without exactly one reply", stanza.serialize());
        if ((type == "result" || type == "error") && count != 0)
            violated("an iq result or error answered", stanza.serialize());
    }

    const std::string asked = folded(stanza.serialize()) + "\n" + folded(input);
    auto carried = [&](std::string_view token) { return asked.find(token) != std::string::npos; };
    for (const XmlElement& reply : replies) {
        const std::string written = reply.serialize(ns::component);
        const std::string seen = folded(written);
        auto shown = [&](std::string_view token) { return seen.find(token) != std::string::npos; };
        for (std::string_view jid : kUnverifiedJids) {
            if (!shown(jid)) continue;
            if (!carried(jid)) violated("an unverified binding's JID in a reply", written);
            for (std::string_view sip : kUnverifiedSip)
                if (shown(sip) && !carried(sip))
                    violated("an unverified binding's JID linked to its SIP address", written);
        }

        bool failed = false;
        const auto again = parse(kHeader, written, &failed);
        if (failed || again.size() != 1) violated("a reply that does not parse again", written);
        if (again.front().serialize(ns::component) != written)
            violated("a reply that does not write the same once parsed", written);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cusax::fuzz::quiet_logs();
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::vector<XmlElement> stanzas = parse(kHeader, input, nullptr);
    if (stanzas.empty()) return 0;

    // A fresh component per input (an in-memory vCard store), so that every run is the same;
    // the stanzas of one input share it, so that a set is seen by the get after it.
    cusax::counters::Registry registry;
    SearchLimits unlimited;
    unlimited.burst = 1e9;
    testing::Router router([] { return snapshot(); }, settings(), unlimited, registry,
                           std::make_shared<VcardStore>(":memory:"));
    for (std::size_t i = 0; i < stanzas.size() && i < kMaxStanzas; ++i)
        check(stanzas[i], input, router);
    return 0;
}
