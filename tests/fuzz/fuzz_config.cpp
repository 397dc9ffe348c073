// Any bytes as an INI file: either a Config or a ConfigError, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config-catalog/config_catalog.hpp"
#include "shared/config/config_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)cusax::config::load_config_string(text, "fuzz.ini", {"log", "store"},
                                                cusax::config_catalog::all_sections());
    } catch (const cusax::config::ConfigError&) {
    }
    return 0;
}
