#include "shared/counters/counters.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "shared/counters/stats_file.hpp"
#include "shared/counters/stats_reporter.hpp"

namespace cusax::counters {
namespace {

std::filesystem::path make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cusax-counters-XXXXXX");
    return ::mkdtemp(pattern.data());
}

TEST(Counters, SameNameIsTheSameCounterAndValuesAreSorted) {
    Registry registry;
    registry.get("z.last").add();
    auto& inserted = registry.get("call_info.inserted");
    inserted.add(2);
    registry.get("call_info.inserted").add();
    const auto values = registry.values();
    ASSERT_EQ(values.size(), 2u);
    EXPECT_EQ(values[0], (std::pair<std::string, std::uint64_t>{"call_info.inserted", 3}));
    EXPECT_EQ(values[1], (std::pair<std::string, std::uint64_t>{"z.last", 1}));
}

TEST(Counters, ConcurrentAddsAreNotLost) {
    Registry registry;
    auto& counter = registry.get("hits");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 100000; ++i) counter.add();
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(counter.value(), 400000u);
}

TEST(StatsFile, RoundTripsThroughDisk) {
    const auto dir = make_temp_dir();
    const auto path = stats_file_path(dir, "sip-proxy");
    EXPECT_EQ(path.filename(), "sip-proxy.stats.json");
    StatsSnapshot written{"sip-proxy", 42, 1000, 2000, {{"a", 1}, {"b", 18446744073709551615ull}}};
    write_stats_file(path, written);
    const auto read = read_stats_file(path);
    EXPECT_EQ(read.program, "sip-proxy");
    EXPECT_EQ(read.pid, 42);
    EXPECT_EQ(read.written_at, 2000);
    EXPECT_EQ(read.counters, written.counters);
    std::filesystem::remove_all(dir);
}

TEST(StatsFile, MissingOrMalformedFileNamesThePath) {
    const auto dir = make_temp_dir();
    try {
        (void)read_stats_file(dir / "nope.stats.json");
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("nope.stats.json"), std::string::npos);
    }
    std::ofstream(dir / "bad.stats.json") << "{not json";
    EXPECT_THROW((void)read_stats_file(dir / "bad.stats.json"), std::runtime_error);
    std::filesystem::remove_all(dir);
}

// Polls for the stats file to hold `queries` = expected (the reporter's thread writes it).
bool stats_file_shows(const std::filesystem::path& path, std::uint64_t expected) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            const auto stats = read_stats_file(path);
            if (stats.counters == decltype(stats.counters){{"queries", expected}}) return true;
        } catch (const std::runtime_error&) {
            // not written yet
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

TEST(StatsReporter, WritesTheFileAtStartAndAtOnceOnSigusr1) {
    const auto dir = make_temp_dir();
    Registry registry;
    registry.get("queries").add(7);
    StatsReporter::install_sigusr1_handler();
    {
        // No periodic report: the start and the signal are the only writes while it runs.
        StatsReporter reporter(registry, "xmpp-component", dir, std::chrono::milliseconds(0));
        const auto path = stats_file_path(dir, "xmpp-component");
        ASSERT_TRUE(stats_file_shows(path, 7)) << "no stats file within 5 s of the start";
        EXPECT_EQ(read_stats_file(path).pid, static_cast<long>(::getpid()));
        registry.get("queries").add(1);
        ::kill(::getpid(), SIGUSR1);
        EXPECT_TRUE(stats_file_shows(path, 8)) << "the file did not follow SIGUSR1 within 5 s";
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cusax::counters
