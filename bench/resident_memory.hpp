// The benches' reading of their own resident memory (VmRSS of /proc/self/status), shared by
// bench/store/store_bench.cpp and bench/xmpp/account_index_bench.cpp.
#pragma once

#include <fstream>
#include <string>

namespace cusax::bench_support {

// KiB resident now, or -1 when /proc/self/status has no VmRSS line.
inline long resident_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

}  // namespace cusax::bench_support
