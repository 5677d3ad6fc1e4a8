#pragma once

// The Boost.Asio headers the edge and its tests use. Once inlined into our code, Asio's scheduler
// trips GCC 12's -Wnull-dereference flow analysis (scheduler.ipp), which -Werror would turn into a
// build failure; the warning is silenced for these headers only.

// Boost 1.74 enables co_await support for clang only with libc++'s <experimental/coroutine>;
// clang >= 14 in C++20 mode works with libstdc++'s <coroutine> just as GCC does.
#if defined(__clang__) && defined(__cpp_impl_coroutine) && !defined(BOOST_ASIO_HAS_CO_AWAIT)
#define BOOST_ASIO_HAS_CO_AWAIT 1
#define BOOST_ASIO_HAS_STD_COROUTINE 1
#endif

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#pragma GCC diagnostic pop
