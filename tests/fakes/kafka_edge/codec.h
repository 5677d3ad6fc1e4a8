#pragma once

// Kafka wire primitives and the handful of messages the edge reads, rewrites or answers itself.
// Everything here is pure (no I/O) and works on one frame's payload: the bytes after the 4-byte
// big-endian size. Encodings follow https://kafka.apache.org/protocol ("Protocol Primitive Types",
// "Headers") and the message definitions in apache/kafka
// clients/src/main/resources/common/message/*.json (see kafka_edge.h for the list).
//
// Threading: free functions and value types; Reader/Writer are not shared between threads.
// Errors: malformed input returns Errc::kProtocol with the field that did not parse.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libs/base/error.h"

namespace kc::fakes::kafka_edge {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// API keys the edge cares about.
namespace api {
inline constexpr int16_t kMetadata = 3;
inline constexpr int16_t kFindCoordinator = 10;
inline constexpr int16_t kJoinGroup = 11;
inline constexpr int16_t kLeaveGroup = 13;
inline constexpr int16_t kSaslHandshake = 17;
inline constexpr int16_t kApiVersions = 18;
inline constexpr int16_t kSaslAuthenticate = 36;
}  // namespace api

// Kafka error codes the edge returns (https://kafka.apache.org/protocol#protocol_error_codes).
namespace error_code {
inline constexpr int16_t kNone = 0;
inline constexpr int16_t kUnsupportedSaslMechanism = 33;
inline constexpr int16_t kIllegalSaslState = 34;
inline constexpr int16_t kUnsupportedVersion = 35;
inline constexpr int16_t kSaslAuthenticationFailed = 58;
}  // namespace error_code

// Sequential reader over one payload. Every read checks bounds.
class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}

  Result<int8_t> i8();
  Result<int16_t> i16();
  Result<int32_t> i32();
  Result<int64_t> i64();
  Result<uint32_t> uvarint();  // unsigned LEB128, at most 5 bytes
  Result<int32_t> varint();    // zig-zag LEB128
  // STRING / COMPACT_STRING (never null).
  Result<std::string> string(bool compact);
  // NULLABLE_STRING / COMPACT_NULLABLE_STRING.
  Result<std::optional<std::string>> nullable_string(bool compact);
  // BYTES / COMPACT_BYTES (never null).
  Result<Bytes> bytes(bool compact);
  // ARRAY / COMPACT_ARRAY length; -1 for a null array.
  Result<int32_t> array_length(bool compact);
  // A TAG_BUFFER: skips every tagged field.
  Status skip_tagged_fields();
  Status skip(size_t n);

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  ByteView rest() const { return data_.subspan(pos_); }

 private:
  // Non-compact strings have an int16 length, bytes and arrays an int32 one.
  enum class LengthWidth { kInt16, kInt32 };
  Result<ByteView> take(size_t n, std::string_view what);
  Result<int32_t> length(bool compact, LengthWidth width);  // -1 = null

  ByteView data_;
  size_t pos_ = 0;
};

// Appends Kafka primitives to a buffer.
class Writer {
 public:
  void i8(int8_t v);
  void i16(int16_t v);
  void i32(int32_t v);
  void i64(int64_t v);
  void uvarint(uint32_t v);
  void varint(int32_t v);
  void string(std::string_view s, bool compact);
  void nullable_string(std::optional<std::string_view> s, bool compact);
  void bytes(ByteView b, bool compact);
  void array_length(int32_t n, bool compact);  // n = -1 writes a null array
  void empty_tagged_fields() { uvarint(0); }
  void raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }

  const Bytes& data() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

// True when this API version uses the flexible encoding (compact types, tagged fields, request
// header v2 / response header v1). Known only for the APIs the edge parses (see `api`); others
// return nullopt. ApiVersions responses still use response header v0 (see
// response_header_is_flexible).
std::optional<bool> is_flexible(int16_t api_key, int16_t api_version);
// Response header v1 (with a TAG_BUFFER) or v0. ApiVersions always answers with v0 (KIP-511).
bool response_header_is_flexible(int16_t api_key, int16_t api_version);

// The fixed start of every request header (v0+): enough to route and track any request.
struct RequestIds {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
};
Result<RequestIds> peek_request_ids(ByteView frame);
// The correlation id every response starts with.
Result<int32_t> peek_correlation_id(ByteView frame);

// A request header read in full (v1 or v2), leaving `reader` at the start of the body.
// Only for APIs `is_flexible` knows.
struct RequestHeader {
  RequestIds ids;
  std::optional<std::string> client_id;
};
Result<RequestHeader> read_request_header(Reader& reader);

// Builds a request frame (for tests and tools): header v1 or v2 as the API version requires.
Result<Bytes> encode_request(const RequestIds& ids, std::optional<std::string_view> client_id,
                             ByteView body);
// Builds a response frame: correlation id, a TAG_BUFFER when the header is flexible, the body.
Bytes encode_response(int32_t correlation_id, int16_t api_key, int16_t api_version, ByteView body);

// A broker address as Metadata and FindCoordinator carry it.
struct BrokerAddress {
  std::string host;
  int32_t port = 0;
  auto operator<=>(const BrokerAddress&) const = default;
};
// Maps an upstream address to the address clients should use instead; nullopt keeps it.
using AddressRewrite = std::function<std::optional<BrokerAddress>(const BrokerAddress&)>;

// Rewrites every broker host/port in a Metadata response (v0-v12; the Brokers array sits right
// after ThrottleTimeMs in all of them, and later versions only add fields after it); the rest of
// the frame is copied unchanged.
Result<Bytes> rewrite_metadata_response(ByteView frame, int16_t api_version,
                                        const AddressRewrite& rewrite);
// Rewrites the coordinator host/port of a FindCoordinator response: versions 0-3 carry one,
// version 4+ a Coordinators array (KIP-699).
Result<Bytes> rewrite_find_coordinator_response(ByteView frame, int16_t api_version,
                                                const AddressRewrite& rewrite);

struct ApiVersionRange {
  int16_t api_key = 0;
  int16_t min_version = 0;
  int16_t max_version = 0;
};
// Adds (or replaces) entries in an ApiVersions response. A response with a non-zero ErrorCode is
// returned unchanged: for UNSUPPORTED_VERSION the broker answers in the v0 layout whatever the
// request version was, and the client retries with a lower version.
Result<Bytes> add_api_versions(ByteView frame, int16_t api_version,
                               std::span<const ApiVersionRange> extra);
// Reads an ApiVersions response (for tests).
Result<std::vector<ApiVersionRange>> read_api_versions(ByteView frame, int16_t api_version);

// JoinGroup (key 11, v0-9, flexible from v6): the request's GroupInstanceId (KIP-345 static
// membership, v5+), read after GroupId, SessionTimeoutMs, RebalanceTimeoutMs (v1+) and MemberId;
// nullopt for a dynamic member or a version before 5.
Result<std::optional<std::string>> read_join_group_instance_id(Reader& body, int16_t api_version);

// SaslHandshake (key 17, v0-1, never flexible): request { Mechanism: string },
// response { ErrorCode: int16, Mechanisms: [string] }.
Result<std::string> read_sasl_handshake_request(Reader& body);
Bytes encode_sasl_handshake_response(int32_t correlation_id, int16_t api_version, int16_t error,
                                     const std::vector<std::string>& mechanisms);

// SaslAuthenticate (key 36, v0-2, flexible from v2): request { AuthBytes: bytes },
// response { ErrorCode: int16, ErrorMessage: nullable string, AuthBytes: bytes,
// SessionLifetimeMs: int64 (v1+) }.
Result<Bytes> read_sasl_authenticate_request(Reader& body, int16_t api_version);
struct SaslAuthenticateResponse {
  int16_t error = error_code::kNone;
  std::optional<std::string> error_message;
  Bytes auth_bytes;
  int64_t session_lifetime_ms = 0;
};
Bytes encode_sasl_authenticate_response(int32_t correlation_id, int16_t api_version,
                                        const SaslAuthenticateResponse& response);

}  // namespace kc::fakes::kafka_edge
