#pragma once

// Internal: Beast's SyncReadStream over a Transport, so Beast's HTTP parser reads with our
// deadlines and interruption. Include from libs/http/*.cc only (it pulls in Boost headers).
//
// Only reading goes through Beast; requests and responses are written by detail/wire.h.

#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/string_type.hpp>
#include <boost/system/error_code.hpp>

#include "libs/http/detail/transport.h"

namespace kc::http::detail {

// Boost 1.74's Beast uses boost::string_view.
inline std::string_view std_view(boost::beast::string_view s) { return {s.data(), s.size()}; }

class BeastReadStream {
 public:
  explicit BeastReadStream(Transport& transport) : transport_(transport) {}

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    auto end = boost::asio::buffer_sequence_end(buffers);
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != end; ++it) {
      boost::asio::mutable_buffer buffer(*it);
      if (buffer.size() == 0) continue;
      size_t n = transport_.read_some(static_cast<char*>(buffer.data()), buffer.size(), last_);
      ec = to_error_code(last_);
      return n;
    }
    ec = {};
    return 0;
  }

  // Declared for Beast's SyncReadStream concept check only; never defined or called (we use the
  // error_code overloads, which do not throw).
  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers);

  // Why the last read failed (kNone after a successful read).
  IoError last_error() const { return last_; }

 private:
  static boost::system::error_code to_error_code(IoError error) {
    switch (error) {
      case IoError::kNone:
        return {};
      case IoError::kEof:
        return boost::asio::error::eof;
      case IoError::kTimeout:
        return boost::asio::error::timed_out;
      case IoError::kCancelled:
        return boost::asio::error::operation_aborted;
      case IoError::kReset:
        return boost::asio::error::connection_reset;
      case IoError::kTls:
      case IoError::kOther:
        break;
    }
    return boost::asio::error::fault;
  }

  Transport& transport_;
  IoError last_ = IoError::kNone;
};

}  // namespace kc::http::detail
