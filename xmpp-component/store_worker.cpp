#include "xmpp-component/store_worker.hpp"

#include <string>

#include "shared/log/log.hpp"

namespace cusax::xmpp {

StoreWorker::StoreWorker(Post post, StoreWorkerSettings settings)
    : post_(std::move(post)), settings_(settings), thread_([this] { run(); }) {}

StoreWorker::~StoreWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

bool StoreWorker::submit(Job job) {
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= settings_.max_queued) return false;
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void StoreWorker::stop_using_store_at(Clock::time_point when) {
    std::lock_guard lock(mutex_);
    store_left_at_ = when;
}

void StoreWorker::run() {
    while (true) {
        Job job;
        std::optional<Clock::time_point> left_at;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
            left_at = store_left_at_;
        }
        const auto now = Clock::now();
        const Access access = left_at && now >= *left_at ? Access::stopping
                              : now < retry_at_          ? Access::away
                                                         : Access::usable;
        Finished finished = job(access);
        note(access == Access::usable, finished.unreachable);
        if (finished.then) post_(std::move(finished.then));
    }
}

void StoreWorker::note(bool tried, bool unreachable) {
    if (!tried) return;
    if (!unreachable) {
        if (away_) {
            log::event(log::Level::info, "xmpp.store_reachable",
                       "the store answers again: requests that need it are tried again");
        }
        away_ = false;
        return;
    }
    pause_ = away_ ? std::min(pause_ * 2, settings_.max_pause) : settings_.first_pause;
    away_ = true;
    retry_at_ = Clock::now() + pause_;
    log::event(log::Level::warn, "xmpp.store_unreachable",
               "requests that need the store are answered internal-server-error (wait) without "
               "trying it until the pause is over",
               {{"pause_ms", std::to_string(pause_.count())}});
}

}  // namespace cusax::xmpp
