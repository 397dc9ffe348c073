#pragma once
// What the fuzz targets share: how a broken invariant ends the run, and logs that cost nothing.
#include <spdlog/sinks/null_sink.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "shared/log/log.hpp"

namespace cusax::fuzz {

// Prints what was broken and all of the text that broke it (NUL bytes too), then aborts:
// libFuzzer keeps the input as a crash.
[[noreturn]] inline void violated(const char* what, std::string_view text) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fputc('\n', stderr);
    std::abort();
}

// Every log line formatted (its escaping is fuzzed too) and dropped. Once per process.
inline void quiet_logs() {
    static const bool done = [] {
        log::setup_with_sink({"fuzz", log::Level::debug, log::Format::text, ""},
                             std::make_shared<spdlog::sinks::null_sink_mt>());
        return true;
    }();
    (void)done;
}

}  // namespace cusax::fuzz
