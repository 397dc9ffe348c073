# Sourced by bench/run and bench/soak: the Release build both measure, in one place.
#
#   build_release BUILD_DIR TARGET...
#
# Configures BUILD_DIR (Release) from the repository root in $root, builds the targets, and
# shows the tail of the log and returns 2 when either step fails (logs in BUILD_DIR).
build_release() {
    local build=$1; shift
    mkdir -p "$build"
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$build/bench-cmake.log" 2>&1 ||
        { tail -20 "$build/bench-cmake.log"; return 2; }
    ninja -C "$build" "$@" >"$build/bench-ninja.log" 2>&1 ||
        { tail -30 "$build/bench-ninja.log"; return 2; }
}
