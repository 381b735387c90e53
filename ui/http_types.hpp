// The HTTP message types the interface uses, from Boost.Beast (header-only,
// Boost 1.74), included the way net/ includes Asio (net/asio.hpp first).
#pragma once

#include "net/asio.hpp"
// Beast's strings as std::string_view (only ui/ and its tests include
// Beast, always through this header).
#ifndef BOOST_BEAST_USE_STD_STRING_VIEW
#define BOOST_BEAST_USE_STD_STRING_VIEW
#endif
// clang-format off
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on

namespace inch::ui {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

}  // namespace inch::ui
