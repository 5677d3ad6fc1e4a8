#include "tests/fakes/kafka_edge/codec.h"

#include <algorithm>
#include <limits>

namespace kc::fakes::kafka_edge {
namespace {

tl::unexpected<Error> malformed(std::string_view what) {
  return make_error(Errc::kProtocol, "malformed Kafka frame: {}", what);
}

// Version ranges the edge's parsers follow; past the highest known version the layout is assumed
// unchanged in the parts the edge reads (it copies everything else verbatim).
constexpr int16_t kMetadataFlexibleFrom = 9;          // MetadataRequest/Response.json "9+"
constexpr int16_t kFindCoordinatorFlexibleFrom = 3;   // FindCoordinator*.json "3+"
constexpr int16_t kFindCoordinatorBatchedFrom = 4;    // KIP-699 Coordinators array
constexpr int16_t kApiVersionsFlexibleFrom = 3;       // ApiVersions*.json "3+"
constexpr int16_t kSaslAuthenticateFlexibleFrom = 2;  // SaslAuthenticate*.json "2+"
constexpr int16_t kJoinGroupFlexibleFrom = 6;         // JoinGroupRequest/Response.json "6+"
constexpr int16_t kLeaveGroupFlexibleFrom = 4;        // LeaveGroupRequest/Response.json "4+"

}  // namespace

// ---- Reader ---------------------------------------------------------------------------------

Result<ByteView> Reader::take(size_t n, std::string_view what) {
  if (remaining() < n)
    return malformed(fmt::format("{} needs {} bytes, {} left", what, n, remaining()));
  auto view = data_.subspan(pos_, n);
  pos_ += n;
  return view;
}

Result<int8_t> Reader::i8() {
  KC_ASSIGN_OR_RETURN(auto b, take(1, "int8"));
  return static_cast<int8_t>(b[0]);
}

Result<int16_t> Reader::i16() {
  KC_ASSIGN_OR_RETURN(auto b, take(2, "int16"));
  return static_cast<int16_t>((b[0] << 8) | b[1]);
}

Result<int32_t> Reader::i32() {
  KC_ASSIGN_OR_RETURN(auto b, take(4, "int32"));
  uint32_t v = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  return static_cast<int32_t>(v);
}

Result<int64_t> Reader::i64() {
  KC_ASSIGN_OR_RETURN(auto b, take(8, "int64"));
  uint64_t v = 0;
  for (uint8_t byte : b) v = (v << 8) | byte;
  return static_cast<int64_t>(v);
}

Result<uint32_t> Reader::uvarint() {
  uint32_t value = 0;
  for (int i = 0; i < 5; ++i) {
    KC_ASSIGN_OR_RETURN(auto b, take(1, "unsigned varint"));
    uint32_t chunk = b[0] & 0x7Fu;
    if (i == 4 && chunk > 0x0Fu) return malformed("unsigned varint overflows 32 bits");
    value |= chunk << (7 * i);
    if ((b[0] & 0x80u) == 0) return value;
  }
  return malformed("unsigned varint longer than 5 bytes");
}

Result<int32_t> Reader::varint() {
  KC_ASSIGN_OR_RETURN(uint32_t raw, uvarint());
  return static_cast<int32_t>((raw >> 1) ^ (~(raw & 1u) + 1u));
}

Result<int32_t> Reader::length(bool compact, LengthWidth width) {
  if (compact) {
    KC_ASSIGN_OR_RETURN(uint32_t n, uvarint());
    if (n > static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) {
      return malformed("compact length too large");
    }
    return static_cast<int32_t>(n) - 1;  // N+1 encoding, 0 = null
  }
  if (width == LengthWidth::kInt16) {
    KC_ASSIGN_OR_RETURN(int16_t n, i16());
    return n < 0 ? -1 : n;
  }
  KC_ASSIGN_OR_RETURN(int32_t n, i32());
  return n < 0 ? -1 : n;
}

Result<std::optional<std::string>> Reader::nullable_string(bool compact) {
  KC_ASSIGN_OR_RETURN(int32_t n, length(compact, LengthWidth::kInt16));
  if (n < 0) return std::optional<std::string>();
  KC_ASSIGN_OR_RETURN(auto b, take(static_cast<size_t>(n), "string"));
  return std::optional<std::string>(std::string(b.begin(), b.end()));
}

Result<std::string> Reader::string(bool compact) {
  KC_ASSIGN_OR_RETURN(auto s, nullable_string(compact));
  if (!s) return malformed("null in a non-nullable string");
  return std::move(*s);
}

Result<Bytes> Reader::bytes(bool compact) {
  KC_ASSIGN_OR_RETURN(int32_t n, length(compact, LengthWidth::kInt32));
  if (n < 0) return malformed("null in a non-nullable bytes field");
  KC_ASSIGN_OR_RETURN(auto b, take(static_cast<size_t>(n), "bytes"));
  return Bytes(b.begin(), b.end());
}

Result<int32_t> Reader::array_length(bool compact) { return length(compact, LengthWidth::kInt32); }

Status Reader::skip_tagged_fields() {
  KC_ASSIGN_OR_RETURN(uint32_t count, uvarint());
  for (uint32_t i = 0; i < count; ++i) {
    KC_ASSIGN_OR_RETURN(uint32_t tag, uvarint());
    (void)tag;
    KC_ASSIGN_OR_RETURN(uint32_t size, uvarint());
    KC_RETURN_IF_ERROR(take(size, "tagged field"));
  }
  return ok();
}

Status Reader::skip(size_t n) {
  KC_RETURN_IF_ERROR(take(n, "field"));
  return ok();
}

// ---- Writer ---------------------------------------------------------------------------------

void Writer::i8(int8_t v) { out_.push_back(static_cast<uint8_t>(v)); }

void Writer::i16(int16_t v) {
  auto u = static_cast<uint16_t>(v);
  out_.push_back(static_cast<uint8_t>(u >> 8));
  out_.push_back(static_cast<uint8_t>(u));
}

void Writer::i32(int32_t v) {
  auto u = static_cast<uint32_t>(v);
  for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(u >> shift));
}

void Writer::i64(int64_t v) {
  auto u = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(u >> shift));
}

void Writer::uvarint(uint32_t v) {
  while (v >= 0x80u) {
    out_.push_back(static_cast<uint8_t>(v | 0x80u));
    v >>= 7;
  }
  out_.push_back(static_cast<uint8_t>(v));
}

void Writer::varint(int32_t v) {
  auto u = static_cast<uint32_t>(v);
  uvarint((u << 1) ^ (v < 0 ? 0xFFFFFFFFu : 0u));
}

void Writer::array_length(int32_t n, bool compact) {
  if (compact) {
    uvarint(static_cast<uint32_t>(n + 1));
  } else {
    i32(n);
  }
}

void Writer::nullable_string(std::optional<std::string_view> s, bool compact) {
  if (!s) {
    if (compact) {
      uvarint(0);
    } else {
      i16(-1);
    }
    return;
  }
  if (compact) {
    uvarint(static_cast<uint32_t>(s->size() + 1));
  } else {
    i16(static_cast<int16_t>(s->size()));
  }
  out_.insert(out_.end(), s->begin(), s->end());
}

void Writer::string(std::string_view s, bool compact) { nullable_string(s, compact); }

void Writer::bytes(ByteView b, bool compact) {
  if (compact) {
    uvarint(static_cast<uint32_t>(b.size() + 1));
  } else {
    i32(static_cast<int32_t>(b.size()));
  }
  raw(b);
}

// ---- headers --------------------------------------------------------------------------------

std::optional<bool> is_flexible(int16_t api_key, int16_t api_version) {
  switch (api_key) {
    case api::kMetadata:
      return api_version >= kMetadataFlexibleFrom;
    case api::kFindCoordinator:
      return api_version >= kFindCoordinatorFlexibleFrom;
    case api::kJoinGroup:
      return api_version >= kJoinGroupFlexibleFrom;
    case api::kLeaveGroup:
      return api_version >= kLeaveGroupFlexibleFrom;
    case api::kSaslHandshake:
      return false;  // "flexibleVersions": "none"
    case api::kApiVersions:
      return api_version >= kApiVersionsFlexibleFrom;
    case api::kSaslAuthenticate:
      return api_version >= kSaslAuthenticateFlexibleFrom;
    default:
      return std::nullopt;
  }
}

bool response_header_is_flexible(int16_t api_key, int16_t api_version) {
  if (api_key == api::kApiVersions) return false;
  return is_flexible(api_key, api_version).value_or(false);
}

Result<RequestIds> peek_request_ids(ByteView frame) {
  Reader r(frame);
  RequestIds ids;
  KC_ASSIGN_OR_RETURN(ids.api_key, r.i16());
  KC_ASSIGN_OR_RETURN(ids.api_version, r.i16());
  KC_ASSIGN_OR_RETURN(ids.correlation_id, r.i32());
  return ids;
}

Result<int32_t> peek_correlation_id(ByteView frame) {
  Reader r(frame);
  return r.i32();
}

Result<RequestHeader> read_request_header(Reader& reader) {
  RequestHeader header;
  KC_ASSIGN_OR_RETURN(header.ids.api_key, reader.i16());
  KC_ASSIGN_OR_RETURN(header.ids.api_version, reader.i16());
  KC_ASSIGN_OR_RETURN(header.ids.correlation_id, reader.i32());
  auto flexible = is_flexible(header.ids.api_key, header.ids.api_version);
  if (!flexible) {
    return make_error(Errc::kUnsupported, "no header layout known for API key {}",
                      header.ids.api_key);
  }
  // Request header v1 and v2 both carry ClientId as a (non-compact) NULLABLE_STRING.
  KC_ASSIGN_OR_RETURN(header.client_id, reader.nullable_string(false));
  if (*flexible) KC_RETURN_IF_ERROR(reader.skip_tagged_fields());
  return header;
}

Result<Bytes> encode_request(const RequestIds& ids, std::optional<std::string_view> client_id,
                             ByteView body) {
  auto flexible = is_flexible(ids.api_key, ids.api_version);
  if (!flexible) {
    return make_error(Errc::kUnsupported, "no header layout known for API key {}", ids.api_key);
  }
  Writer w;
  w.i16(ids.api_key);
  w.i16(ids.api_version);
  w.i32(ids.correlation_id);
  w.nullable_string(client_id, false);
  if (*flexible) w.empty_tagged_fields();
  w.raw(body);
  return w.take();
}

Bytes encode_response(int32_t correlation_id, int16_t api_key, int16_t api_version, ByteView body) {
  Writer w;
  w.i32(correlation_id);
  if (response_header_is_flexible(api_key, api_version)) w.empty_tagged_fields();
  w.raw(body);
  return w.take();
}

// ---- address rewriting ----------------------------------------------------------------------

namespace {

// Copies a frame while replacing host/port pairs found along the way: everything between the
// replaced fields is copied byte for byte, so fields the edge does not parse survive unchanged.
class AddressRewriter {
 public:
  AddressRewriter(ByteView frame, bool compact, const AddressRewrite& rewrite)
      : frame_(frame), reader_(frame), compact_(compact), rewrite_(rewrite) {}

  Reader& reader() { return reader_; }

  // Skips the response header and, when the version has it, ThrottleTimeMs.
  Status skip_header(bool has_throttle_time) {
    KC_RETURN_IF_ERROR(reader_.i32());  // correlation id
    if (compact_) KC_RETURN_IF_ERROR(reader_.skip_tagged_fields());
    if (has_throttle_time) KC_RETURN_IF_ERROR(reader_.i32());
    return ok();
  }

  // Reads Host (string) and Port (int32) at the current position and replaces them if mapped.
  Status host_and_port() {
    size_t start = reader_.position();
    KC_ASSIGN_OR_RETURN(std::string host, reader_.string(compact_));
    KC_ASSIGN_OR_RETURN(int32_t port, reader_.i32());
    auto mapped = rewrite_ ? rewrite_(BrokerAddress{host, port}) : std::nullopt;
    if (!mapped) return ok();
    out_.raw(frame_.subspan(copied_, start - copied_));
    out_.string(mapped->host, compact_);
    out_.i32(mapped->port);
    copied_ = reader_.position();
    return ok();
  }

  Bytes finish() {
    out_.raw(frame_.subspan(copied_));
    return out_.take();
  }

 private:
  ByteView frame_;
  Reader reader_;
  bool compact_;
  const AddressRewrite& rewrite_;
  Writer out_;
  size_t copied_ = 0;
};

}  // namespace

Result<Bytes> rewrite_metadata_response(ByteView frame, int16_t api_version,
                                        const AddressRewrite& rewrite) {
  const bool flexible = api_version >= kMetadataFlexibleFrom;
  AddressRewriter rw(frame, flexible, rewrite);
  KC_RETURN_IF_ERROR(rw.skip_header(api_version >= 3));
  Reader& r = rw.reader();
  KC_ASSIGN_OR_RETURN(int32_t brokers, r.array_length(flexible));
  for (int32_t i = 0; i < brokers; ++i) {
    KC_RETURN_IF_ERROR(r.i32());  // NodeId
    KC_RETURN_IF_ERROR(rw.host_and_port());
    if (api_version >= 1) KC_RETURN_IF_ERROR(r.nullable_string(flexible));  // Rack
    if (flexible) KC_RETURN_IF_ERROR(r.skip_tagged_fields());
  }
  return rw.finish();
}

Result<Bytes> rewrite_find_coordinator_response(ByteView frame, int16_t api_version,
                                                const AddressRewrite& rewrite) {
  const bool flexible = api_version >= kFindCoordinatorFlexibleFrom;
  AddressRewriter rw(frame, flexible, rewrite);
  KC_RETURN_IF_ERROR(rw.skip_header(api_version >= 1));
  Reader& r = rw.reader();
  if (api_version < kFindCoordinatorBatchedFrom) {
    KC_RETURN_IF_ERROR(r.i16());                                            // ErrorCode
    if (api_version >= 1) KC_RETURN_IF_ERROR(r.nullable_string(flexible));  // ErrorMessage
    KC_RETURN_IF_ERROR(r.i32());                                            // NodeId
    KC_RETURN_IF_ERROR(rw.host_and_port());
    return rw.finish();
  }
  KC_ASSIGN_OR_RETURN(int32_t coordinators, r.array_length(true));
  for (int32_t i = 0; i < coordinators; ++i) {
    KC_RETURN_IF_ERROR(r.string(true));  // Key
    KC_RETURN_IF_ERROR(r.i32());         // NodeId
    KC_RETURN_IF_ERROR(rw.host_and_port());
    KC_RETURN_IF_ERROR(r.i16());                  // ErrorCode
    KC_RETURN_IF_ERROR(r.nullable_string(true));  // ErrorMessage
    KC_RETURN_IF_ERROR(r.skip_tagged_fields());
  }
  return rw.finish();
}

// ---- ApiVersions ----------------------------------------------------------------------------

namespace {

struct ApiVersionEntry {
  ApiVersionRange range;
  ByteView raw;  // the entry as received, tagged fields included
};

struct ParsedApiVersions {
  int16_t error = 0;
  size_t entries_start = 0;  // position of the ApiKeys array length
  size_t entries_end = 0;    // first byte after the array
  std::vector<ApiVersionEntry> entries;
};

Result<ParsedApiVersions> parse_api_versions(ByteView frame, int16_t api_version) {
  const bool flexible = api_version >= kApiVersionsFlexibleFrom;
  Reader r(frame);
  ParsedApiVersions parsed;
  KC_RETURN_IF_ERROR(r.i32());  // correlation id: ApiVersions always uses response header v0
  KC_ASSIGN_OR_RETURN(parsed.error, r.i16());
  if (parsed.error != error_code::kNone) return parsed;
  parsed.entries_start = r.position();
  KC_ASSIGN_OR_RETURN(int32_t n, r.array_length(flexible));
  for (int32_t i = 0; i < n; ++i) {
    size_t start = r.position();
    ApiVersionEntry e;
    KC_ASSIGN_OR_RETURN(e.range.api_key, r.i16());
    KC_ASSIGN_OR_RETURN(e.range.min_version, r.i16());
    KC_ASSIGN_OR_RETURN(e.range.max_version, r.i16());
    if (flexible) KC_RETURN_IF_ERROR(r.skip_tagged_fields());
    e.raw = frame.subspan(start, r.position() - start);
    parsed.entries.push_back(e);
  }
  parsed.entries_end = r.position();
  return parsed;
}

}  // namespace

Result<Bytes> add_api_versions(ByteView frame, int16_t api_version,
                               std::span<const ApiVersionRange> extra) {
  const bool flexible = api_version >= kApiVersionsFlexibleFrom;
  KC_ASSIGN_OR_RETURN(auto parsed, parse_api_versions(frame, api_version));
  if (parsed.error != error_code::kNone) return Bytes(frame.begin(), frame.end());
  auto replaced = [&](int16_t key) {
    return std::any_of(extra.begin(), extra.end(), [&](const auto& x) { return x.api_key == key; });
  };
  Writer w;
  w.raw(frame.first(parsed.entries_start));
  size_t kept = 0;
  for (const auto& e : parsed.entries) {
    if (!replaced(e.range.api_key)) ++kept;
  }
  w.array_length(static_cast<int32_t>(kept + extra.size()), flexible);
  for (const auto& e : parsed.entries) {
    if (!replaced(e.range.api_key)) w.raw(e.raw);
  }
  for (const auto& x : extra) {
    w.i16(x.api_key);
    w.i16(x.min_version);
    w.i16(x.max_version);
    if (flexible) w.empty_tagged_fields();
  }
  w.raw(frame.subspan(parsed.entries_end));
  return w.take();
}

Result<std::vector<ApiVersionRange>> read_api_versions(ByteView frame, int16_t api_version) {
  KC_ASSIGN_OR_RETURN(auto parsed, parse_api_versions(frame, api_version));
  if (parsed.error != error_code::kNone) {
    return make_error(Errc::kProtocol, "ApiVersions response carries error {}", parsed.error);
  }
  std::vector<ApiVersionRange> out;
  for (const auto& e : parsed.entries) out.push_back(e.range);
  return out;
}

// ---- Group membership -----------------------------------------------------------------------

Result<std::optional<std::string>> read_join_group_instance_id(Reader& body, int16_t api_version) {
  const bool compact = api_version >= kJoinGroupFlexibleFrom;
  KC_RETURN_IF_ERROR(body.string(compact));              // GroupId
  KC_RETURN_IF_ERROR(body.i32());                        // SessionTimeoutMs
  if (api_version >= 1) KC_RETURN_IF_ERROR(body.i32());  // RebalanceTimeoutMs
  KC_RETURN_IF_ERROR(body.string(compact));              // MemberId
  if (api_version < 5) return std::optional<std::string>();
  return body.nullable_string(compact);  // GroupInstanceId
}

// ---- SASL -----------------------------------------------------------------------------------

Result<std::string> read_sasl_handshake_request(Reader& body) { return body.string(false); }

Bytes encode_sasl_handshake_response(int32_t correlation_id, int16_t api_version, int16_t error,
                                     const std::vector<std::string>& mechanisms) {
  Writer body;
  body.i16(error);
  body.array_length(static_cast<int32_t>(mechanisms.size()), false);
  for (const auto& m : mechanisms) body.string(m, false);
  return encode_response(correlation_id, api::kSaslHandshake, api_version, body.data());
}

Result<Bytes> read_sasl_authenticate_request(Reader& body, int16_t api_version) {
  const bool flexible = api_version >= kSaslAuthenticateFlexibleFrom;
  KC_ASSIGN_OR_RETURN(Bytes auth, body.bytes(flexible));
  if (flexible) KC_RETURN_IF_ERROR(body.skip_tagged_fields());
  return auth;
}

Bytes encode_sasl_authenticate_response(int32_t correlation_id, int16_t api_version,
                                        const SaslAuthenticateResponse& response) {
  const bool flexible = api_version >= kSaslAuthenticateFlexibleFrom;
  Writer body;
  body.i16(response.error);
  body.nullable_string(response.error_message, flexible);
  body.bytes(response.auth_bytes, flexible);
  if (api_version >= 1) body.i64(response.session_lifetime_ms);
  if (flexible) body.empty_tagged_fields();
  return encode_response(correlation_id, api::kSaslAuthenticate, api_version, body.data());
}

}  // namespace kc::fakes::kafka_edge
