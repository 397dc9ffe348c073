#pragma once
// The embedded default backend: one SQLite file in WAL mode, so the daemons' watchers read
// while cusaxctl writes, and every program on the host sees one store.
#include <memory>

#include "shared/store/binding_store.hpp"
#include "shared/store/file_identity.hpp"
#include "shared/store/sqlite_handles.hpp"

namespace cusax::store {

struct LoadProblems;  // rows skipped while reading, logged once per read
struct HolderLookups;

class SqliteStore final : public BindingStore {
  public:
    // Opens the file (creating it when missing) and sets up the connection: WAL,
    // busy_timeout, foreign keys. Does not migrate (open_store does). Throws StoreError.
    // With settings.read_only: opens an existing file read-only and changes nothing in it
    // (StoreMissing when there is none).
    explicit SqliteStore(const StoreSettings& settings);
    ~SqliteStore() override;

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

    // Compares the file the path names now with the one opened (device and inode).
    Source source() override;

  private:
    enum class Mode { add, put };
    // Writes one binding inside the caller's transaction; conflicts become BindingError.
    void write(const Binding& binding, Mode mode, std::int64_t now);
    HolderLookups lookups();
    std::optional<std::string> holder_of_jid(const std::string& jid);
    std::optional<std::string> holder_of_number(const std::string& number);
    std::optional<std::string> jid_of_aor(const std::string& aor);
    std::optional<Binding> read_by_aor(const std::string& aor, LoadProblems& problems);
    // Statements are prepared on first use and reused: an import runs them 100,000 times.
    sqlite::Statement& prepared(std::unique_ptr<sqlite::Statement>& slot, const char* sql);

    static int empty_wal(void*, sqlite3* db, const char* schema, int frames);
    // The connection's settings (WAL, busy timeout, ...), at open and at a reopen.
    void set_up();
    // Before a write: reopens when the path names another file than the one open.
    void follow_the_path();

    StoreSettings settings_;
    PathState opened_;  // the file the path named when it was opened
    sqlite::Database db_;
    std::unique_ptr<sqlite::Statement> insert_binding_, upsert_binding_, delete_numbers_,
        insert_number_, jid_holder_, number_holder_, jid_of_aor_, find_binding_, find_numbers_,
        generation_, oldest_change_, changed_aors_;
};

}  // namespace cusax::store
