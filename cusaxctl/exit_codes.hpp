#pragma once
// cusaxctl's exit codes: part of its interface, scripts rely on them (README lists them).
namespace cusax::ctl {

enum ExitCode : int {
    kOk = 0,
    kFailure = 1,        // unexpected internal error
    kUsage = 2,          // bad command line or configuration file
    kNotFound = 3,       // no binding with that AOR / JID / number
    kRefused = 4,        // input refused: invalid address, or it conflicts with another binding
    kBadImportFile = 5,  // an import file has a bad row: nothing was changed
    kStoreError = 6,     // the store cannot be opened, read or written
    kNoStats = 7,        // no daemon stats file to read (daemon not running, or stats off)
    kCheckFailed = 8,    // doctor: a check of the deployment failed
};

}  // namespace cusax::ctl
