#include "shared/store/snapshot_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "shared/log/log.hpp"

namespace cusax::store {
namespace {

using Clock = std::chrono::steady_clock;

// libstdc++ 12 has std::atomic<std::shared_ptr>; older ones only the free functions.
// ThreadSanitizer reports a race inside libstdc++'s own load()/store() pair, not here: a TSan
// build needs a suppression (docs/binding-snapshot.md).
#if defined(__cpp_lib_atomic_shared_ptr)
class SnapshotSlot {
  public:
    std::shared_ptr<const Snapshot> load() const { return p_.load(std::memory_order_acquire); }
    void store(std::shared_ptr<const Snapshot> s) {
        p_.store(std::move(s), std::memory_order_release);
    }

  private:
    std::atomic<std::shared_ptr<const Snapshot>> p_;
};
#else
class SnapshotSlot {
  public:
    std::shared_ptr<const Snapshot> load() const { return std::atomic_load(&p_); }
    void store(std::shared_ptr<const Snapshot> s) { std::atomic_store(&p_, std::move(s)); }

  private:
    std::shared_ptr<const Snapshot> p_;
};
#endif

struct Loaded {
    std::shared_ptr<const Snapshot> snapshot;
    long long build_ms = 0;
    const char* mode = "full";
    std::size_t changed = 0;  // AORs applied, for an incremental refresh
};

long long ms_since(Clock::time_point started) {
    return static_cast<long long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count());
}

// Generation first, then the rows: a change committed in between is in the rows and makes
// the next poll see a new generation, so it costs one extra load, never a missed change.
Loaded load(BindingStore& store, SnapshotProfile profile) {
    const auto started = Clock::now();
    const auto generation = store.generation();
    auto snapshot = Snapshot::build(store.load_all(), generation, profile);
#if defined(__GLIBC__)
    // The loaded Bindings were freed between the entries that stay; without this glibc keeps
    // those pages resident for the daemon's life (docs/binding-snapshot.md).
    malloc_trim(0);
#endif
    return {std::move(snapshot), ms_since(started)};
}

// Beyond this many changed AORs a full reload is about as cheap, and far simpler to reason
// about, than patching.
std::size_t change_limit(const Snapshot& base) {
    return std::max<std::size_t>(4096, base.size() / 8);
}

// The next snapshot from `base` and the AORs the store's change log lists since it; an empty
// result when the log does not cover the gap. Applying reads again every AOR logged after the
// base's generation, including those already in it (see load()): idempotent.
Loaded load_changes(BindingStore& store, const Snapshot& base) {
    const auto started = Clock::now();
    auto changes = store.changes_since(base.generation(), change_limit(base));
    if (!changes) return {};
    try {
        auto snapshot = Snapshot::apply(base, changes->changes, changes->generation);
        return {std::move(snapshot), ms_since(started), "incremental", changes->changes.size()};
    } catch (const BindingError& e) {
        // The store's keys make this impossible; should it happen, a full load says so
        // properly (or publishes the truth).
        log::event(log::Level::warn, "store.incremental_refused", e.what());
        return {};
    }
}

void log_published(const Loaded& loaded) {
    log::event(log::Level::info, "store.snapshot_published", "bindings snapshot published",
               {{"count", std::to_string(loaded.snapshot->size())},
                {"generation", std::to_string(loaded.snapshot->generation())},
                {"profile", std::string(to_string(loaded.snapshot->profile()))},
                {"mode", loaded.mode},
                {"changed", std::to_string(loaded.changed)},
                {"build_ms", std::to_string(loaded.build_ms)}});
}

// An eventfd the destructor writes to: the watcher thread waits on it beside the store's
// change_fd(), so stopping never waits out a poll interval.
class StopSignal {
  public:
    StopSignal() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
        if (fd_ < 0) throw StoreError("cannot create the watcher's eventfd");
    }
    ~StopSignal() { ::close(fd_); }
    StopSignal(const StopSignal&) = delete;
    StopSignal& operator=(const StopSignal&) = delete;
    int fd() const { return fd_; }
    void raise() const {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(fd_, &one, sizeof one);
    }

  private:
    int fd_;
};

}  // namespace

struct SnapshotWatcher::Impl {
    StoreFactory factory;
    std::chrono::milliseconds interval;
    SnapshotProfile profile = SnapshotProfile::full;
    SnapshotSlot current;
    std::atomic<bool> reachable{true};        // status(), read from any thread
    std::atomic<Clock::rep> confirmed_at{0};  // Clock::time_point's count

    void confirmed() {
        reachable.store(true, std::memory_order_relaxed);
        confirmed_at.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    }

    std::mutex mutex;  // guards callbacks
    std::atomic<bool> stopping{false};
    StopSignal stop_signal;
    std::vector<std::function<void(const Snapshot&)>> callbacks;

    // Used by the watcher thread only.
    std::unique_ptr<BindingStore> store;
    // The store's connection count (BindingStore::connections) when the snapshot was read.
    std::uint64_t connections = 0;
    int failures = 0;       // polls failed in a row: the back-off grows with them
    bool vanished = false;  // the store file is gone; logged once until it is back

    std::thread thread;

    void run();
    void wait_for_change();
    void poll();
    enum class Connection { none, kept, fresh };
    Connection connect();
    void listen();
    Loaded load_full();
    void publish(const Loaded& loaded);
    void recovered();
    void failed(std::string_view error);
};

SnapshotWatcher::SnapshotWatcher(StoreFactory factory, std::chrono::milliseconds interval,
                                 SnapshotProfile profile)
    : impl_(std::make_unique<Impl>()) {
    impl_->factory = std::move(factory);
    impl_->interval = std::max(interval, std::chrono::milliseconds(1));
    impl_->profile = profile;
    try {
        impl_->store = impl_->factory();
        if (!impl_->store) throw StoreError("the store factory returned no store");
        impl_->listen();
        const auto loaded = impl_->load_full();
        impl_->current.store(loaded.snapshot);
        impl_->confirmed();
        log_published(loaded);
    } catch (const StoreError&) {
        throw;
    } catch (const std::exception& e) {
        // A row the snapshot refuses (or anything else) at start is still "cannot read".
        throw StoreError(std::string("cannot load the bindings: ") + e.what());
    }
    impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

SnapshotWatcher::~SnapshotWatcher() {
    impl_->stopping = true;
    impl_->stop_signal.raise();
    if (impl_->thread.joinable()) impl_->thread.join();
}

std::shared_ptr<const Snapshot> SnapshotWatcher::current() const { return impl_->current.load(); }

SnapshotWatcher::Status SnapshotWatcher::status() const {
    return {
        impl_->reachable.load(std::memory_order_relaxed),
        Clock::time_point(Clock::duration(impl_->confirmed_at.load(std::memory_order_relaxed)))};
}

void SnapshotWatcher::on_publish(std::function<void(const Snapshot&)> callback) {
    std::lock_guard lock(impl_->mutex);
    impl_->callbacks.push_back(std::move(callback));
}

void SnapshotWatcher::Impl::run() {
    while (true) {
        wait_for_change();
        if (stopping) return;
        poll();
    }
}

// Until the store announces a change (PostgreSQL's NOTIFY), the poll interval passes, or the
// watcher is stopped. While polls fail, the wait doubles each time up to 8 intervals (2 s at
// the default 250 ms): a server that is down is not hammered, and is found again soon.
void SnapshotWatcher::Impl::wait_for_change() {
    auto wait = interval;
    for (int i = 0; i < std::min(failures, 3); ++i) wait *= 2;
    int change_fd = -1;
    if (store && failures == 0) {
        try {
            if (store->take_change_notice()) return;
            change_fd = store->change_fd();
        } catch (const std::exception& e) {
            failed(e.what());
        }
    }
    pollfd fds[2] = {{stop_signal.fd(), POLLIN, 0}, {change_fd, POLLIN, 0}};
    const auto nfds = change_fd >= 0 ? 2 : 1;
    const auto until = Clock::now() + wait;
    while (!stopping) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        if (left.count() <= 0) return;
        const int ready =
            ::poll(fds, static_cast<nfds_t>(nfds), static_cast<int>(left.count()) + 1);
        if (ready > 0 || (ready < 0 && errno != EINTR)) return;
    }
}

// Listens for the store's change announcements before reading it, so that a change committed
// after the read is announced.
void SnapshotWatcher::Impl::listen() { store->change_fd(); }

// Generation first, then the rows (see load()). The connection count is taken before: a
// connection made again during the load changes it, and the next poll loads again.
Loaded SnapshotWatcher::Impl::load_full() {
    connections = store->connections();
    return load(*store, profile);
}

// The connection to read from: the one open while its file is still the store's, else a new
// one. None while the store file is missing: the last good snapshot keeps serving.
SnapshotWatcher::Impl::Connection SnapshotWatcher::Impl::connect() {
    if (store) {
        const auto source = store->source();
        if (source == BindingStore::Source::same) return Connection::kept;
        // The old file stays readable through the open connection, but no writer will touch
        // it again: a backup restored with mv, or a store deleted and created anew, would
        // otherwise never reach the daemon.
        store.reset();
        if (source == BindingStore::Source::replaced) {
            log::event(log::Level::warn, "store.file_replaced",
                       "store file replaced; reading the new one in full");
        }
    }
    try {
        store = factory();
    } catch (const StoreMissing& e) {
        if (!vanished) {
            vanished = true;
            const auto kept = current.load();
            log::event(log::Level::warn, "store.file_vanished",
                       "store file vanished; keeping the last good snapshot",
                       {{"error", e.what()},
                        {"count", std::to_string(kept->size())},
                        {"generation", std::to_string(kept->generation())}});
        }
        return Connection::none;
    }
    if (!store) throw StoreError("the store factory returned no store");
    listen();
    if (vanished) {
        vanished = false;
        log::event(log::Level::info, "store.file_back", "store file back; reading it in full");
    }
    return Connection::fresh;
}

void SnapshotWatcher::Impl::poll() {
    try {
        const Connection connection = connect();
        if (connection == Connection::none) {
            reachable.store(false, std::memory_order_relaxed);
            return;
        }
        // Any new connection (the watcher's own, or one the store made again quietly when the
        // server had ended the last) or a failure streak reloads whatever the generation says.
        // The store may be another file, restored from a copy whose counter happens to match;
        // or the server may be a standby promoted after the primary was lost, a copy with the
        // same ids whose next commits take again the generation numbers of the commits it
        // lost: its generation and change log say nothing of what the snapshot holds. Only on
        // the connection the snapshot was read through does the change log bring it up to date.
        const auto base = current.load();
        const auto generation = store->generation();  // may connect again (PgStore::db)
        const bool reload =
            failures > 0 || connection == Connection::fresh || store->connections() != connections;
        if (!reload && generation == base->generation()) {
            recovered();
            confirmed();
            return;
        }
        Loaded loaded;
        if (!reload) loaded = load_changes(*store, *base);
        // A connection made again while the changes were read: they may be another history's.
        if (store->connections() != connections) loaded = {};
        if (!loaded.snapshot) {
            listen();  // again: a connection made again does not listen yet
            loaded = load_full();
        }
        recovered();
        confirmed();
        publish(loaded);
    } catch (const std::exception& e) {
        failed(e.what());
    } catch (...) {
        failed("unknown exception");
    }
}

void SnapshotWatcher::Impl::recovered() {
    if (failures == 0) return;
    failures = 0;
    log::event(log::Level::info, "store.refresh_recovered", "store readable again");
}

void SnapshotWatcher::Impl::failed(std::string_view error) {
    reachable.store(false, std::memory_order_relaxed);
    store.reset();
    if (failures++ > 0) return;  // logged once per failure streak, not once per poll
    const auto kept = current.load();
    log::event(log::Level::warn, "store.refresh_failed",
               "cannot refresh the bindings; keeping the last good snapshot",
               {{"error", error},
                {"count", std::to_string(kept->size())},
                {"generation", std::to_string(kept->generation())}});
}

// The snapshot first, then its log line, then the callbacks: whoever sees the line or a
// callback can use the snapshot (docs/binding-snapshot.md).
void SnapshotWatcher::Impl::publish(const Loaded& loaded) {
    current.store(loaded.snapshot);
    log_published(loaded);
    std::vector<std::function<void(const Snapshot&)>> to_call;
    {
        std::lock_guard lock(mutex);
        to_call = callbacks;  // a callback may register another without deadlock
    }
    for (const auto& callback : to_call) {
        try {
            callback(*loaded.snapshot);
        } catch (const std::exception& e) {
            log::event(log::Level::warn, "store.publish_callback_failed", e.what());
        } catch (...) {
            log::event(log::Level::warn, "store.publish_callback_failed", "unknown exception");
        }
    }
}

}  // namespace cusax::store
