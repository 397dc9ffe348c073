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
            ASSERT_TRUE(worker.submit([&, i](bool usable) {
                EXPECT_TRUE(usable);
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
        ASSERT_TRUE(worker.submit([&](bool) {  // the job under way, waiting for its store
            started.set_value();
            released.wait();
            return StoreJobs::Finished{[&] { ++done; }, false};
        }));
        started.get_future().wait();
        const auto quick = [&](bool) { return StoreJobs::Finished{[&] { ++done; }, false}; };
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
            worker.submit([&, unreachable](bool store_usable) {
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

}  // namespace
}  // namespace cusax::xmpp
