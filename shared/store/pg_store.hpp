#pragma once
// The store for several hosts: a PostgreSQL database that every program on every host reaches
// through libpq. Same interface and the same behaviour as SqliteStore (store_sql.hpp holds
// the statements they share); changes are announced with NOTIFY (pg_schema.cpp), so a
// daemon's watcher waits on change_fd() instead of sleeping out its poll interval.
#include <memory>
#include <string>

#include "shared/store/binding_store.hpp"
#include "shared/store/pg_handles.hpp"

namespace cusax::store {

struct LoadProblems;
struct HolderLookups;

class PgStore final : public BindingStore {
  public:
    // Connects with settings.conninfo (libpq's syntax and environment). Does not migrate
    // (open_store does). With settings.read_only the session refuses writes and listens for
    // change notifications. Throws StoreError naming the server, never the password.
    explicit PgStore(const StoreSettings& settings);
    ~PgStore() override;

    void migrate() override;
    int schema_version() override;

    void add(const Binding& binding) override;
    void put(const Binding& binding) override;
    bool remove(const std::string& aor) override;
    bool set_verification(const std::string& aor, Verification state) override;
    bool replace_verification(const std::string& aor, Verification expected,
                              Verification state) override;

    std::optional<Binding> find_by_aor(const std::string& aor) override;
    std::vector<Binding> load_all() override;

    void import(const std::vector<Binding>& bindings) override;

    std::uint64_t generation() override;
    std::optional<BindingChanges> changes_since(std::uint64_t generation,
                                                std::size_t limit) override;

    std::uint64_t connections() override { return connections_; }
    int change_fd() override;
    bool take_change_notice() override;

  private:
    enum class Mode { add, put };
    // The connection, made again when the server dropped the last one: a long-lived writer
    // (the component) recovers from a restart of the server on its next write.
    pg::Connection& db();
    void set_up();
    void write_one(const Binding& binding, Mode mode);
    void write(const Binding& binding, Mode mode, const std::string& now);
    HolderLookups lookups();
    std::optional<std::string> single_text(const char* sql, const std::string& key);
    bool update(const char* sql, std::initializer_list<std::optional<std::string_view>> params);
    std::vector<std::string> changed_aors(std::uint64_t generation, std::size_t limit);

    StoreSettings settings_;
    std::unique_ptr<pg::Connection> db_;
    bool listening_ = false;
    std::uint64_t connections_ = 1;  // db_ is the first
};

}  // namespace cusax::store
