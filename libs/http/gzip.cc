#include "libs/http/gzip.h"

#include <array>

#include <zlib.h>

namespace kc::http {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 2^15 window, gzip header and trailer
constexpr int kGzipOrZlibBits = 15 + 32;  // inflate: detect gzip or zlib headers

}  // namespace

std::string gzip_compress(std::string_view data, int level) {
  z_stream z{};
  // Only fails on bad parameters or out of memory; ours are constant.
  deflateInit2(&z, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  out.resize(deflateBound(&z, static_cast<uLong>(data.size())));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);  // deflateBound guarantees one call finishes
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

Result<std::string> gzip_decompress(std::string_view data, size_t max_bytes) {
  std::string out;
  std::array<char, size_t{64} * 1024> chunk{};
  z_stream z{};
  if (inflateInit2(&z, kGzipOrZlibBits) != Z_OK) {
    return make_error(Errc::kData, "gzip: cannot initialise zlib");
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(chunk.data(), chunk.size() - z.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&z);
      return make_error(Errc::kData, "gzip: more than {} bytes once decompressed", max_bytes);
    }
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      inflateReset(&z);  // another member follows
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) {
    return make_error(Errc::kData, "gzip: corrupt or truncated data ({})",
                      z.msg ? z.msg : "zlib error " + std::to_string(rc));
  }
  return out;
}

}  // namespace kc::http
