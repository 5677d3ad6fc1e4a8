#pragma once

// The Boost.Asio headers the edge and its tests use. Once inlined into our code, Asio's scheduler
// trips GCC 12's -Wnull-dereference flow analysis (scheduler.ipp), which -Werror would turn into a
// build failure; the warning is silenced for these headers only.

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
