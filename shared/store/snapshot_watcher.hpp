#pragma once
// Keeps a daemon's Snapshot current: polls the store's generation and, when it changed,
// loads and publishes a new snapshot on a background thread. Readers never wait. A store that
// announces its changes (PostgreSQL's LISTEN/NOTIFY: BindingStore::change_fd) wakes it at
// once; polling stays as the fallback.
#include <chrono>
#include <functional>
#include <memory>

#include "shared/store/binding_store.hpp"
#include "shared/store/snapshot.hpp"

namespace cusax::store {

class SnapshotWatcher {
  public:
    using StoreFactory = std::function<std::unique_ptr<BindingStore>()>;

    // Loads the first snapshot synchronously: throws StoreError when the store cannot be
    // read at start. Then polls every `interval` on its own thread (and its own store
    // connection, made by `factory`). A failure later keeps the last good snapshot, logs once,
    // and tries again with a growing back-off (up to 8 intervals); once the store is back, it
    // logs once more and reads the store in full. Any new connection to the store (the
    // watcher's own, or one the store made again by itself) is read in full too; only on the
    // connection a snapshot was read through does the change log bring it up to date.
    // Every snapshot keeps what `profile` says (snapshot_profile.hpp).
    SnapshotWatcher(StoreFactory factory, std::chrono::milliseconds interval,
                    SnapshotProfile profile = SnapshotProfile::full);
    ~SnapshotWatcher();  // stops the thread

    SnapshotWatcher(const SnapshotWatcher&) = delete;
    SnapshotWatcher& operator=(const SnapshotWatcher&) = delete;

    // Lock-free for readers (atomic shared_ptr load).
    std::shared_ptr<const Snapshot> current() const;

    // Called on the watcher thread after each new snapshot is published.
    void on_publish(std::function<void(const Snapshot&)> callback);

    // For metrics and health checks, from any thread (atomics): whether the latest look at
    // the store succeeded, and when the snapshot was last known to match the store (loaded,
    // or a poll found nothing new). A store that cannot be read keeps the last good
    // snapshot, which grows older from then on.
    struct Status {
        bool store_reachable = true;
        std::chrono::steady_clock::time_point confirmed_at{};
    };
    Status status() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace cusax::store
