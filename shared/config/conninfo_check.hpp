#pragma once
// The one rule the INI file adds to a libpq connection string: no password in it. The file is
// read by every program and often by people; libpq finds a password in a passfile
// (~/.pgpass, PGPASSFILE, passfile=), a service file or the environment instead.
#include <string_view>

namespace cusax::config {

// Whether `conninfo` sets a password: a password keyword in the key=value form, or a
// password in a postgresql:// URI (user:password@ or ?password=). Reads only its syntax, as
// libpq would split it; what it cannot split is left for libpq to refuse at connect time.
bool conninfo_has_password(std::string_view conninfo);

}  // namespace cusax::config
