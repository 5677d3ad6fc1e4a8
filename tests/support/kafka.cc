#include "tests/support/kafka.h"

#include <thread>

#include <gtest/gtest.h>

#include "runtime/kafka/errors.h"
#include "runtime/kafka/handles.h"

namespace kc::testing {

void produce(const std::string& bootstrap, const std::string& topic, int count,
             const std::function<std::string(int)>& value,
             const std::function<std::optional<std::string>(int)>& key, int32_t partition,
             const kafka::Properties& extra) {
  kafka::Properties props = {{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}};
  props.insert(props.end(), extra.begin(), extra.end());
  auto producer = kafka::Producer::create(props);
  ASSERT_TRUE(producer) << producer.error().to_string();
  for (int i = 0; i < count; ++i) {
    std::string v = value(i);
    std::optional<std::string> k = key ? key(i) : std::nullopt;
    std::optional<std::string_view> kv;
    if (k) kv = *k;
    auto st = (*producer)->produce(topic, partition, kv, v);
    ASSERT_TRUE(st) << st.error().to_string();
  }
  auto st = (*producer)->flush(std::chrono::seconds(30));
  ASSERT_TRUE(st) << st.error().to_string();
  ASSERT_EQ((*producer)->failed(), 0u);
}

std::vector<ConsumedRecord> read_all(const std::string& bootstrap, const std::string& topic,
                                     size_t expected, std::chrono::milliseconds deadline,
                                     const kafka::Properties& extra) {
  std::vector<ConsumedRecord> out;
  kafka::Properties props = {{"bootstrap.servers", bootstrap},
                             {"group.id", "kc-test-reader"},
                             {"enable.auto.commit", "false"},
                             {"auto.offset.reset", "earliest"}};
  props.insert(props.end(), extra.begin(), extra.end());
  auto conf = kafka::make_conf(props);
  EXPECT_TRUE(conf) << conf.error().to_string();
  if (!conf) return out;
  char errstr[512];
  kafka::KafkaPtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr));
  EXPECT_TRUE(rk) << errstr;
  if (!rk) return out;
  conf->release();
  rd_kafka_poll_set_consumer(rk.get());
  // Manual assignment of every partition from the beginning: no group join needed.
  const rd_kafka_metadata_t* md = nullptr;
  auto end = std::chrono::steady_clock::now() + deadline;
  int partitions = 0;
  while (std::chrono::steady_clock::now() < end) {
    rd_kafka_topic_t* t = rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr);
    auto err = rd_kafka_metadata(rk.get(), 0, t, &md, 5000);
    rd_kafka_topic_destroy(t);
    if (!err && md->topic_cnt == 1 && !md->topics[0].err) {
      partitions = md->topics[0].partition_cnt;
      rd_kafka_metadata_destroy(md);
      break;
    }
    if (!err) rd_kafka_metadata_destroy(md);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto list = kafka::new_partition_list(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk.get(), list.get());
  while (out.size() < expected && std::chrono::steady_clock::now() < end) {
    kafka::MessagePtr msg(rd_kafka_consumer_poll(rk.get(), 100));
    if (!msg || msg->err) continue;
    ConsumedRecord r;
    r.topic = rd_kafka_topic_name(msg->rkt);
    r.partition = msg->partition;
    r.offset = msg->offset;
    r.timestamp = rd_kafka_message_timestamp(msg.get(), nullptr);
    if (msg->key) r.key = std::string(static_cast<const char*>(msg->key), msg->key_len);
    if (msg->payload) r.value = std::string(static_cast<const char*>(msg->payload), msg->len);
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(msg.get(), &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name;
      const void* val;
      size_t size;
      for (size_t i = 0; !rd_kafka_header_get_all(hdrs, i, &name, &val, &size); ++i) {
        r.headers.push_back({name, val ? std::optional<std::string>(
                                             std::string(static_cast<const char*>(val), size))
                                       : std::nullopt});
      }
    }
    out.push_back(std::move(r));
  }
  rd_kafka_consumer_close(rk.get());
  return out;
}

std::map<int32_t, int64_t> committed_offsets(const std::string& bootstrap, const std::string& group,
                                             const std::string& topic, int partitions) {
  std::map<int32_t, int64_t> out;
  auto conf = kafka::make_conf({{"bootstrap.servers", bootstrap}, {"group.id", group}});
  EXPECT_TRUE(conf);
  char errstr[512];
  kafka::KafkaPtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr));
  EXPECT_TRUE(rk) << errstr;
  conf->release();
  auto list = kafka::new_partition_list(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  auto err = rd_kafka_committed(rk.get(), list.get(), 10000);
  EXPECT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
  for (int i = 0; i < list->cnt; ++i) out[list->elems[i].partition] = list->elems[i].offset;
  rd_kafka_consumer_close(rk.get());
  return out;
}

std::string process_worker_properties(const std::string& bootstrap) {
  return "bootstrap.servers=" + bootstrap +
         "\n"
         "listeners=http://127.0.0.1:0\n"
         "key.converter=org.apache.kafka.connect.storage.StringConverter\n"
         "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
         "value.converter.schemas.enable=false\n"
         "offset.flush.interval.ms=200\n"
         "consumer.session.timeout.ms=6000\n"
         "consumer.heartbeat.interval.ms=500\n";
}

}  // namespace kc::testing
