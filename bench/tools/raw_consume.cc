// The baseline: librdkafka's high-level consumer in a tight loop, with the same consumer settings
// kconnect uses by default (group, cooperative-sticky, 16 MiB prefetch), no conversion, no sink,
// one commit at the end. Prints the same JSON summary line as `kconnect-runtime standalone
// --exit-when-caught-up`.
//
//   bench-raw-consume BOOTSTRAP TOPIC RECORDS GROUP

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <librdkafka/rdkafka.h>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: bench-raw-consume BOOTSTRAP TOPIC RECORDS GROUP\n");
    return 2;
  }
  long long want = std::atoll(argv[3]);
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::pair<const char*, const char*> props[] = {
      {"bootstrap.servers", argv[1]},
      {"group.id", argv[4]},
      {"auto.offset.reset", "earliest"},
      {"enable.auto.commit", "false"},
      {"isolation.level", "read_uncommitted"},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"queued.max.messages.kbytes", "16384"},
  };
  for (auto [k, v] : props) {
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "%s: %s\n", k, err);
      return 1;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, argv[2], RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  long long got = 0;
  std::chrono::steady_clock::time_point first;
  while (got < want) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (!m->err) {
      if (got++ == 0) first = std::chrono::steady_clock::now();
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_commit(rk, nullptr, 0);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - first).count();
  std::printf("{\"records\":%lld,\"seconds_since_first_record\":%.3f}\n", got, seconds);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return 0;
}
