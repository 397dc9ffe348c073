#pragma once
// Boost.Asio for the files that need it (component_stream.cpp, main.cpp): Boost 1.74's
// awaitable.hpp uses std::exchange without including <utility>, which C++20 libstdc++ no longer
// pulls in for it.
// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on
