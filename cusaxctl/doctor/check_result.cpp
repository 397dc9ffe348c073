#include "cusaxctl/doctor/check_result.hpp"

namespace cusax::ctl::doctor {
namespace {

int rank(Verdict verdict) {
    switch (verdict) {
        case Verdict::skipped:
            return 0;
        case Verdict::ok:
            return 1;
        case Verdict::warning:
            return 2;
        case Verdict::fail:
            return 3;
    }
    return 3;
}

}  // namespace

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::ok:
            return "ok";
        case Verdict::warning:
            return "warning";
        case Verdict::fail:
            return "FAIL";
        case Verdict::skipped:
            return "skipped";
    }
    return "FAIL";
}

Verdict worse(Verdict a, Verdict b) { return rank(a) >= rank(b) ? a : b; }

}  // namespace cusax::ctl::doctor
