// Any bytes as a CSV or vCard import file: bindings or an ImportFileError, never a crash.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "cusaxctl/binding_csv.hpp"
#include "cusaxctl/vcard_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (int format = 0; format < 2; ++format) {
        std::istringstream in(text);
        try {
            if (format == 0) {
                (void)cusax::ctl::read_bindings_csv(in, "fuzz.csv",
                                                    cusax::store::Verification::Unverified);
            } else {
                (void)cusax::ctl::read_bindings_vcf(in, "fuzz.vcf",
                                                    cusax::store::Verification::Unverified);
            }
        } catch (const cusax::ctl::ImportFileError&) {
        }
    }
    return 0;
}
