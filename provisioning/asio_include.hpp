#pragma once
// Boost.Asio and Boost.Beast for the files that need them: Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, which C++20 libstdc++ no longer pulls in for it.
// clang-format off
#include <utility>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
// clang-format on
