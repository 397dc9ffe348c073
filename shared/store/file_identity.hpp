#pragma once
// Which file a path names now (device and inode), so that a reader holding a file open can
// tell when the path has been given another file (mv, delete and create) or none.
#include <optional>
#include <string>

namespace cusax::store {

struct FileIdentity {
    unsigned long long device = 0;
    unsigned long long inode = 0;
    bool operator==(const FileIdentity&) const = default;
};

// The file `path` names, or nullopt when nothing is there (ENOENT, ENOTDIR). Another stat
// failure (a permission taken away) cannot tell, so it is reported as `unknown`.
struct PathState {
    enum class Kind { file, missing, unknown };
    Kind kind = Kind::unknown;
    FileIdentity identity;
};
PathState path_state(const std::string& path);

}  // namespace cusax::store
