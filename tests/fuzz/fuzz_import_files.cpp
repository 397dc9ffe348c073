// Any bytes as a CSV or vCard import file: bindings or an ImportFileError, never a crash.
// What is accepted round trips: written as CSV (what export writes) and read again it gives
// the same bindings, and imported into a store each reads back as it was. An import the store
// refuses changes nothing in it (all or nothing, as cusaxctl import promises).
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cusaxctl/binding_csv.hpp"
#include "cusaxctl/vcard_import.hpp"
#include "fuzz_support.hpp"
#include "shared/store/binding_store.hpp"

namespace {

using cusax::fuzz::violated;

using cusax::store::Binding;
using cusax::store::Verification;

std::string as_csv(const std::vector<Binding>& bindings) {
    std::ostringstream out;
    cusax::ctl::write_bindings_csv(out, bindings);
    return out.str();
}

// Sorted by AOR, without the time the store set (updated_at), which is no part of the content.
std::vector<Binding> sorted(std::vector<Binding> bindings) {
    for (Binding& b : bindings) b.updated_at = 0;
    std::sort(bindings.begin(), bindings.end(),
              [](const Binding& a, const Binding& b) { return a.aor < b.aor; });
    return bindings;
}

// The store every accepted file is imported into: two bindings that files may collide with. A
// file of this process's own, removed when the fuzzer exits.
class ScratchStore {
  public:
    ScratchStore() {
        const auto dir = std::filesystem::exists("/dev/shm")
                             ? std::filesystem::path("/dev/shm")
                             : std::filesystem::temp_directory_path();
        path_ = (dir / ("cusax-fuzz-import-" + std::to_string(::getpid()) + ".sqlite")).string();
        remove_files();
        cusax::store::StoreSettings settings;
        settings.path = path_;
        store_ = cusax::store::open_store(settings);
        store_->add(cusax::store::make_binding("sip:alice@example.com", "alice@xmpp.example.com",
                                               "Alice", {{"+4930123456", true, false}},
                                               Verification::Admin));
        store_->add(cusax::store::make_binding("sip:bob@example.com", "bob@xmpp.example.com", "",
                                               {}, Verification::Unverified));
    }
    ~ScratchStore() {
        store_.reset();
        remove_files();
    }
    ScratchStore(const ScratchStore&) = delete;
    ScratchStore& operator=(const ScratchStore&) = delete;

    cusax::store::BindingStore& store() { return *store_; }

  private:
    void remove_files() const {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path_ + suffix, ignored);
    }

    std::string path_;
    std::unique_ptr<cusax::store::BindingStore> store_;
};

cusax::store::BindingStore& store() {
    static ScratchStore scratch;  // destroyed at exit(), which ends every libFuzzer run
    return scratch.store();
}

void check_store(const std::vector<Binding>& bindings, const std::string& text) {
    auto& s = store();
    static const std::vector<Binding> base = sorted(s.load_all());
    try {
        s.import(bindings);
    } catch (const cusax::store::ImportError&) {
        if (sorted(s.load_all()) != base) violated("a refused import changed the store", text);
        return;
    } catch (const cusax::store::BindingError&) {
        if (sorted(s.load_all()) != base) violated("a refused import changed the store", text);
        return;
    }
    for (const Binding& b : bindings) {
        auto stored = s.find_by_aor(b.aor);
        if (stored) stored->updated_at = b.updated_at;
        if (!stored || !(*stored == b))
            violated("an imported binding reads back otherwise",
                     as_csv({b}) + (stored ? as_csv({*stored}) : std::string("(none)")));
    }
    // Back to the base for the next input.
    for (const Binding& b : bindings) s.remove(b.aor);
    for (const Binding& b : base) s.put(b);
    if (sorted(s.load_all()) != base) violated("the store did not return to its base", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (int format = 0; format < 2; ++format) {
        std::istringstream in(text);
        std::vector<Binding> bindings;
        try {
            bindings =
                format == 0
                    ? cusax::ctl::read_bindings_csv(in, "fuzz.csv", Verification::Unverified)
                    : cusax::ctl::read_bindings_vcf(in, "fuzz.vcf", Verification::Unverified);
        } catch (const cusax::ctl::ImportFileError&) {
            continue;
        }
        const std::string csv = as_csv(bindings);
        std::istringstream again_in(csv);
        try {
            const auto again =
                cusax::ctl::read_bindings_csv(again_in, "again.csv", Verification::Admin);
            if (again != bindings) violated("accepted rows read otherwise once written", csv);
            if (as_csv(again) != csv) violated("accepted rows written otherwise twice", csv);
        } catch (const cusax::ctl::ImportFileError& e) {
            violated("accepted rows refused once written", std::string(e.what()) + "\n" + csv);
        }
        check_store(bindings, text);
    }
    return 0;
}
