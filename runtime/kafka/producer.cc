#include "runtime/kafka/producer.h"

#include <algorithm>
#include <iterator>
#include <memory>

#include "runtime/kafka/errors.h"

namespace kc::kafka {

Result<std::unique_ptr<Producer>> Producer::create(const Properties& properties) {
  KC_ASSIGN_OR_RETURN(auto conf, make_conf(properties));
  auto producer = std::make_unique<Producer>(Private{});
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Producer::on_delivery_report);
  rd_kafka_conf_set_opaque(conf.get(), producer.get());
  char errstr[512];
  producer->rk_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
  if (!producer->rk_) return make_error(Errc::kInvalidConfig, "creating producer: {}", errstr);
  (void)conf.release();  // owned by the handle now
  return producer;
}

Producer::~Producer() {
  if (rk_) rd_kafka_flush(rk_.get(), 5000);
}

void Producer::on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  std::unique_ptr<DeliveryCallback> callback(static_cast<DeliveryCallback*>(msg->_private));
  Status status;
  if (msg->err) {
    self->failed_.fetch_add(1);
    status = tl::unexpected(to_error(msg->err, "delivering record"));
  } else {
    self->delivered_.fetch_add(1);
  }
  if (callback && *callback) (*callback)(status);
}

Status Producer::produce(std::string_view topic, int32_t partition,
                         std::optional<std::string_view> key, std::optional<std::string_view> value,
                         const std::vector<ProduceHeader>& headers, int64_t timestamp_ms,
                         DeliveryCallback on_delivery) {
  HeadersPtr hdrs;
  if (!headers.empty()) {
    hdrs.reset(rd_kafka_headers_new(headers.size()));
    for (const auto& h : headers) {
      rd_kafka_header_add(hdrs.get(), h.key.data(), static_cast<ssize_t>(h.key.size()),
                          h.value ? h.value->data() : nullptr,
                          h.value ? static_cast<ssize_t>(h.value->size()) : 0);
    }
  }
  std::string topic_name(topic);
  auto callback =
      on_delivery ? std::make_unique<DeliveryCallback>(std::move(on_delivery)) : nullptr;
  // rd_kafka_produceva takes the same fields as rd_kafka_producev without varargs macros.
  // RD_KAFKA_MSG_F_COPY: librdkafka copies key and value, so the casts below never write.
  rd_kafka_vu_t vus[7];
  vus[0].vtype = RD_KAFKA_VTYPE_TOPIC;
  vus[0].u.cstr = topic_name.c_str();
  vus[1].vtype = RD_KAFKA_VTYPE_PARTITION;
  vus[1].u.i32 = partition;
  vus[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vus[2].u.i = RD_KAFKA_MSG_F_COPY;
  vus[3].vtype = RD_KAFKA_VTYPE_KEY;
  vus[3].u.mem = {key ? const_cast<char*>(key->data()) : nullptr, key ? key->size() : 0};
  vus[4].vtype = RD_KAFKA_VTYPE_VALUE;
  vus[4].u.mem = {value ? const_cast<char*>(value->data()) : nullptr, value ? value->size() : 0};
  vus[5].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
  vus[5].u.i64 = timestamp_ms;
  vus[6].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vus[6].u.ptr = callback.get();
  size_t count = 7;
  rd_kafka_vu_t with_headers[8];
  rd_kafka_vu_t* args = vus;
  if (hdrs) {
    std::copy(std::begin(vus), std::end(vus), with_headers);
    with_headers[7].vtype = RD_KAFKA_VTYPE_HEADERS;
    with_headers[7].u.headers = hdrs.get();
    args = with_headers;
    count = 8;
  }
  while (true) {
    KafkaErrorPtr error(rd_kafka_produceva(rk_.get(), args, count));
    auto err = error ? rd_kafka_error_code(error.get()) : RD_KAFKA_RESP_ERR_NO_ERROR;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      (void)hdrs.release();      // owned by the message now
      (void)callback.release();  // freed by on_delivery_report
      return ok();
    }
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      return tl::unexpected(to_error(err, "producing to " + topic_name));
    rd_kafka_poll(rk_.get(), 50);
  }
}

void Producer::poll(std::chrono::milliseconds timeout) {
  rd_kafka_poll(rk_.get(), static_cast<int>(timeout.count()));
}

Status Producer::flush(std::chrono::milliseconds timeout) {
  auto err = rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count()));
  if (err) return tl::unexpected(to_error(err, "flushing producer"));
  return ok();
}

}  // namespace kc::kafka
