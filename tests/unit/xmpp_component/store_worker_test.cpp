// The component's store worker: jobs run in order away from the caller's thread and hand their
// follow-up back through post; the queue is bounded; after a job found the store unreachable
// the next ones are told not to try it until the pause is over, and it is logged once each way.
#include "xmpp-component/store_worker.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

#include "log_capture.hpp"
#include "stream_thread.hpp"

namespace cusax::xmpp {
namespace {

using namespace std::chrono_literals;

TEST(StoreWorker, JobsRunInOrderOffTheCallersThreadAndTheirFollowUpIsPosted) {
    testing::StreamThread stream;
    const auto caller = std::this_thread::get_id();
    std::vector<int> ran, followed;
    bool off_thread = true;
    {
        StoreWorker worker(stream.poster());
        for (int i = 0; i < 20; ++i) {
            ASSERT_TRUE(worker.submit([&, i](StoreJobs::Access access) {
                EXPECT_EQ(access, StoreJobs::Access::usable);
                off_thread = off_thread && std::this_thread::get_id() != caller;
                ran.push_back(i);
                return StoreJobs::Finished{[&, i] { followed.push_back(i); }, false};
            }));
        }
        ASSERT_TRUE(stream.run_until([&] { return followed.size() == 20; }));
    }
    EXPECT_TRUE(off_thread);
    std::vector<int> want(20);
    for (int i = 0; i < 20; ++i) want[static_cast<std::size_t>(i)] = i;
    EXPECT_EQ(ran, want);
    EXPECT_EQ(followed, want);
}

TEST(StoreWorker, ASubmitBeyondTheQueuedBoundIsRefusedAtOnce) {
    testing::StreamThread stream;
    std::promise<void> release;
    std::promise<void> started;
    auto released = release.get_future().share();
    int done = 0;
    {
        StoreWorker worker(stream.poster(), {.max_queued = 2});
        ASSERT_TRUE(
            worker.submit([&](StoreJobs::Access) {  // the job under way, waiting for its store
                started.set_value();
                released.wait();
                return StoreJobs::Finished{[&] { ++done; }, false};
            }));
        started.get_future().wait();
        const auto quick = [&](StoreJobs::Access) {
            return StoreJobs::Finished{[&] { ++done; }, false};
        };
        EXPECT_TRUE(worker.submit(quick));
        EXPECT_TRUE(worker.submit(quick));
        EXPECT_FALSE(worker.submit(quick));  // two wait already
        release.set_value();
        ASSERT_TRUE(stream.run_until([&] { return done == 3; }));
        EXPECT_TRUE(worker.submit(quick));  // room again
        ASSERT_TRUE(stream.run_until([&] { return done == 4; }));
    }
}

// Three jobs on a worker of its own: the first finds the store unreachable. Returns whether
// each was told the store was usable.
std::vector<bool> after_an_unreachable_store(StoreWorkerSettings settings) {
    testing::StreamThread stream;
    std::vector<bool> usable;
    int done = 0;
    {
        StoreWorker worker(stream.poster(), settings);
        for (const bool unreachable : {true, false, false}) {
            worker.submit([&, unreachable](StoreJobs::Access access) {
                const bool store_usable = access == StoreJobs::Access::usable;
                usable.push_back(store_usable);
                return StoreJobs::Finished{[&] { ++done; }, store_usable && unreachable};
            });
        }
        EXPECT_TRUE(stream.run_until([&] { return done == 3; }));
    }
    return usable;
}

TEST(StoreWorker, AfterAnUnreachableStoreTheNextJobsDoNotTryItUntilThePauseIsOver) {
    testing::LogCapture log_capture;
    // A pause longer than the test: the jobs after the failure are not to try.
    EXPECT_EQ(after_an_unreachable_store({.first_pause = 1h}),
              (std::vector<bool>{true, false, false}));
    EXPECT_EQ(log_capture.lines("xmpp.store_unreachable").size(), 1u);
    // No pause: the next job tries again; the store answers, which is logged once.
    EXPECT_EQ(after_an_unreachable_store({.first_pause = 0ms}),
              (std::vector<bool>{true, true, true}));
    EXPECT_EQ(log_capture.lines("xmpp.store_unreachable").size(), 2u);
    EXPECT_EQ(log_capture.lines("xmpp.store_reachable").size(), 1u);
}

// SIGTERM: the stream waits for the answers owed, not for ever. The job under way when the
// store is left finishes with the store (its answer is the truth of what it stored); those
// that start after are told the component is stopping, and answer at once without it.
TEST(StoreWorker, JobsStartingOnceTheStoreIsLeftAreToldTheComponentIsStopping) {
    testing::StreamThread stream;
    std::promise<void> release;
    std::promise<void> started;
    auto released = release.get_future().share();
    std::vector<StoreJobs::Access> told;
    int done = 0;
    {
        StoreWorker worker(stream.poster());
        const auto job = [&](StoreJobs::Access access) {
            told.push_back(access);
            return StoreJobs::Finished{[&] { ++done; }, false};
        };
        ASSERT_TRUE(worker.submit([&](StoreJobs::Access access) {  // under way, store locked
            started.set_value();
            released.wait();
            return job(access);
        }));
        started.get_future().wait();
        ASSERT_TRUE(worker.submit(job));
        ASSERT_TRUE(worker.submit(job));
        worker.stop_using_store_at(StoreJobs::Clock::now());
        release.set_value();
        ASSERT_TRUE(stream.run_until([&] { return done == 3; }));
        // A later time (a stream that became ready again: DelegationFeature) lets jobs use the
        // store again.
        worker.stop_using_store_at(StoreJobs::Clock::time_point::max());
        ASSERT_TRUE(worker.submit(job));
        ASSERT_TRUE(stream.run_until([&] { return done == 4; }));
    }
    using A = StoreJobs::Access;
    EXPECT_EQ(told, (std::vector<A>{A::usable, A::stopping, A::stopping, A::usable}));
}

}  // namespace
}  // namespace cusax::xmpp
