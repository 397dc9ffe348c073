#pragma once
// Where the component waits for its databases (the users' vCard store, the binding store's
// writes), so that the stream's thread never does. A store may be slow or gone: PostgreSQL
// stopped or behind a cut network (a connection attempt then takes libpq's connect_timeout,
// 5 s), a SQLite file locked by cusaxctl (busy_timeout). Waiting on the stream's thread would
// stall every user; here only the requests that need the store wait, and every other stanza
// is still answered at once.
//
// Jobs run one at a time on one thread of the worker's own, in the order they were submitted
// (a user's set is stored before their next get reads it). Each returns what is to run next on
// the stream's thread (the reply), which the worker hands to `post`.
//
// Bounded: submit() refuses a job while max_queued are waiting, and the caller answers at once
// (resource-constraint). And when a job finds the store unreachable (StoreError::unreachable),
// the jobs run in the next pause are told the store is not usable and answer without trying it
// (each would wait as long again), so a queue behind an unreachable store drains at once; the
// first job after the pause tries again, and the pause doubles, up to max_pause, each time the
// store is still away. Logged when a pause starts (so at most once per pause) and once when
// the store answers again.
//
// Stopping (SIGTERM): the stream waits for the answers owed, but not for ever. After
// stop_using_store_at(t), a job that starts at t or later is told the component is stopping
// and answers without the store, at once; the job under way at t finishes (its store call
// bounded by the store's own wait), so whatever it stored is answered as stored.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace cusax::xmpp {

// What a feature hands its store work to (StoreWorker; tests run jobs inline).
class StoreJobs {
  public:
    using Clock = std::chrono::steady_clock;
    // What a job leaves: what to run on the stream's thread, and whether it found the store
    // unreachable.
    struct Finished {
        std::function<void()> then;
        bool unreachable = false;
    };
    // Whether a job may use the store: `away`, it was found unreachable a moment ago;
    // `stopping`, the component is stopping and will not wait for it. Either way the job
    // answers without it.
    enum class Access { usable, away, stopping };
    // Runs away from the stream's thread. Must not throw.
    using Job = std::function<Finished(Access access)>;

    virtual ~StoreJobs() = default;
    // false: refused (too many waiting), nothing will run; the caller answers at once.
    virtual bool submit(Job job) = 0;
    // Jobs starting at `when` or later get Access::stopping (those that ran inline already
    // have: nothing to do).
    virtual void stop_using_store_at(Clock::time_point /*when*/) {}
};

struct StoreWorkerSettings {
    std::size_t max_queued = 256;  // jobs waiting (not counting the one running)
    std::chrono::milliseconds first_pause{1000};
    std::chrono::milliseconds max_pause{30000};
};

class StoreWorker final : public StoreJobs {
  public:
    // Runs a function on the stream's thread (asio::post in main.cpp).
    using Post = std::function<void(std::function<void()>)>;

    explicit StoreWorker(Post post, StoreWorkerSettings settings = {});
    // Finishes the job under way (a store call may take its time-out), drops those waiting.
    ~StoreWorker() override;
    StoreWorker(const StoreWorker&) = delete;
    StoreWorker& operator=(const StoreWorker&) = delete;

    bool submit(Job job) override;
    void stop_using_store_at(Clock::time_point when) override;

  private:
    void run();
    void note(bool tried, bool unreachable);

    Post post_;
    StoreWorkerSettings settings_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    std::optional<Clock::time_point> store_left_at_;  // stop_using_store_at
    // The worker's thread only.
    bool away_ = false;  // the last job that tried the store found it unreachable
    Clock::time_point retry_at_{};
    std::chrono::milliseconds pause_{0};
    std::thread thread_;  // last: started once everything above is ready
};

}  // namespace cusax::xmpp
