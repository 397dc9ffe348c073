#pragma once
// Reports a daemon's counters: one log line and a fresh stats file every `interval`, and at
// once when the process receives SIGUSR1 (the kill -USR1 an operator expects).
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "shared/counters/counters.hpp"

namespace cusax::counters {

class StatsReporter {
  public:
    // interval 0: no periodic report (SIGUSR1 and the final report still work).
    // stats_dir empty: no stats file.
    StatsReporter(const Registry& registry, std::string program, std::filesystem::path stats_dir,
                  std::chrono::milliseconds interval);
    ~StatsReporter();  // writes a last report and stops the thread

    StatsReporter(const StatsReporter&) = delete;
    StatsReporter& operator=(const StatsReporter&) = delete;

    // Installs the SIGUSR1 handler (process-wide; call once, from the main thread).
    static void install_sigusr1_handler();

    void report_now();

  private:
    void run();
    void write_file(const std::vector<std::pair<std::string, std::uint64_t>>& values);

    const Registry& registry_;
    std::string program_;
    std::filesystem::path stats_file_;
    std::chrono::milliseconds interval_;
    std::int64_t started_at_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace cusax::counters
