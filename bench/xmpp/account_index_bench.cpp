// What the component pays for its account index (account_index.hpp) at N bindings: building it
// for a snapshot (time, resident memory added), and the time from a one-binding change to the
// component answering for that binding, done as the daemon does it: Snapshot::apply of the
// change (the store watcher's incremental refresh), then StanzaRouter::refresh() (the watcher's
// on_publish callback in main.cpp), then a disco#info to the new account through the router.
//   cusax_account_index_bench [N [CHANGES]]      (default N = 1000000, CHANGES = 20)
// The bindings are those bench/store/run-store-bench imports. Uses only the router's public
// interface, so the same file measures the index before and after a change to it. Prints one
// "name value unit" line per figure.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "../resident_memory.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "shared/counters/counters.hpp"
#include "shared/log/log.hpp"
#include "shared/store/snapshot.hpp"
#include "shared/xml/xml_stream_parser.hpp"
#include "xmpp-component/handler_list.hpp"
#include "xmpp-component/stanza_router.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace cusax;

constexpr const char* kDomain = "sip.example.com";

using cusax::bench_support::resident_kib;

void give_back_freed_pages() {
#if defined(__GLIBC__)
    malloc_trim(0);  // as the store watcher does after a full load
#endif
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// bench/store/run-store-bench's CSV, as Bindings: one in five verified, every one with a
// number, one in ten with video.
store::Binding generated(long i) {
    store::Binding b;
    b.aor = "sip:user" + std::to_string(i) + "@sip.example.com";
    b.jid = "user" + std::to_string(i) + "@xmpp.example.com";
    b.display_name = "User " + std::to_string(i);
    char number[32];
    std::snprintf(number, sizeof number, "+1555%07ld", i);
    b.numbers = {store::PhoneNumber{number, true, i % 10 == 0}};
    b.verification = i % 5 == 0 ? store::Verification::Admin : store::Verification::Unverified;
    return b;
}

xmpp::XmlElement parse(const std::string& wire) {
    std::vector<xmpp::XmlElement> out;
    xmpp::XmlStreamParser parser(
        {}, {nullptr, [&](xmpp::XmlElement&& e) { out.push_back(std::move(e)); }, nullptr});
    parser.feed(
        "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
        "xmlns='jabber:component:accept' id='x'>");
    parser.feed(wire);
    if (out.size() != 1) throw std::runtime_error("cannot parse " + wire);
    return std::move(out.front());
}

// Whether the component answers a disco#info to the account as an existing one.
bool answers_for(xmpp::StanzaRouter& router, const std::string& user) {
    const auto replies = router.handle(
        parse("<iq type='get' id='bench' from='tester@xmpp.example.com/r' to='" + user + "@" +
              kDomain + "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"));
    return !replies.empty() && replies.front().attr_or("type") == "result";
}

int bench(long count, int changes) {
    std::vector<store::Binding> bindings;
    bindings.reserve(static_cast<std::size_t>(count));
    for (long i = 0; i < count; ++i) bindings.push_back(generated(i));
    std::shared_ptr<const store::Snapshot> current = store::Snapshot::build(std::move(bindings), 1);
    give_back_freed_pages();
    const long rss_snapshot = resident_kib();

    xmpp::DirectorySettings settings;
    settings.domain = kDomain;
    settings.local_domains = {"xmpp.example.com"};
    counters::Registry registry;
    xmpp::DirectoryFeatures directory;
    auto start = Clock::now();
    xmpp::StanzaRouter router([&current] { return current; }, settings, xmpp::SearchLimits{},
                              registry, xmpp::handler_list(nullptr, nullptr, directory));
    const double build_s = seconds_since(start);
    give_back_freed_pages();
    const long rss_index = resident_kib();
    if (!answers_for(router, "user" + std::to_string(count / 2))) {
        std::fprintf(stderr, "no answer for an account of the first snapshot\n");
        return 1;
    }

    std::vector<double> applies, refreshes, answered;
    for (int i = 0; i < changes; ++i) {
        const std::string user = "bench" + std::to_string(i);
        store::Binding added;
        added.aor = "sip:" + user + "@sip.example.com";
        added.jid = user + "@xmpp.example.com";
        start = Clock::now();
        current = store::Snapshot::apply(*current, {store::BindingChange{added.aor, added}},
                                         current->generation() + 1);
        applies.push_back(seconds_since(start));
        const auto refresh_start = Clock::now();
        router.refresh();
        refreshes.push_back(seconds_since(refresh_start));
        if (!answers_for(router, user)) {
            std::fprintf(stderr, "no answer for %s after its change\n", user.c_str());
            return 1;
        }
        answered.push_back(seconds_since(start));
    }
    // A removal is answered for too: the account is gone.
    current = store::Snapshot::apply(
        *current, {store::BindingChange{"sip:bench0@sip.example.com", std::nullopt}},
        current->generation() + 1);
    router.refresh();
    if (answers_for(router, "bench0")) {
        std::fprintf(stderr, "a removed account is still answered for\n");
        return 1;
    }
    give_back_freed_pages();

    std::printf("bindings %ld count\n", count);
    std::printf("index_build %.3f s\n", build_s);
    std::printf("resident_memory_snapshot %.1f MiB\n", rss_snapshot / 1024.0);
    std::printf("resident_memory_index_added %.1f MiB\n", (rss_index - rss_snapshot) / 1024.0);
    std::printf("snapshot_apply_median %.3f ms\n", median(applies) * 1000);
    std::printf("index_refresh_median %.4f s\n", median(refreshes));
    std::printf("index_refresh_max %.4f s\n",
                refreshes.empty() ? 0 : *std::max_element(refreshes.begin(), refreshes.end()));
    std::printf("change_to_answer_median %.4f s\n", median(answered));
    std::printf("resident_memory_after_changes %.1f MiB\n", resident_kib() / 1024.0);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const long count = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1'000'000;
    const int changes = argc > 2 ? std::atoi(argv[2]) : 20;
    // The router logs each answer at info: not part of the figures.
    cusax::log::setup(
        {"account-index-bench", cusax::log::Level::warn, cusax::log::Format::text, ""});
    try {
        return bench(count, changes);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cusax_account_index_bench: %s\n", e.what());
        return 1;
    }
}
