#include "runtime/kafka/admin.h"

#include <fmt/format.h>

#include "runtime/kafka/errors.h"

namespace kc::kafka {
namespace {

// A result object's own error (not owned: it lives in the event).
Error group_error(const rd_kafka_error_t* error, std::string_view context) {
  Error base = to_error(rd_kafka_error_code(error), context);
  return Error(base.code(), fmt::format("{}: {}", context, rd_kafka_error_string(error)),
               base.retriable() ? Retry::kYes : Retry::kNo);
}

// The one group in a group-offsets result; its partitions' own errors fail the call.
Result<const rd_kafka_group_result_t*> single_group(const rd_kafka_group_result_t** groups,
                                                    size_t count, std::string_view context) {
  if (count != 1 || !groups[0])
    return make_error(Errc::kProtocol, "{}: unexpected response", context);
  if (const auto* error = rd_kafka_group_result_error(groups[0]))
    return tl::unexpected(group_error(error, context));
  if (const auto* parts = rd_kafka_group_result_partitions(groups[0])) {
    for (int i = 0; i < parts->cnt; ++i) {
      if (parts->elems[i].err) {
        return tl::unexpected(to_error(parts->elems[i].err,
                                       fmt::format("{} ({} [{}])", context, parts->elems[i].topic,
                                                   parts->elems[i].partition)));
      }
    }
  }
  return groups[0];
}

}  // namespace

Result<std::unique_ptr<Admin>> Admin::create(const Properties& properties) {
  KC_ASSIGN_OR_RETURN(auto conf, make_conf(properties));
  auto admin = std::make_unique<Admin>(Private{});
  char errstr[512];
  admin->rk_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr));
  if (!admin->rk_) return make_error(Errc::kInvalidConfig, "creating admin client: {}", errstr);
  (void)conf.release();  // owned by the handle
  return admin;
}

Admin::~Admin() = default;

AdminOptionsPtr Admin::options(rd_kafka_admin_op_t op, std::chrono::milliseconds timeout) const {
  AdminOptionsPtr opts(rd_kafka_AdminOptions_new(rk_.get(), op));
  char errstr[256];
  auto ms = static_cast<int>(timeout.count());
  (void)rd_kafka_AdminOptions_set_request_timeout(opts.get(), ms, errstr, sizeof errstr);
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS)
    (void)rd_kafka_AdminOptions_set_operation_timeout(opts.get(), ms, errstr, sizeof errstr);
  return opts;
}

Result<EventPtr> Admin::await(rd_kafka_queue_t* queue, std::chrono::milliseconds timeout,
                              std::string_view what) {
  // The request timeout is set on the options; give librdkafka a little longer to report it.
  EventPtr event(rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 1000));
  if (!event) {
    return tl::unexpected(Error(Errc::kTimeout,
                                fmt::format("{}: no answer within {} ms", what, timeout.count()),
                                Retry::kYes));
  }
  if (auto err = rd_kafka_event_error(event.get())) {
    Error base = to_error(err, what);
    return tl::unexpected(
        Error(base.code(), fmt::format("{}: {}", what, rd_kafka_event_error_string(event.get())),
              base.retriable() ? Retry::kYes : Retry::kNo));
  }
  return event;
}

Result<std::map<std::string, int>> Admin::list_topics(std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  auto err = rd_kafka_metadata(rk_.get(), 1, nullptr, &raw, static_cast<int>(timeout.count()));
  if (err) return tl::unexpected(to_error(err, "listing topics"));
  MetadataPtr metadata(raw);
  std::map<std::string, int> topics;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const auto& t = metadata->topics[i];
    if (t.err == RD_KAFKA_RESP_ERR_NO_ERROR) topics[t.topic] = t.partition_cnt;
  }
  return topics;
}

Status Admin::create_topic(const std::string& name, int partitions, int replication_factor,
                           std::chrono::milliseconds timeout) {
  char errstr[512];
  NewTopicPtr topic(
      rd_kafka_NewTopic_new(name.c_str(), partitions, replication_factor, errstr, sizeof errstr));
  if (!topic) return make_error(Errc::kInvalidArgument, "creating topic {}: {}", name, errstr);
  QueuePtr queue(rd_kafka_queue_new(rk_.get()));
  auto opts = options(RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout);
  rd_kafka_NewTopic_t* topics[] = {topic.get()};
  rd_kafka_CreateTopics(rk_.get(), topics, 1, opts.get(), queue.get());
  auto what = fmt::format("creating topic {}", name);
  KC_ASSIGN_OR_RETURN(auto event, await(queue.get(), timeout, what));
  size_t count = 0;
  const auto* results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()), &count);
  for (size_t i = 0; i < count; ++i) {
    auto err = rd_kafka_topic_result_error(results[i]);
    if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      const char* reason = rd_kafka_topic_result_error_string(results[i]);
      Error base = to_error(err, what);
      return tl::unexpected(
          Error(base.code(), fmt::format("{}: {}", what, reason ? reason : rd_kafka_err2str(err)),
                base.retriable() ? Retry::kYes : Retry::kNo));
    }
  }
  return ok();
}

Result<std::string> Admin::cluster_id(std::chrono::milliseconds timeout) {
  char* id = rd_kafka_clusterid(rk_.get(), static_cast<int>(timeout.count()));
  if (!id) {
    return tl::unexpected(
        Error(Errc::kTimeout, "reading the cluster id: no answer from the brokers", Retry::kYes));
  }
  std::string out = id;
  rd_kafka_mem_free(rk_.get(), id);
  return out;
}

Result<OffsetMap> Admin::group_offsets(const std::string& group,
                                       const std::optional<std::vector<TopicPartition>>& partitions,
                                       std::chrono::milliseconds timeout) {
  PartitionListPtr list;
  if (partitions) {
    if (partitions->empty()) return OffsetMap{};
    list = to_partition_list(*partitions);
  }
  ListGroupOffsetsPtr request(rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), list.get()));
  QueuePtr queue(rd_kafka_queue_new(rk_.get()));
  auto opts = options(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout);
  rd_kafka_ListConsumerGroupOffsets_t* requests[] = {request.get()};
  rd_kafka_ListConsumerGroupOffsets(rk_.get(), requests, 1, opts.get(), queue.get());
  auto what = fmt::format("listing offsets of group {}", group);
  KC_ASSIGN_OR_RETURN(auto event, await(queue.get(), timeout, what));
  size_t count = 0;
  const auto** groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
      rd_kafka_event_ListConsumerGroupOffsets_result(event.get()), &count);
  KC_ASSIGN_OR_RETURN(auto result, single_group(groups, count, what));
  OffsetMap out;
  if (const auto* parts = rd_kafka_group_result_partitions(result)) {
    for (int i = 0; i < parts->cnt; ++i) {
      if (parts->elems[i].offset >= 0)
        out.push_back({{parts->elems[i].topic, parts->elems[i].partition}, parts->elems[i].offset});
    }
  }
  return out;
}

Status Admin::alter_group_offsets(const std::string& group, const OffsetMap& offsets,
                                  std::chrono::milliseconds timeout) {
  if (offsets.empty()) return ok();
  auto list = new_partition_list(static_cast<int>(offsets.size()));
  for (const auto& [tp, offset] : offsets)
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  AlterGroupOffsetsPtr request(rd_kafka_AlterConsumerGroupOffsets_new(group.c_str(), list.get()));
  QueuePtr queue(rd_kafka_queue_new(rk_.get()));
  auto opts = options(RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout);
  rd_kafka_AlterConsumerGroupOffsets_t* requests[] = {request.get()};
  rd_kafka_AlterConsumerGroupOffsets(rk_.get(), requests, 1, opts.get(), queue.get());
  auto what = fmt::format("altering offsets of group {}", group);
  KC_ASSIGN_OR_RETURN(auto event, await(queue.get(), timeout, what));
  size_t count = 0;
  const auto** groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
      rd_kafka_event_AlterConsumerGroupOffsets_result(event.get()), &count);
  KC_RETURN_IF_ERROR(single_group(groups, count, what));
  return ok();
}

Status Admin::delete_group_offsets(const std::string& group,
                                   const std::vector<TopicPartition>& partitions,
                                   std::chrono::milliseconds timeout) {
  if (partitions.empty()) return ok();
  auto list = to_partition_list(partitions);
  DeleteGroupOffsetsPtr request(rd_kafka_DeleteConsumerGroupOffsets_new(group.c_str(), list.get()));
  QueuePtr queue(rd_kafka_queue_new(rk_.get()));
  auto opts = options(RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, timeout);
  rd_kafka_DeleteConsumerGroupOffsets_t* requests[] = {request.get()};
  rd_kafka_DeleteConsumerGroupOffsets(rk_.get(), requests, 1, opts.get(), queue.get());
  auto what = fmt::format("deleting offsets of group {}", group);
  KC_ASSIGN_OR_RETURN(auto event, await(queue.get(), timeout, what));
  size_t count = 0;
  const auto** groups = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
      rd_kafka_event_DeleteConsumerGroupOffsets_result(event.get()), &count);
  KC_RETURN_IF_ERROR(single_group(groups, count, what));
  return ok();
}

Status Admin::delete_group(const std::string& group, std::chrono::milliseconds timeout) {
  DeleteGroupPtr request(rd_kafka_DeleteGroup_new(group.c_str()));
  QueuePtr queue(rd_kafka_queue_new(rk_.get()));
  auto opts = options(RD_KAFKA_ADMIN_OP_DELETEGROUPS, timeout);
  rd_kafka_DeleteGroup_t* requests[] = {request.get()};
  rd_kafka_DeleteGroups(rk_.get(), requests, 1, opts.get(), queue.get());
  auto what = fmt::format("deleting group {}", group);
  KC_ASSIGN_OR_RETURN(auto event, await(queue.get(), timeout, what));
  size_t count = 0;
  const auto** groups =
      rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(event.get()), &count);
  if (count == 1 && groups[0]) {
    const auto* error = rd_kafka_group_result_error(groups[0]);
    if (error && rd_kafka_error_code(error) != RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND)
      return tl::unexpected(group_error(error, what));
  }
  return ok();
}

}  // namespace kc::kafka
