#pragma once
// The one interface every store backend implements (SQLite now, PostgreSQL later).
// Daemons never call it per request: they read a Snapshot (snapshot.hpp).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "shared/store/binding.hpp"
#include "shared/store/binding_change.hpp"

namespace cusax::store {

// Raised when the backend itself fails (cannot open, I/O error, schema too new, ...).
struct StoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
    // Whether the store's server could not be reached (refused, timed out, the connection
    // lost or ended by the server): the same request may well succeed later, and the next
    // ones would most likely fail the same way meanwhile. A request the store refused, or a
    // file that cannot be read, is not.
    virtual bool unreachable() const noexcept { return false; }
};

// Raised when the store a reader asked for does not exist (a missing SQLite file): a daemon
// never creates the operator's store, `cusaxctl init` does.
struct StoreMissing : StoreError {
    using StoreError::StoreError;
};

// Raised by import() for the binding it refused; caught as BindingError by callers that do
// not care which one. `index` is 0-based into import()'s argument, so a caller reading a
// file can name the line.
struct ImportError : BindingError {
    ImportError(std::size_t failed_index, const std::string& what)
        : BindingError(what), index(failed_index) {}
    std::size_t index;
};

// One connection to a store. Not thread-safe: each thread (a daemon's snapshot watcher,
// cusaxctl) opens its own. AOR arguments are matched exactly, so pass them normalised
// (make_binding / address::normalise_aor).
class BindingStore {
  public:
    virtual ~BindingStore() = default;

    // Creates the schema or migrates an older one to the current version.
    virtual void migrate() = 0;
    virtual int schema_version() = 0;

    // Adds one binding. Throws BindingError when its AOR, JID or a number is already bound.
    virtual void add(const Binding& binding) = 0;
    // Replaces the binding with the same AOR (or adds it). Throws BindingError on conflicts.
    virtual void put(const Binding& binding) = 0;
    // Returns false when there was no such AOR.
    virtual bool remove(const std::string& aor) = 0;
    virtual bool set_verification(const std::string& aor, Verification state) = 0;
    // Compare-and-set: changes the state only while it is still `expected` (a daemon acting on
    // a snapshot that may be a moment old). Returns whether it changed.
    virtual bool replace_verification(const std::string& aor, Verification expected,
                                      Verification state) = 0;

    virtual std::optional<Binding> find_by_aor(const std::string& aor) = 0;
    virtual std::vector<Binding> load_all() = 0;

    // All-or-nothing: either every binding is stored (each as put() would) or, on the first
    // error, nothing is and the error is rethrown.
    virtual void import(const std::vector<Binding>& bindings) = 0;

    // A value that changes whenever any process commits a change to the bindings.
    // Cheap enough to poll several times a second.
    virtual std::uint64_t generation() = 0;

    // Every AOR written since `generation` (a value generation() returned) with its binding
    // as it is now, read in one transaction, for an incremental snapshot refresh. nullopt
    // when the backend cannot say (no change log, log pruned past `generation`, or more
    // than `limit` AORs changed): the caller then loads everything.
    virtual std::optional<BindingChanges> changes_since(std::uint64_t /*generation*/,
                                                        std::size_t /*limit*/) {
        return std::nullopt;
    }

    // Whether the configured store is still what this connection reads. A file store
    // answers `replaced` once its path names another file (restored with mv, deleted and
    // created again) and `vanished` once nothing is there: its connection still reads the
    // old file, which no writer will change again. A server store is always `same`.
    enum class Source { same, replaced, vanished };
    virtual Source source() { return Source::same; }

    // How many connections to the server this store has made so far (a server store makes a
    // new one, quietly, when the server ended the last); 0 for a backend without a server. A
    // reader that sees it change loads everything again rather than trusting the generation:
    // the server it reaches now may be a promoted standby that lost the last commits and
    // gives their generation numbers to other changes.
    virtual std::uint64_t connections() { return 0; }

    // A file descriptor that turns readable when another connection may have committed a
    // change (PostgreSQL: a NOTIFY), for a watcher to wait on instead of sleeping out its poll
    // interval; -1 when the backend has none and the watcher only polls. The first call
    // starts listening.
    virtual int change_fd() { return -1; }
    // Consumes what woke change_fd(), and says whether a change was announced (or the
    // connection failed: the next read then says how). Announcements read in passing during
    // other calls count too, so a watcher asks this before it waits.
    virtual bool take_change_notice() { return false; }
};

// Settings of the [store] section that choose and open a backend.
struct StoreSettings {
    std::string backend = "sqlite";  // "sqlite" or "postgresql"
    std::string path;                // sqlite: database file
    int busy_timeout_ms = 5000;
    // A daemon's connection: opens an existing store read-only, never creates or migrates
    // it (StoreMissing when missing, StoreError when its schema is not this program's).
    bool read_only = false;
    // postgresql: a libpq connection string ("service=cusax", "host=... dbname=..."), read
    // with libpq's environment, service file and password file. Never holds a password.
    std::string conninfo{};
};

// Opens the configured store: read-write, creating it if needed and migrating it (cusaxctl);
// or, with read_only, as it is.
std::unique_ptr<BindingStore> open_store(const StoreSettings& settings);

// The store the settings name, for logs and messages: the SQLite file, or PostgreSQL's
// host, port, database and user (never a password).
std::string describe_store(const StoreSettings& settings);

}  // namespace cusax::store
