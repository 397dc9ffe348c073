#include "shared/counters/stats_reporter.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <ctime>
#include <vector>

#include "shared/counters/stats_file.hpp"
#include "shared/log/log.hpp"

namespace cusax::counters {
namespace {

// A lock-free atomic is the one thing a signal handler may touch; the reporter thread polls it.
std::atomic<bool> g_report_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_sigusr1(int) { g_report_requested.store(true, std::memory_order_relaxed); }

constexpr auto kSignalPoll = std::chrono::milliseconds(200);

}  // namespace

StatsReporter::StatsReporter(const Registry& registry, std::string program,
                             std::filesystem::path stats_dir, std::chrono::milliseconds interval)
    : registry_(registry),
      program_(std::move(program)),
      stats_file_(stats_dir.empty() ? std::filesystem::path{}
                                    : stats_file_path(stats_dir, program_)),
      interval_(interval),
      started_at_(static_cast<std::int64_t>(std::time(nullptr))) {
    if (!stats_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(stats_dir, ec);
    }
    thread_ = std::thread([this] { run(); });
}

StatsReporter::~StatsReporter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    report_now();
}

void StatsReporter::install_sigusr1_handler() {
    struct sigaction action {};
    action.sa_handler = on_sigusr1;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &action, nullptr);
}

void StatsReporter::report_now() {
    const auto values = registry_.values();
    std::vector<log::Field> fields;
    fields.reserve(values.size());
    std::vector<std::string> texts;
    texts.reserve(values.size());
    for (const auto& [name, value] : values) texts.push_back(std::to_string(value));
    for (std::size_t i = 0; i < values.size(); ++i) fields.push_back({values[i].first, texts[i]});
    log::event(log::Level::info, "stats", "counters", std::span<const log::Field>(fields));
    write_file(values);
}

void StatsReporter::write_file(const std::vector<std::pair<std::string, std::uint64_t>>& values) {
    if (stats_file_.empty()) return;
    StatsSnapshot snapshot{program_, static_cast<long>(::getpid()), started_at_,
                           static_cast<std::int64_t>(std::time(nullptr)), values};
    try {
        write_stats_file(stats_file_, snapshot);
    } catch (const std::exception& e) {
        log::event(log::Level::warn, "stats.write_failed", e.what(),
                   {{"file", stats_file_.string()}});
    }
}

void StatsReporter::run() {
    // At once, without a log line: `cusaxctl stats` and `sync-vcards` find a daemon that has
    // just started (its pid is in the file).
    write_file(registry_.values());
    auto next_report = std::chrono::steady_clock::now() + interval_;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, kSignalPoll);
        if (stopping_) break;
        const bool signalled = g_report_requested.exchange(false, std::memory_order_relaxed);
        const bool due = interval_.count() > 0 && std::chrono::steady_clock::now() >= next_report;
        if (!signalled && !due) continue;
        if (due) next_report = std::chrono::steady_clock::now() + interval_;
        lock.unlock();
        report_now();
        lock.lock();
    }
}

}  // namespace cusax::counters
