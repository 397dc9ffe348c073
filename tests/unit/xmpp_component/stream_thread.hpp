#pragma once
// The stream's thread as a test plays it: what other threads post (StoreWorker's replies) is
// queued, and the test runs it on its own thread until what it waits for has happened, within
// a bound (never a guessed sleep).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace cusax::xmpp::testing {

class StreamThread {
  public:
    void post(std::function<void()> f) {
        {
            std::lock_guard lock(mutex_);
            posted_.push_back(std::move(f));
        }
        wake_.notify_all();
    }
    // What StoreWorker takes.
    std::function<void(std::function<void()>)> poster() {
        return [this](std::function<void()> f) { post(std::move(f)); };
    }

    // Runs what is posted until done() holds; false when it still did not after `bound`.
    bool run_until(const std::function<bool()>& done,
                   std::chrono::seconds bound = std::chrono::seconds(60)) {
        const auto deadline = std::chrono::steady_clock::now() + bound;
        while (!done()) {
            std::function<void()> next;
            {
                std::unique_lock lock(mutex_);
                if (!wake_.wait_until(lock, deadline, [this] { return !posted_.empty(); })) {
                    return done();
                }
                next = std::move(posted_.front());
                posted_.pop_front();
            }
            next();
        }
        return true;
    }

    // Runs what has been posted so far, without waiting for more.
    void run_posted() {
        std::deque<std::function<void()>> now;
        {
            std::lock_guard lock(mutex_);
            now.swap(posted_);
        }
        for (auto& f : now) f();
    }

  private:
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> posted_;
};

}  // namespace cusax::xmpp::testing
