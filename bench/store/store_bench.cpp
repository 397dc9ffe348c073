// Measures what a daemon pays for the binding store: the full load a daemon does at start
// (through SnapshotWatcher, as the daemons do), the resident memory it then holds, look-ups per
// second, and how long a change made by cusaxctl in another process takes to be published.
//   cusax_store_bench [--profile routing] STORE [CUSAXCTL [CHANGES [CONFIG]]]
// STORE is a SQLite file, or "postgresql:" and a libpq conninfo; CONFIG, when given, is the INI
// cusaxctl reads the store from (-c) instead of --store (PostgreSQL needs it).
// --profile routing: the SIP proxy's snapshot (snapshot_profile.hpp) instead of the full one;
// only the load, memory, look-up and build figures, named with a "_routing" suffix (run it in
// a process of its own: memory freed by a first load would blur the second's).
// Prints one "name value unit" line per figure (bench/store/run-store-bench tabulates them).
// Uses only the store API that predates the incremental refresh, so the same file measures
// the code before and after it (the apply-only figure is printed when the API has it).
#include <spawn.h>

#include "../resident_memory.hpp"
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "shared/store/binding_store.hpp"
#include "shared/store/snapshot.hpp"
#include "shared/store/snapshot_watcher.hpp"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

using cusax::bench_support::resident_kib;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// Runs cusaxctl to add one binding; returns without waiting for it (the caller times the
// whole path, process start included, and reaps it).
pid_t spawn_add(const std::string& cusaxctl, const std::string& store, const std::string& config,
                int i) {
    const std::string aor = "sip:bench" + std::to_string(i) + "@sip.example.com";
    const std::string jid = "bench" + std::to_string(i) + "@xmpp.example.com";
    std::vector<std::string> args = {cusaxctl, "--store", store, "add", aor, jid};
    if (!config.empty()) args = {cusaxctl, "-c", config, "add", aor, jid};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, cusaxctl.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
        throw std::runtime_error("cannot run " + cusaxctl);
    }
    return pid;
}

}  // namespace

namespace {

#if __has_include("shared/store/snapshot_profile.hpp")
// The proxy's profile: what a snapshot of it costs and how fast it answers, beside the full
// figures of another run.
int bench_routing(const cusax::store::StoreSettings& settings) {
    using cusax::store::Snapshot;
    using cusax::store::SnapshotProfile;
    const long rss_before = resident_kib();
    auto start = Clock::now();
    cusax::store::SnapshotWatcher watcher([&] { return cusax::store::open_store(settings); },
                                          std::chrono::milliseconds(250), SnapshotProfile::routing);
    const double rebuild_s = seconds_since(start);
    const long rss_after = resident_kib();
    const auto snapshot = watcher.current();
    const auto count = snapshot->size();

    // A routing snapshot hands out no whole bindings: the keys come from the store.
    auto store = cusax::store::open_store(settings);
    std::vector<std::string> keys;
    {
        auto bindings = store->load_all();
        keys.reserve(bindings.size());
        for (auto& b : bindings) keys.push_back(std::move(b.aor));
    }
    std::shuffle(keys.begin(), keys.end(), std::mt19937(42));
    const std::size_t lookups = std::max<std::size_t>(1'000'000, count);
    std::size_t found = 0;
    start = Clock::now();
    for (std::size_t i = 0; i < lookups; ++i) {
        found += snapshot->route_by_aor(keys[i % count]).has_value();
    }
    const double lookup_s = seconds_since(start);
    if (found != lookups) {
        std::cerr << "look-ups missed: " << lookups - found << "\n";
        return 1;
    }
    keys = {};
    std::printf("bindings_routing %zu count\n", count);
    std::printf("rebuild_full_routing %.3f s\n", rebuild_s);
    std::printf("resident_memory_routing %.1f MiB\n", rss_after / 1024.0);
    std::printf("resident_memory_added_routing %.1f MiB\n", (rss_after - rss_before) / 1024.0);
    std::printf("snapshot_memory_bytes_routing %.1f MiB\n",
                snapshot->memory_bytes() / (1024.0 * 1024.0));
    std::printf("lookups_per_second_routing %.0f /s\n", lookups / lookup_s);
    start = Clock::now();
    auto bindings = store->load_all();
    const auto load_s = seconds_since(start);
    start = Clock::now();
    const auto built = Snapshot::build(std::move(bindings), 0, SnapshotProfile::routing);
    std::printf("load_all_routing %.3f s\n", load_s);
    std::printf("snapshot_build_routing %.3f s\n", seconds_since(start));
    return 0;
}
#endif

int bench(int argc, char** argv) {
    bool routing = false;
    bool usable = true;
    if (argc >= 3 && std::string(argv[1]) == "--profile") {
        const std::string profile = argv[2];
        usable = profile == "routing" || profile == "full";
        routing = profile == "routing";
        argv += 2;
        argc -= 2;
    }
    if (!usable || argc < 2 || argc > 5) {
        std::cerr << "usage: cusax_store_bench [--profile routing] STORE [CUSAXCTL [CHANGES "
                     "[CONFIG]]]\n";
        return 2;
    }
    using cusax::store::Snapshot;
    const std::string path = argv[1];
    const std::string config = argc == 5 ? argv[4] : "";
    cusax::store::StoreSettings settings;
    if (path.rfind("postgresql:", 0) == 0) {
        settings.backend = "postgresql";
        settings.conninfo = path.substr(11);
    } else {
        settings.path = path;
    }
#if __has_include("shared/store/snapshot_profile.hpp")
    if (routing) return bench_routing(settings);
#else
    if (routing) {
        std::cerr << "this build has no routing profile\n";
        return 2;
    }
#endif
    constexpr auto kInterval = std::chrono::milliseconds(250);  // refresh_interval's default
    const long rss_before = resident_kib();

    // What a daemon does at start: the watcher's first, synchronous, full load.
    auto start = Clock::now();
    cusax::store::SnapshotWatcher watcher([&] { return cusax::store::open_store(settings); },
                                          kInterval);
    const double rebuild_s = seconds_since(start);
    const long rss_after = resident_kib();
    const auto snapshot = watcher.current();
    const auto count = snapshot->size();

    // Look-ups by AOR in a random order (hits), the proxy's hot-path operation.
    std::vector<std::string> keys;
    keys.reserve(count);
    for (const auto& binding : snapshot->all()) keys.push_back(std::string(binding.aor));
    std::shuffle(keys.begin(), keys.end(), std::mt19937(42));
    const std::size_t lookups = std::max<std::size_t>(1'000'000, count);
    std::size_t found = 0;
    start = Clock::now();
    for (std::size_t i = 0; i < lookups; ++i) found += snapshot->by_aor(keys[i % count]) != nullptr;
    const double lookup_s = seconds_since(start);
    if (found != lookups) {
        std::cerr << "look-ups missed: " << lookups - found << "\n";
        return 1;
    }
    keys = {};
#if defined(__GLIBC__)
    malloc_trim(0);  // the keys were the bench's, not the daemon's: give their pages back
#endif

    std::printf("bindings %zu count\n", count);
    std::printf("rebuild_full %.3f s\n", rebuild_s);
    std::printf("resident_memory %.1f MiB\n", rss_after / 1024.0);
    std::printf("resident_memory_added %.1f MiB\n", (rss_after - rss_before) / 1024.0);
    std::printf("lookups_per_second %.0f /s\n", lookups / lookup_s);

    // A change from another process to the daemon answering with it: cusaxctl add, then wait
    // until the watcher's current snapshot finds the new AOR. Changes are spaced by a random
    // part of the poll interval so that they do not all land at the same point of it.
    if (argc >= 3) {
        const std::string cusaxctl = argv[2];
        const int changes = argc >= 4 ? std::stoi(argv[3]) : 10;
        std::mt19937 random(7);
        std::vector<double> delays;
        for (int i = 0; i < changes; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(random() % 250));
            const std::string aor = "sip:bench" + std::to_string(i) + "@sip.example.com";
            start = Clock::now();
            const pid_t pid = spawn_add(cusaxctl, path, config, i);
            while (!watcher.current()->by_aor(aor)) {
                if (seconds_since(start) > 60) {
                    std::cerr << "change " << i << " not published within 60 s\n";
                    return 1;
                }
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            }
            delays.push_back(seconds_since(start));
            int status = 0;
            waitpid(pid, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                std::cerr << "cusaxctl add failed\n";
                return 1;
            }
        }
        std::printf("change_to_published_median %.3f s\n", median(delays));
        std::sort(delays.begin(), delays.end());
        std::printf("change_to_published_p99 %.3f s\n",
                    delays[(delays.size() * 99 + 99) / 100 - 1]);
        std::printf("change_to_published_max %.3f s\n",
                    *std::max_element(delays.begin(), delays.end()));
        std::printf("resident_memory_after_changes %.1f MiB\n", resident_kib() / 1024.0);

        // The same without cusaxctl's process start: from a write's commit (through a
        // connection of this process) to the watcher publishing it.
        auto writer = cusax::store::open_store(settings);
        delays.clear();
        for (int i = 0; i < changes; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(random() % 250));
            const std::string aor = "sip:commit" + std::to_string(i) + "@sip.example.com";
            writer->add({aor, "commit" + std::to_string(i) + "@xmpp.example.com", "", {}, {}, 0});
            start = Clock::now();
            while (!watcher.current()->by_aor(aor)) {
                if (seconds_since(start) > 60) {
                    std::cerr << "commit " << i << " not published within 60 s\n";
                    return 1;
                }
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
            delays.push_back(seconds_since(start));
        }
        std::printf("commit_to_published_median %.4f s\n", median(delays));
        std::sort(delays.begin(), delays.end());
        std::printf("commit_to_published_p99 %.4f s\n",
                    delays[(delays.size() * 99 + 99) / 100 - 1]);
    }

#if __has_include("shared/store/binding_change.hpp")
    // The incremental refresh alone (no poll wait, no cusaxctl): read what one change logged
    // and apply it to the current snapshot.
    {
        auto store = cusax::store::open_store(settings);
        std::vector<double> applies;
        for (int i = 0; i < 20; ++i) {
            const auto base = watcher.current();
            store->set_verification(
                "sip:user" + std::to_string(i * 7919 % count) + "@sip.example.com",
                i % 2 ? cusax::store::Verification::Admin : cusax::store::Verification::Directory);
            start = Clock::now();
            auto delta = store->changes_since(base->generation(), 4096);
            if (!delta) {
                std::cerr << "the change log does not cover the change\n";
                return 1;
            }
            const auto next = Snapshot::apply(*base, delta->changes, delta->generation);
            applies.push_back(seconds_since(start));
        }
        std::printf("incremental_apply_median %.4f s\n", median(applies));
    }
#endif

    // The two halves of a full reload, as before the watcher reloaded incrementally.
    {
        auto store = cusax::store::open_store(settings);
        start = Clock::now();
        auto bindings = store->load_all();
        std::printf("load_all %.3f s\n", seconds_since(start));
        start = Clock::now();
        const auto full = Snapshot::build(std::move(bindings), store->generation());
        std::printf("snapshot_build %.3f s\n", seconds_since(start));
#if __has_include("shared/store/snapshot_profile.hpp")
        std::printf("snapshot_memory_bytes %.1f MiB\n", full->memory_bytes() / (1024.0 * 1024.0));
#endif
    }
    return 0;
}

}  // namespace

// A store that fails (a connection refused or timed out, a query that fails) ends the bench
// with its message and status 1; escaping main it would end it with SIGABRT and no word of why.
int main(int argc, char** argv) {
    try {
        return bench(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "cusax_store_bench: " << e.what() << "\n";
        return 1;
    }
}
