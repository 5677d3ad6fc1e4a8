#include "libs/base/gzip.h"

#include <zlib.h>

namespace kc::gzip {
namespace {

constexpr int kGzipWindow = 15 + 16;  // 32 KiB window, gzip header and trailer
constexpr size_t kChunk = size_t{64} * 1024;

}  // namespace

std::string compress(std::string_view data, int level) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, kGzipWindow, 8, Z_DEFAULT_STRATEGY);
  std::string out;
  out.resize(deflateBound(&z, static_cast<uLong>(data.size())) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);  // the output holds deflateBound: one call finishes
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

Result<std::string> decompress(std::string_view data, size_t max_bytes) {
  std::string out;
  z_stream z{};
  if (inflateInit2(&z, kGzipWindow) != Z_OK) return make_error(Errc::kData, "gzip: no memory");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (true) {
    size_t had = out.size();
    out.resize(had + kChunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + had);
    z.avail_out = static_cast<uInt>(kChunk);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(had + kChunk - z.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&z);
      return make_error(Errc::kData, "gzip: inflates to more than {} bytes", max_bytes);
    }
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      inflateReset(&z);  // another member follows
      continue;
    }
    if (rc != Z_OK) {
      inflateEnd(&z);
      return make_error(Errc::kData, "gzip: {}", z.msg != nullptr ? z.msg : "not gzip data");
    }
    if (z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return make_error(Errc::kData, "gzip: truncated data");
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace kc::gzip
