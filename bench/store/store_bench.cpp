// Measures what a daemon pays for the binding store: loading every binding from SQLite,
// building the snapshot, the resident memory it adds, and look-ups per second on it.
//   cusax_store_bench STORE_FILE
// Prints one "name value unit" line per figure (bench/store/run-store-bench tabulates them).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include "shared/store/binding_store.hpp"
#include "shared/store/snapshot.hpp"

namespace {

long resident_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: cusax_store_bench STORE_FILE\n";
        return 2;
    }
    using cusax::store::Snapshot;
    const long rss_before = resident_kib();
    auto store = cusax::store::open_store({"sqlite", argv[1], 5000});

    auto start = std::chrono::steady_clock::now();
    auto bindings = store->load_all();
    const double load_s = seconds_since(start);
    const auto count = bindings.size();

    start = std::chrono::steady_clock::now();
    auto snapshot = Snapshot::build(std::move(bindings), store->generation());
    const double build_s = seconds_since(start);
    const long rss_after = resident_kib();

    // Look-ups by AOR in a random order (hits), the proxy's hot-path operation.
    std::vector<std::string> keys;
    keys.reserve(count);
    for (const auto& binding : snapshot->all()) keys.push_back(binding.aor);
    std::shuffle(keys.begin(), keys.end(), std::mt19937(42));
    const std::size_t lookups = std::max<std::size_t>(1'000'000, count);
    std::size_t found = 0;
    start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < lookups; ++i) found += snapshot->by_aor(keys[i % count]) != nullptr;
    const double lookup_s = seconds_since(start);
    if (found != lookups) {
        std::cerr << "look-ups missed: " << lookups - found << "\n";
        return 1;
    }
    std::printf("bindings %zu count\n", count);
    std::printf("load_all %.3f s\n", load_s);
    std::printf("snapshot_build %.3f s\n", build_s);
    std::printf("resident_memory %.1f MiB\n", rss_after / 1024.0);
    std::printf("resident_memory_added %.1f MiB\n", (rss_after - rss_before) / 1024.0);
    std::printf("lookups_per_second %.0f /s\n", lookups / lookup_s);
    return 0;
}
