#include "tests/fakes/kafka_edge/codec.h"

#include <limits>

#include <gtest/gtest.h>

namespace kc::fakes::kafka_edge {
namespace {

Bytes bytes(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// ---- primitives -----------------------------------------------------------------------------

TEST(KafkaCodecTest, UnsignedVarintsMatchTheProtocolGuide) {
  struct Case {
    uint32_t value;
    Bytes encoded;
  };
  for (const auto& c : std::vector<Case>{{0, bytes({0x00})},
                                         {1, bytes({0x01})},
                                         {127, bytes({0x7F})},
                                         {128, bytes({0x80, 0x01})},
                                         {300, bytes({0xAC, 0x02})},
                                         {16384, bytes({0x80, 0x80, 0x01})},
                                         {0xFFFFFFFFu, bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x0F})}}) {
    Writer w;
    w.uvarint(c.value);
    EXPECT_EQ(w.data(), c.encoded) << c.value;
    Reader r(c.encoded);
    auto back = r.uvarint();
    ASSERT_TRUE(back) << back.error().to_string();
    EXPECT_EQ(*back, c.value);
    EXPECT_EQ(r.remaining(), 0u);
  }
}

TEST(KafkaCodecTest, RefusesVarintsLongerThanFiveBytesOrOver32Bits) {
  Bytes too_long = bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  EXPECT_EQ(Reader(too_long).uvarint().error().code(), Errc::kProtocol);
  Bytes too_big = bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x1F});
  EXPECT_EQ(Reader(too_big).uvarint().error().code(), Errc::kProtocol);
  Bytes truncated = bytes({0x80});
  EXPECT_EQ(Reader(truncated).uvarint().error().code(), Errc::kProtocol);
}

TEST(KafkaCodecTest, SignedVarintsUseZigZag) {
  struct Case {
    int32_t value;
    Bytes encoded;
  };
  for (const auto& c : std::vector<Case>{{0, bytes({0x00})},
                                         {-1, bytes({0x01})},
                                         {1, bytes({0x02})},
                                         {-2, bytes({0x03})},
                                         {-64, bytes({0x7F})},
                                         {64, bytes({0x80, 0x01})}}) {
    Writer w;
    w.varint(c.value);
    EXPECT_EQ(w.data(), c.encoded) << c.value;
  }
  for (int32_t v :
       {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), -300, 12345}) {
    Writer w;
    w.varint(v);
    auto back = Reader(w.data()).varint();
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, v);
  }
}

TEST(KafkaCodecTest, StringsCompactAndClassic) {
  Writer w;
  w.string("abc", false);
  w.string("abc", true);
  w.nullable_string(std::nullopt, false);
  w.nullable_string(std::nullopt, true);
  w.string("", true);
  EXPECT_EQ(w.data(),
            bytes({0x00, 0x03, 'a', 'b', 'c', 0x04, 'a', 'b', 'c', 0xFF, 0xFF, 0x00, 0x01}));
  Reader r(w.data());
  EXPECT_EQ(*r.string(false), "abc");
  EXPECT_EQ(*r.string(true), "abc");
  EXPECT_EQ(*r.nullable_string(false), std::nullopt);
  EXPECT_EQ(*r.nullable_string(true), std::nullopt);
  EXPECT_EQ(*r.string(true), "");
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(KafkaCodecTest, NullWhereNotNullableIsAnError) {
  Bytes null_compact = bytes({0x00});
  EXPECT_EQ(Reader(null_compact).string(true).error().code(), Errc::kProtocol);
  Bytes truncated = bytes({0x00, 0x05, 'a'});
  EXPECT_EQ(Reader(truncated).string(false).error().code(), Errc::kProtocol);
}

TEST(KafkaCodecTest, SkipsTaggedFields) {
  // two tagged fields: tag 0 with 2 bytes, tag 5 with 1 byte; then an int16
  Bytes data = bytes({0x02, 0x00, 0x02, 0xAA, 0xBB, 0x05, 0x01, 0xCC, 0x12, 0x34});
  Reader r(data);
  ASSERT_TRUE(r.skip_tagged_fields());
  EXPECT_EQ(*r.i16(), 0x1234);
  Bytes bad = bytes({0x01, 0x00, 0x05, 0xAA});
  EXPECT_FALSE(Reader(bad).skip_tagged_fields());
}

TEST(KafkaCodecTest, RequestHeadersV1AndV2) {
  // Metadata v8 uses request header v1; v9 header v2 (a TAG_BUFFER after the client id).
  for (int16_t version : {int16_t{8}, int16_t{9}}) {
    RequestIds ids{api::kMetadata, version, 42};
    Bytes body = bytes({0x01, 0x02});
    auto frame = encode_request(ids, "client-1", body);
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->size(), 8u + 2u + 8u + (version >= 9 ? 1u : 0u) + body.size());
    Reader r(*frame);
    auto header = read_request_header(r);
    ASSERT_TRUE(header) << header.error().to_string();
    EXPECT_EQ(header->ids.api_key, api::kMetadata);
    EXPECT_EQ(header->ids.api_version, version);
    EXPECT_EQ(header->ids.correlation_id, 42);
    EXPECT_EQ(header->client_id, "client-1");
    EXPECT_EQ(Bytes(r.rest().begin(), r.rest().end()), body);
    auto peeked = peek_request_ids(*frame);
    ASSERT_TRUE(peeked);
    EXPECT_EQ(peeked->correlation_id, 42);
  }
}

TEST(KafkaCodecTest, ResponseHeaderIsFlexibleExceptForApiVersions) {
  EXPECT_FALSE(response_header_is_flexible(api::kMetadata, 8));
  EXPECT_TRUE(response_header_is_flexible(api::kMetadata, 9));
  EXPECT_FALSE(response_header_is_flexible(api::kFindCoordinator, 2));
  EXPECT_TRUE(response_header_is_flexible(api::kFindCoordinator, 3));
  EXPECT_FALSE(response_header_is_flexible(api::kApiVersions, 3));
  EXPECT_FALSE(response_header_is_flexible(api::kSaslHandshake, 1));
  EXPECT_TRUE(response_header_is_flexible(api::kSaslAuthenticate, 2));
  EXPECT_EQ(encode_response(7, api::kMetadata, 9, bytes({0xEE})), bytes({0, 0, 0, 7, 0x00, 0xEE}));
  EXPECT_EQ(encode_response(7, api::kApiVersions, 3, bytes({0xEE})), bytes({0, 0, 0, 7, 0xEE}));
}

// ---- Metadata -------------------------------------------------------------------------------

struct TestBroker {
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;
};

// The part of a Metadata response after Brokers (cluster id, controller, one topic with one
// partition, ...), built per MetadataResponse.json so the round trip checks it survives.
Bytes metadata_tail(int16_t v) {
  const bool flex = v >= 9;
  Writer w;
  if (v >= 2) w.nullable_string("cluster-x", flex);  // ClusterId
  if (v >= 1) w.i32(2);                              // ControllerId
  w.array_length(1, flex);                           // Topics
  w.i16(0);                                          // ErrorCode
  w.string("orders", flex);                          // Name
  if (v >= 10) w.raw(Bytes(16, 0xAB));               // TopicId (uuid)
  if (v >= 1) w.i8(0);                               // IsInternal
  w.array_length(1, flex);                           // Partitions
  w.i16(0);
  w.i32(0);
  w.i32(2);
  if (v >= 7) w.i32(5);  // LeaderEpoch
  w.array_length(1, flex);
  w.i32(2);
  w.array_length(1, flex);
  w.i32(2);
  if (v >= 5) w.array_length(0, flex);        // OfflineReplicas
  if (flex) w.empty_tagged_fields();          // partition
  if (v >= 8) w.i32(-2147483648);             // TopicAuthorizedOperations
  if (flex) w.empty_tagged_fields();          // topic
  if (v >= 8 && v <= 10) w.i32(-2147483648);  // ClusterAuthorizedOperations
  if (flex) w.empty_tagged_fields();          // body
  return w.take();
}

Bytes metadata_response(int16_t v, int32_t correlation_id, const std::vector<TestBroker>& brokers) {
  const bool flex = v >= 9;
  Writer w;
  if (v >= 3) w.i32(0);  // ThrottleTimeMs
  w.array_length(static_cast<int32_t>(brokers.size()), flex);
  for (const auto& b : brokers) {
    w.i32(b.node_id);
    w.string(b.host, flex);
    w.i32(b.port);
    if (v >= 1) w.nullable_string(b.rack, flex);
    if (flex) {
      // a tagged field the edge does not know must survive
      w.uvarint(1);
      w.uvarint(7);
      w.uvarint(2);
      w.raw(bytes({0x55, 0x66}));
    }
  }
  w.raw(metadata_tail(v));
  return encode_response(correlation_id, api::kMetadata, v, w.data());
}

std::vector<TestBroker> read_metadata_brokers(const Bytes& frame, int16_t v, Bytes* tail) {
  const bool flex = v >= 9;
  Reader r(frame);
  std::vector<TestBroker> out;
  EXPECT_TRUE(r.i32());
  if (flex) {
    EXPECT_TRUE(r.skip_tagged_fields());
  }
  if (v >= 3) {
    EXPECT_TRUE(r.i32());
  }
  int32_t n = *r.array_length(flex);
  for (int32_t i = 0; i < n; ++i) {
    TestBroker b;
    b.node_id = *r.i32();
    b.host = *r.string(flex);
    b.port = *r.i32();
    if (v >= 1) b.rack = *r.nullable_string(flex);
    if (flex) {
      EXPECT_TRUE(r.skip_tagged_fields());
    }
    out.push_back(b);
  }
  *tail = Bytes(r.rest().begin(), r.rest().end());
  return out;
}

AddressRewrite map_ports(const std::map<int32_t, int32_t>& ports) {
  return [ports](const BrokerAddress& a) -> std::optional<BrokerAddress> {
    auto it = ports.find(a.port);
    if (it == ports.end()) return std::nullopt;
    return BrokerAddress{"127.0.0.1", it->second};
  };
}

TEST(KafkaCodecTest, RewritesMetadataBrokersInEveryVersion) {
  std::vector<TestBroker> brokers = {{1, "mock-host-1", 9001, std::nullopt},
                                     {2, "a-much-longer-upstream-host-name", 9002, "rack-b"},
                                     {3, "h", 9003, std::nullopt}};
  for (int16_t v = 0; v <= 12; ++v) {
    SCOPED_TRACE(v);
    Bytes frame = metadata_response(v, 99, brokers);
    auto out = rewrite_metadata_response(frame, v, map_ports({{9001, 101}, {9002, 102}}));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(*peek_correlation_id(*out), 99);
    Bytes tail;
    auto got = read_metadata_brokers(*out, v, &tail);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].host, "127.0.0.1");
    EXPECT_EQ(got[0].port, 101);
    EXPECT_EQ(got[1].host, "127.0.0.1");
    EXPECT_EQ(got[1].port, 102);
    EXPECT_EQ(got[2].host, "h");  // unmapped: unchanged
    EXPECT_EQ(got[2].port, 9003);
    for (size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(got[i].node_id, brokers[i].node_id);
      if (v >= 1) {
        EXPECT_EQ(got[i].rack, brokers[i].rack);
      }
    }
    EXPECT_EQ(tail, metadata_tail(v));
  }
}

TEST(KafkaCodecTest, MetadataWithNothingMappedIsByteForByteUnchanged) {
  for (int16_t v : {int16_t{4}, int16_t{12}}) {
    Bytes frame = metadata_response(v, 1, {{1, "x", 1, std::nullopt}});
    auto out = rewrite_metadata_response(frame, v, map_ports({}));
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, frame);
  }
}

TEST(KafkaCodecTest, TruncatedMetadataIsAProtocolError) {
  Bytes frame = metadata_response(9, 1, {{1, "host", 1, std::nullopt}});
  for (size_t cut : {size_t{2}, size_t{9}, size_t{14}}) {
    Bytes truncated(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(cut));
    auto out = rewrite_metadata_response(truncated, 9, map_ports({{1, 2}}));
    ASSERT_FALSE(out) << cut;
    EXPECT_EQ(out.error().code(), Errc::kProtocol);
  }
}

// ---- FindCoordinator ------------------------------------------------------------------------

Bytes find_coordinator_response(int16_t v, const std::string& host, int32_t port) {
  const bool flex = v >= 3;
  Writer w;
  if (v >= 1) w.i32(0);  // ThrottleTimeMs
  if (v <= 3) {
    w.i16(0);
    if (v >= 1) w.nullable_string(std::nullopt, flex);  // ErrorMessage
    w.i32(1);
    w.string(host, flex);
    w.i32(port);
  } else {
    w.array_length(2, true);
    for (std::string key : {"group-a", "group-b"}) {
      w.string(key, true);
      w.i32(1);
      w.string(host, true);
      w.i32(port);
      w.i16(0);
      w.nullable_string(std::nullopt, true);
      w.empty_tagged_fields();
    }
  }
  if (flex) w.empty_tagged_fields();
  return encode_response(5, api::kFindCoordinator, v, w.data());
}

TEST(KafkaCodecTest, RewritesFindCoordinatorInEveryVersion) {
  for (int16_t v = 0; v <= 4; ++v) {
    SCOPED_TRACE(v);
    Bytes frame = find_coordinator_response(v, "upstream.example", 9092);
    auto out = rewrite_find_coordinator_response(frame, v, map_ports({{9092, 40001}}));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(*out, find_coordinator_response(v, "127.0.0.1", 40001));
  }
}

// ---- ApiVersions ----------------------------------------------------------------------------

Bytes api_versions_response(int16_t v, int16_t error, const std::vector<ApiVersionRange>& apis) {
  const bool flex = v >= 3;
  Writer w;
  w.i16(error);
  w.array_length(static_cast<int32_t>(apis.size()), flex);
  for (const auto& a : apis) {
    w.i16(a.api_key);
    w.i16(a.min_version);
    w.i16(a.max_version);
    if (flex) w.empty_tagged_fields();
  }
  if (v >= 1) w.i32(0);
  if (flex) {
    // FinalizedFeaturesEpoch (tag 1, int64) must survive
    w.uvarint(1);
    w.uvarint(1);
    w.uvarint(8);
    w.i64(-1);
  }
  return encode_response(3, api::kApiVersions, v, w.data());
}

TEST(KafkaCodecTest, AddsSaslApisToApiVersions) {
  const std::vector<ApiVersionRange> upstream = {{0, 0, 9}, {3, 0, 12}, {17, 0, 0}};
  const std::vector<ApiVersionRange> extra = {{17, 0, 1}, {36, 0, 2}};
  for (int16_t v : {int16_t{0}, int16_t{1}, int16_t{2}, int16_t{3}, int16_t{4}}) {
    SCOPED_TRACE(v);
    Bytes frame = api_versions_response(v, 0, upstream);
    auto out = add_api_versions(frame, v, extra);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(*out, api_versions_response(v, 0, {{0, 0, 9}, {3, 0, 12}, {17, 0, 1}, {36, 0, 2}}));
    auto read = read_api_versions(*out, v);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->size(), 4u);
  }
}

TEST(KafkaCodecTest, ApiVersionsErrorsPassUnchanged) {
  // UNSUPPORTED_VERSION to a v3 request comes back in the v0 layout; it must not be touched.
  Bytes frame = api_versions_response(0, error_code::kUnsupportedVersion, {{18, 0, 2}});
  auto out = add_api_versions(frame, 3, std::vector<ApiVersionRange>{{17, 0, 1}});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, frame);
}

// ---- Group membership (static members, KIP-345) -------------------------------------------------

TEST(KafkaCodecTest, ReadsJoinGroupInstanceIdInEveryVersion) {
  for (int16_t v = 0; v <= 9; ++v) {
    SCOPED_TRACE(v);
    const bool compact = v >= 6;
    Writer body;
    body.string("connect-orders", compact);  // GroupId
    body.i32(45000);                         // SessionTimeoutMs
    if (v >= 1) body.i32(300000);            // RebalanceTimeoutMs
    body.string("", compact);                // MemberId
    if (v >= 5) body.nullable_string("pod-a-orders-0", compact);
    body.string("consumer", compact);  // ProtocolType: not read
    auto frame = encode_request({api::kJoinGroup, v, 7}, "c", body.data());
    ASSERT_TRUE(frame);
    Reader r(*frame);
    ASSERT_TRUE(read_request_header(r));
    auto id = read_join_group_instance_id(r, v);
    ASSERT_TRUE(id) << id.error().message();
    EXPECT_EQ(*id, v >= 5 ? std::optional<std::string>("pod-a-orders-0") : std::nullopt);
  }
}

TEST(KafkaCodecTest, JoinGroupOfADynamicMemberHasNoInstanceId) {
  Writer body;
  body.string("g", false);
  body.i32(45000);
  body.i32(300000);
  body.string("member-1", false);
  body.nullable_string(std::nullopt, false);
  Reader r(body.data());
  EXPECT_EQ(*read_join_group_instance_id(r, 5), std::nullopt);
  Reader truncated(ByteView(body.data()).first(6));
  EXPECT_FALSE(read_join_group_instance_id(truncated, 5));
}

// ---- SASL messages --------------------------------------------------------------------------

TEST(KafkaCodecTest, SaslHandshakeRoundTrip) {
  Writer body;
  body.string("SCRAM-SHA-512", false);
  auto frame = encode_request({api::kSaslHandshake, 1, 11}, "c", body.data());
  ASSERT_TRUE(frame);
  Reader r(*frame);
  ASSERT_TRUE(read_request_header(r));
  EXPECT_EQ(*read_sasl_handshake_request(r), "SCRAM-SHA-512");

  Bytes response = encode_sasl_handshake_response(11, 1, error_code::kUnsupportedSaslMechanism,
                                                  {"PLAIN", "SCRAM-SHA-256"});
  EXPECT_EQ(response,
            concat(bytes({0, 0, 0, 11, 0, 33, 0, 0, 0, 2, 0, 5}),
                   concat(Bytes{'P', 'L', 'A', 'I', 'N', 0, 13},
                          Bytes{'S', 'C', 'R', 'A', 'M', '-', 'S', 'H', 'A', '-', '2', '5', '6'})));
}

TEST(KafkaCodecTest, SaslAuthenticateInEveryVersion) {
  for (int16_t v : {int16_t{0}, int16_t{1}, int16_t{2}}) {
    SCOPED_TRACE(v);
    const bool flex = v >= 2;
    Writer body;
    body.bytes(bytes({'h', 'i'}), flex);
    if (flex) body.empty_tagged_fields();
    auto frame = encode_request({api::kSaslAuthenticate, v, 12}, "c", body.data());
    ASSERT_TRUE(frame);
    Reader r(*frame);
    ASSERT_TRUE(read_request_header(r));
    auto auth = read_sasl_authenticate_request(r, v);
    ASSERT_TRUE(auth);
    EXPECT_EQ(*auth, bytes({'h', 'i'}));

    Bytes response = encode_sasl_authenticate_response(
        12, v, {.error = error_code::kSaslAuthenticationFailed, .error_message = "no"});
    Reader rr(response);
    EXPECT_EQ(*rr.i32(), 12);
    if (flex) {
      ASSERT_TRUE(rr.skip_tagged_fields());
    }
    EXPECT_EQ(*rr.i16(), error_code::kSaslAuthenticationFailed);
    EXPECT_EQ(*rr.nullable_string(flex), "no");
    EXPECT_TRUE(rr.bytes(flex)->empty());
    if (v >= 1) {
      EXPECT_EQ(*rr.i64(), 0);
    }
    if (flex) {
      ASSERT_TRUE(rr.skip_tagged_fields());
    }
    EXPECT_EQ(rr.remaining(), 0u);
  }
}

}  // namespace
}  // namespace kc::fakes::kafka_edge
