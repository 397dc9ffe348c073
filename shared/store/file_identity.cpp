#include "shared/store/file_identity.hpp"

#include <sys/stat.h>

#include <cerrno>

namespace cusax::store {

PathState path_state(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        return {PathState::Kind::file,
                {static_cast<unsigned long long>(st.st_dev),
                 static_cast<unsigned long long>(st.st_ino)}};
    }
    if (errno == ENOENT || errno == ENOTDIR) return {PathState::Kind::missing, {}};
    return {PathState::Kind::unknown, {}};
}

}  // namespace cusax::store
